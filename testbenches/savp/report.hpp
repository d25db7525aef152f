// Report: turns a finished simulation into the DESIGN.md outputs: stats.json (schema_version 1:
// scenario, totals, jobs, components, run_info), summary.csv (one row per job) and resolved.json,
// written atomically (temporary name, then rename) so an interrupted run never leaves a file that
// looks complete; and the readable summary table scripts/run prints.
#pragma once

#include <map>
#include <string>

#include "models/common/json_reader.hpp"
#include "testbenches/savp/host_driver.hpp"
#include "tlm/platform/platform.hpp"

namespace savp::tb {

struct RunInfo {
  double wall_clock_s = 0.0;
  double simulated_ns = 0.0;
};

// Pieces of build_stats that the task and model reports (task_report.hpp, model_report.hpp) share.
// The head of every stats.json: schema_version, savp_version, the resolved scenario.
common::Json stats_head(const sc::Scenario& s);
// JSON has no infinity or NaN: they are written as null.
common::Json number(double v);
void put_accuracy(common::Json& j, const common::Accuracy& a);
std::string hostname();
// Jobs' cycles split one way: cycles = sum of phase_cycles (compute) + stall_cycles, and
// stall_cycles = sum of stall_cycles_by_cause (disjoint causes; see sc::JobRecord).
struct CycleSplit {
  std::uint64_t cycles = 0, stalls = 0;
  std::map<std::string, std::uint64_t> phases, causes;
  void add(const sc::JobRecord& rec);
  void add(const CycleSplit& other);
  // totals.cycles, compute_cycles, phase_cycles, stall_cycles, stall_cycles_by_cause.
  void put(common::Json& totals) const;
};
// What the job entries add up to.
struct JobSums {
  CycleSplit split;
  double useful_macs = 0, pe_cycles = 0;
  double first_start = -1, last_end = 0;
  std::map<std::string, double> engine_sums;  // engine stats summed over jobs
  double layer_acc_jobs = 0, mass_kept = 0, top1_kept = 0;
  std::size_t failed = 0;
};
// One job's entry of stats.json `jobs`: the host's result and the accelerator's record (null when
// the job never ran); adds it to `sums`. An attention job names its batch, layer and head; one that
// covers every layer and head (SpAtten's: plan.spatten) gives "layers" and "heads", the counts.
common::Json job_entry(const JobResult& r, const sc::JobRecord* rec, const sc::AcceleratorSpec& spec,
                       const sc::AcceleratorBase& acc, bool attention, const JobPlan& plan, JobSums& sums);

// The energy and main-memory totals over a span of span_ns (energy by component and action, DRAM
// bytes, bandwidth and peak).
// Operations of jobs (2 per multiply-accumulate) from their engine statistics summed over the jobs:
// "ops" when the engine reports them (SpAtten, SPRINT), else 2 x useful_macs (SALO, dense), else
// 2 x macs (CHELA); 0 for traffic generators.
double ops_of(const std::map<std::string, double>& engine_sums);
// totals.ops, ops_per_s (over latency_ns), ops_per_j (over energy_pj, static included),
// ops_per_s_per_mm2 (over area_mm2), energy_delay_product (J s) and edap (J s mm2); needs
// totals.latency_ns and totals.energy_pj.
void put_figures_of_merit(common::Json& totals, double ops, double area_mm2);
// stats.json "area": total_mm2, by_component_mm2 (the energy breakdown's component names), node_nm.
common::Json area_json(const sc::StatsTree& tree, const sc::Scenario& s);
void put_energy_and_memory(common::Json& totals, const sc::StatsTree& tree, const sc::Platform& platform,
                           const sc::Scenario& s, double span_ns);

common::Json build_stats(const sc::Scenario& s, const JobPlan& plan, const HostDriver& host,
                         const sc::Platform& platform, const RunInfo& info);
std::string summary_csv(const common::Json& stats);
std::string summary_table(const common::Json& stats);
// The summary's line on the timing mode that ran and what it does not model (mode "LT" or "AT").
std::string timing_mode_line(const std::string& mode, double quantum_ns);
// Creates outdir if needed and writes stats.json, summary.csv (when enabled) and resolved.json;
// stats carrying a "partial" object (a run stopped by its time limit) go to stats.partial.json.
// trace: trace.json contents or null; the waveform, when one was recorded, is renamed into place.
// power_csv: power.csv contents (outputs.power), or empty: then no power.csv (an old one goes).
void write_outputs(const std::string& outdir, const sc::Scenario& s, const common::Json& stats,
                   const common::Json& trace = common::Json(), const std::string& power_csv = "");
// Where the simulation writes the waveform before write_outputs renames it to waves.vcd.
std::string vcd_base(const std::string& outdir);
// Writes a file atomically: path.tmp then rename.
void write_file_atomic(const std::string& path, const std::string& text);

}  // namespace savp::tb
