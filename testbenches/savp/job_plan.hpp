// JobPlan: what the host will run, worked out and checked before any SystemC module exists, so a
// scenario that cannot run (an engine limit, a job that does not fit the memory map, broken .npy
// input) is refused with exit code 2 and nothing written. Also fixes the memory layout the host
// uses for every job (operands, output, descriptor, global-token list).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/common/input_error.hpp"
#include "models/common/workload_spec.hpp"
#include "testbenches/savp/spatten_plan.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::tb {

struct JobSlot {
  std::uint64_t index = 0;
  std::uint64_t batch = 0, layer = 0, head = 0;
  std::uint64_t seed = 0;
};

struct MemoryLayout {
  std::uint64_t descriptor = 0, globals = 0, a = 0, b = 0, c = 0, out = 0, end = 0;
  std::uint64_t diag = 0;  // SPRINT's diagnostics (keep bits); CHELA's job block and scratch; else 0
};

struct JobPlan {
  // Where this plan's regions start in main memory: 0 for a scenario's one workload; a task's
  // lane gets its own base from the region allocator (task_plan.hpp).
  std::uint64_t base = 0;
  std::vector<JobSlot> jobs;
  MemoryLayout layout;
  std::uint64_t rows = 0, cols = 0, depth = 0, value_dim = 0;  // per job (same for all jobs)
  std::shared_ptr<common::NpyWorkload> npy;                    // when the data come from files
  std::shared_ptr<SpattenPlan> spatten;  // SpAtten: one job per batch element, all layers and heads
};

// v rounded up to a 4 KiB page: where the plan starts each memory region.
std::uint64_t page_align(std::uint64_t v);

// Throws common::InputError (exit 2) when the scenario cannot run, or when its outputs.baseline
// cannot run the same workload (then naming outputs.baseline and why).
JobPlan make_plan(sc::Scenario& scenario);

// The plan of the scenario's workload on its accelerator with every region at or above `base`
// (no baseline). Throws common::InputError as make_plan.
JobPlan plan_workload_at(sc::Scenario& scenario, std::uint64_t base);
// The first byte after every region of the plan.
std::uint64_t plan_end(const JobPlan& plan);

// The scenario the baseline run simulates: outputs.baseline in the workload accelerator's place, id
// "<id>-baseline", no baseline of its own, no trace or waves; nullopt without outputs.baseline.
std::optional<sc::Scenario> baseline_scenario(const sc::Scenario& scenario);

// `e`, raised by the baseline scenario, as an error of `scenario` at its outputs.baseline.
common::InputError baseline_error(const sc::Scenario& scenario, const common::InputError& e);

}  // namespace savp::tb
