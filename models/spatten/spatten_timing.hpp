// SpAtten stage timing: the cycles each unit of the fetch -> Q x K -> softmax -> top-k -> P x V
// pipeline spends on one query row (../reference/spatten.md "Hardware"). The units work on
// consecutive rows at the same time, so a row's initiation interval is its slowest stage; the
// pipeline's fill (adder trees, the softmax pipeline depths) is paid once per job at the drain.
#pragma once

#include <cstddef>
#include <cstdint>

#include "models/spatten/spatten_config.hpp"

namespace savp::spatten {

// The compute stages of the row pipeline, in pipeline order.
enum class PipeStage : std::uint8_t { Qk, Softmax, Topk, Pv };
inline constexpr std::size_t kPipeStages = 4;

struct RowCycles {
  std::uint64_t qk = 0, softmax = 0, topk = 0, pv = 0;
  std::uint64_t interval() const;  // the slowest stage
  PipeStage bound() const;         // the slowest stage (the first in pipeline order among equals)
};

// Q x K: `multipliers` lanes form 512/D dot products per cycle (a reconfigurable adder tree); a
// head wider than the array takes ceil(D / multipliers) cycles per score.
std::uint64_t dot_cycles(std::uint64_t vectors, std::uint64_t dim, std::uint32_t multipliers);
// Softmax: `parallelism` probabilities per cycle (exp and accumulate, then divide, overlapped through
// the 128-deep FIFO across rows): ceil(n / parallelism).
std::uint64_t softmax_cycles(std::uint64_t n, const SoftmaxSpec& s);
// Pipeline fill of the whole engine, paid once: both adder trees, the softmax pipeline and the
// top-k filter's zero eliminator (topk_pipeline_cycles).
std::uint64_t pipeline_fill_cycles(const SpattenConfig& cfg, std::uint64_t head_dim);

}  // namespace savp::spatten
