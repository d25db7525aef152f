#include "testbenches/savp/cli.hpp"

#include <boost/program_options.hpp>

#include <signal.h>
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "models/common/input_error.hpp"
#include "models/common/json_files.hpp"
#include "models/memory/memory_spec.hpp"
#include "testbenches/cosim/plugin/topk_plugin.hpp"
#include "testbenches/savp/child_process.hpp"
#include "testbenches/savp/compare.hpp"
#include "testbenches/savp/comparison_runs.hpp"
#include "testbenches/savp/data_stats.hpp"
#include "testbenches/savp/html_report.hpp"
#include "testbenches/savp/job_plan.hpp"
#include "testbenches/savp/memory_estimate.hpp"
#include "testbenches/savp/output_dir.hpp"
#include "testbenches/savp/progress.hpp"
#include "testbenches/savp/report.hpp"
#include "testbenches/savp/rtl_build.hpp"
#include "testbenches/savp/run_limits.hpp"
#include "testbenches/savp/shipped_names.hpp"
#include "testbenches/savp/simulation.hpp"
#include "testbenches/savp/sweep_runner.hpp"
#include "testbenches/savp/sweep_spec.hpp"
#include "testbenches/savp/table_export.hpp"
#include "testbenches/savp/task_plan.hpp"
#include "tlm/core/stat_descriptions.hpp"
#include "tlm/platform/hardware_inventory.hpp"
#include "tlm/platform/platform.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::tb {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

std::function<void(const std::string&)>& rtl_waves_hook() {
  static std::function<void(const std::string&)> h;
  return h;
}

constexpr int kOk = 0, kCheckFailed = 1, kBadInput = 2;

const char* kUsage =
    "usage:\n"
    "  savp run SCENARIO.json [-o OUTDIR] [--set PATH=VALUE]... [--quiet]\n"
    "       [--force] [--time-limit T] [--max-memory SIZE] [--no-report]\n"
    "  savp validate FILE.json [--set PATH=VALUE]...   scenario or sweep; exit 0 when valid\n"
    "  savp sweep SWEEP.json [-o OUTDIR] [-j N] [--backend local|slurm] [--resume] [--force]\n"
    "       [--time-limit T] [--max-memory SIZE]   (per point)\n"
    "       [--time T] [--mem M] [--partition P]   (slurm: sbatch array, then savp sweep --collect OUTDIR)\n"
    "  savp list                          engines, presets, workloads known to this build\n"
    "  savp list stats                    every component stat: unit and description (markdown)\n"
    "  savp export-tables [--node N] [--table FILE] -o OUTDIR [--force]\n"
    "                                     the energy/area table as Accelergy ERT.yaml and ART.yaml\n"
    "  savp data-stats SCENARIO.json [--set PATH=VALUE]... [--json] [--radius N]\n"
    "                                     entropy, local and top-k mass of an attention workload's data\n"
    "  savp compare A B [C...] [--csv]    totals of stats.json files or output dirs side by side\n"
    "  savp rtl build SOURCES... --top MODULE --protocol NAME [--param K=V]... [-I DIR]... [-D DEF]...\n"
    "       -o BLOCK.so                   an RTL plugin (Verilator + the compiler that built savp)\n"
    "  savp --version | --help\n"
    "\n"
    "PATH in --set is dotted, array elements by index (workload.seq_len=1024,\n"
    "platform.accelerators.0.array.rows=16); VALUE is parsed as JSON, else taken as a string.\n"
    "-o refuses a non-empty directory that is not a SAVP output unless --force. --time-limit (seconds,\n"
    "or 90s, 15m, 2h) stops the run cleanly and writes stats.partial.json (exit 1). --max-memory (8G,\n"
    "512M; default 80 % of physical memory) refuses a scenario whose estimated memory is larger.\n"
    "Exit codes: 0 success; 1 a simulation ran but failed a check; 2 bad input (nothing written).\n";

int usage_error(const std::string& msg) {
  std::cerr << "savp: " << msg << "\n\n" << kUsage;
  return kBadInput;
}

// The shipped scenarios/ tree; $SAVP_DATA_DIR overrides it and must name a directory (an
// InputError, exit 2, says so rather than letting every preset look unknown).
std::string data_dir() {
  const char* env = std::getenv("SAVP_DATA_DIR");
  if (env == nullptr) return SAVP_DATA_DIR;
  std::error_code ec;
  if (!std::filesystem::is_directory(env, ec)) {
    throw common::InputError("SAVP_DATA_DIR=" + common::printable(env), "", "no such directory");
  }
  return env;
}

