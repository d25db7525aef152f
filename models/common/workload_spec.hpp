// WorkloadSpec: what the host runs, as a scenario gives it (the "workload" object). Attention jobs
// (batch x layers x heads heads of seq_len x head_dim, an attention pattern, data from the seeded
// synthetic generator or from .npy files) or one plain GEMM (M, N, K) for calibrating arrays.
// Validation here covers the workload alone; engine limits are checked by the engine at plan time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/common/attention_pattern.hpp"
#include "models/common/json_reader.hpp"
#include "models/common/npy.hpp"
#include "models/common/workload_generator.hpp"

namespace savp::common {

// An attention pattern object (causal, window, dilation, global_tokens, window_2d), as a workload's
// "pattern" and a model's "attention" give it; unknown keys refused.
AttentionPattern parse_attention_pattern(JsonNode node);

struct WorkloadSpec {
  enum class Kind { Attention, Gemm, Traffic };
  Kind kind = Kind::Attention;
  std::uint32_t accelerator = 0;  // index into platform.accelerators
  // "numerics": "on" (default) computes and checks every output; "off" runs timing-only jobs (the
  // same transactions, cycles and energy; no operand bytes generated, stored, moved or checked).
  bool numerics = true;
  // Attention.
  std::uint64_t batch = 1, layers = 1, heads = 1, seq_len = 0, head_dim = 64, value_dim = 64;
  AttentionPattern pattern;
  double softmax_scale = 0.0;        // 0 = 1/sqrt(head_dim)
  std::string source = "synthetic";  // "synthetic" | "npy" | "trace" (a recorded pruning trace)
  SyntheticParams synthetic;
  std::string q_file, k_file, v_file;  // absolute paths (npy source)
  std::string trace_file;              // absolute path (trace source: SpAtten replay)
  // Replay: which of the trace's recorded effects to apply ("token", "head", "value",
  // "quantisation"); a left-out effect is replayed as if it had not happened (every key, every
  // head, every value, unquantised), which splits a speedup into its causes.
  std::vector<std::string> trace_effects{"token", "head", "value", "quantisation"};
  // Generation (GPT-2 style): the last `generate` tokens of seq_len are produced one per step, each
  // attending to the tokens before it; 0: summarisation (BERT style, every query at once).
  std::uint64_t generate = 0;
  // Padded batches: the valid tokens of each batch element (one entry, or one per element); the rest
  // of seq_len is padding. Empty: no padding.
  std::vector<std::uint64_t> valid_len;
  std::uint64_t valid_tokens(std::uint64_t batch_index) const {
    if (valid_len.empty()) return seq_len;
    return valid_len[valid_len.size() == 1 ? 0 : batch_index];
  }
  // GEMM.
  std::uint64_t M = 0, N = 0, K = 0;
  // Traffic (memory characterisation): pattern sequential|strided|random, read fraction, request
  // size, number of requests, stride, region size.
  std::string traffic_pattern = "sequential";
  double read_fraction = 1.0;
  std::uint64_t request_bytes = 64, requests = 4096, stride_bytes = 4096, region_bytes = 16ull << 20;

  std::uint64_t jobs() const { return kind == Kind::Attention ? batch * layers * heads : 1; }
  double effective_softmax_scale() const;

  static WorkloadSpec parse(JsonNode node);
};

// Q, K and V of every head loaded from .npy files: the last two dimensions are (seq_len, dim), the
// leading ones enumerate batch x layers x heads in C order.
struct NpyWorkload {
  NpyArray q, k, v;
  QkvData head(std::uint64_t index) const;
};
// Loads and checks the files against the spec (shapes, counts); errors name the scenario file, the
// key of the tensor at fault (/workload/data/q|k|v), the .npy file and the tensor.
NpyWorkload load_npy_workload(const WorkloadSpec& spec, const std::string& scenario_file);

}  // namespace savp::common
