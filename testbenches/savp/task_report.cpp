#include "testbenches/savp/task_report.hpp"

#include <algorithm>

namespace savp::tb {

using common::Json;

TaskCounters task_counters(const sc::Platform& platform, const TaskRun& run) {
  TaskCounters c;
  for (const TaskLane& lane : run.lanes) {
    const std::uint32_t id = lane.accelerator + 1;  // the platform's initiator id of its DMA port
    c.dram += platform.memory().initiator_counters(id);
    if (platform.sram) c.sram += platform.sram->initiator_counters(id);
  }
  return c;
}

namespace {

double ns(const sc_core::sc_time& t) { return t.to_seconds() * 1e9; }

}  // namespace

Json build_task_stats(const sc::Scenario& s, const TaskPlan& plan, const TaskRunner& runner,
                      const sc::Platform& platform, const RunInfo& info,
                      const std::vector<TaskCounters>& at_start, const std::vector<TaskCounters>& at_end) {
  sc::StatsTree tree;
  platform.report_stats(tree);
  tree.set_powered_ns(info.simulated_ns);
  Json stats = stats_head(s);

  Json jobs = Json::array();
  Json tasks = Json::object();
  JobSums sums;
  common::AccuracyAccumulator overall;
  std::size_t planned = 0, ran = 0;
  double first_start = -1, last_end = 0;
  std::string host_errors;
  for (std::size_t t = 0; t < plan.tasks.size(); ++t) {
    const TaskRun& run = plan.tasks[t];
    const sc::TaskSpec& spec = s.tasks[run.task];
    JobSums task_sums;
    common::AccuracyAccumulator task_accuracy;
    double energy = 0;
    std::size_t task_ran = 0;
    Json names = Json::array();
    for (std::size_t k = 0; k < run.lanes.size(); ++k) {
      const TaskLane& lane = run.lanes[k];
      const HostDriver& host = *runner.hosts(t)[k];
      const sc::AcceleratorBase& acc = *platform.accelerators[lane.accelerator];
      names.push_back(acc.basename());
      tree.set_kind(host.name(), "host");
      tree.add(host.name(), "dmi_grants", static_cast<double>(host.port().stats().dmi_grants), "grant");
      const bool attention = lane.scenario.workload.kind == common::WorkloadSpec::Kind::Attention;
      for (const JobResult& r : host.results()) {
        const sc::JobRecord* rec = r.record < acc.jobs().size() ? &acc.jobs()[r.record] : nullptr;
        Json j = job_entry(r, rec, lane.scenario.accelerators[lane.accelerator], acc, attention, lane.plan,
                           task_sums);
        j["task"] = spec.id;
        energy += j.value("energy_pj", 0.0);
        jobs.push_back(std::move(j));
      }
      task_ran += host.results().size();
      task_accuracy.merge(host.overall());
      if (!host.error().empty())
        host_errors += (host_errors.empty() ? "" : "; ") + spec.id + ": " + host.error();
    }
    overall.merge(task_accuracy);
    planned += run.jobs.size();
    ran += task_ran;
    const TaskTimes& times = runner.times(t);
    const double start = ns(times.start), end = ns(times.done ? times.end : sc_core::sc_time_stamp());
    if (times.started) {
      first_start = first_start < 0 ? start : std::min(first_start, start);
      last_end = std::max(last_end, end);
    }
    const TaskCounters& before = at_start[t];
    const TaskCounters after = times.done ? at_end[t] : task_counters(platform, run);
    const memory::InitiatorCounters dram = after.dram.since(before.dram),
                                    sram = after.sram.since(before.sram);
    common::LatencyHistogram latency = dram.latency_ns;
    latency.merge(sram.latency_ns);
    Json o = Json::object();
    o["accelerators"] = names;
    o["start_ns"] = start;
    o["end_ns"] = end;
    o["latency_ns"] = end - start;
    o["jobs"] = task_ran;
    o["jobs_failed"] = task_sums.failed + (run.jobs.size() - task_ran);
    o["energy_pj"] = energy;
    o["dram_bytes_read"] = dram.bytes_read;
    o["dram_bytes_written"] = dram.bytes_written;
    o["sram_bytes_read"] = sram.bytes_read;
    o["sram_bytes_written"] = sram.bytes_written;
    const double moved =
        static_cast<double>(dram.bytes_read + dram.bytes_written + sram.bytes_read + sram.bytes_written);
    o["bandwidth_gbps"] = end > start ? moved / (end - start) : 0.0;
    // Memory latency: a request's arrival at the memory (DRAM or SRAM) to its completion.
    o["mem_latency_avg_ns"] = latency.mean();
    o["mem_latency_p99_ns"] = latency.quantile(0.99);
    const std::uint64_t rows = dram.row_hits + dram.row_misses + dram.row_conflicts;
    o["row_hit_rate"] = rows ? static_cast<double>(dram.row_hits) / static_cast<double>(rows) : 0.0;
    if (task_accuracy.count() > 0) put_accuracy(o, task_accuracy.result());
    o["passed"] = task_ran == run.jobs.size() && task_sums.failed == 0 && times.done;
    tasks[spec.id] = o;
    sums.split.add(task_sums.split);
    sums.useful_macs += task_sums.useful_macs;
    sums.pe_cycles += task_sums.pe_cycles;
    sums.failed += task_sums.failed;
    for (const auto& [k, v] : task_sums.engine_sums) sums.engine_sums[k] += v;
  }

  Json totals = Json::object();
  totals["jobs"] = ran;
  totals["jobs_planned"] = planned;
  totals["jobs_failed"] = sums.failed + (planned - ran);
  sums.split.put(totals);
  if (sums.pe_cycles > 0) totals["pe_utilisation_of_job_cycles"] = sums.useful_macs / sums.pe_cycles;
  const double makespan = first_start < 0 ? 0.0 : last_end - first_start;
  totals["latency_ns"] = makespan;
  totals["makespan_ns"] = makespan;
  totals["simulated_ns"] = info.simulated_ns;
  put_energy_and_memory(totals, tree, platform, s, makespan);
  // What no task's jobs were charged: DRAM background and refresh, idle engines, the SRAM's leakage.
  double task_energy = 0;
  for (const auto& [id, t] : tasks.items()) task_energy += t["energy_pj"].get<double>();
  totals["energy_unattributed_pj"] = totals["energy_pj"].get<double>() - task_energy;
  if (platform.sram) {
    totals["sram_bytes_read"] = platform.sram->bytes_read();
    totals["sram_bytes_written"] = platform.sram->bytes_written();
  }
  if (overall.count() > 0) put_accuracy(totals, overall.result());
  put_figures_of_merit(totals, ops_of(sums.engine_sums), tree.area_mm2());
  stats["totals"] = totals;
  stats["area"] = area_json(tree, s);
  stats["tasks"] = tasks;
  stats["jobs"] = jobs;
  stats["components"] = tree.to_json();
  stats["run_info"] = {{"wall_clock_s", info.wall_clock_s},
                       {"host", hostname()},
                       {"build_type", SAVP_BUILD_TYPE},
                       {"host_error", host_errors}};
  return stats;
}

}  // namespace savp::tb