bool looks_like_sweep(const std::string& path) {
  try {
    const common::Json j = common::load_json_file(path);
    // A scenario has none of these keys (they would be unknown keys): a file with any of them is
    // meant as a sweep and gets the sweep's messages (a sweep without axes, without a base).
    return j.is_object() &&
           (j.contains("base") || j.contains("grid") || j.contains("zip") || j.contains("points"));
  } catch (const std::exception&) {
    return false;
  }
}

// The previous result in OUTDIR (and its baseline) stops looking complete before this run starts:
// killed at any moment, the directory holds the old result or no stats.json, never a new baseline
// beside an old stats.json.
// The previous baseline/ goes whole (check_savp_dir has made sure that it holds only savp's files).
void forget_previous_result(const std::string& outdir) {
  std::error_code ec;
  fs::remove(fs::path(outdir) / "stats.json", ec);
  fs::remove(fs::path(outdir) / "stats.partial.json", ec);
  if (fs::exists(fs::symlink_status(fs::path(outdir) / "baseline", ec))) {
    remove_savp_dir((fs::path(outdir) / "baseline").string());
  }
  const fs::path alone = fs::path(outdir) / "alone";
  if (fs::is_directory(fs::symlink_status(alone, ec))) {
    for (fs::directory_iterator it(alone, ec), end; !ec && it != end; it.increment(ec))
      remove_savp_dir(it->path().string());
    fs::remove(alone, ec);
  }
}

