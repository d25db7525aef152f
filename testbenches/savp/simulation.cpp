#include "testbenches/savp/simulation.hpp"

#include <algorithm>
#include <chrono>
#include <functional>

#include "testbenches/savp/host_driver.hpp"
#include "testbenches/savp/model_report.hpp"
#include "testbenches/savp/model_runner.hpp"
#include "testbenches/savp/power_report.hpp"
#include "testbenches/savp/report.hpp"
#include "testbenches/savp/task_report.hpp"
#include "testbenches/savp/task_runner.hpp"
#include "tlm/platform/platform.hpp"

namespace savp::tb {

namespace {

// Runs the kernel until it stops or starves; with a limit or a progress meter, in slices of
// simulated time (1 us with a limit; for progress alone from 1 us, doubled while a slice takes
// under kFastSliceS of wall-clock time and halved above kSlowSliceS; else up to the next pending event) with
// a wall-clock check and a progress update between slices. Slicing changes neither event order nor results.
// Returns false when the limit stopped the run. jobs_done: the jobs finished so far; with the running
// jobs' fractions of their planned steps, the progress meter's measure of the run.
constexpr double kFastSliceS = 0.01, kSlowSliceS = 0.1;

bool run_kernel(double time_limit_s, std::chrono::steady_clock::time_point t0, ProgressMeter* progress,
                const sc::Platform& platform, const std::function<std::size_t()>& jobs_done) {
  using namespace sc_core;
  if (time_limit_s <= 0 && progress == nullptr) {
    sc_start();
    return true;
  }
  const sc_time min_slice(1, SC_US);
  sc_time slice = min_slice;
  auto last = std::chrono::steady_clock::now();
  {
    StageTicker ticker(progress, "starting: elaboration, operands into memory");
    sc_start(slice, SC_EXIT_ON_STARVATION);  // elaboration, initialisation and the first slice
  }
  while (sc_get_status() != SC_STOPPED && sc_pending_activity()) {
    const auto now = std::chrono::steady_clock::now();
    if (time_limit_s > 0 && std::chrono::duration<double>(now - t0).count() > time_limit_s) return false;
    if (progress != nullptr) {
      double done = static_cast<double>(jobs_done());
      for (const auto& a : platform.accelerators) done += a->running_job_fraction();
      progress->update(done, sc_time_stamp().to_seconds() * 1e9);
    }
    const double took_s = std::chrono::duration<double>(now - last).count();
    if (time_limit_s <= 0 && took_s < kFastSliceS) slice = slice * 2.0;  // a limit keeps 1 us slices
    if (took_s > kSlowSliceS) slice = std::max(min_slice, slice / 2.0);
    last = now;
    sc_start(std::max(slice, sc_time_to_pending_activity()), SC_EXIT_ON_STARVATION);
  }
  if (progress != nullptr) progress->finish();
  return true;
}

// An engine's job error or a protocol violation, when no error is recorded yet.
void collect_errors(const sc::Platform& platform, SimulationOutcome& out) {
  for (const auto& a : platform.accelerators) {
    for (const auto& j : a->jobs()) {
      if (!j.error.empty() && out.error.empty()) out.error = std::string(a->name()) + ": " + j.error;
    }
  }
  for (const auto& v : platform.protocol_violations()) {
    if (out.error.empty()) out.error = "TLM base-protocol violation: " + v;
  }
}

}  // namespace

SimulationOutcome simulate(const sc::Scenario& scenario, const JobPlan& plan, const std::string& vcd_base,
                           double time_limit_s, ProgressMeter* progress) {
  const auto t0 = std::chrono::steady_clock::now();
  sc::Platform platform("top", scenario, scenario.outputs.vcd ? vcd_base : std::string());
  HostDriver host("host", scenario, plan, sc::Platform::kCsrBase, sc::csr::kBlockBytes);
  platform.bind_initiator(host.init_socket);
  for (std::size_t i = 0; i < platform.irq.size(); ++i) host.irq[i].bind(platform.irq[i]);
  const bool finished =
      run_kernel(time_limit_s, t0, progress, platform, [&host] { return host.results().size(); });
  RunInfo info;
  info.simulated_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
  info.wall_clock_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  SimulationOutcome out;
  out.stats = build_stats(scenario, plan, host, platform, info);
  const std::string power_error = close_power(platform, out, info.simulated_ns);
  if (platform.trace_writer() != nullptr) out.trace = platform.trace_writer()->to_json();
  platform.close_vcd();
  out.error = host.error();
  collect_errors(platform, out);
  if (out.error.empty()) out.error = power_error;
  out.timed_out = !finished;
  if (out.timed_out) {
    out.stats["partial"] = {{"reason", "time_limit"},
                            {"time_limit_s", time_limit_s},
                            {"jobs_finished", host.results().size()},
                            {"jobs_planned", plan.jobs.size()}};
  }
  out.checks_passed =
      finished && out.error.empty() && out.stats["totals"]["jobs_failed"].get<std::uint64_t>() == 0;
  return out;
}

SimulationOutcome simulate(const sc::Scenario& scenario, const TaskPlan& plan, const std::string& vcd_base,
                           double time_limit_s, ProgressMeter* progress) {
  const auto t0 = std::chrono::steady_clock::now();
  sc::Platform platform("top", scenario, scenario.outputs.vcd ? vcd_base : std::string());
  std::vector<TaskCounters> at_start(plan.tasks.size()), at_end(plan.tasks.size());
  TaskRunner runner(
      "host", scenario, plan, sc::Platform::kCsrBase, sc::csr::kBlockBytes,
      [&platform](std::uint32_t a) { return platform.accelerators[a]->jobs().size(); },
      [&](std::size_t t, bool start) {
        (start ? at_start : at_end)[t] = task_counters(platform, plan.tasks[t]);
      });
  std::size_t planned = 0;
  for (std::size_t t = 0; t < plan.tasks.size(); ++t) {
    planned += plan.tasks[t].jobs.size();
    for (const auto& host : runner.hosts(t)) {
      platform.bind_initiator(host->init_socket);
      for (std::size_t i = 0; i < platform.irq.size(); ++i) host->irq[i].bind(platform.irq[i]);
    }
  }
  const bool finished = run_kernel(time_limit_s, t0, progress, platform, [&runner, &plan] {
    std::size_t n = 0;
    for (std::size_t t = 0; t < plan.tasks.size(); ++t) {
      for (const auto& host : runner.hosts(t)) n += host->results().size();
    }
    return n;
  });
  RunInfo info;
  info.simulated_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
  info.wall_clock_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  SimulationOutcome out;
  out.stats = build_task_stats(scenario, plan, runner, platform, info, at_start, at_end);
  const std::string power_error = close_power(platform, out, info.simulated_ns);
  if (platform.trace_writer() != nullptr) out.trace = platform.trace_writer()->to_json();
  platform.close_vcd();
  std::size_t finished_jobs = 0;
  for (std::size_t t = 0; t < plan.tasks.size(); ++t) {
    for (const auto& host : runner.hosts(t)) {
      finished_jobs += host->results().size();
      if (!host->error().empty() && out.error.empty()) {
        out.error = "task \"" + scenario.tasks[plan.tasks[t].task].id + "\": " + host->error();
      }
    }
  }
  collect_errors(platform, out);
  if (out.error.empty()) out.error = power_error;
  out.timed_out = !finished;
  if (out.timed_out) {
    out.stats["partial"] = {{"reason", "time_limit"},
                            {"time_limit_s", time_limit_s},
                            {"jobs_finished", finished_jobs},
                            {"jobs_planned", planned}};
  }
  out.checks_passed =
      finished && out.error.empty() && out.stats["totals"]["jobs_failed"].get<std::uint64_t>() == 0;
  return out;
}

SimulationOutcome simulate(const sc::Scenario& scenario, const ModelPlan& plan, const std::string& vcd_base,
                           double time_limit_s, ProgressMeter* progress) {
  const auto t0 = std::chrono::steady_clock::now();
  sc::Platform platform("top", scenario, scenario.outputs.vcd ? vcd_base : std::string());
  ModelRunner runner("host", scenario, plan, sc::Platform::kCsrBase, sc::csr::kBlockBytes,
                     [&platform](std::uint32_t a) { return platform.accelerators[a]->jobs().size(); });
  for (const auto& lane : runner.lanes()) {
    platform.bind_initiator(lane->init_socket);
    for (std::size_t i = 0; i < platform.irq.size(); ++i) lane->irq[i].bind(platform.irq[i]);
  }
  const bool finished =
      run_kernel(time_limit_s, t0, progress, platform, [&runner] { return runner.runs().size(); });
  RunInfo info;
  info.simulated_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
  info.wall_clock_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  SimulationOutcome out;
  out.stats = build_model_stats(scenario, plan, runner, platform, info);
  const std::string power_error = close_power(platform, out, info.simulated_ns);
  if (platform.trace_writer() != nullptr) out.trace = platform.trace_writer()->to_json();
  platform.close_vcd();
  out.error = runner.error();
  collect_errors(platform, out);
  if (out.error.empty()) out.error = power_error;
  if (out.error.empty() && out.stats["model"].contains("accuracy_failure"))
    out.error = "scoreboard: " + out.stats["model"]["accuracy_failure"].get<std::string>();
  out.timed_out = !finished;
  if (out.timed_out) {
    out.stats["partial"] = {{"reason", "time_limit"},
                            {"time_limit_s", time_limit_s},
                            {"jobs_finished", runner.runs().size()},
                            {"jobs_planned", plan.jobs()}};
  }
  out.checks_passed = finished && out.error.empty() && runner.finished() &&
                      out.stats["totals"]["jobs_failed"].get<std::uint64_t>() == 0;
  return out;
}

}  // namespace savp::tb
