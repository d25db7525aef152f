// CHELA's model form (SAVP's own format; the paper defines no hardware): the job block of one layer
// of a model's linear attention for the query heads that share one K/V head (JobKind::LinearModel;
// the descriptor's addr_a points to it), and the layout of the recurrent state the engine keeps in
// memory between passes in place of a KV cache: per (layer, K/V head) the d x (d_v + 1) fp32 state
// S = sum phi(k)^T [v | 1] (the last column is the normaliser), row-major, 64-byte aligned.
// A prefill runs the chunked form over the prompt from a zero state and writes the final state; a
// decode step reads the state, runs one token (its intra-chunk term is phi(q) phi(k)^T v', the
// update phi(k)^T v'), and writes it back.
#pragma once

#include <cstdint>
#include <vector>

namespace savp::chela {

struct ChelaModelBlock {
  static constexpr std::uint64_t kMagic = 0x314d4c4548434d53ull;  // "SMCHELM1"
  static constexpr std::size_t kBytes = 13 * 8;
  std::uint64_t heads = 1;               // query heads in the job (one K/V head's group)
  std::uint64_t causal = 1;              // causal attention over the pass's tokens (a decode step: 1)
  std::uint64_t load_state = 0;          // 1: start from the state in memory (a decode step), 0: zero
  std::uint64_t q_base = 0;              // Q of head i: q_base + i * q_head_stride, rows x d contiguous
  std::uint64_t q_head_stride = 0;       // bytes
  std::uint64_t k_base = 0, v_base = 0;  // row t of K (V): base + t * kv_row_stride, d elements
  std::uint64_t kv_row_stride = 0;       // bytes between consecutive tokens' rows
  std::uint64_t out_base = 0;            // output of head i: out_base + i * out_head_stride, fp32
  std::uint64_t out_head_stride = 0;     // bytes
  std::uint64_t state_addr = 0;          // the (layer, K/V head) state, fp32
  std::uint64_t context = 0;             // tokens the state holds before the pass (reported)
  std::vector<std::uint8_t> serialise() const;
  static ChelaModelBlock deserialise(const std::uint8_t* bytes);  // std::runtime_error on a bad magic
};

// Bytes of one (layer, K/V head) state: d x (d_v + 1) fp32 (d_v without the normaliser), rounded
// up to 64 bytes.
std::uint64_t model_state_bytes(std::uint64_t d, std::uint64_t dv, bool normalise);

}  // namespace savp::chela