int cmd_run(const std::vector<std::string>& args) {
  po::options_description opts("run options");
  opts.add_options()("output,o", po::value<std::string>(), "output directory (default out/<scenario id>)")(
      "set", po::value<std::vector<std::string>>()->composing(), "PATH=VALUE override (repeatable)")(
      "quiet,q", po::bool_switch(), "print nothing on success")(
      "no-report", po::bool_switch(), "write no report.html (as outputs.report false)")(
      "scenario", po::value<std::string>(), "scenario file");
  add_limit_options(opts);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(std::string("run: ") + e.what());
  }
  if (!vm.count("scenario")) return usage_error("run: missing SCENARIO.json");
  std::string file = vm["scenario"].as<std::string>();
  const std::vector<std::string> sets =
      vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  const bool quiet = vm["quiet"].as<bool>();
  // --quiet: SystemC's own info messages (I702, the VCD's timescale, ...) stay silent too; its
  // warnings and errors still print.
  if (quiet) sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);

  sc::Scenario scenario;
  JobPlan plan;
  std::optional<TaskPlan> tasks;   // a scenario with `tasks`
  std::optional<ModelPlan> model;  // a "model" workload
  Limits limits;
  std::string outdir;
  const auto t0 = std::chrono::steady_clock::now();
  // Progress on stderr (none with --quiet): stage lines while the run plans, the baseline and alone
  // runs go and the report is drawn; job lines while the kernel runs.
  std::unique_ptr<ProgressMeter> progress = quiet ? nullptr : ProgressMeter::for_stderr();
  try {
    limits = parse_limits(vm);
    bool shipped = false;
    file = find_scenario(file, data_dir(), shipped);
    if (shipped && !quiet) std::cerr << "savp: running the shipped scenario " << file << "\n";
    scenario = sc::load_scenario(file, sets, data_dir());
    check_memory(scenario, limits.max_memory);  // before the plan allocates anything sized by it
    StageTicker planning(progress.get(), "planning: operands, schedules and references");
    if (!scenario.tasks.empty()) {
      tasks = make_task_plan(scenario);
    } else if (scenario.workload.kind == common::WorkloadSpec::Kind::Model) {
      model = make_model_plan(scenario);
    } else {
      plan = make_plan(scenario);
    }
    outdir = vm.count("output") ? vm["output"].as<std::string>() : "out/" + scenario.id;
    if (outdir.empty())
      throw common::InputError("-o", "", "expected an output directory, found an empty string");
    // The baseline's directory is replaced whole: anything in it savp did not write (a user's file,
    // a symlink out of the directory, a plain file named baseline) is refused before anything runs.
    if (!scenario.outputs.baseline.is_null()) check_savp_dir((fs::path(outdir) / "baseline").string());
    check_savp_dir_list((fs::path(outdir) / "alone").string());  // outputs.alone's runs, replaced whole
    claim_output_dir(outdir, "run", vm["force"].as<bool>());
    forget_previous_result(outdir);
  } catch (const common::InputError& e) {
    std::cerr << "savp: error: " << e.what() << "\n";
    return kBadInput;
  }

  cosim::set_plugin_waves_dir(outdir);  // an RTL plugin's disagreement waves
  if (scenario.outputs.rtl_waves) {  // the RTL's waves stream during the run too
    std::error_code ec;
    std::filesystem::create_directories(outdir, ec);
    if (rtl_waves_hook()) rtl_waves_hook()(outdir);
  }
  std::string waves;
  if (scenario.outputs.vcd) {  // the waveform streams during the run: its folder must exist
    std::error_code ec;
    std::filesystem::create_directories(outdir, ec);
    waves = vcd_base(outdir);
  }
  // The wall-clock limit counts from the start of the command (loading and planning included).
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double limit = limits.time_limit_s > 0 ? std::max(1e-3, limits.time_limit_s - elapsed) : 0.0;
  Watchdog watchdog(limit, outdir);
  SimulationOutcome out;
  if (progress) {
    std::size_t planned = plan.jobs.size();
    if (tasks) {
      planned = 0;
      for (const TaskRun& t : tasks->tasks) planned += t.jobs.size();
    }
    if (model) planned = model->jobs();
    progress->set_planned(planned);
  }
  ProgressMeter* meter = progress.get();
  try {
    out = tasks   ? simulate(scenario, *tasks, waves, limit, meter)
          : model ? simulate(scenario, *model, waves, limit, meter)
                  : simulate(scenario, plan, waves, limit, meter);
  } catch (const common::InputError& e) {
    // Bad input found only while the platform was built or ran (an energy-table entry without the
    // price an engine asks for): exit 2 and no output, as before the run, so the claimed directory
    // goes (claim_output_dir emptied it first).
    watchdog.disarm();
    std::cerr << "savp: error: " << e.what() << "\n";
    try {
      remove_savp_dir(outdir);
    } catch (const std::exception&) {
    }
    return kBadInput;
  }
  if (out.timed_out) out.stats["partial"]["time_limit_s"] = limits.time_limit_s;
  if (!scenario.outputs.baseline.is_null() && out.error.empty() && !out.timed_out) {
    const double used = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (limits.time_limit_s > 0 && used >= limits.time_limit_s) {
      out.timed_out = true;
      out.stats["partial"] = {
          {"reason", "time_limit"}, {"time_limit_s", limits.time_limit_s}, {"baseline", "not run"}};
    } else {
      std::vector<std::string> child_limits = {"--max-memory", std::to_string(limits.max_memory)};
      if (limits.time_limit_s > 0) {
        child_limits.insert(child_limits.end(), {"--time-limit", std::to_string(limits.time_limit_s - used)});
      }
      StageTicker ticker(meter, "baseline: running " + std::string(outdir) + "/baseline");
      out.stats["comparison"] = run_baseline(scenario, outdir, out.stats, child_limits);
    }
    const common::Json& c = out.stats["comparison"];
    if (c.contains("speedup")) {
      out.stats["totals"]["speedup_vs_baseline"] = c["speedup"];
      out.stats["totals"]["energy_reduction_vs_baseline"] = c["energy_ratio"];
    }
  }
  std::string alone_error;
  if (scenario.outputs.alone && out.error.empty() && !out.timed_out) {
    const double used = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (limits.time_limit_s > 0 && used >= limits.time_limit_s) {
      out.timed_out = true;
      out.stats["partial"] = {
          {"reason", "time_limit"}, {"time_limit_s", limits.time_limit_s}, {"alone", "not run"}};
    } else {
      // Each alone run gets what remains of the limit when it starts.
      std::optional<std::chrono::steady_clock::time_point> deadline;
      if (limits.time_limit_s > 0) {
        deadline = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(limits.time_limit_s));
      }
      StageTicker ticker(meter, "alone: running each task alone in " + std::string(outdir) + "/alone");
      const AloneOutcome alone = run_alone(scenario, outdir, out.stats,
                                           {"--max-memory", std::to_string(limits.max_memory)}, deadline);
      alone_error = alone.error;
      if (alone.timed_out) {
        out.timed_out = true;
        out.stats["partial"] = {{"reason", "time_limit"},
                                {"time_limit_s", limits.time_limit_s},
                                {"alone", "stopped by the time limit"}};
      }
    }
  }
  watchdog.disarm();
  try {
    write_outputs(outdir, scenario, out.stats, out.trace, out.power_csv);
  } catch (const std::exception& e) {
    std::cerr << "savp: error: cannot write outputs to " << outdir << ": " << e.what() << "\n";
    return kBadInput;
  }
  // The summary first (the figures are final), then report.html, drawn from stats.json (a run without
  // it still succeeds: the report line says why).
  const bool show_summary = !out.timed_out && (!quiet || !out.checks_passed);
  if (show_summary) std::cout << summary_table(out.stats) << "outputs: " << outdir << "\n" << std::flush;
  if (!out.timed_out) {
    std::string why = vm["no-report"].as<bool>() ? "off (--no-report)" : "off (outputs.report false)";
    if (scenario.outputs.report && !vm["no-report"].as<bool>()) {
      if (reports_enabled_by_env()) {
        StageTicker ticker(meter, "report: drawing " + (fs::path(outdir) / "report.html").string());
        why = write_report_html(outdir, "run");
      } else {
        why = "off (SAVP_REPORT=0)";
      }
    }
    if (show_summary) {
      std::cout << (why.empty() ? "report: " + (fs::path(outdir) / "report.html").string()
                                : "report: none, " + why)
                << "\n";
    }
  }
  if (out.timed_out) {
    std::cerr << "savp: stopped by the time limit (" << limits.time_limit_s << " s): partial results in "
              << outdir << "/stats.partial.json\n";
    return kCheckFailed;
  }
  if (!out.error.empty()) {
    std::cerr << "savp: simulation error: " << out.error << "\n";
    return kCheckFailed;
  }
  if (out.stats.contains("comparison") && out.stats["comparison"].contains("error")) {
    std::cerr << "savp: baseline error: " << out.stats["comparison"]["error"].get<std::string>() << " (in "
              << outdir << ")\n";
    return kCheckFailed;
  }
  if (!alone_error.empty() && !out.timed_out) {
    std::cerr << "savp: alone run error: " << alone_error << " (in " << outdir << ")\n";
    return kCheckFailed;
  }
  if (!out.checks_passed) {
    // The first failed job and why (stats.json jobs[].failure).
    std::string first;
    for (const auto& j : out.stats.value("jobs", common::Json::array())) {
      if (!j.is_object() || !j.contains("failure")) continue;
      first = "job " + std::to_string(j["index"].get<std::uint64_t>());
      if (j.contains("layer")) {
        first += " (layer " + std::to_string(j["layer"].get<std::uint64_t>()) + ", head " +
                 std::to_string(j["head"].get<std::uint64_t>()) + ")";
      }
      first += ": " + j["failure"].get<std::string>();
      break;
    }
    std::cerr << "savp: check failed: " << out.stats["totals"]["jobs_failed"].get<std::uint64_t>()
              << " job(s) failed";
    if (!first.empty()) std::cerr << "; the first, " << first;
    std::cerr << " (see " << outdir << "/summary.csv)\n";
    return kCheckFailed;
  }
  return kOk;
}

