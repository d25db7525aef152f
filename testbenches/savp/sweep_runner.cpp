#include "testbenches/savp/sweep_runner.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "models/common/input_error.hpp"
#include "testbenches/savp/child_process.hpp"
#include "testbenches/savp/html_report.hpp"
#include "testbenches/savp/output_dir.hpp"
#include "testbenches/savp/report.hpp"

namespace savp::tb {

namespace fs = std::filesystem;
using common::Json;

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int sig) { g_stop = sig; }  // the signal, for the exit code (128 + it)

// Where a point's files live: finished, while it runs, its log while it runs. Three directories,
// so that no point id can name another point's temporary.
fs::path point_dir(const std::string& outdir, const SweepPoint& p) {
  return fs::path(outdir) / "points" / p.id;
}
fs::path work_dir(const std::string& outdir, const SweepPoint& p) { return fs::path(outdir) / ".tmp" / p.id; }
fs::path log_file(const std::string& outdir, const SweepPoint& p) {
  return fs::path(outdir) / ".logs" / p.id;
}

// A point's state from its directory; `pj` receives its point.json, `totals` its stats' totals (and
// its tasks' results under "tasks").
PointState read_point(const SweepPoint& p, const fs::path& dir, Json* pj = nullptr, Json* totals = nullptr) {
  std::error_code ec;
  if (!fs::exists(dir / "point.json", ec)) return PointState::missing;
  try {
    Json j = common::load_json_file((dir / "point.json").string());
    if (pj != nullptr && j.is_object()) *pj = j;
    if (!j.is_object() || j.value("fingerprint", "") != p.fingerprint) return PointState::stale;
    const int rc = j.at("exit_code").get<int>();
    if (rc != 0 && rc != 1) return PointState::incomplete;  // 1: ran, a check failed; results are complete
    Json s = common::load_json_file((dir / "stats.json").string());
    if (!s.contains("totals")) return PointState::incomplete;
    // A scenario with tasks: each task's scalars too, as tasks.<id>.<field> columns.
    if (s.contains("tasks") && s["totals"].is_object()) s["totals"]["tasks"] = std::move(s["tasks"]);
    // The platform's area beside the figures of merit (stats.json keeps it under "area").
    if (s.contains("area") && s["totals"].is_object()) s["totals"]["area_mm2"] = s["area"]["total_mm2"];
    if (totals != nullptr) *totals = std::move(s["totals"]);
    return rc == 0 ? PointState::done : PointState::failed;
  } catch (const std::exception& e) {
    if (pj != nullptr) *pj = Json{{"status", "unreadable"}, {"error", e.what()}};
    return PointState::incomplete;
  }
}

}  // namespace

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

namespace {

std::string scalar(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// Scalar totals, nested objects flattened with dots.
void flatten(const Json& j, const std::string& prefix, std::map<std::string, Json>& out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string k = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it->is_object()) {
      flatten(*it, k, out);
    } else if (!it->is_array()) {
      out[k] = *it;
    }
  }
}

struct Progress {
  std::size_t total = 0, done = 0, failed = 0, skipped = 0, running = 0;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  bool tty = isatty(2) != 0;
  void show(const std::string& event) {
    const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::size_t ran = done + failed - skipped;
    const std::size_t left = total - done - failed;
    char eta[48] = "ETA -";  // no point ran yet: no rate to extrapolate
    if (ran > 0)
      std::snprintf(eta, sizeof eta, "ETA %.0f s", el / static_cast<double>(ran) * static_cast<double>(left));
    char line[256];
    std::snprintf(line, sizeof line, "[sweep] %zu/%zu done, %zu failed, %zu running, %s", done + failed, total,
                  failed, running, eta);
    if (tty) {
      std::cerr << "\r" << line << "   " << std::flush;
      if (left == 0 && running == 0) std::cerr << "\n";
    } else if (!event.empty()) {
      std::cerr << line << ": " << event << "\n";
    }
  }
};

// Starts point p as its own savp process writing to OUTDIR/.tmp/<id>; returns its pid.
pid_t start_point(const SweepSpec& spec, const std::string& outdir, const SweepPoint& p,
                  const std::string& savp, const std::vector<std::string>& run_args) {
  const fs::path tmp = work_dir(outdir, p), log = log_file(outdir, p);
  std::error_code ec;
  for (const fs::path& d : {point_dir(outdir, p).parent_path(), tmp.parent_path(), log.parent_path()})
    fs::create_directories(d, ec);
  remove_savp_dir(tmp.string());
  // A point draws no page of its own (the sweep's report.html shows every point).
  std::vector<std::string> argv{savp, "run", spec.base, "-o", tmp.string(), "--quiet", "--no-report"};
  argv.insert(argv.end(), run_args.begin(), run_args.end());
  for (const auto& s : p.sets()) {
    argv.push_back("--set");
    argv.push_back(s);
  }
  return start_child(argv, log.string());  // dies with the sweep
}

