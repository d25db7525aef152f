// InterconnectSpec: platform.interconnect of a scenario, parsed and validated (DESIGN.md "Scenario
// file"; README "Interconnect"): the router's hop latency, per-port bandwidth and energy per byte,
// its arbitration policy and the per-initiator quality of service given by accelerator name
// (priority for fixed_priority, weight for weighted, bandwidth caps for any policy). Plain data, no
// SystemC; errors are InputErrors naming the file and the JSON path.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "models/common/json_reader.hpp"
#include "tlm/interconnect/arbitration.hpp"

namespace savp::sc {

struct InterconnectSpec {
  double hop_latency_ns = 1.0;
  double bandwidth_gbps = 0.0;  // per target port; 0 = unlimited
  double pj_per_byte = 0.0;     // energy per byte per hop
  Arbitration arbitration = Arbitration::RoundRobin;
  std::map<std::string, std::int64_t> priority;       // by accelerator name (fixed_priority)
  std::map<std::string, std::uint32_t> weight;        // by accelerator name (weighted)
  std::map<std::string, double> bandwidth_caps_gbps;  // by accelerator name

  // The settings of one initiator by name (defaults for a name not given, e.g. "host").
  InitiatorQos qos_of(const std::string& name) const;

  // ic: the platform.interconnect object; accelerator_names: the platform's accelerators (the
  // names priority, weight and bandwidth_caps_gbps may give).
  static InterconnectSpec parse(common::JsonNode ic, const std::vector<std::string>& accelerator_names);
};

}  // namespace savp::sc