int cmd_sweep(const std::vector<std::string>& args) {
  po::options_description opts("sweep options");
  opts.add_options()("output,o", po::value<std::string>(),
                     "output directory (default out/<sweep file name>)")(
      "jobs,j", po::value<std::string>()->default_value("1"), "points run at once (1 to 1024)")(
      "backend", po::value<std::string>()->default_value("local"), "local | slurm")(
      "resume", po::bool_switch(), "skip points whose results are complete")(
      "time", po::value<std::string>(), "slurm: time limit per point (sbatch --time)")(
      "mem", po::value<std::string>(), "slurm: memory per point (sbatch --mem)")(
      "partition", po::value<std::string>(), "slurm: partition")(
      "collect", po::value<std::string>(), "merge the results of OUTDIR (after a cluster run)")(
      "run-point", po::value<std::string>(), "internal: run one point of OUTDIR (a cluster task)")(
      "index", po::value<std::size_t>(), "internal: the point --run-point runs")(
      "sweep", po::value<std::string>(), "sweep file");
  add_limit_options(opts);
  po::positional_options_description pos;
  pos.add("sweep", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(std::string("sweep: ") + e.what());
  }
  std::error_code ec;
  const std::string self = fs::read_symlink("/proc/self/exe", ec).string();
  // A finished (or running) sweep directory: its own sweep.json describes it.
  for (const char* mode : {"collect", "run-point"}) {
    if (!vm.count(mode)) continue;
    if (vm.count("sweep") || (vm.count("collect") && vm.count("run-point")) || vm["resume"].as<bool>())
      return usage_error(
          std::string("sweep --") + mode +
          " DIR reads the sweep from DIR/sweep.json: no SWEEP.json, --resume or other mode beside it");
    const std::string dir = vm[mode].as<std::string>();
    SweepSpec spec;
    try {
      spec = load_sweep((fs::path(dir) / "sweep.json").string(), data_dir());
      share_output_dir(dir);
    } catch (const common::InputError& e) {
      std::cerr << "savp: error: " << e.what() << "\n";
      return kBadInput;
    }
    if (std::string(mode) == "collect") return collect_sweep(spec, dir);
    if (!vm.count("index")) return usage_error("sweep --run-point: missing --index");
    if (vm["index"].as<std::size_t>() >= spec.points.size())
      return usage_error("sweep --run-point: --index must be below the sweep's " +
                         std::to_string(spec.points.size()) + " points");
    std::vector<std::string> run_args;
    try {
      run_args = parse_limits(vm).args;
    } catch (const common::InputError& e) {
      std::cerr << "savp: error: " << e.what() << "\n";
      return kBadInput;
    }
    return run_one_point(spec, dir, vm["index"].as<std::size_t>(), self, run_args);
  }
  if (!vm.count("sweep")) return usage_error("sweep: missing SWEEP.json");
  const std::string backend = vm["backend"].as<std::string>();
  if (backend != "local" && backend != "slurm") return usage_error("sweep: --backend is local or slurm");
  if (backend == "local") {
    for (const char* opt : {"time", "mem", "partition"}) {
      if (vm.count(opt))
        return usage_error(std::string("sweep: --") + opt +
                           " applies to --backend slurm only (a local sweep would ignore it)");
    }
  }
  const std::string file = vm["sweep"].as<std::string>();
  SweepSpec spec;
  SweepOptions o;
  // -j: a whole number in [1, kMaxJobs] (a negative one would wrap around to billions of processes).
  constexpr unsigned kMaxJobs = 1024;
  const std::string jobs = vm["jobs"].as<std::string>();
  if (jobs.empty() || jobs.size() > 4 || jobs.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(jobs) < 1 || std::stoul(jobs) > kMaxJobs) {
    return usage_error("sweep: -j expects the number of points run at once, a whole number from 1 to " +
                       std::to_string(kMaxJobs) + ", found \"" + common::printable(jobs, 40) + "\"");
  }
  SlurmOptions so;
  if (vm.count("time")) so.time = vm["time"].as<std::string>();
  if (vm.count("mem")) so.mem = vm["mem"].as<std::string>();
  if (vm.count("partition")) so.partition = vm["partition"].as<std::string>();
  o.savp = self;
  try {
    o.run_args = parse_limits(vm).args;
    spec = load_sweep(file, data_dir());
    o.outdir = vm.count("output") ? vm["output"].as<std::string>() : "out/" + fs::path(file).stem().string();
    if (backend == "slurm") check_slurm_options(so, o);  // before anything is written
    check_sweep_dir(spec, o.outdir, vm["resume"].as<bool>());
    claim_output_dir(o.outdir, "sweep", vm["force"].as<bool>());
  } catch (const common::InputError& e) {
    std::cerr << "savp: error: " << e.what() << "\n";
    return kBadInput;
  }
  o.jobs = static_cast<unsigned>(std::min<std::size_t>(std::stoul(jobs), spec.points.size()));
  o.resume = vm["resume"].as<bool>();
  if (backend == "slurm") return submit_slurm(spec, o, so);
  const int rc = run_sweep(spec, o);
  std::cout << spec.points.size() << " points: " << o.outdir << "/results.csv\n";
  return rc;
}

