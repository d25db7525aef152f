#include "tlm/core/stats_tree.hpp"

#include "tlm/core/stat_descriptions.hpp"

namespace savp::sc {

namespace {

// {"value": v, "unit": u, "desc": d}, the description from the table when it describes the stat in
// this unit.
common::Json stat_json(const std::string& kind, const std::string& name, double value,
                       const std::string& unit) {
  common::Json j = {{"value", value}, {"unit", unit}};
  const StatDescription* d = find_stat_description(kind, name);
  if (d != nullptr && d->unit == unit) j["desc"] = d->desc;
  return j;
}

}  // namespace

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

void StatsTree::add_hardware(const std::string& component, const common::HardwareCost& cost) {
  hardware_[component] += cost;
}

double StatsTree::energy_dynamic_pj() const {
  double e = 0.0;
  for (const auto& [c, ledger] : actions_) {
    for (const auto& [a, p] : ledger) e += p.energy_pj();
  }
  return e;
}

common::NaturalMap<double> StatsTree::energy_static_by_component_pj() const {
  common::NaturalMap<double> out;
  for (const auto& [c, hw] : hardware_) {
    auto gated = gated_powered_ns_.find(c);
    if (gated == gated_powered_ns_.end()) {
      out[c] = hw.leakage_mw() * powered_ns_;  // mW x ns = pJ
    } else {
      out[c] = hw.state_leakage_uw * 1e-3 * powered_ns_ + hw.gateable_leakage_mw() * gated->second;
    }
  }
  return out;
}

double StatsTree::energy_static_pj() const {
  double e = 0.0;
  for (const auto& [c, pj] : energy_static_by_component_pj()) e += pj;
  return e;
}

double StatsTree::energy_pj() const { return energy_dynamic_pj() + energy_static_pj(); }

common::NaturalMap<double> StatsTree::energy_by_component_pj() const {
  common::NaturalMap<double> out;
  for (const auto& [c, ledger] : actions_) {
    double e = 0.0;
    for (const auto& [a, p] : ledger) e += p.energy_pj();
    out[c] = e;
  }
  for (const auto& [c, pj] : energy_static_by_component_pj()) out[c] += pj;
  return out;
}

common::NaturalMap<double> StatsTree::energy_by_action_pj() const {
  common::NaturalMap<double> out;
  for (const auto& [c, ledger] : actions_) {
    for (const auto& [a, p] : ledger) out[c + "." + a] = p.energy_pj();
  }
  for (const auto& [c, pj] : energy_static_by_component_pj()) {
    if (hardware_.at(c).leakage_uw > 0) out[c + ".static"] = pj;
  }
  return out;
}

double StatsTree::area_mm2() const {
  double a = 0.0;
  for (const auto& [c, hw] : hardware_) a += hw.area_mm2();
  return a;
}

common::NaturalMap<double> StatsTree::area_by_component_mm2() const {
  common::NaturalMap<double> out;
  for (const auto& [c, hw] : hardware_) out[c] = hw.area_mm2();
  return out;
}

common::NaturalMap<double> StatsTree::leakage_by_component_mw() const {
  common::NaturalMap<double> out;
  for (const auto& [c, hw] : hardware_) out[c] = hw.leakage_mw();
  return out;
}

common::Json StatsTree::to_json() const {
  common::Json out = common::Json::object();
  auto kind_of = [this](const std::string& c) {
    auto it = kinds_.find(c);
    return it == kinds_.end() ? std::string("any") : it->second;
  };
  for (const auto& [c, stats] : stats_) {
    common::Json& node = out[c];
    const std::string kind = kind_of(c);
    for (const auto& [name, v] : stats) node[name] = stat_json(kind, name, v.value, v.unit);
  }
  for (const auto& [c, groups] : groups_) {
    const std::string kind = kind_of(c);
    for (const auto& [g, members] : groups) {
      common::Json& node = out[c][g];
      for (const auto& [m, stats] : members) {
        for (const auto& [name, v] : stats)
          node[m][name] = stat_json(kind, g + "." + m + "." + name, v.value, v.unit);
      }
    }
  }
  for (const auto& [c, ledger] : actions_) {
    common::Json& acts = out[c]["actions"];
    for (const auto& [a, p] : ledger) {
      acts[a] = {{"count", p.count}, {"unit", p.unit}, {"pj_each", p.pj_each}, {"energy_pj", p.energy_pj()}};
    }
  }
  for (const auto& [c, hw] : hardware_) {
    out[c]["area_mm2"] = stat_json(kind_of(c), "area_mm2", hw.area_mm2(), "mm2");
    out[c]["leakage_mw"] = stat_json(kind_of(c), "leakage_mw", hw.leakage_mw(), "mW");
  }
  return out;
}

}  // namespace savp::sc
