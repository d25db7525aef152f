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

// ModelLayer: one layer of a whole model for one sequence in one pass (a prefill's prompt or one
// decode step): the engine appends the pass's new K/V rows to the cache in its own format, runs
// every surviving head and carries the cascade state in a per-sequence state region
// (spatten_model_state.hpp).
enum class SpattenMode : std::uint32_t { Summarise = 0, Generate = 1, Trace = 2, ModelLayer = 3 };

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
  // ModelLayer: `layers` is the model's (the schedules'), `model_layer` this job's layer; K/V regions
  // and scales are indexed by kv head (head / kv_group); Q and output rows by position - first_query;
  // the new K/V rows (fp16, new_row_stride bytes apart) at knew_base / vnew_base + kv head * head_dim
  // * 2; the scales are (K, V) per kv head; state_addr the sequence's cascade state of
  // state_tokens positions; fresh: the sequence's first layer (all tokens and heads, no state read);
  // causal: a prefill's query sees keys up to its own position.
  std::uint32_t model_layer = 0, kv_group = 1;
  std::uint64_t state_addr = 0, state_tokens = 0, knew_base = 0, vnew_base = 0, new_row_stride = 0;
  bool fresh = false, causal = false;

  static constexpr std::size_t kBytes = 32 * 8;
  std::vector<std::uint8_t> serialise() const;
  // Throws std::runtime_error on a bad magic word (a protocol error, not user input).
  static SpattenJob deserialise(const std::uint8_t* in, std::size_t n);

  std::uint64_t head_index(std::uint32_t layer, std::uint32_t head) const {
    return std::uint64_t{layer} * heads + head;
  }
  // The K/V region (and scale) index of a query head.
  std::uint64_t kv_index(std::uint32_t layer, std::uint32_t head) const {
    return mode == SpattenMode::ModelLayer ? head / kv_group : head_index(layer, head);
  }
  // A query position's row in the Q and output regions.
  std::uint64_t query_row(std::uint64_t position) const {
    return mode == SpattenMode::ModelLayer ? position - first_query : position;
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