// The platform's area and leakage, without simulating: the total, then one line per component.
void print_area(const sc::Scenario& s) {
  const auto inv = sc::hardware_inventory(s);
  common::HardwareCost total;
  for (const auto& [c, hw] : inv) total += hw;
  std::printf("area: %.4f mm2 at %g nm, leakage %.3f mW\n", total.area_mm2(), s.energy.node_nm(),
              total.leakage_mw());
  for (const auto& a : s.accelerators) {
    const double nm = s.energy_of(a).node_nm();
    if (nm != s.energy.node_nm()) std::printf("  %s at its own node: %g nm\n", a.name().c_str(), nm);
  }
  for (const auto& [c, hw] : inv)
    std::printf("  %-40s %10.4f mm2 %10.3f mW\n", c.c_str(), hw.area_mm2(), hw.leakage_mw());
}

int cmd_validate(const std::vector<std::string>& args) {
  po::options_description opts("validate options");
  opts.add_options()("set", po::value<std::vector<std::string>>()->composing(),
                     "PATH=VALUE override (repeatable), as for run")("file", po::value<std::string>(),
                                                                     "file");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(std::string("validate: ") + e.what());
  }
  if (!vm.count("file")) return usage_error("validate: expected exactly one FILE.json");
  std::string file = vm["file"].as<std::string>();
  try {
    bool shipped = false;
    file = find_scenario(file, data_dir(), shipped);
  } catch (const common::InputError& e) {
    std::cerr << "savp: error: " << e.what() << "\n";
    return kBadInput;
  }
  const std::vector<std::string> sets =
      vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (looks_like_sweep(file)) {
    if (!sets.empty()) return usage_error("validate: --set applies to a scenario, not to a sweep");
    try {
      const SweepSpec spec = load_sweep(file, data_dir());
      std::cout << file << ": valid sweep over " << spec.base << " (" << spec.points.size() << " points)\n";
      return kOk;
    } catch (const common::InputError& e) {
      std::cerr << "savp: error: " << e.what() << "\n";
      return kBadInput;
    }
  }
  try {
    sc::Scenario s = sc::load_scenario(file, sets, data_dir());
    if (!s.tasks.empty()) {
      const TaskPlan plan = make_task_plan(s);
      std::size_t jobs = 0;
      for (const TaskRun& t : plan.tasks) jobs += t.jobs.size();
      std::cout << file << ": valid scenario \"" << s.id << "\" (" << plan.tasks.size() << " task"
                << (plan.tasks.size() == 1 ? "" : "s") << ", " << jobs << " job" << (jobs == 1 ? "" : "s")
                << ", estimated memory " << static_cast<std::uint64_t>(estimate_memory(s).total() / 1e6)
                << " MB)\n";
      print_area(s);
      return kOk;
    }
    if (s.workload.kind == common::WorkloadSpec::Kind::Model) {
      const ModelPlan plan = make_model_plan(s);
      std::cout << file << ": valid scenario \"" << s.id << "\" (model " << plan.workload->model.name << ", "
                << plan.workload->phase_name() << ", " << plan.passes.size() << " pass"
                << (plan.passes.size() == 1 ? "" : "es") << ", " << plan.jobs() << " jobs, estimated memory "
                << static_cast<std::uint64_t>(estimate_memory(s).total() / 1e6) << " MB)\n";
      print_area(s);
      return kOk;
    }
    JobPlan plan = make_plan(s);
    std::cout << file << ": valid scenario \"" << s.id << "\" (" << plan.jobs.size() << " job"
              << (plan.jobs.size() == 1 ? "" : "s") << " on " << s.accelerators[s.workload.accelerator].type
              << ", estimated memory " << static_cast<std::uint64_t>(estimate_memory(s).total() / 1e6)
              << " MB)\n";
    print_area(s);
    return kOk;
  } catch (const common::InputError& e) {
    std::cerr << "savp: error: " << e.what() << "\n";
    return kBadInput;
  }
}

