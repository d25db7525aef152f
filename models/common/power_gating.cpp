#include "models/common/power_gating.hpp"

#include <algorithm>

namespace savp::common {

PowerGatingRule PowerGatingRule::parse(JsonNode node) {
  PowerGatingRule r;
  if (!node.has("break_even_cycles")) node.child("break_even_cycles");  // "missing required key"
  r.break_even_cycles = node.get_number_in("break_even_cycles", 0.0, 1e-3, 1e9);
  r.source = node.get_string("source");
  node.finish();
  return r;
}

double GatingSchedule::powered_total_ns() const {
  double t = 0.0;
  for (const auto& [a, b] : powered_ns) t += b - a;
  return t;
}

GatingSchedule gating_schedule(std::vector<std::pair<double, double>> busy_ns, double break_even_ns) {
  std::sort(busy_ns.begin(), busy_ns.end());
  GatingSchedule s;
  for (const auto& [a, b] : busy_ns) {
    if (!s.powered_ns.empty() && a - s.powered_ns.back().second <= break_even_ns) {
      s.powered_ns.back().second = std::max(s.powered_ns.back().second, b);
    } else {
      s.powered_ns.emplace_back(a, b);
    }
  }
  return s;
}

}  // namespace savp::common
