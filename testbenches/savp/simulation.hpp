// Simulation: elaborates the platform and the host for one validated scenario and plan, runs the
// SystemC kernel once (one elaboration per process) and returns the stats and the check outcome.
// With a wall-clock limit the kernel runs in slices of simulated time (which changes no result) and
// stops cleanly at the first slice boundary past the limit; the outcome is then marked partial.
#pragma once

#include "models/common/json_reader.hpp"
#include "testbenches/savp/job_plan.hpp"
#include "testbenches/savp/model_plan.hpp"
#include "testbenches/savp/progress.hpp"
#include "testbenches/savp/task_plan.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::tb {

struct SimulationOutcome {
  common::Json stats;
  bool checks_passed = false;
  std::string error;       // an invariant breach or bus error reported by the host or an engine
  common::Json trace;      // trace.json contents when requested, else null
  bool timed_out = false;  // stopped by the wall-clock limit: the stats cover the jobs finished so far
  std::string power_csv;   // power.csv contents with outputs.power, else empty
};

// vcd_base: where the waveform goes when the scenario asks for one (".vcd" is appended).
// time_limit_s <= 0: no limit. progress: shown between kernel slices when given (nullptr: none).
SimulationOutcome simulate(const sc::Scenario& scenario, const JobPlan& plan,
                           const std::string& vcd_base = "", double time_limit_s = 0,
                           ProgressMeter* progress = nullptr);
// The same for a scenario with `tasks`: every task's host on one platform (TaskRunner).
SimulationOutcome simulate(const sc::Scenario& scenario, const TaskPlan& plan,
                           const std::string& vcd_base = "", double time_limit_s = 0,
                           ProgressMeter* progress = nullptr);

// The same for a "model" workload: its layers' jobs on the mapped accelerators (ModelRunner).
SimulationOutcome simulate(const sc::Scenario& scenario, const ModelPlan& plan,
                           const std::string& vcd_base = "", double time_limit_s = 0,
                           ProgressMeter* progress = nullptr);

}  // namespace savp::tb
