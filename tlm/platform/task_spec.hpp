// TaskSpec: one entry of a scenario's `tasks` list (the SoC scenarios): a workload run on one or
// more accelerators of the platform, started at start_ns or when the tasks it names in `after`
// have finished, repeated `repeat` times, with its operand regions placed in main memory or the
// shared SRAM. Tasks on different accelerators run at the same time; tasks on one accelerator
// queue in list order. Parsed and checked by the scenario loader (task_spec.cpp); the plan that
// runs them is testbenches/savp/task_plan.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/common/json_reader.hpp"
#include "models/common/workload_spec.hpp"

namespace savp::sc {

// Where a task's operand regions live: main memory ("dram", the default) or the shared SRAM.
struct TaskPlacement {
  bool q_sram = false, k_sram = false, v_sram = false, out_sram = false;
  bool any_sram() const { return q_sram || k_sram || v_sram || out_sram; }
};

struct TaskSpec {
  std::string id;
  std::vector<std::uint32_t> accelerators;  // indices into platform.accelerators, no repeats
  bool accelerator_list = false;            // given as a list (JSON paths then index into it)
  common::WorkloadSpec workload;            // workload.accelerator = accelerators[0]
  double start_ns = 0.0;
  std::vector<std::string> after;  // task ids, each earlier or later in the list (no cycles)
  std::uint64_t repeat = 1;
  TaskPlacement placement;
  std::string pointer;  // its JSON path, "/tasks/<i>"
};

// Parses and checks the `tasks` array (`node`) against a platform of n_accelerators: ids valid
// (valid_id) and unique, accelerator indices in range and not repeated, `after` naming tasks of
// the list, no cycle among the dependencies (explicit and the queue order on a shared accelerator).
// Throws common::InputError at the offending JSON path.
std::vector<TaskSpec> parse_tasks(common::JsonNode node, std::size_t n_accelerators);

// What each task waits for before it starts (indices into tasks, ascending): the tasks named in its
// `after`, and on each of its accelerators the task before it in list order (tasks on one
// accelerator queue in list order).
std::vector<std::vector<std::size_t>> task_dependencies(const std::vector<TaskSpec>& tasks);

}  // namespace savp::sc
