#include "testbenches/savp/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace savp::tb {

ProgressMeter::ProgressMeter(std::ostream& out, bool tty, double interval_s)
    : out_(out), tty_(tty), interval_s_(interval_s), t0_(std::chrono::steady_clock::now()) {}

std::unique_ptr<ProgressMeter> ProgressMeter::for_stderr() {
  double interval = kPlainIntervalS;
  if (const char* env = std::getenv("SAVP_PROGRESS_INTERVAL_S")) {
    char* end = nullptr;
    const double v = std::strtod(env, &end);
    if (end != env && *end == '\0' && v >= 0 && v <= 1e6) {
      interval = v;
    } else {
      std::cerr << "savp: warning: SAVP_PROGRESS_INTERVAL_S is not a number of seconds in [0, 1e6]; "
                   "progress lines come every "
                << kPlainIntervalS << " s\n";
    }
  }
  return std::make_unique<ProgressMeter>(std::cerr, isatty(STDERR_FILENO) == 1, interval);
}

double ProgressMeter::now_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
}

std::string ProgressMeter::line(double done, std::size_t planned, double simulated_ns, double elapsed_s,
                                double rate_s) {
  char sim[64];
  if (simulated_ns >= 1e9) {
    std::snprintf(sim, sizeof sim, "%.3f s", simulated_ns / 1e9);
  } else if (simulated_ns >= 1e6) {
    std::snprintf(sim, sizeof sim, "%.3f ms", simulated_ns / 1e6);
  } else {
    std::snprintf(sim, sizeof sim, "%.3f us", simulated_ns / 1e3);
  }
  const double total = static_cast<double>(planned);
  done = std::clamp(done, 0.0, total);
  char pct[32] = "";
  if (planned > 0) std::snprintf(pct, sizeof pct, " (%.0f %%)", std::floor(100.0 * done / total));
  char eta[64] = "ETA -";  // nothing done yet: no rate to extrapolate
  if (done > 0 && rate_s > 0) std::snprintf(eta, sizeof eta, "ETA %.0f s", rate_s * (total - done) / done);
  char out[256];
  std::snprintf(out, sizeof out, "[run] %zu/%zu jobs%s, %s simulated, %.0f s elapsed, %s",
                static_cast<std::size_t>(std::floor(done)), planned, pct, sim, elapsed_s, eta);
  return out;
}

std::string ProgressMeter::stage_line(const std::string& what, double elapsed_s) {
  char tail[64];
  std::snprintf(tail, sizeof tail, ", %.0f s elapsed", elapsed_s);
  return "[run] " + what + tail;
}

void ProgressMeter::draw(const std::string& text, double now) {
  if (now < std::min(kQuietStartS, interval_s_)) return;
  const double every = tty_ ? kRedrawS : interval_s_;
  if (last_shown_s_ >= 0 && now - last_shown_s_ < every) return;
  last_shown_s_ = now;
  if (tty_) {
    out_ << "\r" << text << "\x1b[K" << std::flush;  // redrawn in place, the rest of the line erased
    drawn_ = true;
  } else {
    out_ << text << "\n" << std::flush;
  }
}

void ProgressMeter::update(double done, double simulated_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  const double now = now_s();
  if (kernel_start_s_ < 0) kernel_start_s_ = now;
  draw(line(done, planned_, simulated_ns, now, now - kernel_start_s_), now);
}

void ProgressMeter::show_stage(const std::string& what) {
  std::lock_guard<std::mutex> lock(mu_);
  const double now = now_s();
  draw(stage_line(what, now), now);
}

void ProgressMeter::finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_) out_ << "\r\x1b[K" << std::flush;
  drawn_ = false;
}

StageTicker::StageTicker(ProgressMeter* meter, std::string what) : meter_(meter), what_(std::move(what)) {
  if (meter_ == nullptr) return;
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    do {  // at least once: a stage shorter than the thread's start still gets its line when due
      meter_->show_stage(what_);
      cv_.wait_for(lock, std::chrono::duration<double>(ProgressMeter::kRedrawS), [this] { return stop_; });
    } while (!stop_);
  });
}

StageTicker::~StageTicker() {
  if (meter_ == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  meter_->finish();
}

}  // namespace savp::tb
