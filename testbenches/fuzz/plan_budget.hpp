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

constexpr std::uint64_t kPlanMaxTokens = 4096;  // seq_len, and GEMM M, N, K
constexpr std::uint64_t kPlanMaxJobs = 256;      // batch x layers x heads

inline bool cheap_to_plan(const sc::Scenario& s) {
  const common::WorkloadSpec& w = s.workload;
  return w.seq_len <= kPlanMaxTokens && w.jobs() <= kPlanMaxJobs && w.M <= kPlanMaxTokens &&
         w.N <= kPlanMaxTokens && w.K <= kPlanMaxTokens;
}

}  // namespace savp::fuzz
