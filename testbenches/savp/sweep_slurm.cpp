// The Slurm backend of savp sweep (sweep_runner.hpp): an sbatch array script, its submission, and
// collecting the results of a cluster run.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

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

// Runs a command, returns its standard output and exit code.
std::string capture(const std::string& cmd, int& rc) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) {
    rc = -1;
    return out;
  }
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  const int st = pclose(f);
  rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

bool finished(const fs::path& dir) { return fs::exists(dir / "point.json"); }

}  // namespace

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
  int rc = 0;
  const std::string id = capture("sbatch --parsable " + quote(script.string()) + " 2>&1", rc);
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
  merge_results(spec, outdir);
  std::size_t done = 0, failed = 0, pending = 0;
  for (const SweepPoint& p : spec.points) {
    const fs::path dir = fs::path(outdir) / "points" / p.id;
    if (!finished(dir)) {
      ++pending;
      continue;
    }
    const Json pj = common::load_json_file((dir / "point.json").string());
    (pj.value("exit_code", -1) == 0 ? done : failed) += 1;
  }
  std::string state;
  try {
    const Json s = common::load_json_file((fs::path(outdir) / "slurm.json").string());
    int rc = 0;
    state = capture("squeue -h -j " + s["job_id"].get<std::string>() +
                        " -o '%T' 2>/dev/null | sort | uniq -c | tr -s ' \\n' ' '",
                    rc);
    if (state.empty()) state = "no longer queued";
    state = "Slurm job " + s["job_id"].get<std::string>() + ": " + state;
  } catch (const std::exception&) {
    state = "no Slurm job recorded";
  }
  std::cout << spec.points.size() << " points: " << done << " done, " << failed << " failed, " << pending
            << " not finished (" << state << "); " << outdir << "/results.csv\n";
  if (pending) return 3;
  return failed ? 1 : 0;
}

}  // namespace savp::tb