// ERT.yaml and ART.yaml of an energy table (default the shipped one) at a node of its node_scaling
// (default its own); the output directory follows run -o's rules (refused when it holds anything that
// is not a SAVP output), and nothing is written on bad input.
int cmd_export_tables(const std::vector<std::string>& args) {
  po::options_description opts("export-tables options");
  opts.add_options()("output,o", po::value<std::string>(), "output directory")(
      "node", po::value<std::string>(), "technology node in nm (default: the table's)")(
      "table", po::value<std::string>(), "energy table (default: scenarios/energy/default-45nm.json)")(
      "force", po::bool_switch()->default_value(false), "write into a directory that already holds files");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(opts).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(std::string("export-tables: ") + e.what());
  }
  if (!vm.count("output")) return usage_error("export-tables: missing -o OUTDIR");
  const std::string outdir = vm["output"].as<std::string>();
  try {
    if (outdir.empty())
      throw common::InputError("-o", "", "expected an output directory, found an empty string");
    const std::string file = vm.count("table")
                                 ? vm["table"].as<std::string>()
                                 : (fs::path(data_dir()) / "energy" / "default-45nm.json").string();
    common::Json j = common::load_json_file(file);
    common::EnergyTable table = common::EnergyTable::parse(common::JsonNode(j, file));
    if (vm.count("node")) {
      const std::string text = vm["node"].as<std::string>();
      char* end = nullptr;
      const double nm = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || !std::isfinite(nm))
        throw common::InputError("--node", "",
                                 "expected a node in nm, found \"" + common::printable(text) + "\"");
      table = table.at_node(nm, "--node", "");
    }
    claim_output_dir(outdir, "tables", vm["force"].as<bool>());
    write_file_atomic((fs::path(outdir) / "ERT.yaml").string(), accelergy_ert(table));
    write_file_atomic((fs::path(outdir) / "ART.yaml").string(), accelergy_art(table));
    std::cout << outdir << "/ERT.yaml, " << outdir << "/ART.yaml: table \"" << table.name() << "\" at "
              << table.node_nm() << " nm\n";
    return kOk;
  } catch (const common::InputError& e) {
    std::cerr << "savp: error: " << e.what() << "\n";
    return kBadInput;
  } catch (const std::exception& e) {  // writing failed (disk, permissions): not bad input
    std::cerr << "savp: error: " << e.what() << "\n";
    return 1;
  }
}

