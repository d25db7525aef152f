#include "models/common/model_weights.hpp"

#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "models/common/input_error.hpp"
#include "models/common/npy.hpp"
#include "models/common/random.hpp"

namespace savp::common {

namespace {

// Independent streams of derive_seed for the weights and the inputs.
constexpr std::uint64_t kWeightStream = 0x5745494748545300ull;  // "WEIGHTS"
constexpr std::uint64_t kInputStream = 0x494e505554530000ull;   // "INPUTS"

// The storage of tensor `name` in a layer (W: LayerWeights or const LayerWeights): a matrix or a
// vector, the other null.
template <typename W>
auto slot(W& w, const std::string& name) {
  struct Slot {
    decltype(&w.wq) matrix;
    decltype(&w.norm1_gamma) vector;
  };
  if (name == "wq") return Slot{&w.wq, nullptr};
  if (name == "wk") return Slot{&w.wk, nullptr};
  if (name == "wv") return Slot{&w.wv, nullptr};
  if (name == "wo") return Slot{&w.wo, nullptr};
  if (name == "w_up") return Slot{&w.w_up, nullptr};
  if (name == "w_gate") return Slot{&w.w_gate, nullptr};
  if (name == "w_down") return Slot{&w.w_down, nullptr};
  if (name == "norm1_gamma") return Slot{nullptr, &w.norm1_gamma};
  if (name == "norm1_beta") return Slot{nullptr, &w.norm1_beta};
  if (name == "norm2_gamma") return Slot{nullptr, &w.norm2_gamma};
  return Slot{nullptr, &w.norm2_beta};
}

std::string shape_str(const std::vector<std::size_t>& s) {
  std::string out = "(";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + (s.size() == 1 ? ",)" : ")");
}

std::vector<std::size_t> expected_shape(const WeightTensor& t) {
  if (t.cols == 0) return {static_cast<std::size_t>(t.rows)};
  return {static_cast<std::size_t>(t.rows), static_cast<std::size_t>(t.cols)};
}

// Reads one float32/float64 .npy of exactly `shape`; errors name the scenario and key, then the file.
NpyArray read_tensor(const std::string& file, const std::vector<std::size_t>& shape, const std::string& what,
                     const std::string& scenario_file, const std::string& json_path) {
  auto fail = [&](const std::string& where, const std::string& message) {
    throw InputError(scenario_file, json_path,
                     file + (where.empty() ? "" : " (" + where + ")") + ": " + message);
  };
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) fail("", "missing: " + what + " expected in this file");
  NpyArray a;
  try {
    a = read_npy(file);
  } catch (const InputError& e) {
    fail(e.path(), e.message());
  }
  if (a.dtype != "<f4" && a.dtype != "<f8") {
    fail("header", what + ": expected float32 or float64 ('<f4' or '<f8'), found dtype '" + a.dtype + "'");
  }
  if (a.shape != shape) {
    fail("shape", what + ": expected shape " + shape_str(shape) + ", found " + shape_str(a.shape));
  }
  for (double v : a.values) {
    if (!std::isfinite(v)) fail("data", what + " contains NaN or infinity");
  }
  return a;
}

std::string tensor_file(const std::string& dir, std::uint64_t layer, const std::string& name) {
  return (std::filesystem::path(dir) / ("layer" + std::to_string(layer) + "." + name + ".npy")).string();
}

}  // namespace

std::vector<WeightTensor> layer_tensors(const ModelSpec& s) {
  const std::uint64_t q = s.heads * s.head_dim, kv = s.kv_heads * s.head_dim;
  std::vector<WeightTensor> t = {{"wq", s.hidden, q},
                                 {"wk", s.hidden, kv},
                                 {"wv", s.hidden, kv},
                                 {"wo", q, s.hidden},
                                 {"w_up", s.hidden, s.ffn_hidden}};
  if (s.ffn == ModelSpec::Ffn::Swiglu) t.push_back({"w_gate", s.hidden, s.ffn_hidden});
  t.push_back({"w_down", s.ffn_hidden, s.hidden});
  const bool beta = s.norm == ModelSpec::Norm::LayerNorm;
  t.push_back({"norm1_gamma", s.hidden, 0});
  if (beta) t.push_back({"norm1_beta", s.hidden, 0});
  t.push_back({"norm2_gamma", s.hidden, 0});
  if (beta) t.push_back({"norm2_beta", s.hidden, 0});
  return t;
}

