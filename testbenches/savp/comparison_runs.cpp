#include "testbenches/savp/comparison_runs.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "testbenches/savp/child_process.hpp"
#include "testbenches/savp/output_dir.hpp"
#include "testbenches/savp/report.hpp"

namespace savp::tb {

namespace fs = std::filesystem;

namespace {

// The pids of the children while they run, and the SIGINT/SIGTERM that stopped this run.
constexpr std::size_t kMaxChildren = 256;
volatile std::sig_atomic_t g_children[kMaxChildren] = {};
volatile std::sig_atomic_t g_stop_signal = 0;

void forward_to_children(int sig) {
  g_stop_signal = sig;
  for (std::size_t i = 0; i < kMaxChildren; ++i) {
    if (g_children[i] > 0) kill(static_cast<pid_t>(g_children[i]), sig);
  }
}

struct ChildRun {
  std::vector<std::string> argv;
  std::string log;
};

// Runs the children to their end, at most `parallel` at once; returns their exit codes (127 when
// one could not be started, its reason in its log; kNotStarted when the deadline had passed). With
// a deadline each child gets `--time-limit` with the seconds that remain when it starts.
constexpr int kNotStarted = -1;

std::vector<int> run_children(const std::vector<ChildRun>& runs, std::size_t parallel,
                              std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt) {
  struct sigaction sa {
  }, old_int{}, old_term{};
  sa.sa_handler = forward_to_children;
  sigemptyset(&sa.sa_mask);
  g_stop_signal = 0;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  parallel = std::max<std::size_t>(1, std::min(parallel, kMaxChildren));
  std::vector<int> rc(runs.size(), 127);
  std::vector<std::pair<pid_t, std::size_t>> running;  // pid, run index
  std::size_t next = 0;
  while (next < runs.size() || !running.empty()) {
    while (next < runs.size() && running.size() < parallel && g_stop_signal == 0) {
      std::vector<std::string> argv = runs[next].argv;
      if (deadline) {
        const double left =
            std::chrono::duration<double>(*deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) {
          rc[next++] = kNotStarted;
          continue;
        }
        argv.insert(argv.end(), {"--time-limit", std::to_string(left)});
      }
      try {
        const pid_t pid = start_child(argv, runs[next].log);
        for (std::size_t i = 0; i < kMaxChildren; ++i) {
          if (g_children[i] == 0) {
            g_children[i] = pid;
            break;
          }
        }
        if (g_stop_signal != 0) kill(pid, g_stop_signal);  // arrived before the pid was known
        running.emplace_back(pid, next);
      } catch (const std::exception& e) {
        std::ofstream(runs[next].log, std::ios::app) << "savp: " << e.what() << "\n";
      }
      ++next;
    }
    if (running.empty()) break;
    // Whichever child ends first frees its slot for the next.
    int code = 127;
    const pid_t pid = wait_any_child(code);
    const auto it =
        std::find_if(running.begin(), running.end(), [pid](const auto& r) { return r.first == pid; });
    if (it == running.end()) continue;  // not one of ours (none other exists while this runs)
    rc[it->second] = code;
    running.erase(it);
    for (std::size_t i = 0; i < kMaxChildren; ++i) {
      if (g_children[i] == pid) g_children[i] = 0;
    }
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (g_stop_signal != 0) {
    signal(g_stop_signal, SIG_DFL);
    raise(g_stop_signal);
  }
  return rc;
}

// The last non-empty line a child printed: its reason when it failed.
std::string last_line(const std::string& log) {
  std::string last;
  std::ifstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) last = line;
  }
  return last;
}

// `text` with every occurrence of the directory `dir` (absolute or as given) written as
// "baseline": the name it has inside OUTDIR.
std::string relative_paths(std::string text, const std::string& dir) {
  std::error_code ec;
  for (const std::string& d : {fs::absolute(dir, ec).lexically_normal().string(), dir}) {
    if (d.empty()) continue;
    for (std::size_t at = text.find(d); at != std::string::npos; at = text.find(d, at + 8))
      text.replace(at, d.size(), "baseline");
  }
  return text;
}

std::string self_exe() {
  std::error_code ec;
  return fs::read_symlink("/proc/self/exe", ec).string();
}

}  // namespace

