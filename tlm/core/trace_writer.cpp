#include "tlm/core/trace_writer.hpp"

#include <algorithm>

namespace savp::sc {

namespace {
// A counter track's events: values[i] / divisor from i x bin_ns on, one event where the value changes
// and a zero after the last bin.
void append_counter(common::Json& events, int pid, const std::string& name, double bin_ns,
                    const std::vector<double>& values, double divisor) {
  double last = -1.0;
  for (std::size_t i = 0; i <= values.size(); ++i) {
    const double v = i < values.size() ? values[i] / divisor : 0.0;
    if (v == last) continue;
    last = v;
    events.push_back({{"ph", "C"},
                      {"name", name},
                      {"pid", pid},
                      {"ts", static_cast<double>(i) * bin_ns / 1000.0},
                      {"args", {{"value", v}}}});
  }
}
}  // namespace

int TraceWriter::group_id(const std::string& group) {
  auto g = groups_.find(group);
  if (g == groups_.end()) g = groups_.emplace(group, static_cast<int>(groups_.size()) + 1).first;
  return g->second;
}

int TraceWriter::track(const std::string& group, const std::string& name) {
  auto it = tracks_.find({group, name});
  if (it != tracks_.end()) return it->second;
  const int pid = group_id(group);
  const int id = static_cast<int>(track_ids_.size());
  track_ids_.emplace_back(pid, id + 1);
  track_names_.push_back(name);
  tracks_[{group, name}] = id;
  return id;
}

int TraceWriter::counter(const std::string& group, const std::string& name) {
  auto it = counter_ids_.find({group, name});
  if (it != counter_ids_.end()) return it->second;
  const int pid = group_id(group);
  const int id = static_cast<int>(counters_.size());
  counters_.push_back(Counter{pid, name, {}});
  counter_ids_[{group, name}] = id;
  return id;
}

void TraceWriter::count(int counter, double time_ns, double amount) {
  auto bin = static_cast<std::size_t>(std::max(0.0, time_ns) / bin_ns_);
  while (bin >= kMaxCounterBins) {  // widen every counter's bins: merge pairs
    for (Counter& c : counters_) {
      for (std::size_t i = 0; i < c.bins.size(); ++i) {
        if (i % 2 == 0) {
          c.bins[i / 2] = c.bins[i];
        } else {
          c.bins[i / 2] += c.bins[i];
        }
      }
      c.bins.resize((c.bins.size() + 1) / 2);
    }
    bin_ns_ *= 2;
    bin /= 2;
  }
  std::vector<double>& bins = counters_[static_cast<std::size_t>(counter)].bins;
  if (bins.size() <= bin) bins.resize(bin + 1, 0.0);
  bins[bin] += amount;
}

void TraceWriter::series(const std::string& group, const std::string& name, double bin_ns,
                         std::vector<double> values) {
  series_.push_back(Series{group_id(group), name, bin_ns, std::move(values)});
}

void TraceWriter::complete(int track, const std::string& name, double start_ns, double duration_ns,
                           common::Json args) {
  if (events_.size() >= max_events_) {
    ++dropped_;
    return;
  }
  events_.push_back(Event{track, name, start_ns, duration_ns, std::move(args)});
}

common::Json TraceWriter::to_json() const {
  using common::Json;
  Json events = Json::array();
  for (const auto& [group, pid] : groups_) {
    events.push_back(
        {{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"tid", 0}, {"args", {{"name", group}}}});
  }
  for (std::size_t i = 0; i < track_ids_.size(); ++i) {
    events.push_back({{"ph", "M"},
                      {"name", "thread_name"},
                      {"pid", track_ids_[i].first},
                      {"tid", track_ids_[i].second},
                      {"args", {{"name", track_names_[i]}}}});
  }
  for (const Event& e : events_) {
    Json j = {{"ph", "X"},
              {"name", e.name},
              {"pid", track_ids_[e.track].first},
              {"tid", track_ids_[e.track].second},
              {"ts", e.start_ns / 1000.0},
              {"dur", e.duration_ns / 1000.0}};
    if (!e.args.is_null()) j["args"] = e.args;
    events.push_back(std::move(j));
  }
  for (const Counter& c : counters_) append_counter(events, c.pid, c.name, bin_ns_, c.bins, bin_ns_);
  for (const Series& s : series_) append_counter(events, s.pid, s.name, s.bin_ns, s.values, 1.0);
  Json other = {{"generator", "SAVP"}, {"max_events", max_events_}, {"dropped_events", dropped_}};
  if (!counters_.empty()) other["counter_bin_ns"] = bin_ns_;
  return Json{{"traceEvents", events}, {"displayTimeUnit", "ns"}, {"otherData", other}};
}

}  // namespace savp::sc
