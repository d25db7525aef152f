// TaskPlan: how the host runs a scenario's `tasks` (tlm/platform/task_spec.hpp), worked out and
// checked before any SystemC module exists. Each task runs on one or more accelerators ("lanes"):
// a lane is the task's workload planned as a single-workload scenario on that accelerator
// (job_plan.hpp, so every engine's checks, layout and host flow apply unchanged), with its own
// operand regions. The region allocator lays out every lane of every task one after another in
// main memory, and moves the regions a task places in the shared SRAM into the SRAM window; a
// scenario that does not fit is refused naming the task. The task's jobs are one queue that its
// lanes take from as each finishes a job (balanced by the jobs' real cost), `repeat` times over.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "testbenches/savp/job_plan.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::tb {

struct TaskLane {
  std::uint32_t accelerator = 0;
  sc::Scenario scenario;  // the task's workload as a single-workload scenario on this accelerator
  JobPlan plan;           // its regions at the lane's base
};

struct TaskRun {
  std::size_t task = 0;            // index into Scenario::tasks
  std::vector<TaskLane> lanes;     // one per accelerator of the task, in its order
  std::vector<JobSlot> jobs;       // the queue: the plan's jobs, `repeat` times
  std::vector<std::size_t> after;  // tasks it waits for (task_dependencies)
};

struct TaskPlan {
  std::vector<TaskRun> tasks;
  std::uint64_t dram_bytes = 0;  // main memory the regions take
  std::uint64_t sram_bytes = 0;  // shared SRAM the placed regions take
};

// Throws common::InputError (exit 2) naming the task and the key when a task cannot run or the
// regions do not fit.
TaskPlan make_task_plan(sc::Scenario& scenario);

// Plans the scenario, its one workload (make_plan) or its tasks (make_task_plan), and drops the
// plan: the check `savp validate`, a sweep's points and the fuzzers make. Throws as they do.
void check_plan(sc::Scenario& scenario);

// Task `i` of `scenario` as a single-workload scenario on `accelerator` (no tasks, no baseline).
sc::Scenario task_scenario(const sc::Scenario& scenario, std::size_t i, std::uint32_t accelerator);

// `e`, raised by task i's single-workload scenario on its accelerator number `lane` (an index into
// the task's accelerator list), as an error of the scenario at the task.
common::InputError task_error(const sc::Scenario& scenario, std::size_t i, const common::InputError& e,
                              std::size_t lane = 0);

// The shared SRAM window of the platform: base address and bytes (0 bytes without platform.sram).
struct SramWindow {
  std::uint64_t base = 0, bytes = 0;
};
SramWindow sram_window(const sc::Scenario& scenario);

}  // namespace savp::tb
