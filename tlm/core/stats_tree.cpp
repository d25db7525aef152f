#include "tlm/core/stats_tree.hpp"

namespace savp::sc {

void StatsTree::add(const std::string& component, const std::string& name, double value,
                    const std::string& unit) {
  stats_[component][name] = StatValue{value, unit};
}

void StatsTree::add_group(const std::string& component, const std::string& group, const std::string& member,
                          const std::string& name, double value, const std::string& unit) {
  groups_[component][group][member][name] = StatValue{value, unit};
}

void StatsTree::add_actions(const std::string& component, const common::ActionLedger& ledger) {
  auto& mine = actions_[component];
  for (const auto& [action, priced] : ledger) {
    auto& slot = mine[action];
    slot.count += priced.count;
    slot.pj_each = priced.pj_each;
    slot.unit = priced.unit;
  }
}

double StatsTree::energy_pj() const {
  double e = 0.0;
  for (const auto& [c, ledger] : actions_) {
    for (const auto& [a, p] : ledger) e += p.energy_pj();
  }
  return e;
}

std::map<std::string, double> StatsTree::energy_by_component_pj() const {
  std::map<std::string, double> out;
  for (const auto& [c, ledger] : actions_) {
    double e = 0.0;
    for (const auto& [a, p] : ledger) e += p.energy_pj();
    out[c] = e;
  }
  return out;
}

std::map<std::string, double> StatsTree::energy_by_action_pj() const {
  std::map<std::string, double> out;
  for (const auto& [c, ledger] : actions_) {
    for (const auto& [a, p] : ledger) out[c + "." + a] = p.energy_pj();
  }
  return out;
}

common::Json StatsTree::to_json() const {
  common::Json out = common::Json::object();
  for (const auto& [c, stats] : stats_) {
    common::Json& node = out[c];
    for (const auto& [name, v] : stats) node[name] = {{"value", v.value}, {"unit", v.unit}};
  }
  for (const auto& [c, groups] : groups_) {
    for (const auto& [g, members] : groups) {
      common::Json& node = out[c][g];
      for (const auto& [m, stats] : members) {
        for (const auto& [name, v] : stats) node[m][name] = {{"value", v.value}, {"unit", v.unit}};
      }
    }
  }
  for (const auto& [c, ledger] : actions_) {
    common::Json& acts = out[c]["actions"];
    for (const auto& [a, p] : ledger) {
      acts[a] = {{"count", p.count}, {"unit", p.unit}, {"pj_each", p.pj_each}, {"energy_pj", p.energy_pj()}};
    }
  }
  return out;
}

}  // namespace savp::sc
