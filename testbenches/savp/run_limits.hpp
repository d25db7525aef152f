// Run limits shared by `savp run` and `savp sweep`: the wall-clock limit (--time-limit), the memory
// limit the scenario's estimate is checked against (--max-memory), and the watchdog that ends a run
// whose simulation cannot reach a point where it stops cleanly (one step computing for far longer
// than the limit): it then writes stats.partial.json saying so and exits with code 1.
#pragma once

#include <boost/program_options.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace savp::tb {

struct Limits {
  double time_limit_s = 0;        // 0: none
  std::uint64_t max_memory = 0;   // bytes
  std::vector<std::string> args;  // the options as given, passed on to child runs
};

void add_limit_options(boost::program_options::options_description& opts);
// Throws common::InputError (exit 2) naming the option on a malformed value.
Limits parse_limits(const boost::program_options::variables_map& vm);
// "90", "90s", "15m", "2h" -> seconds.
double parse_time_limit(const std::string& text);
// "512M", "8G", "1.5GiB", "123456" (bytes) -> bytes.
std::uint64_t parse_memory_size(const std::string& text);

class Watchdog {
 public:
  // Fires at limit_s + grace (grace = max(10 s, 10 % of the limit)) unless disarmed; limit_s <= 0:
  // never.
  Watchdog(double limit_s, std::string outdir);
  ~Watchdog();
  // The run is writing its own outputs (or is done): the watchdog stands down.
  void disarm();

 private:
  void wait_and_fire(double after_s);
  std::string outdir_;
  double limit_s_;
  std::mutex m_;
  std::condition_variable cv_;
  bool disarmed_ = false;
  std::thread thread_;
};

}  // namespace savp::tb
