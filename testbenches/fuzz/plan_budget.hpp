// Which fuzzed scenarios the harnesses also plan (tb::make_plan). Planning costs time and memory in
// proportion to the workload (SALO schedules every tile of the sequence at plan time: a 64k-token
// Longformer layer takes over 20 s under ASan), so an input with a large workload would only show up
// as a libFuzzer timeout or out-of-memory report. Sizes are the resource limits' business (savp's
// memory estimate and --max-memory); the fuzzer plans small workloads only, where every check of
// the planner is reached, and still loads and validates every scenario it generates.
#pragma once

#include <cstdint>

#include "tlm/platform/scenario.hpp"

namespace savp::fuzz {

constexpr std::uint64_t kPlanMaxTokens = 4096;  // seq_len, and GEMM M, N, K, summed over the plans made
constexpr std::uint64_t kPlanMaxJobs = 256;      // batch x layers x heads

inline bool cheap_workload(const common::WorkloadSpec& w, std::uint64_t plans) {
  return w.seq_len * plans <= kPlanMaxTokens && w.jobs() <= kPlanMaxJobs && w.M * plans <= kPlanMaxTokens &&
         w.N * plans <= kPlanMaxTokens && w.K * plans <= kPlanMaxTokens;
}

// A workload is planned once more for outputs.baseline; a task once per accelerator it runs on.
inline bool cheap_to_plan(const sc::Scenario& s) {
  if (s.tasks.empty()) return cheap_workload(s.workload, s.outputs.baseline_spec ? 2 : 1);
  std::uint64_t plans = 0;
  for (const auto& t : s.tasks) plans += t.accelerators.size();
  for (const auto& t : s.tasks) {
    if (!cheap_workload(t.workload, plans)) return false;
  }
  return true;
}

}  // namespace savp::fuzz