// The error of the point's baseline when the point's own run passed every check and only its
// baseline (outputs.baseline) failed, else "": its own figures are valid, its comparison missing.
std::string baseline_failure(const fs::path& dir) {
  try {
    const Json s = common::load_json_file((dir / "stats.json").string());
    const Json& c = s.at("comparison");
    if (s.at("totals").at("jobs_failed").get<std::uint64_t>() != 0 || c.value("status", "") != "failed")
      return "";
    return c.value("error", std::string("the baseline failed"));
  } catch (const std::exception&) {
    return "";
  }
}

// Seals a finished point: its log and point.json into the temporary directory, then the rename
// that makes it complete (replacing the previous result only when savp wrote all of it).
void finish_point(const std::string& outdir, const SweepPoint& p, int rc, double wall) {
  const fs::path tmp = work_dir(outdir, p), dir = point_dir(outdir, p);
  std::error_code ec;
  fs::create_directories(tmp, ec);
  fs::rename(log_file(outdir, p), tmp / "log.txt", ec);
  Json pj = {{"id", p.id},
             {"exit_code", rc},
             {"wall_s", wall},
             {"status", rc == 0 ? "done" : "failed"},
             {"fingerprint", p.fingerprint}};
  for (const auto& [path, v] : p.values) pj["values"][path] = v;
  const std::string baseline_error = rc == 1 ? baseline_failure(tmp) : "";
  if (!baseline_error.empty()) {
    pj["status"] = "done_baseline_failed";
    pj["error"] = baseline_error;
  } else if (rc != 0) {
    std::string last;
    std::ifstream in((tmp / "log.txt").string());
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) last = line;
    }
    // The run wrote into the temporary directory that becomes points/<id>: name the latter.
    for (std::size_t at = last.find(tmp.string()); at != std::string::npos;
         at = last.find(tmp.string(), at + dir.string().size()))
      last.replace(at, tmp.string().size(), dir.string());
    pj["error"] = last;
  }
  write_file_atomic((tmp / "point.json").string(), pj.dump(2) + "\n");
  remove_savp_dir(dir.string());
  fs::rename(tmp, dir, ec);
  if (ec)
    throw common::InputError(dir.string(), "", "cannot move the finished point into place: " + ec.message());
}

int exit_code(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

int run_one_point(const SweepSpec& spec, const std::string& outdir, std::size_t index,
                  const std::string& savp, const std::vector<std::string>& run_args) {
  if (index >= spec.points.size())
    throw std::runtime_error("sweep point " + std::to_string(index) + " does not exist");
  const SweepPoint& p = spec.points[index];
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = start_point(spec, outdir, p, savp, run_args);
  int status = 0;
  waitpid(pid, &status, 0);
  const int rc = exit_code(status);
  finish_point(outdir, p, rc, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return rc;
}

PointState point_state(const SweepPoint& p, const std::string& outdir) {
  return read_point(p, point_dir(outdir, p));
}

bool resume_keeps(const SweepPoint& p, const std::string& outdir, PointState* state) {
  const PointState st = point_state(p, outdir);
  if (state != nullptr) *state = st;
  if (st == PointState::stale) std::cerr << p.id << ": the scenario changed since it ran; running it again\n";
  if (st == PointState::incomplete) std::cerr << p.id << ": its result is incomplete; running it again\n";
  return st == PointState::done || st == PointState::failed;
}

void check_sweep_dir(const SweepSpec& spec, const std::string& outdir, bool resume) {
  std::error_code ec;
  for (const char* sub : {"points", ".tmp", ".logs"}) {
    const fs::path d = fs::path(outdir) / sub;
    if (fs::exists(fs::symlink_status(d, ec)) && !fs::is_directory(fs::symlink_status(d, ec)))
      throw common::InputError(d.string(), "",
                               "expected the directory of the sweep's points, found a file (move it away)");
  }
  for (const SweepPoint& p : spec.points) {
    const PointState st = point_state(p, outdir);
    if (resume && (st == PointState::done || st == PointState::failed)) continue;
    check_savp_dir(point_dir(outdir, p).string());
    check_savp_dir(work_dir(outdir, p).string());
    if (fs::is_directory(fs::symlink_status(log_file(outdir, p), ec)))
      throw common::InputError(log_file(outdir, p).string(), "",
                               "expected savp's log of the point, found a directory");
  }
}

void merge_results(const SweepSpec& spec, const std::string& outdir, bool draw_report) {
  std::ostringstream jsonl;
  std::vector<std::map<std::string, Json>> rows;
  std::vector<std::string> metric_cols;
  std::map<std::string, bool> known;
  for (const SweepPoint& p : spec.points) {
    Json row = Json::object();
    row["id"] = p.id;
    for (const auto& [path, v] : p.values) row[path] = v;
    std::map<std::string, Json> totals;
    Json pj = Json::object(), t;
    const PointState st = read_point(p, point_dir(outdir, p), &pj, &t);
    if (st == PointState::missing) {
      row["status"] = "missing";
    } else if (st == PointState::stale) {
      row["status"] = "stale";  // a result of another scenario: not shown as this point's
    } else {
      row["status"] = pj.value("status", "");
      row["exit_code"] = pj.value("exit_code", -1);
      if (pj.contains("error")) row["error"] = pj["error"];
      if (st == PointState::done || st == PointState::failed) flatten(t, "", totals);
    }
    for (const auto& [k, v] : totals) {
      row[k] = v;
      if (!known[k]) {
        known[k] = true;
        metric_cols.push_back(k);
      }
    }
    jsonl << row.dump() << "\n";
    std::map<std::string, Json> flat;
    for (auto it = row.begin(); it != row.end(); ++it) flat[it.key()] = *it;
    rows.push_back(std::move(flat));
  }
  std::vector<std::string> cols{"id"};
  for (const auto& a : spec.axes) cols.push_back(a);
  cols.push_back("status");
  cols.push_back("exit_code");
  cols.push_back("error");
  cols.insert(cols.end(), metric_cols.begin(), metric_cols.end());
  std::ostringstream csv;
  for (std::size_t i = 0; i < cols.size(); ++i) csv << (i ? "," : "") << csv_field(cols[i]);
  csv << "\n";
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < cols.size(); ++i) {
      auto it = r.find(cols[i]);
      csv << (i ? "," : "") << (it == r.end() ? "" : csv_field(scalar(it->second)));
    }
    csv << "\n";
  }
  write_file_atomic((fs::path(outdir) / "results.csv").string(), csv.str());
  write_file_atomic((fs::path(outdir) / "results.jsonl").string(), jsonl.str());
  if (!draw_report || !reports_enabled_by_env()) {
    std::error_code ec;
    fs::remove(fs::path(outdir) / "report.html", ec);  // the page of fewer points: redrawn at the end
    return;
  }
  const std::string why = write_report_html(outdir, "sweep");
  if (!why.empty()) std::cerr << "[sweep] no report.html: " << why << "\n";
}