ModelWeights synthetic_weights(const ModelSpec& spec, std::uint64_t seed) {
  const auto tensors = layer_tensors(spec);
  const double residual_scale = 1.0 / std::sqrt(2.0 * static_cast<double>(spec.layers));
  ModelWeights w;
  w.layers.resize(spec.layers);
  for (std::uint64_t l = 0; l < spec.layers; ++l) {
    for (std::size_t i = 0; i < tensors.size(); ++i) {
      const WeightTensor& t = tensors[i];
      Rng rng(derive_seed(seed, kWeightStream, l, i));
      const auto s = slot(w.layers[l], t.name);
      if (s.matrix) {
        double sd = 1.0 / std::sqrt(static_cast<double>(t.rows));  // fan_in = rows of x W
        if (t.name == "wo" || t.name == "w_down") sd *= residual_scale;
        *s.matrix = MatrixD(t.rows, t.cols);
        for (double& x : s.matrix->data()) x = sd * rng.normal();
      } else {
        const bool gamma = t.name.find("gamma") != std::string::npos;
        s.vector->resize(t.rows);
        for (double& x : *s.vector) x = (gamma ? 1.0 : 0.0) + 0.05 * rng.normal();
      }
    }
  }
  return w;
}

MatrixD synthetic_inputs(const ModelSpec& spec, std::uint64_t rows, std::uint64_t seed) {
  MatrixD x(rows, spec.hidden);
  for (std::uint64_t r = 0; r < rows; ++r) {
    Rng rng(derive_seed(seed, kInputStream, r));
    double* xr = x.row(r);
    double sq = 0.0;
    for (std::uint64_t j = 0; j < spec.hidden; ++j) {
      xr[j] = rng.normal();
      sq += xr[j] * xr[j];
    }
    const double scale = 1.0 / std::sqrt(sq / static_cast<double>(spec.hidden));
    for (std::uint64_t j = 0; j < spec.hidden; ++j) xr[j] *= scale;
  }
  return x;
}

ModelWeights load_weights(const ModelSpec& spec, const std::string& dir, const std::string& scenario_file,
                          const std::string& json_path) {
  const auto tensors = layer_tensors(spec);
  ModelWeights w;
  w.layers.resize(spec.layers);
  for (std::uint64_t l = 0; l < spec.layers; ++l) {
    for (const WeightTensor& t : tensors) {
      const std::string what = "layer " + std::to_string(l) + " " + t.name;
      NpyArray a =
          read_tensor(tensor_file(dir, l, t.name), expected_shape(t), what, scenario_file, json_path);
      const auto s = slot(w.layers[l], t.name);
      if (s.matrix) {
        *s.matrix = npy_matrix(a);
      } else {
        *s.vector = std::move(a.values);
      }
    }
  }
  return w;
}

MatrixD load_inputs(const ModelSpec& spec, std::uint64_t rows, const std::string& file,
                    const std::string& scenario_file, const std::string& json_path) {
  const NpyArray a =
      read_tensor(file, {static_cast<std::size_t>(rows), static_cast<std::size_t>(spec.hidden)},
                  "token embeddings (batch x tokens, hidden)", scenario_file, json_path);
  return npy_matrix(a);
}

void save_weights(const ModelSpec& spec, const ModelWeights& weights, const std::string& dir) {
  const auto tensors = layer_tensors(spec);
  if (weights.layers.size() != spec.layers) throw std::invalid_argument("save_weights: one entry per layer");
  for (std::uint64_t l = 0; l < spec.layers; ++l) {
    for (const WeightTensor& t : tensors) {
      const auto s = slot(weights.layers[l], t.name);
      const std::string file = tensor_file(dir, l, t.name);
      if (s.matrix) {
        write_npy(file, *s.matrix);
      } else {
        write_npy(file, {s.vector->size()}, *s.vector);
      }
    }
  }
}

}  // namespace savp::common
