// TaskReport: stats.json of a scenario with `tasks`: the same document as a single workload's
// (report.hpp: scenario, totals, jobs, components, run_info), each job naming its task, plus
// `tasks` (one object per task id: its accelerators, start, end, latency, energy, traffic by
// memory, bandwidth and memory latency) and totals.makespan_ns (first start to last end).
#pragma once

#include <vector>

#include "testbenches/savp/report.hpp"
#include "testbenches/savp/task_runner.hpp"

namespace savp::tb {

// What the memory system had counted for a task's accelerators when it started and when it ended
// (tasks on one accelerator run one after another, so the difference is the task's own).
struct TaskCounters {
  std::uint64_t dram_bytes_read = 0, dram_bytes_written = 0, sram_bytes_read = 0, sram_bytes_written = 0;
  std::uint64_t requests = 0, row_hits = 0, row_accesses = 0;
  double latency_sum_ns = 0;
  std::vector<std::uint64_t> latency_buckets;  // the latency histogram's counts
};

TaskCounters task_counters(const sc::Platform& platform, const TaskRun& run);

common::Json build_task_stats(const sc::Scenario& s, const TaskPlan& plan, const TaskRunner& runner,
                              const sc::Platform& platform, const RunInfo& info,
                              const std::vector<TaskCounters>& at_start,
                              const std::vector<TaskCounters>& at_end);

}  // namespace savp::tb
