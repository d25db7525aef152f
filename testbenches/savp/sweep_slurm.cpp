// The Slurm backend of savp sweep (sweep_runner.hpp): an sbatch array script, its submission, and
// collecting the results of a cluster run.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>

#include "models/common/input_error.hpp"
#include "testbenches/savp/child_process.hpp"
#include "testbenches/savp/report.hpp"
#include "testbenches/savp/sweep_runner.hpp"

namespace savp::tb {

namespace fs = std::filesystem;
using common::Json;

namespace {

std::string quote(const std::string& s) {
  std::string o = "'";
  for (char c : s) o += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return o + "'";
}

// Refuses (InputError naming the option, exit 2) a value that does not match `pattern` entirely.
void check_value(const std::string& option, const std::string& value, const char* pattern, const std::string& expected) {
  if (!std::regex_match(value, std::regex(pattern))) {
    throw common::InputError(option, "", "expected " + expected + ", found \"" + common::printable(value) + "\"");
  }
}

// A value that holds no control character (newline, carriage return, tab, ...).
bool printable_text(const std::string& s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}


}  // namespace

void check_slurm_options(const SlurmOptions& so, const SweepOptions& o) {
  // sbatch's formats: minutes, minutes:seconds, hours:minutes:seconds, days-hours,
  // days-hours:minutes, days-hours:minutes:seconds.
  if (!so.time.empty()) {
    check_value("--time", so.time, "[0-9]{1,9}(:[0-9]{1,2}){0,2}|[0-9]{1,6}-[0-9]{1,2}(:[0-9]{1,2}){0,2}",
                "a Slurm time limit (M, M:S, H:M:S, D-H, D-H:M or D-H:M:S)");
  }
  if (!so.mem.empty()) check_value("--mem", so.mem, "[0-9]{1,15}[KMGT]?", "a Slurm memory size (digits, then K, M, G or T)");
  if (!so.partition.empty()) {
    check_value("--partition", so.partition, "[A-Za-z0-9_.-]{1,64}(,[A-Za-z0-9_.-]{1,64}){0,15}",
                "a Slurm partition name (letters, digits, '_', '.', '-'; several separated by commas)");
  }
  // The output path stands unquoted in an #SBATCH line, where sbatch splits at white space, reads
  // quotes and backslashes and expands '%' patterns.
  const std::string out = fs::absolute(o.outdir).string();
  check_value("-o", out, "[^\\x00-\\x20\\x7f\"'\\\\%]+",
              "an output path without white space, control characters, quotes, backslashes or '%' (it is written "
              "into sweep.sbatch)");
  if (!printable_text(o.savp)) {
    throw common::InputError("the savp executable", "", "expected a path without control characters, found \"" +
                                                            common::printable(o.savp) + "\"");
  }
  for (std::size_t i = 0; i + 1 < o.run_args.size(); i += 2) {  // option, value pairs
    if (!printable_text(o.run_args[i + 1])) {
      throw common::InputError(o.run_args[i], "", "expected a value without control characters, found \"" +
                                                      common::printable(o.run_args[i + 1]) + "\"");
    }
  }
}

int submit_slurm(const SweepSpec& spec, const SweepOptions& o, const SlurmOptions& so) {
  const fs::path out = fs::absolute(o.outdir);
  fs::create_directories(out / "points");
  write_file_atomic((out / "sweep.json").string(), spec.resolved.dump(2) + "\n");
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < spec.points.size(); ++i) {
    if (!(o.resume && resume_keeps(spec.points[i], out.string()))) todo.push_back(i);  // the local rule
  }
  if (todo.empty()) {
    merge_results(spec, out.string());
    std::cerr << "[sweep] every point is complete\n";
    return 0;
  }
  std::string array;
  for (std::size_t i = 0; i < todo.size(); ++i) array += (i ? "," : "") + std::to_string(todo[i]);
  std::ostringstream sh;
  sh << "#!/bin/bash\n"
     << "#SBATCH --job-name=savp-sweep\n"
     << "#SBATCH --array=" << array << "%" << std::max(1u, o.jobs) << "\n"
     << "#SBATCH --output=" << (out / "points" / ".slurm-%a.log").string() << "\n"
     << "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n";
  if (!so.time.empty()) sh << "#SBATCH --time=" << so.time << "\n";
  if (!so.mem.empty()) sh << "#SBATCH --mem=" << so.mem << "\n";
  if (!so.partition.empty()) sh << "#SBATCH --partition=" << so.partition << "\n";
  sh << "exec " << quote(o.savp) << " sweep --run-point " << quote(out.string())
     << " --index \"$SLURM_ARRAY_TASK_ID\"";
  for (const auto& a : o.run_args) sh << " " << quote(a);
  sh << "\n";
  const fs::path script = out / "sweep.sbatch";
  write_file_atomic(script.string(), sh.str());
  const std::string sbatch = find_program("sbatch");
  if (sbatch.empty()) {
    std::cerr << "savp: error: sbatch not found in PATH; the script is " << script.string() << "\n";
    return 1;
  }
  int rc = 0;
  std::string id;
  try {
    id = run_captured({sbatch, "--parsable", script.string()}, rc);
  } catch (const std::exception& e) {
    id = std::string(e.what()) + "\n";
    rc = 127;
  }
  if (rc != 0) {
    std::cerr << "savp: error: sbatch failed (exit " << rc << "): " << id;
    return 1;
  }
  const std::string job = id.substr(0, id.find_first_of(";\n"));
  write_file_atomic(
      (out / "slurm.json").string(),
      Json{{"job_id", job}, {"script", script.string()}, {"points", todo.size()}}.dump(2) + "\n");
  std::cout << "submitted Slurm job " << job << " (" << todo.size() << " array tasks, at most " << o.jobs
            << " at once); collect with: savp sweep --collect " << out.string() << "\n";
  return 0;
}

