// Arbitration: how the router chooses among the initiators waiting for one target port, and the
// quality-of-service settings of one initiator (its priority, weight and bandwidth cap). Plain data
// (no SystemC), shared by the router and the scenario's InterconnectSpec.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace savp::sc {

enum class Arbitration {
  RoundRobin,     // the waiting initiators in turn (by router socket)
  FixedPriority,  // the highest priority first; equal priorities in turn
  Weighted,       // bytes in proportion to weight among the waiting (self-clocked fair queueing)
};

// The names scenarios use, in the order of the enum.
inline const std::vector<std::string>& arbitration_names() {
  static const std::vector<std::string> names{"round_robin", "fixed_priority", "weighted"};
  return names;
}

// One initiator's quality of service (defaults: what an initiator nobody named gets).
struct InitiatorQos {
  std::int64_t priority = 0;      // fixed_priority: higher wins
  std::uint32_t weight = 1;       // weighted: its share of the bytes among the waiting
  double bandwidth_cap_gbps = 0;  // at most this many GB/s through the router; 0 = no cap
};

}  // namespace savp::sc
