// ModelReport: the stats.json of a "model" workload: the totals as every run has them, and `model`:
// time to first token (the prefill), time per output token (a decode step), tokens per second,
// energy per token, the KV cache (peak bytes, bytes read per generated token, what GQA saved),
// the split of time and energy between the linear layers and the attention, per layer (latency,
// energy, DRAM bytes, the hidden state's rel L2 against the reference) and per op.
#pragma once

#include "models/common/json_reader.hpp"
#include "testbenches/savp/model_runner.hpp"
#include "testbenches/savp/report.hpp"
#include "tlm/platform/platform.hpp"

namespace savp::tb {

common::Json build_model_stats(const sc::Scenario& s, const ModelPlan& plan, const ModelRunner& runner,
                               const sc::Platform& platform, const RunInfo& info);

// The summary's model section (the stats' `model`).
std::string model_table(const common::Json& stats);

}  // namespace savp::tb
