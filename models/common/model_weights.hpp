// ModelWeights: the weights of a transformer model's layers (ModelSpec), as the model workload
// stages them in memory and the double-precision reference (model_reference.hpp) applies them. The
// projections are x W with W of shape (in, out), no biases: wq (hidden x heads*head_dim), wk and wv
// (hidden x kv_heads*head_dim), wo (heads*head_dim x hidden), w_up and (SwiGLU) w_gate (hidden x
// ffn_hidden), w_down (ffn_hidden x hidden); per norm a gamma and (layernorm) a beta of hidden
// values. Embeddings and the output head are not part of the layers and not modelled.
//
// Synthetic weights are seeded and deterministic on every platform (derive_seed per layer and
// tensor, our own Gaussian), scaled so that the hidden state stays in range through any depth:
// N(0, 1/fan_in) entries, the residual branches' output projections (wo, w_down) further scaled by
// 1/sqrt(2 layers) so that the 2 x layers branch outputs add up to about one unit of variance;
// gammas 1 + N(0, 0.05^2), betas N(0, 0.05^2). Queries and keys then have unit-variance entries and
// the scores q.k/sqrt(head_dim) unit variance: attention that is neither one-hot nor uniform.
//
// Weights from files: one .npy per tensor, `<dir>/layer<l>.<tensor>.npy` (tensor one of wq wk wv wo
// w_up w_gate w_down norm1_gamma norm1_beta norm2_gamma norm2_beta), float32 or float64, matrices
// 2-D of the shapes above, gammas and betas 1-D (hidden,). Pure C++.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/common/model_spec.hpp"
#include "models/common/tensor.hpp"

namespace savp::common {

struct LayerWeights {
  MatrixD wq, wk, wv, wo;
  MatrixD w_up, w_gate, w_down;  // w_gate empty unless the FFN is SwiGLU
  std::vector<double> norm1_gamma, norm1_beta, norm2_gamma, norm2_beta;  // betas empty for rmsnorm
};

struct ModelWeights {
  std::vector<LayerWeights> layers;
};

// The tensors one layer of `spec` has, in file order, with their shapes (cols 0: a vector of rows).
struct WeightTensor {
  std::string name;  // "wq", ..., "norm2_beta": the file is layer<l>.<name>.npy
  std::uint64_t rows = 0, cols = 0;
};
std::vector<WeightTensor> layer_tensors(const ModelSpec& spec);

ModelWeights synthetic_weights(const ModelSpec& spec, std::uint64_t seed);

// Token embeddings: rows x hidden (rows = batch x tokens, sequence-major), Gaussian, each row scaled
// to unit RMS. Row r depends only on (seed, r), so a longer run extends a shorter one.
MatrixD synthetic_inputs(const ModelSpec& spec, std::uint64_t rows, std::uint64_t seed);

// Loads every tensor of every layer from `dir`. Errors are InputError naming scenario_file and
// json_path (the scenario key that named the directory), then the .npy file and what is wrong: a
// missing file, a dtype other than float32/float64, the expected against the found shape, NaN or
// infinity (and read_npy's own refusals, with their place in the file).
ModelWeights load_weights(const ModelSpec& spec, const std::string& dir, const std::string& scenario_file,
                          const std::string& json_path);

// Token embeddings from one .npy file of shape (rows, hidden), errors as load_weights.
MatrixD load_inputs(const ModelSpec& spec, std::uint64_t rows, const std::string& file,
                    const std::string& scenario_file, const std::string& json_path);

// Writes every tensor as float64 .npy files that load_weights reads back (the directory must exist).
void save_weights(const ModelSpec& spec, const ModelWeights& weights, const std::string& dir);

}  // namespace savp::common