// Runs the scenario's outputs.baseline accelerator on the same workload and platform as a child
// savp process (one elaboration per process) into OUTDIR/baseline, and compares its totals. Paths
// in the result are relative to OUTDIR (stats.json is the same wherever it is written); a failed
// baseline gives "error" and no speedup.
common::Json run_baseline(const sc::Scenario& s, const std::string& outdir, const common::Json& stats,
                          const std::vector<std::string>& limits) {
  common::Json child = s.resolved;
  const std::size_t index = s.workload.accelerator;
  child["platform"]["accelerators"][index] = s.outputs.baseline;
  child["outputs"].erase("baseline");
  child["outputs"]["trace"] = false;
  child["outputs"]["vcd"] = false;
  child["outputs"]["rtl_waves"] = false;
  child["id"] = s.id + "-baseline";
  const fs::path dir = fs::path(outdir) / "baseline";
  common::Json result = {
      {"accelerator", s.outputs.baseline.value("type", "")}, {"outputs", "baseline"}, {"status", "failed"}};
  const fs::path file = dir / "scenario.json";
  try {
    claim_output_dir(dir.string(), "run", true);  // inside our own output: ours to write
    write_file_atomic(file.string(), child.dump(2) + "\n");
  } catch (const std::exception& e) {
    result["error"] = e.what();
    return result;
  }
  std::vector<std::string> argv = {self_exe(),   "run",     file.string(), "-o",
                                   dir.string(), "--quiet", "--no-report"};
  argv.insert(argv.end(), limits.begin(), limits.end());
  const int rc = run_children({{argv, (dir / "log.txt").string()}}, 1).front();
  result["exit_code"] = rc;
  if (rc != 0) {
    // The child's reason, its paths made relative to OUTDIR: in a sweep OUTDIR is a temporary that
    // is renamed when the point ends, and the message must stay true there.
    const std::string last = relative_paths(last_line((dir / "log.txt").string()), dir.string());
    result["error"] = "the baseline run failed (exit " + std::to_string(rc) +
                      (last.empty() ? "" : ": " + last) + "); see baseline/log.txt";
    return result;
  }
  try {
    const common::Json b = common::load_json_file((dir / "stats.json").string());
    const auto& t = stats["totals"];
    const auto& bt = b.at("totals");
    result["cycles"] = bt.at("cycles");
    result["latency_ns"] = bt.at("latency_ns");
    result["energy_pj"] = bt.at("energy_pj");
    result["dram_bytes"] = bt.at("dram_bytes_read").get<double>() + bt.at("dram_bytes_written").get<double>();
    const double lat = t["latency_ns"].get<double>(), blat = bt.at("latency_ns").get<double>();
    result["speedup"] = lat > 0 ? blat / lat : 0.0;
    result["energy_ratio"] = t["energy_pj"].get<double>() > 0
                                 ? bt.at("energy_pj").get<double>() / t["energy_pj"].get<double>()
                                 : 0.0;
    result["status"] = "done";
  } catch (const std::exception& e) {
    for (const char* k : {"cycles", "latency_ns", "energy_pj", "dram_bytes", "speedup"}) result.erase(k);
    result["error"] = std::string("the baseline's stats.json is unreadable: ") + e.what();
  }
  return result;
}

std::string alone_id(const sc::Scenario& s, std::size_t i) { return s.id + "-alone-" + s.tasks[i].id; }

AloneOutcome run_alone(const sc::Scenario& s, const std::string& outdir, common::Json& stats,
                       const std::vector<std::string>& limits,
                       std::optional<std::chrono::steady_clock::time_point> deadline) {
  AloneOutcome outcome;
  std::vector<ChildRun> runs;
  std::vector<fs::path> dirs;
  std::string& first_error = outcome.error;
  for (std::size_t i = 0; i < s.tasks.size(); ++i) {
    // The task by itself on the same platform: no other task, nothing to wait for, from time 0.
    common::Json task = s.resolved["tasks"][i];
    task.erase("after");
    task.erase("start_ns");
    common::Json child = s.resolved;
    child["tasks"] = common::Json::array({task});
    child["outputs"]["alone"] = false;
    child["outputs"]["trace"] = false;
    child["outputs"]["vcd"] = false;
    child["outputs"]["rtl_waves"] = false;
    child["id"] = alone_id(s, i);
    const fs::path dir = fs::path(outdir) / "alone" / s.tasks[i].id;
    dirs.push_back(dir);
    try {
      claim_output_dir(dir.string(), "run", true);  // inside our own output: ours to write
      write_file_atomic((dir / "scenario.json").string(), child.dump(2) + "\n");
    } catch (const std::exception& e) {
      stats["tasks"][s.tasks[i].id]["alone_error"] = e.what();
      if (first_error.empty()) first_error = s.tasks[i].id + ": " + e.what();
      continue;
    }
    std::vector<std::string> argv = {
        self_exe(), "run", (dir / "scenario.json").string(), "-o", dir.string(), "--quiet", "--no-report"};
    argv.insert(argv.end(), limits.begin(), limits.end());
    runs.push_back({argv, (dir / "log.txt").string()});
  }
  const std::vector<int> rc = run_children(runs, std::max(1u, std::thread::hardware_concurrency()), deadline);
  std::size_t r = 0;
  for (std::size_t i = 0; i < s.tasks.size(); ++i) {
    common::Json& t = stats["tasks"][s.tasks[i].id];
    if (t.contains("alone_error")) continue;
    const fs::path& dir = dirs[i];
    const int code = rc[r++];
    std::string error;
    std::error_code ec;
    if (code == kNotStarted || fs::exists(dir / "stats.partial.json", ec)) {
      outcome.timed_out = true;
      error = code == kNotStarted ? "not run: the time limit had passed" : "stopped by the time limit";
    } else if (code != 0) {
      const std::string last = last_line((dir / "log.txt").string());
      error = "the alone run failed (exit " + std::to_string(code) + (last.empty() ? "" : ": " + last) +
              "); see alone/" + s.tasks[i].id + "/log.txt";
    } else {
      try {
        const common::Json b = common::load_json_file((dir / "stats.json").string());
        const double alone = b.at("tasks").at(s.tasks[i].id).at("latency_ns").get<double>();
        t["alone_latency_ns"] = alone;
        t["slowdown_vs_alone"] = alone > 0 ? t["latency_ns"].get<double>() / alone : 0.0;
      } catch (const std::exception& e) {
        error = std::string("the alone run's stats.json is unreadable: ") + e.what();
      }
    }
    if (!error.empty()) {
      t["alone_error"] = error;
      if (first_error.empty()) first_error = s.tasks[i].id + ": " + error;
    }
  }
  return outcome;
}

}  // namespace savp::tb
