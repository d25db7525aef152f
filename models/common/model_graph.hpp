// ModelGraph: one pass of a transformer model (ModelSpec) as operations with shapes, bytes, FLOPs
// and dependencies (DESIGN.md "Models"): per layer the norm, the Q/K/V projections (GEMMs), RoPE,
// the append of the new keys and values to the KV cache, the attention, the output projection, the
// residual, the second norm, the FFN (GELU: up, activation, down; SwiGLU: gate and up, SiLU x up,
// down) and the second residual. A prefill pass runs `tokens` = the prompt per sequence against
// itself; a decode step runs one new token per sequence against the `context` tokens already in
// the cache plus itself. With GQA (kv_heads < heads) a key/value head is read once for its group of
// query heads by an engine that shares it; `kv_bytes_read_ungrouped` is what reading it once per
// query head would cost. The testbench turns the graph into tasks; the engines price the ops. Pure
// C++.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/common/model_spec.hpp"

namespace savp::common {

struct ModelOp {
  enum class Kind { Gemm, Attention, Vector };
  Kind kind = Kind::Vector;
  std::string name;  // "layer<l>.<op>", e.g. "layer3.q_proj"
  std::uint64_t layer = 0;
  std::uint64_t m = 0, n = 0, k = 0;                // GEMM: (m x k) x (k x n)
  std::uint64_t q_len = 0, kv_len = 0;              // attention: queries and keys per sequence
  std::uint64_t elements = 0;                       // vector op: elements it touches
  double flops = 0;                                 // multiply-adds count 2
  std::uint64_t bytes_read = 0, bytes_written = 0;  // operands and results at the element size
  std::vector<std::size_t> deps;                    // indices of the ops it waits for
};

struct ModelGraph {
  std::vector<ModelOp> ops;
  std::uint64_t weight_bytes = 0;             // the layers' projection and FFN weights
  std::uint64_t kv_cache_bytes = 0;           // the cache after this pass (all layers, all sequences)
  std::uint64_t kv_bytes_read = 0;            // cache bytes the attention reads (each K/V head once)
  std::uint64_t kv_bytes_read_ungrouped = 0;  // the same if each query head read its K/V head
  double flops() const;
};

// Keys one query sees on average under `pattern` with q_len new queries at the end of kv_len keys
// (a prefill: q_len = kv_len; a decode step: q_len = 1).
double mean_visible_keys(const AttentionPattern& pattern, std::uint64_t q_len, std::uint64_t kv_len);

// One pass: tokens new tokens per sequence (the prompt, or 1 for a decode step) after `context`
// tokens already in the cache, for `batch` sequences, at elem_bytes per element.
ModelGraph model_graph(const ModelSpec& model, std::uint64_t batch, std::uint64_t tokens,
                       std::uint64_t context, std::uint32_t elem_bytes);

}  // namespace savp::common
