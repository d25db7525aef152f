// TraceWriter: a timeline of the run in the Chrome/Perfetto trace-event format (trace.json,
// loadable in ui.perfetto.dev or chrome://tracing). Components add complete events ("ph": "X")
// on named tracks: each accelerator's jobs and engine phases, each memory channel's requests
// (with bank, row and row-buffer outcome). Times are simulated nanoseconds, written in
// microseconds as the format expects. The number of events is capped so a long run cannot fill
// the disk; the cap and the events dropped are recorded in the file's metadata. Counter tracks
// ("ph": "C", e.g. bytes per initiator through the bus) sum amounts into time bins of one width
// for all counters (1 us, doubled whenever a counter would pass kMaxCounterBins bins, so a counter
// writes at most that many events, outside the cap) and write amount / bin width per bin (bytes
// per ns = GB/s), one event where the value changes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/common/json_reader.hpp"

namespace savp::sc {

class TraceWriter {
 public:
  explicit TraceWriter(std::uint64_t max_events = 1'000'000) : max_events_(max_events) {}

  // A track (Perfetto: a thread row inside a process group), created on first use.
  int track(const std::string& group, const std::string& name);
  // A complete event on a track: [start_ns, start_ns + duration_ns).
  void complete(int track, const std::string& name, double start_ns, double duration_ns,
                common::Json args = common::Json());
  // A counter track in a group, created on first use; `name` says its unit ("salo GB/s").
  int counter(const std::string& group, const std::string& name);
  // Adds `amount` at time_ns to the counter's bin.
  void count(int counter, double time_ns, double amount);
  // A counter track in a group written as given: values[i] holds over [i x bin_ns, (i + 1) x bin_ns)
  // (power in W: outputs.power), one event where the value changes; apart from count()'s bins.
  void series(const std::string& group, const std::string& name, double bin_ns, std::vector<double> values);
  static constexpr std::size_t kMaxCounterBins = 4096;
  double counter_bin_ns() const { return bin_ns_; }
  std::uint64_t events() const { return events_.size(); }
  std::uint64_t dropped() const { return dropped_; }
  common::Json to_json() const;

 private:
  struct Event {
    int track;
    std::string name;
    double start_ns, duration_ns;
    common::Json args;
  };
  std::uint64_t max_events_;
  std::uint64_t dropped_ = 0;
  std::map<std::string, int> groups_;                          // group -> pid
  std::map<std::pair<std::string, std::string>, int> tracks_;  // (group, name) -> tid
  std::vector<std::pair<int, int>> track_ids_;                 // tid -> (pid, tid)
  std::vector<std::string> track_names_;
  std::vector<Event> events_;
  struct Counter {
    int pid;
    std::string name;
    std::vector<double> bins;  // amount per bin of bin_ns_
  };
  std::map<std::pair<std::string, std::string>, int> counter_ids_;  // (group, name) -> index
  std::vector<Counter> counters_;
  double bin_ns_ = 1000.0;
  struct Series {
    int pid;
    std::string name;
    double bin_ns;
    std::vector<double> values;
  };
  std::vector<Series> series_;
  int group_id(const std::string& group);
};

}  // namespace savp::sc
