// ProgressMeter: the progress of one `savp run` on stderr. It shows nothing during the first
// kQuietStartS seconds of the command (short runs stay silent). On a terminal it redraws one line in
// place at most every kRedrawS seconds and clears it at the end; otherwise (a log file, a pipe) it
// prints a plain line every interval_s seconds ($SAVP_PROGRESS_INTERVAL_S, default kPlainIntervalS).
//
// Two kinds of line:
//  - while the kernel runs: "[run] 3/12 jobs (31 %), 1.234 ms simulated, 5 s elapsed, ETA 15 s". The
//    jobs done count whole jobs; the percentage also counts the running jobs' fractions of their
//    planned steps (engines that plan their steps ahead say how far they are: EngineCore::
//    job_fraction_done), so a one-job run has an ETA too. The ETA extrapolates that fraction's rate
//    since the kernel started.
//  - around the kernel (planning: operands, schedules and references; the baseline; the alone runs;
//    the report): "[run] planning: operands, schedules and references, 4 s elapsed", drawn by a
//    StageTicker's thread while the main thread works.
// It reads counters and the simulated time between kernel slices only: it never changes a result.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

namespace savp::tb {

class ProgressMeter {
 public:
  static constexpr double kQuietStartS = 2.0;
  static constexpr double kRedrawS = 0.25;
  static constexpr double kPlainIntervalS = 10.0;

  // out: where lines go (stderr); tty: whether it is a terminal; interval_s: between plain lines.
  // Elapsed time counts from construction (the start of the command).
  ProgressMeter(std::ostream& out, bool tty, double interval_s);
  // From stderr itself and the environment ($SAVP_PROGRESS_INTERVAL_S: seconds between plain lines,
  // also the delay before the first when shorter than kQuietStartS).
  static std::unique_ptr<ProgressMeter> for_stderr();

  // The jobs the run plans (known once the scenario is planned).
  void set_planned(std::size_t planned) { planned_ = planned; }
  // Between kernel slices: jobs finished so far plus the running jobs' fractions, and the simulated time.
  void update(double done, double simulated_ns);
  // A stage outside the kernel (shown by a StageTicker).
  void show_stage(const std::string& what);
  // At the end of a stretch of lines: clears the terminal line (plain lines stay).
  void finish();

  // The kernel's line. done: whole jobs plus fractions; rate_s: wall-clock seconds since the kernel
  // started (for the ETA).
  static std::string line(double done, std::size_t planned, double simulated_ns, double elapsed_s,
                          double rate_s);
  static std::string stage_line(const std::string& what, double elapsed_s);

 private:
  double now_s() const;
  void draw(const std::string& text, double now);  // under mu_
  std::ostream& out_;
  bool tty_;
  std::size_t planned_ = 0;
  double interval_s_;
  std::chrono::steady_clock::time_point t0_;
  double kernel_start_s_ = -1;  // when update() was first called
  double last_shown_s_ = -1;
  bool drawn_ = false;
  std::mutex mu_;
};

// Shows `what` on the meter every redraw period from a thread of its own while it lives (none when
// meter is null). The main thread must not use the meter meanwhile.
class StageTicker {
 public:
  StageTicker(ProgressMeter* meter, std::string what);
  ~StageTicker();
  StageTicker(const StageTicker&) = delete;
  StageTicker& operator=(const StageTicker&) = delete;

 private:
  ProgressMeter* meter_;
  std::string what_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace savp::tb
