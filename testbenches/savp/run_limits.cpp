#include "testbenches/savp/run_limits.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <utility>

#include "models/common/input_error.hpp"
#include "models/common/json_reader.hpp"
#include "testbenches/savp/memory_estimate.hpp"
#include "testbenches/savp/report.hpp"

namespace savp::tb {

namespace po = boost::program_options;

namespace {

// A positive number followed by one of `units` (case-insensitive; "" = no unit) -> number x scale;
// throws InputError naming the option with what was expected.
double parse_with_unit(const std::string& option, const std::string& text,
                       const std::vector<std::pair<std::string, double>>& units, const std::string& expected) {
  std::size_t used = 0;
  double v = -1;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::string unit = text.substr(used);
  for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  double scale = 0;
  for (const auto& [u, f] : units) {
    if (unit == u) scale = f;
  }
  if (used == 0 || scale == 0 || !(v > 0) || !std::isfinite(v * scale) || v * scale > 1.8e19) {
    throw common::InputError(option, "", "expected " + expected + ", found \"" + common::printable(text) + "\"");
  }
  return v * scale;
}

}  // namespace

double parse_time_limit(const std::string& text) {
  return parse_with_unit("--time-limit", text, {{"", 1}, {"S", 1}, {"M", 60}, {"H", 3600}},
                         "a positive duration such as 90, 90s, 15m or 2h");
}

std::uint64_t parse_memory_size(const std::string& text) {
  const double kib = 1024, mib = kib * kib, gib = mib * kib, tib = gib * kib;
  return static_cast<std::uint64_t>(parse_with_unit(
      "--max-memory", text,
      {{"", 1}, {"B", 1}, {"K", kib}, {"KB", kib}, {"KIB", kib}, {"M", mib}, {"MB", mib}, {"MIB", mib}, {"G", gib},
       {"GB", gib}, {"GIB", gib}, {"T", tib}, {"TB", tib}, {"TIB", tib}},
      "a positive size such as 8G, 512M or a number of bytes"));
}

void add_limit_options(po::options_description& opts) {
  opts.add_options()("force", po::bool_switch(), "write into a non-empty directory that is not a SAVP output")(
      "time-limit", po::value<std::string>(), "wall-clock limit per run (seconds, or 90s, 15m, 2h)")(
      "max-memory", po::value<std::string>(), "refuse scenarios estimated above this (8G, 512M)");
}

Limits parse_limits(const po::variables_map& vm) {
  Limits l;
  l.max_memory = default_memory_limit();
  if (vm.count("time-limit")) {
    l.time_limit_s = parse_time_limit(vm["time-limit"].as<std::string>());
    l.args.insert(l.args.end(), {"--time-limit", vm["time-limit"].as<std::string>()});
  }
  if (vm.count("max-memory")) {
    l.max_memory = parse_memory_size(vm["max-memory"].as<std::string>());
    l.args.insert(l.args.end(), {"--max-memory", vm["max-memory"].as<std::string>()});
  }
  return l;
}

Watchdog::Watchdog(double limit_s, std::string outdir) : outdir_(std::move(outdir)), limit_s_(limit_s) {
  if (limit_s <= 0) return;
  const double after = limit_s + std::max(10.0, 0.1 * limit_s);
  thread_ = std::thread([this, after] { wait_and_fire(after); });
}

Watchdog::~Watchdog() {
  disarm();
  if (thread_.joinable()) thread_.join();
}

void Watchdog::disarm() {
  std::lock_guard<std::mutex> lock(m_);
  disarmed_ = true;
  cv_.notify_all();
}

void Watchdog::wait_and_fire(double after_s) {
  std::unique_lock<std::mutex> lock(m_);
  if (cv_.wait_for(lock, std::chrono::duration<double>(after_s), [this] { return disarmed_; })) return;
  // The simulation thread is stuck inside one step: nothing of its state can be read safely, so
  // the partial result says only that and why.
  const common::Json stats = {
      {"partial",
       {{"reason", "time_limit"},
        {"time_limit_s", limit_s_},
        {"note", "the simulation did not reach a point where it could stop within the grace period; no "
                 "statistics were collected"}}}};
  try {
    std::error_code ec;
    std::filesystem::remove(std::filesystem::path(outdir_) / "stats.json", ec);
    write_file_atomic((std::filesystem::path(outdir_) / "stats.partial.json").string(), stats.dump(2) + "\n");
  } catch (const std::exception&) {
  }
  static const char msg[] = "savp: stopped by the time limit inside a simulation step (watchdog)\n";
  [[maybe_unused]] const auto n = write(2, msg, sizeof msg - 1);
  _exit(1);
}

}  // namespace savp::tb