int run_sweep(const SweepSpec& spec, const SweepOptions& o) {
  const fs::path out(o.outdir), points = out / "points";
  fs::create_directories(points);
  write_file_atomic((out / "sweep.json").string(), spec.resolved.dump(2) + "\n");
  g_stop = 0;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  Progress pr;
  pr.total = spec.points.size();
  std::vector<std::size_t> todo;
  bool any_failed = false;
  for (std::size_t i = 0; i < spec.points.size(); ++i) {
    PointState st = PointState::missing;
    if (o.resume && resume_keeps(spec.points[i], o.outdir, &st)) {
      ++(st == PointState::done ? pr.done : pr.failed);  // a kept failed point fails the sweep as it did
      any_failed = any_failed || st == PointState::failed;
      ++pr.skipped;
      continue;
    }
    todo.push_back(i);
  }
  pr.show(pr.skipped ? std::to_string(pr.skipped) + " complete point(s) kept" : "start");
  struct Running {
    std::size_t index;
    std::chrono::steady_clock::time_point start;
  };
  std::map<pid_t, Running> running;
  std::size_t next = 0;
  while ((next < todo.size() || !running.empty()) && !g_stop) {
    while (next < todo.size() && running.size() < std::max(1u, o.jobs) && !g_stop) {
      const SweepPoint& p = spec.points[todo[next++]];
      const pid_t pid = start_point(spec, o.outdir, p, o.savp, o.run_args);
      running[pid] = {static_cast<std::size_t>(&p - spec.points.data()), std::chrono::steady_clock::now()};
      ++pr.running;
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    auto it = running.find(pid);
    if (it == running.end()) continue;
    const SweepPoint& p = spec.points[it->second.index];
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second.start).count();
    running.erase(it);
    --pr.running;
    int rc = exit_code(status);
    try {
      finish_point(o.outdir, p, rc, wall);
    } catch (const common::InputError& e) {  // user files appeared in its place while it ran
      std::cerr << "\nsavp: error: " << e.what() << "\n";
      rc = rc == 0 ? 1 : rc;
    }
    if (rc == 0) {
      ++pr.done;
    } else {
      ++pr.failed;
      any_failed = true;
    }
    merge_results(spec, o.outdir, false);
    pr.show(p.id + (rc == 0 ? " done" : " failed (exit " + std::to_string(rc) + ")"));
  }
  if (g_stop) {
    for (const auto& [pid, r] : running) kill(pid, SIGTERM);
    for (const auto& [pid, r] : running) waitpid(pid, nullptr, 0);
    std::cerr << "\n[sweep] interrupted: finished points are kept; run again with --resume\n";
    merge_results(spec, o.outdir);
    return 128 + static_cast<int>(g_stop);  // 130 for SIGINT, 143 for SIGTERM
  }
  merge_results(spec, o.outdir);
  return any_failed ? 1 : 0;
}

}  // namespace savp::tb