int collect_sweep(const SweepSpec& spec, const std::string& outdir) {
  std::size_t done = 0, failed = 0, pending = 0;
  // The resume rule's view of each point (sweep_runner.hpp): a result of another sweep definition
  // (stale) has still to run; one that ended without a complete result (exit 2, killed) failed and
  // is run again by --resume.
  for (const SweepPoint& p : spec.points) {
    const PointState st = point_state(p, outdir);
    if (st == PointState::done) {
      ++done;
    } else if (st == PointState::failed || st == PointState::incomplete) {
      ++failed;
    } else {
      ++pending;
    }
  }
  // Merged after counting: a point that finishes in between is in the results but not yet in the
  // count (exit 3, collect again), never counted done while the results still miss it.
  merge_results(spec, outdir);
  std::string state;
  bool job_known = true;
  try {
    const Json s = common::load_json_file((fs::path(outdir) / "slurm.json").string());
    const std::string job = s["job_id"].get<std::string>();
    if (!std::regex_match(job, std::regex("[0-9]{1,20}"))) throw std::runtime_error("not a job id");
    // Tasks by state, e.g. "2 PENDING 1 RUNNING".
    std::map<std::string, int> tasks;
    const std::string squeue = find_program("squeue");
    int rc = 0;
    const std::string text = squeue.empty() ? "" : run_captured({squeue, "-h", "-j", job, "-o", "%T"}, rc);
    std::istringstream lines(rc == 0 ? text : "");
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) ++tasks[line];
    }
    for (const auto& [name, n] : tasks) state += (state.empty() ? "" : " ") + std::to_string(n) + " " + name;
    if (state.empty()) state = "no longer queued";
    state = "Slurm job " + job + ": " + state;
  } catch (const std::exception&) {
    state = "no Slurm job recorded";
    job_known = false;
  }
  std::cout << spec.points.size() << " points: " << done << " done, " << failed << " failed, " << pending
            << " not finished (" << state << "); " << outdir << "/results.csv\n";
  if (pending && !job_known) {
    // No job will finish them (sbatch failed or was never run): waiting is not an answer.
    std::cerr << "savp: no Slurm job is recorded for the unfinished points; submit them again with savp sweep SWEEP.json -o "
              << outdir << " --backend slurm --resume\n";
    return 1;
  }
  if (pending) return 3;
  return failed ? 1 : 0;
}

}  // namespace savp::tb
