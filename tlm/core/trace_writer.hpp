// TraceWriter: a timeline of the run in the Chrome/Perfetto trace-event format (trace.json,
// loadable in ui.perfetto.dev or chrome://tracing). Components add complete events ("ph": "X")
// on named tracks: each accelerator's jobs and engine phases, each memory channel's requests
// (with bank, row and row-buffer outcome). Times are simulated nanoseconds, written in
// microseconds as the format expects. The number of events is capped so a long run cannot fill
// the disk; the cap and the events dropped are recorded in the file's metadata.
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
  std::map<std::string, int> groups_;                      // group -> pid
  std::map<std::pair<std::string, std::string>, int> tracks_;  // (group, name) -> tid
  std::vector<std::pair<int, int>> track_ids_;              // tid -> (pid, tid)
  std::vector<std::string> track_names_;
  std::vector<Event> events_;
};

}  // namespace savp::sc
