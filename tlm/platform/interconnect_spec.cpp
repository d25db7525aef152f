#include "tlm/platform/interconnect_spec.hpp"

#include <algorithm>
#include <functional>

namespace savp::sc {

using common::JsonNode;

InitiatorQos InterconnectSpec::qos_of(const std::string& name) const {
  InitiatorQos q;
  if (auto it = priority.find(name); it != priority.end()) q.priority = it->second;
  if (auto it = weight.find(name); it != weight.end()) q.weight = it->second;
  if (auto it = bandwidth_caps_gbps.find(name); it != bandwidth_caps_gbps.end())
    q.bandwidth_cap_gbps = it->second;
  return q;
}

namespace {

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "\"" : ", \"") + n + "\"";
  return out;
}

// Reads an object {accelerator name: value}: each key must name an accelerator; read(map, key)
// reads and checks its value.
void read_named(JsonNode map, const std::vector<std::string>& accelerator_names,
                const std::function<void(JsonNode&, const std::string&)>& read) {
  std::vector<std::string> keys;
  for (auto it = map.value().begin(); it != map.value().end(); ++it) keys.push_back(it.key());
  for (const auto& k : keys) {
    if (std::find(accelerator_names.begin(), accelerator_names.end(), k) == accelerator_names.end()) {
      map.child(k).fail("\"" + common::printable(k) +
                        "\" names no accelerator of the platform (expected one of " +
                        quoted_list(accelerator_names) + ")");
    }
    read(map, k);
  }
  map.finish();
}

}  // namespace

InterconnectSpec InterconnectSpec::parse(JsonNode ic, const std::vector<std::string>& accelerator_names) {
  InterconnectSpec s;
  s.hop_latency_ns = ic.get_number_in("hop_latency_ns", 1.0, 0.0, 1e6);
  s.bandwidth_gbps = ic.get_number_in("bandwidth_gbps", 0.0, 0.0, 1e6);
  s.pj_per_byte = ic.get_number_in("pj_per_byte", 0.0, 0.0, 1e6);
  const std::string policy = ic.get_choice("arbitration", arbitration_names(), "round_robin");
  s.arbitration =
      static_cast<Arbitration>(std::find(arbitration_names().begin(), arbitration_names().end(), policy) -
                               arbitration_names().begin());
  if (ic.has("priority")) {
    if (s.arbitration != Arbitration::FixedPriority) {
      ic.child("priority")
          .fail("priority applies to \"arbitration\": \"fixed_priority\" only (arbitration is \"" + policy +
                "\")");
    }
    read_named(ic.object_at("priority"), accelerator_names, [&](JsonNode& m, const std::string& k) {
      s.priority[k] = m.get_int(k, -1'000'000, 1'000'000);
    });
  }
  if (ic.has("weight")) {
    if (s.arbitration != Arbitration::Weighted) {
      ic.child("weight").fail("weight applies to \"arbitration\": \"weighted\" only (arbitration is \"" +
                              policy + "\")");
    }
    read_named(ic.object_at("weight"), accelerator_names, [&](JsonNode& m, const std::string& k) {
      s.weight[k] = static_cast<std::uint32_t>(m.get_int(k, 1, 1'000'000));
    });
  }
  if (ic.has("bandwidth_caps_gbps")) {
    read_named(ic.object_at("bandwidth_caps_gbps"), accelerator_names,
               [&](JsonNode& m, const std::string& k) {
                 const double cap = m.get_number(k);
                 if (!(cap > 0.0 && cap <= 1e6)) m.child(k).fail_expected("a bandwidth cap in (0, 1e6] GB/s");
                 s.bandwidth_caps_gbps[k] = cap;
               });
  }
  ic.finish();
  return s;
}

}  // namespace savp::sc
