// ProgressMeter: the progress of one `savp run` on stderr (jobs done of planned, simulated time,
// wall-clock time and an ETA from the jobs' rate). It shows nothing during the first
// kQuietStartS seconds (short runs stay silent). On a terminal it redraws one line in place at most
// every kRedrawS seconds and clears it at the end; otherwise (a log file, a pipe) it prints a plain
// line every interval_s seconds ($SAVP_PROGRESS_INTERVAL_S, default kPlainIntervalS). It reads only
// counters and the simulated time between kernel slices: it never changes a simulated result.
#pragma once

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

namespace savp::tb {

class ProgressMeter {
 public:
  static constexpr double kQuietStartS = 2.0;
  static constexpr double kRedrawS = 0.25;
  static constexpr double kPlainIntervalS = 10.0;

  // out: where lines go (stderr); tty: whether it is a terminal; planned: the jobs of the run.
  ProgressMeter(std::ostream& out, bool tty, std::size_t planned, double interval_s);
  // From stderr itself and the environment ($SAVP_PROGRESS_INTERVAL_S: seconds between plain lines,
  // also the delay before the first when shorter than kQuietStartS).
  static ProgressMeter for_stderr(std::size_t planned);

  // Between kernel slices: jobs finished so far and the simulated time now.
  void update(std::size_t done, double simulated_ns);
  // At the end of the run: clears the terminal line (plain lines stay).
  void finish();

  // One progress line: "[run] 3/12 jobs, 1.234 ms simulated, 5 s elapsed, ETA 15 s".
  static std::string line(std::size_t done, std::size_t planned, double simulated_ns, double elapsed_s);

 private:
  std::ostream& out_;
  bool tty_;
  std::size_t planned_;
  double interval_s_;
  std::chrono::steady_clock::time_point t0_;
  double last_shown_s_ = -1;
  bool drawn_ = false;
};

}  // namespace savp::tb
