#include "testbenches/savp/report.hpp"

#include "testbenches/savp/model_report.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>
#include <vector>

#include "testbenches/savp/output_dir.hpp"
#include "testbenches/savp/spatten_plan.hpp"

namespace savp::tb {

namespace fs = std::filesystem;
using common::Json;

// JSON has no infinity or NaN: they are written as null.
Json number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

void put_accuracy(Json& j, const common::Accuracy& a) {
  j["max_abs_err"] = number(a.max_abs_err);
  j["rel_l2_err"] = number(a.rel_l2_err);
  j["cosine"] = number(a.cosine);
}

Json stats_head(const sc::Scenario& s) {
  Json stats = Json::object();
  stats["schema_version"] = 1;
  stats["savp_version"] = SAVP_VERSION;
  stats["scenario"] = s.resolved;
  return stats;
}

std::string hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

// Totals of a pruning engine (SpAtten): fetch fractions, throughput (2 ops per multiply-accumulate
// executed in Q x K and P x V, recomputes included, over the jobs' latency), and the K/V DRAM
// traffic reduction split into its causes, each factor relative to the step before it.
void put_pruning_totals(Json& totals, const std::map<std::string, double>& sum, const JobPlan& plan) {
  auto get = [&](const char* k) {
    auto it = sum.find(k);
    return it == sum.end() ? 0.0 : it->second;
  };
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  totals["keys_fetched_fraction"] = ratio(get("k_rows_fetched"), get("k_rows_all"));
  totals["values_fetched_fraction"] = ratio(get("v_rows_fetched"), get("v_rows_all"));
  totals["requant_fraction"] = ratio(get("heads_requant"), get("heads_run"));
  const double latency_ns = totals["latency_ns"].get<double>();
  totals["throughput_gops"] = ratio(get("ops"), latency_ns);
  totals["compute_reduction"] = ratio(get("ops_unpruned"), get("ops"));
  const double b0 = get("kv_bytes_unpruned_fp32"), b1 = get("kv_bytes_after_token_pruning"),
               b2 = get("kv_bytes_after_head_pruning"), b3 = get("kv_bytes_after_value_pruning"),
               b4 = get("kv_bytes_fetched");
  totals["kv_dram_bytes"] = {{"unpruned_fp32", b0},
                             {"after_token_pruning", b1},
                             {"after_head_pruning", b2},
                             {"after_value_pruning", b3},
                             {"fetched", b4}};
  totals["kv_dram_reduction"] = {{"token_pruning", ratio(b0, b1)},
                                 {"head_pruning", ratio(b1, b2)},
                                 {"value_pruning", ratio(b2, b3)},
                                 {"quantisation", ratio(b3, b4)},
                                 {"total", ratio(b0, b4)}};
  if (plan.spatten && plan.spatten->job.mode != spatten::SpattenMode::Summarise) {
    const double tokens = static_cast<double>(plan.spatten->job.steps() * plan.jobs.size());
    totals["latency_per_token_ns"] = ratio(latency_ns, tokens);
  }
}

namespace {
// Why a job failed its check: its host's reason, else the status, the data check or the tolerance.
std::string failure_reason(const JobResult& r, double tolerance_rel_l2) {
  if (!r.failure.empty()) return r.failure;
  if (r.status != sc::csr::kStatusDone) return "the engine ended with status " + std::to_string(r.status);
  if (r.data_checked && !r.data_ok) return "its data check failed";
  char why[160];
  std::snprintf(why, sizeof why, "rel_l2_err %.3e outside the scoreboard tolerance %.3e",
                r.accuracy.rel_l2_err, tolerance_rel_l2);
  return why;
}
}  // namespace

Json job_entry(const JobResult& r, const sc::JobRecord* rec, const sc::AcceleratorSpec& acc_spec,
               const sc::AcceleratorBase& acc, bool attention, const JobPlan& plan, JobSums& sums) {
  Json j = Json::object();
  j["index"] = r.slot.index;
  j["engine"] = acc_spec.type;
  j["accelerator"] = acc.name();
  if (attention) {
    j["batch"] = r.slot.batch;
    if (plan.spatten) {  // one job per batch element runs the whole model
      j["layers"] = plan.spatten->job.layers;
      j["heads"] = plan.spatten->job.heads;
    } else {
      j["layer"] = r.slot.layer;
      j["head"] = r.slot.head;
    }
  }
  if (rec != nullptr) {
    const double start = rec->start.to_seconds() * 1e9, end = rec->end.to_seconds() * 1e9;
    j["start_ns"] = start;
    j["end_ns"] = end;
    j["latency_ns"] = end - start;
    j["cycles"] = rec->cycles;
    j["phase_cycles"] = rec->phase_cycles;
    j["stall_cycles"] = rec->stall_cycles;
    j["stall_cycles_by_cause"] = rec->stalls_by_cause;
    j["operand_read_stall_cycles_by_phase"] = rec->operand_read_stalls_by_phase;
    j["dram_bytes_read"] = rec->bytes_read;
    j["dram_bytes_written"] = rec->bytes_written;
    // The engine's own actions plus what the memory system charged this job's transactions
    // (per-hop attribution: interconnect bytes, DRAM activates and bursts; refresh and
    // background energy belong to no single job and appear only in the totals).
    double energy = rec->engine_energy_pj;
    Json by = Json::object();
    by["engine"] = rec->engine_energy_pj;
    for (const auto& [component, pj] : rec->memory_energy_pj) {
      by[component] = pj;
      energy += pj;
    }
    j["energy_pj"] = energy;
    j["energy_by_component_pj"] = by;
    Json es = Json::object();
    for (const auto& [k, v] : rec->engine.values) {
      es[k] = number(v);
      sums.engine_sums[k] += v;
    }
    j["engine_stats"] = es;
    if (!rec->error.empty()) j["error"] = rec->error;
    sums.split.add(*rec);
    double useful = -1, pes = -1;
    for (const auto& [k, v] : rec->engine.values) {
      if (k == "useful_macs") useful = v;
      if (k == "pe_count") pes = v;
    }
    // The engine's peak: 2 operations per multiplier per cycle (a roofline's compute roof).
    if (pes > 0) j["peak_ops_per_s"] = 2.0 * pes * 1e9 / acc_spec.clock_period_ns();
    if (useful >= 0 && pes > 0) {
      sums.useful_macs += useful;
      sums.pe_cycles += pes * static_cast<double>(rec->cycles);
      j["pe_utilisation_of_job_cycles"] =
          rec->cycles ? useful / (pes * static_cast<double>(rec->cycles)) : 0.0;
    }
    if (sums.first_start < 0 || start < sums.first_start) sums.first_start = start;
    sums.last_end = std::max(sums.last_end, end);
  }
  if (r.data_checked) j["data_ok"] = r.data_ok;  // traffic: checksum; SpAtten: every expected row written
  if (!r.timing_only && (!r.data_checked || !r.layer_rel_l2.empty())) put_accuracy(j, r.accuracy);
  if (!r.layer_rel_l2.empty()) j["layer_rel_l2_err"] = r.layer_rel_l2;
  if (r.mass_kept >= 0) {
    j["probability_mass_kept"] = r.mass_kept;
    j["top1_key_kept"] = r.top1_kept;
    sums.layer_acc_jobs += 1;
    sums.mass_kept += r.mass_kept;
    sums.top1_kept += r.top1_kept;
  }
  if (r.has_no_recompute) {
    Json a = Json::object();
    put_accuracy(a, r.accuracy_no_recompute);
    j["accuracy_no_recompute"] = a;
  }
  j["tolerance_rel_l2"] = acc_spec.tolerance_rel_l2();
  j["passed"] = r.passed;
  if (!r.passed) {
    ++sums.failed;
    j["failure"] = failure_reason(r, acc_spec.tolerance_rel_l2());
  }
  return j;
}

void CycleSplit::add(const sc::JobRecord& rec) {
  cycles += rec.cycles;
  stalls += rec.stall_cycles;
  for (const auto& [k, c] : rec.phase_cycles) phases[k] += c;
  for (const auto& [k, c] : rec.stalls_by_cause) causes[k] += c;
}

void CycleSplit::add(const CycleSplit& o) {
  cycles += o.cycles;
  stalls += o.stalls;
  for (const auto& [k, c] : o.phases) phases[k] += c;
  for (const auto& [k, c] : o.causes) causes[k] += c;
}

void CycleSplit::put(Json& totals) const {
  std::uint64_t compute = 0;
  for (const auto& [k, c] : phases) compute += c;
  totals["cycles"] = cycles;
  totals["compute_cycles"] = compute;
  totals["phase_cycles"] = phases;
  totals["stall_cycles"] = stalls;
  totals["stall_cycles_by_cause"] = causes;
}

double ops_of(const std::map<std::string, double>& engine_sums) {
  for (const char* k : {"ops", "useful_macs", "macs"}) {
    auto it = engine_sums.find(k);
    if (it != engine_sums.end()) return std::string(k) == "ops" ? it->second : 2.0 * it->second;
  }
  return 0.0;
}

void put_figures_of_merit(Json& totals, double ops, double area_mm2) {
  const double s = totals["latency_ns"].get<double>() * 1e-9, j = totals["energy_pj"].get<double>() * 1e-12;
  totals["ops"] = ops;
  totals["ops_per_s"] = s > 0 ? ops / s : 0.0;
  totals["ops_per_j"] = j > 0 ? ops / j : 0.0;
  totals["ops_per_s_per_mm2"] = s > 0 && area_mm2 > 0 ? ops / s / area_mm2 : 0.0;
  totals["energy_delay_product"] = j * s;
  totals["edap"] = j * s * area_mm2;
}

Json area_json(const sc::StatsTree& tree, const sc::Scenario& s) {
  Json a = Json::object();
  a["total_mm2"] = tree.area_mm2();
  a["by_component_mm2"] = tree.area_by_component_mm2();
  a["leakage_by_component_mw"] = tree.leakage_by_component_mw();
  a["node_nm"] = s.energy.node_nm();
  // Accelerators priced at their own node (their preset's technology.node_nm), when any differs.
  Json own = Json::object();
  for (const auto& acc : s.accelerators) {
    const double nm = s.energy_of(acc).node_nm();
    if (nm != s.energy.node_nm()) own[acc.name()] = nm;
  }
  if (!own.empty()) a["node_nm_by_accelerator"] = own;
  return a;
}

void put_energy_and_memory(Json& totals, const sc::StatsTree& tree, const sc::Platform& platform,
                           const sc::Scenario& s, double span_ns) {
  totals["energy_pj"] = tree.energy_pj();
  totals["energy_dynamic_pj"] = tree.energy_dynamic_pj();
  totals["energy_static_pj"] = tree.energy_static_pj();
  totals["energy_by_component_pj"] = tree.energy_by_component_pj();
  totals["energy_static_by_component_pj"] = tree.energy_static_by_component_pj();
  totals["energy_by_action_pj"] = tree.energy_by_action_pj();
  totals["dram_bytes_read"] = platform.memory().bytes_read();
  totals["dram_bytes_written"] = platform.memory().bytes_written();
  const double moved =
      static_cast<double>(platform.memory().bytes_read() + platform.memory().bytes_written());
  totals["dram_bandwidth_gbps"] = span_ns > 0 ? moved / span_ns : 0.0;  // bytes per ns = GB/s
  totals["dram_peak_gbps"] = number(s.memory.peak_bandwidth_gbps());
}

Json build_stats(const sc::Scenario& s, const JobPlan& plan, const HostDriver& host,
                 const sc::Platform& platform, const RunInfo& info) {
  sc::StatsTree tree;
  platform.report_stats(tree);
  tree.set_powered_ns(info.simulated_ns);
  tree.set_kind(host.name(), "host");
  tree.add(host.name(), "dmi_grants", static_cast<double>(host.port().stats().dmi_grants), "grant");
  for (const auto& [component, pj] : host.port().attributed_pj()) {
    tree.add(host.name(), "attributed_pj." + component, pj, "pJ");
  }
  const auto& acc_spec = s.accelerators[s.workload.accelerator];
  const sc::AcceleratorBase& acc = *platform.accelerators[s.workload.accelerator];

  Json stats = stats_head(s);

  Json jobs = Json::array();
  JobSums sums;
  const auto& records = acc.jobs();
  const bool attention = s.workload.kind == common::WorkloadSpec::Kind::Attention;
  for (std::size_t i = 0; i < host.results().size(); ++i) {
    jobs.push_back(job_entry(host.results()[i], i < records.size() ? &records[i] : nullptr, acc_spec, acc,
                             attention, plan, sums));
  }

  Json totals = Json::object();
  totals["jobs"] = host.results().size();
  totals["jobs_planned"] = plan.jobs.size();
  totals["jobs_failed"] = sums.failed + (plan.jobs.size() - host.results().size());
  sums.split.put(totals);
  // Useful MACs / (PEs x job cycles, stalls included) over all jobs, for engines that report them;
  // engine_stats.array_utilisation divides by the cycles the array was busy instead.
  if (sums.pe_cycles > 0) totals["pe_utilisation_of_job_cycles"] = sums.useful_macs / sums.pe_cycles;
  totals["latency_ns"] = sums.first_start < 0 ? 0.0 : sums.last_end - sums.first_start;
  totals["simulated_ns"] = info.simulated_ns;
  put_energy_and_memory(totals, tree, platform, s,
                        sums.first_start < 0 ? 0.0 : sums.last_end - sums.first_start);
  // A traffic job has no reference to compare with (its checksum is data_ok): no accuracy figures.
  if (host.overall().count() > 0 ||
      (!plan.spatten && s.workload.numerics && s.workload.kind != common::WorkloadSpec::Kind::Traffic))
    put_accuracy(totals, host.overall().result());
  if (s.workload.kind == common::WorkloadSpec::Kind::Traffic && s.workload.numerics) {
    bool ok = true;  // every job's read checksum and written region matched
    for (const Json& j : jobs) ok = ok && j.value("data_ok", false);
    totals["data_ok"] = ok;
  }
  if (sums.engine_sums.count("kv_bytes_unpruned_fp32")) put_pruning_totals(totals, sums.engine_sums, plan);
  if (sums.engine_sums.count("sequence_positions")) {  // in-memory pruning (SPRINT)
    auto sum = [&](const char* k) { return sums.engine_sums[k]; };
    totals["keep_fraction"] = sum("keys_visible") > 0 ? sum("keys_kept") / sum("keys_visible") : 0.0;
    totals["new_fetch_fraction"] =
        sum("sequence_positions") > 0 ? sum("keys_fetched") / sum("sequence_positions") : 0.0;
    totals["keys_kept_per_query"] = sum("queries") > 0 ? sum("keys_kept") / sum("queries") : 0.0;
    if (host.overall().count() > 0) {
      Json a = Json::object();
      put_accuracy(a, host.overall().result());
      totals["accuracy"] = a;
    }
    if (host.overall_no_recompute().count() > 0) {
      Json a = Json::object();
      put_accuracy(a, host.overall_no_recompute().result());
      totals["accuracy_no_recompute"] = a;
    }
  }
  if (sums.layer_acc_jobs > 0) {
    totals["probability_mass_kept"] = sums.mass_kept / sums.layer_acc_jobs;
    totals["top1_key_kept"] = sums.top1_kept / sums.layer_acc_jobs;
  }
  put_figures_of_merit(totals, ops_of(sums.engine_sums), tree.area_mm2());
  stats["totals"] = totals;
  stats["area"] = area_json(tree, s);
  stats["jobs"] = jobs;
  stats["components"] = tree.to_json();
  stats["run_info"] = {{"wall_clock_s", info.wall_clock_s},
                       {"host", hostname()},
                       {"build_type", SAVP_BUILD_TYPE},
                       {"host_error", host.error()}};
  return stats;
}

std::string summary_csv(const Json& stats) {
  std::ostringstream os;
  os << std::setprecision(10);
  const char* cols[] = {"index",           "engine",
                        "accelerator",     "batch",
                        "layer",           "head",
                        "start_ns",        "end_ns",
                        "latency_ns",      "cycles",
                        "stall_cycles",    "energy_pj",
                        "dram_bytes_read", "dram_bytes_written",
                        "max_abs_err",     "rel_l2_err",
                        "cosine",          "passed"};
  std::vector<const char*> columns(std::begin(cols), std::end(cols));
  if (stats.contains("tasks")) columns.insert(columns.begin() + 1, "task");  // a scenario with tasks
  bool first = true;
  for (const char* c : columns) {
    os << (first ? "" : ",") << c;
    first = false;
  }
  os << "\n";
  for (const auto& j : stats["jobs"]) {
    first = true;
    for (const char* c : columns) {
      os << (first ? "" : ",");
      first = false;
      if (!j.contains(c) || j[c].is_null()) continue;
      const Json& v = j[c];
      if (v.is_string()) {
        os << v.get<std::string>();
      } else if (v.is_boolean()) {
        os << (v.get<bool>() ? "true" : "false");
      } else if (v.is_number_integer()) {
        os << v.get<std::int64_t>();
      } else {
        os << v.get<double>();
      }
    }
    os << "\n";
  }
  return os.str();
}

namespace {
double num(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : NAN;
}

// "memory (<preset>)": the main memory as the resolved scenario names it (hbm2, ddr4, reram, ...).
std::string memory_label(const Json& scenario) {
  const Json* m = scenario.contains("platform") && scenario["platform"].is_object() &&
                          scenario["platform"].contains("memory")
                      ? &scenario["platform"]["memory"]
                      : nullptr;
  if (m != nullptr && m->is_object() && m->contains("preset") && (*m)["preset"].is_string())
    return "memory (" + (*m)["preset"].get<std::string>() + ")";
  return "memory";
}

// One line per engine from the components: its cycles = compute by phase + stalls by cause.
std::string cycle_lines(const Json& stats) {
  std::ostringstream os;
  if (!stats.contains("components")) return "";
  for (const auto& [name, c] : stats["components"].items()) {
    if (!c.is_object() || !c.contains("busy_cycles") || !c.contains("stall_cycles")) continue;
    std::ostringstream phases, causes;
    double compute = 0;
    for (const auto& [k, v] : c.items()) {
      if (!v.is_object() || !v.contains("value")) continue;
      const auto n = static_cast<unsigned long long>(v["value"].get<double>());
      if (k.rfind("phase_cycles.", 0) == 0) {
        phases << (phases.tellp() > 0 ? ", " : "") << k.substr(13) << " " << n;
        compute += v["value"].get<double>();
      } else if (k.rfind("stall_cycles_by_cause.", 0) == 0) {
        causes << (causes.tellp() > 0 ? ", " : "") << k.substr(22) << " " << n;
      }
    }
    os << "cycles of " << name << ": "
       << static_cast<unsigned long long>(c["busy_cycles"]["value"].get<double>()) << " = compute "
       << static_cast<unsigned long long>(compute) << " (" << phases.str() << ") + stalls "
       << static_cast<unsigned long long>(c["stall_cycles"]["value"].get<double>()) << " (" << causes.str()
       << ")\n";
  }
  return os.str();
}
}  // namespace

// The task table of a scenario with tasks: one row per task, with the interference when each task
// was also run alone (outputs.alone).
std::string task_table(const Json& stats) {
  std::ostringstream os;
  char line[512];
  const bool alone = stats["tasks"].empty() ? false : stats["tasks"].begin()->contains("slowdown_vs_alone");
  std::snprintf(line, sizeof line, "%-16s %-20s %10s %10s %12s %11s %9s %8s %10s%s %6s\n", "task",
                "accelerators", "start_us", "end_us", "latency_us", "energy_uJ", "mem_MB", "GB/s",
                "mem_lat_ns", alone ? "   alone_us slowdown" : "", "check");
  os << line;
  for (const auto& [id, t] : stats["tasks"].items()) {
    std::string accs;
    for (const auto& a : t["accelerators"]) accs += (accs.empty() ? "" : ",") + a.get<std::string>();
    const double mb = (t.value("dram_bytes_read", 0.0) + t.value("dram_bytes_written", 0.0)) / 1e6;
    char extra[64] = "";
    if (alone) {
      std::snprintf(extra, sizeof extra, " %10.3f %7.2fx", num(t, "alone_latency_ns") / 1e3,
                    num(t, "slowdown_vs_alone"));
    }
    std::snprintf(line, sizeof line,
                  "%-16.16s %-20.20s %10.3f %10.3f %12.3f %11.4f %9.3f %8.2f %10.1f%s %6s\n", id.c_str(),
                  accs.c_str(), num(t, "start_ns") / 1e3, num(t, "end_ns") / 1e3, num(t, "latency_ns") / 1e3,
                  num(t, "energy_pj") / 1e6, mb, num(t, "bandwidth_gbps"), num(t, "mem_latency_avg_ns"),
                  extra, t.value("passed", false) ? "ok" : "FAIL");
    os << line;
  }
  const Json& tot = stats["totals"];
  std::snprintf(line, sizeof line, "makespan %.3f us over %zu tasks\n", num(tot, "makespan_ns") / 1e3,
                stats["tasks"].size());
  os << line;
  return os.str();
}

std::string timing_mode_line(const std::string& mode, double quantum_ns) {
  char line[512];
  if (mode == "AT") {
    return "timing: AT (approximately timed): DRAM controller queues with the memory's scheduler, "
           "back-pressure when a queue is full, bank and data-bus contention, several requests in flight "
           "per engine\n";
  }
  // What LT leaves out, from the code: DramTarget::b_transport serves each request at its arrival in
  // call order (DramChannel::serve: open rows and bank busy-until, no queue, no scheduler
  // reordering, no back-pressure); engines run ahead of one another by up to a quantum (temporal
  // decoupling), so requests meet the memory in call order, not in time order.
  std::snprintf(line, sizeof line,
                "timing: LT (loosely timed, quantum %g ns): memory state (open rows, bank busy-until, "
                "router ports) but no queueing in the memory, no scheduler reordering and no back-pressure; "
                "engines meet the memory in call order, not time order (try timing_mode AT)\n",
                quantum_ns);
  return line;
}

std::string summary_table(const Json& stats) {
  std::ostringstream os;
  const Json& t = stats["totals"];
  const Json& sc = stats["scenario"];
  char line[512];
  os << "SAVP " << stats["savp_version"].get<std::string>() << "  scenario " << sc["id"].get<std::string>()
     << "  (" << sc.value("timing_mode", "LT") << ")\n";
  os << timing_mode_line(sc.value("timing_mode", "LT"), sc.value("quantum_ns", 1000.0));
  if (stats.contains("tasks")) {
    os << task_table(stats);
  } else if (stats.contains("model")) {
    os << model_table(stats);
  } else {
    std::snprintf(line, sizeof line, "%5s %-8s %6s %5s %5s %12s %12s %12s %12s %10s %6s\n", "job", "engine",
                  "layer", "head", "", "cycles", "latency_us", "energy_uJ", "mem_MB", "rel_l2", "check");
    os << line;
  }
  std::size_t shown = 0;
  for (const auto& j : stats.contains("tasks") || stats.contains("model") ? Json::array() : stats["jobs"]) {
    if (++shown > 16) {
      os << "  ... " << stats["jobs"].size() - 16 << " more jobs in summary.csv\n";
      break;
    }
    const double mb = (j.value("dram_bytes_read", 0.0) + j.value("dram_bytes_written", 0.0)) / 1e6;
    // A job over every layer and head (its "layers" and "heads" counts) says "all".
    auto which = [&j](const char* one, const char* all) {
      return j.contains(one) ? std::to_string(j[one].get<std::uint64_t>()) : j.contains(all) ? "all" : "-";
    };
    std::snprintf(line, sizeof line, "%5llu %-8s %6s %5s %5s %12llu %12.3f %12.4f %12.3f %10.2e %6s\n",
                  static_cast<unsigned long long>(j["index"].get<std::uint64_t>()),
                  j["engine"].get<std::string>().c_str(), which("layer", "layers").c_str(),
                  which("head", "heads").c_str(), "",
                  static_cast<unsigned long long>(j.value("cycles", std::uint64_t{0})),
                  j.value("latency_ns", 0.0) / 1e3, j.value("energy_pj", 0.0) / 1e6, mb, num(j, "rel_l2_err"),
                  j["passed"].get<bool>() ? "ok" : "FAIL");
    os << line;
  }
  const bool numerics_off = sc.contains("workload") && sc["workload"].is_object() &&
                            sc["workload"].value("numerics", std::string("on")) == "off";
  const std::string accuracy = t.contains("rel_l2_err") ? "max_abs_err %.3e, rel_l2_err %.3e, cosine %.6f"
                               : numerics_off           ? "timing only: numerics off"
                               : t.contains("data_ok")
                                   ? (t["data_ok"].get<bool>() ? "data checked by checksum: ok"
                                                               : "data checked by checksum: FAILED")
                                   : "accuracy not measured (replay)";
  // Main memory by its preset's name: dram_bytes_* count whatever it is (a ReRAM preset's too).
  const std::string memory = memory_label(sc);
  const std::string fmt = "total: %llu jobs (%llu failed), %llu cycles, %.3f us, %.4f uJ, " + memory +
                          " %.3f MB read / %.3f MB written, " + accuracy + "\n";
  std::snprintf(line, sizeof line, fmt.c_str(),
                static_cast<unsigned long long>(t["jobs"].get<std::uint64_t>()),
                static_cast<unsigned long long>(t["jobs_failed"].get<std::uint64_t>()),
                static_cast<unsigned long long>(t["cycles"].get<std::uint64_t>()),
                t["latency_ns"].get<double>() / 1e3, t["energy_pj"].get<double>() / 1e6,
                t["dram_bytes_read"].get<double>() / 1e6, t["dram_bytes_written"].get<double>() / 1e6,
                num(t, "max_abs_err"), num(t, "rel_l2_err"), num(t, "cosine"));
  os << line;
  if (t.contains("keys_fetched_fraction")) {
    const Json& red = t["kv_dram_reduction"];
    std::snprintf(line, sizeof line,
                  "pruning: keys fetched %.3f, values fetched %.3f, requant %.3f, %.1f GOP/s; K/V memory "
                  "traffic reduction "
                  "%.2fx (token %.2fx, head %.2fx, value %.2fx, quantisation %.2fx)\n",
                  num(t, "keys_fetched_fraction"), num(t, "values_fetched_fraction"),
                  num(t, "requant_fraction"), num(t, "throughput_gops"), num(red, "total"),
                  num(red, "token_pruning"), num(red, "head_pruning"), num(red, "value_pruning"),
                  num(red, "quantisation"));
    os << line;
  }
  if (t.contains("dram_bandwidth_gbps")) {
    const double peak = num(t, "dram_peak_gbps");
    if (std::isfinite(peak) && peak > 0) {
      std::snprintf(line, sizeof line, "%s: %.2f GB/s achieved of %.2f GB/s peak\n", memory.c_str(),
                    num(t, "dram_bandwidth_gbps"), peak);
    } else {  // an ideal memory has no peak
      std::snprintf(line, sizeof line, "%s: %.2f GB/s achieved (no peak: ideal memory)\n", memory.c_str(),
                    num(t, "dram_bandwidth_gbps"));
    }
    os << line;
  }
  os << cycle_lines(stats);
  if (stats.contains("comparison")) {
    const Json& c = stats["comparison"];
    if (c.contains("speedup")) {
      std::snprintf(line, sizeof line,
                    "vs %s baseline on the same workload and memory: %.3f us, %.4f uJ -> speedup %.2fx, "
                    "energy %.2fx lower\n",
                    c["accelerator"].get<std::string>().c_str(), c["latency_ns"].get<double>() / 1e3,
                    c["energy_pj"].get<double>() / 1e6, c["speedup"].get<double>(),
                    c["energy_ratio"].get<double>());
    } else {
      os << "baseline (" << c.value("accelerator", std::string("?"))
         << ") FAILED, no comparison (the figures above are valid): "
         << c.value("error", std::string("no result")) << "\n";
      line[0] = '\0';
    }
    os << line;
  }
  os << "energy by component (uJ):";
  for (const auto& [k, v] : t["energy_by_component_pj"].items()) {
    std::snprintf(line, sizeof line, "  %s %.4f", k.c_str(), v.get<double>() / 1e6);
    os << line;
  }
  os << "\n";
  return os.str();
}

void write_file_atomic(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  const int fd = create_fresh_file(tmp);  // never through a link planted at the temporary's name
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      close(fd);
      throw std::runtime_error("error writing " + tmp + ": " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (close(fd) != 0) throw std::runtime_error("error writing " + tmp + ": " + std::strerror(errno));
  fs::rename(tmp, path);
}

std::string vcd_base(const std::string& outdir) { return (fs::path(outdir) / "waves.tmp").string(); }

void write_outputs(const std::string& outdir, const sc::Scenario& s, const Json& stats, const Json& trace,
                   const std::string& power_csv) {
  const fs::path dir(outdir);
  fs::create_directories(dir);
  // The previous result stops looking complete before any of its files is replaced: an interrupted
  // write leaves the old complete result or none, never a mix that looks complete.
  std::error_code ec;
  fs::remove(dir / "stats.json", ec);
  fs::remove(dir / "stats.partial.json", ec);
  fs::remove(dir / "report.html", ec);  // drawn from the new stats.json after it (html_report.hpp)
  if (!trace.is_null()) write_file_atomic((dir / "trace.json").string(), trace.dump() + "\n");
  if (power_csv.empty()) {
    fs::remove(dir / "power.csv", ec);  // not this run's: a stale file would pass for its power
  } else {
    write_file_atomic((dir / "power.csv").string(), power_csv);
  }
  const fs::path vcd = vcd_base(outdir) + ".vcd";
  if (fs::exists(vcd)) fs::rename(vcd, dir / "waves.vcd");
  write_file_atomic((dir / "resolved.json").string(), s.resolved.dump(2) + "\n");
  const bool partial = stats.contains("partial");
  if (partial || !s.outputs.summary_csv) {
    fs::remove(dir / "summary.csv", ec);
  } else {
    write_file_atomic((dir / "summary.csv").string(), summary_csv(stats));
  }
  // Last: stats.json marks a complete output directory; a run stopped by its time limit writes
  // stats.partial.json instead, so nothing mistakes it for a complete result.
  write_file_atomic((dir / (partial ? "stats.partial.json" : "stats.json")).string(), stats.dump(2) + "\n");
}

}  // namespace savp::tb
