// StatsTree: the statistics every SystemC component reports at the end of a run, keyed by the
// component's SystemC object name, each value with its unit; plus each component's priced action
// ledger, from which energy by component and by action is summed, and each component's area and
// leakage power. Dynamic energy = the ledgers; static energy = leakage x the time the component is
// powered (set_powered_ns: the whole simulated run, an idle engine leaks too); energy = dynamic +
// static, per component and in total. Components implement
// StatsSource; the platform walks them after simulation. Every stat in to_json carries "desc", its
// one-line description from the table in stat_descriptions.hpp, looked up by the component's kind
// (set_kind) and the stat's name.
#pragma once

#include <map>
#include <string>

#include "models/common/energy_table.hpp"
#include "models/common/json_reader.hpp"
#include "models/common/natural_order.hpp"

namespace savp::sc {

struct StatValue {
  double value = 0.0;
  std::string unit;
};

class StatsTree {
 public:
  void add(const std::string& component, const std::string& name, double value, const std::string& unit);
  // What the component is ("dram", "accelerator", ...: stat_kinds()), the key of its stats'
  // descriptions.
  void set_kind(const std::string& component, const std::string& kind) { kinds_[component] = kind; }
  // A stat of one member of a group inside a component (e.g. by_initiator -> "salo" -> requests):
  // {"<component>": {"<group>": {"<member>": {"<stat>": {"value": v, "unit": u}}}}}.
  void add_group(const std::string& component, const std::string& group, const std::string& member,
                 const std::string& name, double value, const std::string& unit);
  // Action counts with their prices; energy = count x price.
  void add_actions(const std::string& component, const common::ActionLedger& ledger);

  // Area and leakage power of a component (summed when given twice).
  void add_hardware(const std::string& component, const common::HardwareCost& cost);
  // The time every component with leakage is powered (ns).
  void set_powered_ns(double ns) { powered_ns_ = ns; }
  // A power-gated component: its gateable leakage (HardwareCost::gateable_leakage_mw) is powered
  // only `ns` (its busy periods); the leakage of its state (SRAM) stays powered the whole run.
  void set_gated_powered_ns(const std::string& component, double ns) { gated_powered_ns_[component] = ns; }

  double energy_pj() const;  // dynamic + static
  double energy_dynamic_pj() const;
  double energy_static_pj() const;
  common::NaturalMap<double> energy_by_component_pj() const;         // dynamic + static
  common::NaturalMap<double> energy_static_by_component_pj() const;  // leakage x powered time
  // "component.action", and "component.static" for the static part of a component that leaks.
  common::NaturalMap<double> energy_by_action_pj() const;
  double area_mm2() const;
  common::NaturalMap<double> area_by_component_mm2() const;
  common::NaturalMap<double> leakage_by_component_mw() const;
  // {"<component>": {"<stat>": {"value": v, "unit": u, "desc": d}, ..., "<group>": {...},
  //  "actions": {...}}}; "desc" is left out of a stat the table does not describe in its unit.
  common::Json to_json() const;

 private:
  common::NaturalMap<common::NaturalMap<StatValue>> stats_;
  // component -> group -> member -> stat
  common::NaturalMap<common::NaturalMap<common::NaturalMap<common::NaturalMap<StatValue>>>> groups_;
  common::NaturalMap<common::ActionLedger> actions_;
  common::NaturalMap<common::HardwareCost> hardware_;
  std::map<std::string, std::string> kinds_;  // component -> kind
  double powered_ns_ = 0.0;
  common::NaturalMap<double> gated_powered_ns_;
};

class StatsSource {
 public:
  virtual ~StatsSource() = default;
  virtual void report_stats(StatsTree& tree) const = 0;
};

}  // namespace savp::sc
