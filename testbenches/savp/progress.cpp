#include "testbenches/savp/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace savp::tb {

ProgressMeter::ProgressMeter(std::ostream& out, bool tty, std::size_t planned, double interval_s)
    : out_(out),
      tty_(tty),
      planned_(planned),
      interval_s_(interval_s),
      t0_(std::chrono::steady_clock::now()) {}

ProgressMeter ProgressMeter::for_stderr(std::size_t planned) {
  double interval = kPlainIntervalS;
  if (const char* env = std::getenv("SAVP_PROGRESS_INTERVAL_S")) {
    char* end = nullptr;
    const double v = std::strtod(env, &end);
    if (end != env && *end == '\0' && v >= 0 && v <= 1e6) interval = v;
  }
  return ProgressMeter(std::cerr, isatty(STDERR_FILENO) == 1, planned, interval);
}

std::string ProgressMeter::line(std::size_t done, std::size_t planned, double simulated_ns,
                                double elapsed_s) {
  char sim[64];
  if (simulated_ns >= 1e9) {
    std::snprintf(sim, sizeof sim, "%.3f s", simulated_ns / 1e9);
  } else if (simulated_ns >= 1e6) {
    std::snprintf(sim, sizeof sim, "%.3f ms", simulated_ns / 1e6);
  } else {
    std::snprintf(sim, sizeof sim, "%.3f us", simulated_ns / 1e3);
  }
  char eta[64] = "ETA -";  // no job finished yet: no rate to extrapolate
  if (done > 0 && done <= planned) {
    std::snprintf(eta, sizeof eta, "ETA %.0f s", elapsed_s * static_cast<double>(planned - done) / done);
  }
  char out[256];
  std::snprintf(out, sizeof out, "[run] %zu/%zu jobs, %s simulated, %.0f s elapsed, %s", done, planned, sim,
                elapsed_s, eta);
  return out;
}

void ProgressMeter::update(std::size_t done, double simulated_ns) {
  const double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  if (now < std::min(kQuietStartS, interval_s_)) return;
  const double every = tty_ ? kRedrawS : interval_s_;
  if (last_shown_s_ >= 0 && now - last_shown_s_ < every) return;
  last_shown_s_ = now;
  const std::string text = line(done, planned_, simulated_ns, now);
  if (tty_) {
    out_ << "\r" << text << "\x1b[K" << std::flush;  // redrawn in place, the rest of the line erased
    drawn_ = true;
  } else {
    out_ << text << "\n" << std::flush;
  }
}

void ProgressMeter::finish() {
  if (drawn_) out_ << "\r\x1b[K" << std::flush;
  drawn_ = false;
}

}  // namespace savp::tb