int cmd_list() {
  print_list(std::cout, data_dir());
  return kOk;
}

}  // namespace

int cli_main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage_error("missing command");
  const std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "--version" || cmd == "-V" || cmd == "version") {
    std::cout << "savp " << SAVP_VERSION << " (" << SAVP_BUILD_TYPE << ", SystemC " << sc_core::sc_release()
              << ")\n";
    return kOk;
  }
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << "SAVP - Sparse-Attention Virtual Prototype\n\n" << kUsage;
    return kOk;
  }
  const bool known = cmd == "run" || cmd == "validate" || cmd == "list" || cmd == "sweep" ||
                     cmd == "export-tables" || cmd == "data-stats";
  // compare answers --help with its own usage (cmd_compare).
  if (known && std::find_if(args.begin(), args.end(),
                            [](const std::string& a) { return a == "--help" || a == "-h"; }) != args.end()) {
    std::cout << "SAVP - Sparse-Attention Virtual Prototype: " << cmd << "\n\n" << kUsage;
    return kOk;
  }
  try {
    // A shipped scenario copied elsewhere: includes not beside it are found in the data directory.
    common::set_include_fallback(
        data_dir(), [](const std::string& notice) { std::cerr << "savp: note: " << notice << "\n"; });
    if (cmd == "run") return cmd_run(args);
    if (cmd == "validate") return cmd_validate(args);
    if (cmd == "list" && args.size() == 1 && args[0] == "stats") {
      std::cout << sc::stat_descriptions_markdown();
      return kOk;
    }
    if (cmd == "list")
      return args.empty() ? cmd_list() : usage_error("list takes no arguments but \"stats\"");
    if (cmd == "sweep") return cmd_sweep(args);
    if (cmd == "export-tables") return cmd_export_tables(args);
    if (cmd == "data-stats") return cmd_data_stats(args, data_dir());
    if (cmd == "compare") return cmd_compare(args);
    if (cmd == "rtl") return cmd_rtl(args);
  } catch (const common::InputError& e) {
    std::cerr << "savp: error: " << e.what() << "\n";
    return kBadInput;
  }
  return usage_error("unknown command \"" + cmd + "\"");
}

void set_rtl_waves_hook(std::function<void(const std::string& outdir)> hook) {
  rtl_waves_hook() = std::move(hook);
}

}  // namespace savp::tb
