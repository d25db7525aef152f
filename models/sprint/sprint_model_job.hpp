// SprintModelJob: the in-memory job block of SPRINT's model form (JobKind::PrunedModel, descriptor
// addr_a): one job per (sequence, layer, pass) covering every head of the layer. The engine appends
// the pass's new K/V rows to the cache in its own format (K MSB codes into the transposable ReRAM
// arrays of each K/V head, through the PIM window, a timed and priced ReRAM write; K LSBs packed and
// V codes into the DRAM cache block), then runs every query head of the K/V head's group in turn
// against the same crossbar rows (SPRINT stores K per K/V head: one copy, one write), each query
// scored in memory, thresholded, and its kept keys fetched and recomputed on chip as the single-head
// job does. Scales and thresholds live in a per-sequence state region: per layer, (K scale, V scale)
// per K/V head then one threshold per query head (real score units: q . k_msb), set by the prefill
// and read by every decode step. Fixed little-endian layout (64-bit words).
#pragma once

#include <cstdint>
#include <vector>

namespace savp::sprint {

struct SprintModelJob {
  static constexpr std::uint64_t kMagic = 0x31424f4a4e525053ull;  // "SPRNJOB1"
  std::uint32_t heads = 1, kv_heads = 1, head_dim = 64;
  std::uint64_t tokens = 0;   // new tokens of the pass (queries per head)
  std::uint64_t context = 0;  // positions already in the cache (the first query's position)
  double softmax_scale = 0.125;
  bool causal = false;
  bool prefill = true;  // scales and thresholds are set (else read from the state)
  // Q (fp16) and output (fp32) of query head h: base + h x stride, rows by position - context.
  std::uint64_t q_base = 0, q_stride = 0, out_base = 0, out_stride = 0;
  // The new K/V rows (fp16, new_row_stride bytes apart) at base + kv head x head_dim x 2.
  std::uint64_t knew_base = 0, vnew_base = 0, new_row_stride = 0;
  // Cache blocks of K/V head g: the ReRAM array (MSB codes, one byte per element, head_dim per key)
  // at pim_base + g x pim_stride; LSBs at lsb_base + g x cache_stride; V codes at v_base + ...
  std::uint64_t pim_base = 0, pim_stride = 0, lsb_base = 0, v_base = 0, cache_stride = 0;
  std::uint64_t state_addr = 0;  // this layer's record (record_bytes())

  static constexpr std::size_t kBytes = 24 * 8;
  std::vector<std::uint8_t> serialise() const;
  // Throws std::runtime_error on a bad magic word (a protocol error, not user input).
  static SprintModelJob deserialise(const std::uint8_t* in, std::size_t n);
  // Bytes of one layer's state record: (K, V scale) doubles per K/V head, a threshold per head.
  static std::uint64_t record_bytes(std::uint64_t heads, std::uint64_t kv_heads) {
    return kv_heads * 16 + heads * 8;
  }
};

}  // namespace savp::sprint
