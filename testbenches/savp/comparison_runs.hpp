// ComparisonRuns: the runs savp starts beside a scenario to compare it with, each a child savp
// process (one SystemC elaboration per process) writing its own output directory inside OUTDIR:
// the baseline (outputs.baseline: the same workload on another accelerator, OUTDIR/baseline) and,
// for a scenario with tasks, each task alone on the same platform (outputs.alone,
// OUTDIR/alone/<task id>), run in parallel where cores allow. SIGINT/SIGTERM meanwhile go to the
// children too; once they have ended, this process ends by the same signal (no stats.json is
// written). A SIGKILL of this process kills them by their parent-death signal (child_process.hpp).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "models/common/json_reader.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::tb {

// Runs outputs.baseline and compares its totals with `stats` (the scenario's own): "status" ("done"
// or "failed"), then "speedup", "energy_ratio", ... or the "error" text (paths in it and in the
// result relative to OUTDIR: they stay true when a sweep renames its point's directory). limits: the
// --max-memory / --time-limit options the child gets.
common::Json run_baseline(const sc::Scenario& s, const std::string& outdir, const common::Json& stats,
                          const std::vector<std::string>& limits);

// Runs every task of `s` alone and adds to each stats["tasks"][id] its "alone_latency_ns" and
// "slowdown_vs_alone", or an "alone_error". With a deadline each run gets the time that remains
// when it starts (--time-limit), and none starts after it.
struct AloneOutcome {
  std::string error;       // the first task's error, "" when all ran
  bool timed_out = false;  // a run was stopped, or not started, by the deadline
};
AloneOutcome run_alone(const sc::Scenario& s, const std::string& outdir, common::Json& stats,
                       const std::vector<std::string>& limits,
                       std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

// The id of task i's alone run ("<scenario id>-alone-<task id>").
std::string alone_id(const sc::Scenario& s, std::size_t i);

}  // namespace savp::tb
