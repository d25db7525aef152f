// SpattenJob: the in-memory job block a SpAtten job descriptor points to (JobKind::PrunedModel,
// descriptor addr_a). One block describes a whole multi-layer, multi-head job, because cascade
// pruning carries state across heads, layers and generation steps. It says what to run
// (summarisation, generation, or the replay of a recorded pruning trace), the shapes, the DRAM
// format of K and V (progressive-quantisation bit split), where every (layer, head) region lives,
// the per-head quantisation scales, the decision log the engine writes (surviving tokens and heads
// of every layer), and, for replays, the trace's command rows. Fixed little-endian layout so an RTL
// testbench can read the same bytes.
#pragma once

#include <cstdint>
#include <vector>

namespace savp::spatten {

enum class SpattenMode : std::uint32_t { Summarise = 0, Generate = 1, Trace = 2 };

// One replayed trace row (one generation step, layer and head): 32 bytes in memory.
struct TraceCommand {
  std::uint32_t iteration = 0, layer = 0, head = 0;
  std::uint32_t seq_len = 0, keys = 0, values = 0;
  std::int32_t key_bits = -1, value_bits = -1, query_bits = -1, extra_bits = 0;
  bool requant = false, topk = false;
  std::uint32_t topk_k = 0;
  static constexpr std::size_t kBytes = 32;
  void serialise(std::uint8_t* out) const;
  static TraceCommand deserialise(const std::uint8_t* in);
};

struct SpattenJob {
  static constexpr std::uint64_t kMagic = 0x31424f4a54415053ull;  // "SPATJOB1"
  SpattenMode mode = SpattenMode::Summarise;
  std::uint32_t layers = 1, heads = 1, head_dim = 64, value_dim = 64;
  std::uint64_t seq_len = 0;      // tokens of the workload (generation: prompt + generated)
  std::uint64_t first_query = 0;  // generation: position of the first generated token
  double softmax_scale = 0.125;
  bool quantised = true;  // K/V stored as MSB/LSB integer parts; false: fp32
  std::uint32_t key_msb = 6, key_lsb = 4, value_bits = 6;
  // Regions: base + (layer * heads + head) * stride; rows inside a region at the row sizes below.
  std::uint64_t q_base = 0, k_msb_base = 0, k_lsb_base = 0, v_base = 0, out_base = 0;
  std::uint64_t q_stride = 0, k_msb_stride = 0, k_lsb_stride = 0, v_stride = 0, out_stride = 0;
  std::uint64_t scales_addr = 0;  // per (layer, head): K scale, V scale (doubles)
  std::uint64_t log_addr = 0;     // decision log, log_entry_bytes() per (step, layer)
  std::uint64_t trace_addr = 0, trace_rows = 0, trace_steps = 0;

  static constexpr std::size_t kBytes = 32 * 8;
  std::vector<std::uint8_t> serialise() const;
  // Throws std::runtime_error on a bad magic word (a protocol error, not user input).
  static SpattenJob deserialise(const std::uint8_t* in, std::size_t n);

  std::uint64_t head_index(std::uint32_t layer, std::uint32_t head) const {
    return std::uint64_t{layer} * heads + head;
  }
  // Bytes of one token's row in each region.
  std::uint64_t q_row_bytes() const { return std::uint64_t{head_dim} * 2; }  // fp16
  std::uint64_t k_msb_row_bytes() const;
  std::uint64_t k_lsb_row_bytes() const;
  std::uint64_t v_row_bytes() const;
  std::uint64_t out_row_bytes() const { return std::uint64_t{value_dim} * 4; }  // fp32
  std::uint64_t steps() const;  // generation steps (1 for summarisation)
  // Decision log entry: u32 tokens, u32 heads, head bitmask (u64 words), u32 token indices.
  std::uint64_t log_mask_words() const { return (heads + 63) / 64; }
  std::uint64_t log_entry_bytes() const { return (8 + 8 * log_mask_words() + 4 * seq_len + 63) / 64 * 64; }
};

}  // namespace savp::spatten
