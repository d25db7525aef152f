// ModelReference: a whole transformer model (ModelSpec, ModelWeights) in double precision, the
// reference the model workload checks the engines' hidden states against after every layer. Each
// layer is pre-norm (GPT-2, Llama) or post-norm (BERT, RoBERTa), as ModelSpec::norm_position says:
//   pre:  h = x + o_proj(attn(norm1(x)));  out = h + ffn(norm2(h))
//   post: h = norm1(x + o_proj(attn(x)));  out = norm2(h + ffn(h))
//   ffn: GELU down(gelu(up(x))), SwiGLU down(silu_mul(gate(x), up(x)))
// with the projections x W (no biases), RoPE on Q and K after their projections when positions are
// rope (learned positions are already in the input embeddings), and per query head h the attention
// softmax(Q K^T / sqrt(head_dim)) V against key/value head h / (heads / kv_heads) under the model's
// AttentionPattern, over the keys at absolute positions 0 .. the query's own (or all of the cache
// when the pattern is not causal). The ops are those of model_ops.hpp and attention_reference.hpp.
//
// run(x, tokens) takes `tokens` new tokens per sequence, appends their keys and values to a cache
// kept per layer, per sequence and per key/value head, and answers the hidden state after every
// layer: a prefill is run(x, T), each decode step run(x_step, 1). Pure C++.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/common/attention_reference.hpp"
#include "models/common/model_ops.hpp"
#include "models/common/model_spec.hpp"
#include "models/common/model_weights.hpp"

namespace savp::common {

class ModelReference {
 public:
  // `weights` must outlive the reference (it is not copied). Throws std::invalid_argument when a
  // weight's shape does not fit `spec` or batch is 0.
  ModelReference(const ModelSpec& spec, const ModelWeights& weights, std::uint64_t batch);

  // x: batch x tokens rows (sequence-major: row s * tokens + t is token t of sequence s, at absolute
  // position cache_length() + t), hidden columns. Returns one matrix per layer, the hidden state
  // after it, of x's shape. Throws std::invalid_argument on a wrong shape, tokens = 0, or a cache
  // that would grow past max_positions.
  std::vector<MatrixD> run(const MatrixD& x, std::uint64_t tokens);

  // One query head's attention in place of the model's softmax: q (tokens x head_dim, the first at
  // absolute position `offset`) over its K/V head's cache k, v (offset + tokens rows); returns
  // tokens x head_dim. Set when the mapped engine computes another function (CHELA's linear
  // attention), so that the reference is the model the hardware runs; unset: softmax as above.
  using AttentionFn =
      std::function<MatrixD(const MatrixD& q, const MatrixD& k, const MatrixD& v, std::uint64_t offset)>;
  void set_attention(AttentionFn f) { attention_ = std::move(f); }

  const ModelSpec& spec() const { return spec_; }
  std::uint64_t batch() const { return batch_; }
  // Tokens per sequence in the cache (the positions run so far).
  std::uint64_t cache_length() const { return length_; }
  // The keys (after RoPE) and values of (layer, sequence, key/value head): cache_length() x head_dim.
  const MatrixD& k_cache(std::uint64_t layer, std::uint64_t sequence, std::uint64_t kv_head) const;
  const MatrixD& v_cache(std::uint64_t layer, std::uint64_t sequence, std::uint64_t kv_head) const;

 private:
  std::size_t cache_index(std::uint64_t layer, std::uint64_t sequence, std::uint64_t kv_head) const;
  MatrixD norm(const MatrixD& x, const std::vector<double>& gamma, const std::vector<double>& beta) const;

  ModelSpec spec_;
  const ModelWeights& weights_;
  std::uint64_t batch_;
  std::uint64_t length_ = 0;
  std::vector<MatrixD> k_, v_;  // by cache_index
  AttentionFn attention_;
};

}  // namespace savp::common
