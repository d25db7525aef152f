// TaskReport: stats.json of a scenario with `tasks`: the same document as a single workload's
// (report.hpp: scenario, totals, jobs, components, run_info), each job naming its task, plus
// `tasks` (one object per task id: its accelerators, start, end, latency, energy, traffic by
// memory, bandwidth and memory latency) and totals.makespan_ns (first start to last end).
#pragma once

#include <vector>

#include "models/memory/initiator_counters.hpp"

#include "testbenches/savp/report.hpp"
#include "testbenches/savp/task_runner.hpp"

namespace savp::tb {

// What the main memory and the shared SRAM had counted for a task's accelerators (their DMA
// initiators) when it started and when it ended: tasks on one accelerator run one after another,
// so the difference is the task's own.
struct TaskCounters {
  memory::InitiatorCounters dram, sram;
};

TaskCounters task_counters(const sc::Platform& platform, const TaskRun& run);

common::Json build_task_stats(const sc::Scenario& s, const TaskPlan& plan, const TaskRunner& runner,
                              const sc::Platform& platform, const RunInfo& info,
                              const std::vector<TaskCounters>& at_start,
                              const std::vector<TaskCounters>& at_end);

}  // namespace savp::tb
