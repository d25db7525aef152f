#include "testbenches/savp/output_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <vector>

#include "models/common/input_error.hpp"
#include "models/common/json_reader.hpp"
#include "testbenches/savp/report.hpp"

namespace savp::tb {

namespace fs = std::filesystem;

namespace {

// A stats.json or sweep.json of an older SAVP output (before the marker existed).
bool written_by_savp(const fs::path& file) {
  try {
    const common::Json j = common::load_json_file(file.string());
    return j.is_object() && (j.contains("savp_version") ||
                             (j.contains("base") && (j.contains("grid") || j.contains("zip") || j.contains("points"))));
  } catch (const std::exception&) {
    return false;
  }
}

// The output directories this process holds the lock of (canonical paths); the descriptors stay
// open (close-on-exec, so no child inherits them) until the process exits.
std::vector<fs::path>& held_locks() {
  static std::vector<fs::path> held;
  return held;
}

bool covered_by_held_lock(const fs::path& dir) {
  for (const fs::path& h : held_locks()) {
    auto [hi, di] = std::mismatch(h.begin(), h.end(), dir.begin(), dir.end());
    if (hi == h.end()) return true;
  }
  return false;
}

// Locks dir for this process: exclusive for a run or a sweep (its pid written into the lock file),
// shared for the tasks of a cluster sweep (--run-point, --collect), which write the same directory at
// once but never beside an exclusive writer.
void lock_output_dir(const std::string& dir, bool shared) {
  std::error_code ec;
  const fs::path canon = fs::weakly_canonical(fs::path(dir), ec);
  if (!ec && covered_by_held_lock(canon)) return;
  const std::string file = (fs::path(dir) / kOutputLock).string();
  const int fd = open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) throw common::InputError(dir, "", "cannot open the lock file " + file + ": " + std::strerror(errno));
  if (flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
    char buf[64] = {};
    const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    close(fd);
    std::string holder(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    const bool pid = !holder.empty() && holder.find_first_not_of("0123456789") == std::string::npos;
    throw common::InputError(dir, "",
                             "another savp (" + (pid ? "pid " + holder : holder.empty() ? "pid unknown" : common::printable(holder, 60)) +
                                 ") is writing into this output directory; wait for it to finish or choose another -o");
  }
  const std::string text = shared ? "cluster sweep tasks\n" : std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    close(fd);
    throw common::InputError(dir, "", "cannot write the lock file " + file + ": " + std::strerror(errno));
  }
  held_locks().push_back(ec ? fs::path(dir) : canon);
}

// Whether savp writes an entry of this name into a run or point directory.
bool savp_file_name(const std::string& n) {
  static const std::set<std::string> names = {kOutputMarker,    kOutputLock,   "stats.json",  "stats.partial.json",
                                              "resolved.json",  "summary.csv", "trace.json",  "waves.vcd",
                                              "waves.tmp.vcd",  "point.json",  "log.txt",     "scenario.json",
                                              "power.csv",      "report.html"};
  auto ends_with = [&](const std::string& suffix) {
    return n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (names.count(n) != 0) return true;
  if (ends_with(".tmp") && savp_file_name(n.substr(0, n.size() - 4))) return true;  // write_file_atomic
  return n.rfind("rtl_", 0) == 0 && ends_with(".vcd");                            // RTL co-simulation waves
}

// The first entry of d (through baseline/ and alone/<task>/) that savp does not write, or "" (see check_savp_dir).
std::string foreign_in(const fs::path& d) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(d, ec);
  if (ec || !fs::exists(st)) return "";
  if (!fs::is_directory(st)) return d.string();
  const bool marked = fs::exists(d / kOutputMarker, ec) || fs::exists(d / kOutputLock, ec) ||
                      fs::exists(d / "point.json", ec);
  for (fs::directory_iterator it(d, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string n = it->path().filename().string();
    const fs::file_status s = it->symlink_status(ec);
    if (!marked) return it->path().string();  // not savp's directory: all of it is the user's
    if (n == "baseline" && fs::is_directory(s)) {
      const std::string f = foreign_in(it->path());
      if (!f.empty()) return f;
    } else if (n == "alone" && fs::is_directory(s)) {  // outputs.alone: one run directory per task
      for (fs::directory_iterator t(it->path(), ec), tend; !ec && t != tend; t.increment(ec)) {
        if (!fs::is_directory(t->symlink_status(ec))) return t->path().string();
        const std::string f = foreign_in(t->path());
        if (!f.empty()) return f;
      }
    } else if (fs::is_directory(s) || fs::is_symlink(s) || !savp_file_name(n)) {
      return it->path().string();
    }
  }
  if (ec) return d.string();
  return "";
}

}  // namespace

bool is_savp_output(const std::string& dir) {
  const fs::path d(dir);
  std::error_code ec;
  if (!fs::is_directory(d, ec)) return false;
  // The lock counts too: a writer that holds it may not have written the marker yet.
  return fs::exists(d / kOutputMarker, ec) || fs::exists(d / kOutputLock, ec) || written_by_savp(d / "stats.json") || written_by_savp(d / "sweep.json");
}

void claim_output_dir(const std::string& dir, const std::string& kind, bool force) {
  const fs::path d(dir);
  std::error_code ec;
  const bool exists = fs::exists(d, ec);
  if (exists && !fs::is_directory(d, ec)) {
    throw common::InputError(dir, "", "the output path exists and is not a directory");
  }
  if (exists && !fs::is_empty(d, ec) && !is_savp_output(dir) && !force) {
    throw common::InputError(dir, "",
                             "the output directory is not empty and is not a SAVP output directory; choose "
                             "another -o, or pass --force to write into it anyway (savp only replaces the "
                             "files it writes and never deletes others)");
  }
  fs::create_directories(d, ec);
  if (ec) throw common::InputError(dir, "", "cannot create the output directory: " + ec.message());
  lock_output_dir(dir, false);
  const common::Json marker = {{"savp_output", kind}, {"savp_version", SAVP_VERSION}};
  try {
    write_file_atomic((d / kOutputMarker).string(), marker.dump() + "\n");
  } catch (const std::exception& e) {
    throw common::InputError(dir, "", std::string("cannot write into the output directory: ") + e.what());
  }
}

void check_savp_dir_list(const std::string& dir) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(dir, ec);
  if (ec || !fs::exists(st)) return;
  std::string f = fs::is_directory(st) ? "" : dir;
  for (fs::directory_iterator it(dir, ec), end; f.empty() && !ec && it != end; it.increment(ec)) {
    f = fs::is_directory(it->symlink_status(ec)) ? foreign_in(it->path()) : it->path().string();
  }
  if (!f.empty()) {
    throw common::InputError(f, "",
                             "savp would have to replace " + dir +
                                 ", which holds this entry savp did not write; move it away (savp deletes only "
                                 "what it wrote)");
  }
}

void check_savp_dir(const std::string& dir) {
  const std::string f = foreign_in(fs::path(dir));
  if (!f.empty()) {
    throw common::InputError(f, "",
                             "savp would have to replace " + dir +
                                 ", which holds this entry savp did not write; move it away (savp deletes only "
                                 "what it wrote)");
  }
}

void remove_savp_dir(const std::string& dir) {
  check_savp_dir(dir);
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) throw common::InputError(dir, "", "cannot remove the previous result: " + ec.message());
}

int create_fresh_file(const std::string& path) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    throw std::runtime_error("cannot replace " + path + ": " + std::strerror(errno));
  }
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  return fd;
}

void share_output_dir(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw common::InputError(dir, "", "not a directory");
  lock_output_dir(dir, true);
}

}  // namespace savp::tb
