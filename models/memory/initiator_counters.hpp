// InitiatorCounters / InitiatorCounterTable: what a memory target counts per initiator (the
// platform's initiator ids: 0 the host or unknown, i + 1 accelerator i), for the per-initiator
// statistics of a shared memory and for per-task figures (a task takes the difference of two
// snapshots, since()). Requests, bytes, row-buffer outcomes (DRAM), the latency of every request
// from its arrival at the target to its completion (a histogram in ns: mean and p99), the time it
// waited before being served (queueing delay) and the data-bus time its transfers took. Pure C++;
// a target fills it in, the SystemC layer reports it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/common/latency_histogram.hpp"

namespace savp::memory {

struct InitiatorCounters {
  std::uint64_t requests = 0;
  std::uint64_t bytes_read = 0, bytes_written = 0;
  std::uint64_t row_hits = 0, row_misses = 0, row_conflicts = 0;  // DRAM only
  double queueing_delay_ns = 0.0;                                 // sum over requests
  double data_bus_busy_ns = 0.0;        // sum over requests of the data-bus time of their transfers
  common::LatencyHistogram latency_ns;  // arrival at the target to completion

  // Adds another initiator's counts (e.g. the instances of one task).
  InitiatorCounters& operator+=(const InitiatorCounters& o) {
    requests += o.requests;
    bytes_read += o.bytes_read;
    bytes_written += o.bytes_written;
    row_hits += o.row_hits;
    row_misses += o.row_misses;
    row_conflicts += o.row_conflicts;
    queueing_delay_ns += o.queueing_delay_ns;
    data_bus_busy_ns += o.data_bus_busy_ns;
    latency_ns.merge(o.latency_ns);
    return *this;
  }

  // The counts between an earlier snapshot of the same counters and these.
  InitiatorCounters since(const InitiatorCounters& earlier) const {
    InitiatorCounters d = *this;
    d.requests -= earlier.requests;
    d.bytes_read -= earlier.bytes_read;
    d.bytes_written -= earlier.bytes_written;
    d.row_hits -= earlier.row_hits;
    d.row_misses -= earlier.row_misses;
    d.row_conflicts -= earlier.row_conflicts;
    d.queueing_delay_ns -= earlier.queueing_delay_ns;
    d.data_bus_busy_ns -= earlier.data_bus_busy_ns;
    d.latency_ns.subtract(earlier.latency_ns);
    return d;
  }
};

// Counters by initiator id, off until enable() names the initiators (a target records nothing and
// reports nothing per initiator while it is off).
class InitiatorCounterTable {
 public:
  void enable(std::vector<std::string> names) {
    names_ = std::move(names);
    counters_.assign(names_.size(), InitiatorCounters{});
  }
  bool enabled() const { return !names_.empty(); }
  // The counters of initiator `id` (grown for an id beyond the names given).
  InitiatorCounters& at(std::uint32_t id) {
    if (id >= counters_.size()) counters_.resize(std::size_t{id} + 1);
    return counters_[id];
  }
  // A copy of them (zero for an id never seen).
  InitiatorCounters get(std::uint32_t id) const {
    return id < counters_.size() ? counters_[id] : InitiatorCounters{};
  }
  std::size_t size() const { return counters_.size(); }
  // The name of id: the one given, else "initiator<id>".
  std::string name(std::uint32_t id) const {
    return id < names_.size() ? names_[id] : "initiator" + std::to_string(id);
  }

 private:
  std::vector<std::string> names_;
  std::vector<InitiatorCounters> counters_;
};

}  // namespace savp::memory
