// Power gating of an engine's logic (platform.accelerators[i].power_gating, issue 22): the logic
// leaks only while the engine has work and pays a wake-up energy each time it is powered up.
//
// The wake-up cost comes from the break-even point of power gating (Z. Hu, A. Buyuktosunoglu,
// V. Srinivasan, V. Zyuban, H. Jacobson, P. Bose, "Microarchitectural techniques for power gating of
// execution units", ISLPED 2004, Sec. 2): the break-even point is the number of cycles a unit must
// stay gated for the leakage it saves to equal the energy one off/on transition costs (switching the
// sleep transistors and recharging the unit's virtual supply). By that definition one wake-up costs
// the unit's gateable leakage power x the break-even time, and an idle gap no longer than the
// break-even time is not worth gating: the unit stays powered through it (the paper's "ideal"
// policy, which knows each idle interval). The break-even cycles are the energy table's
// power_gating.break_even_cycles, with their source. Gated logic leaks nothing; the wake-up latency
// is not modelled (timing is unchanged).
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "models/common/json_reader.hpp"

namespace savp::common {

struct PowerGatingRule {
  double break_even_cycles = 0.0;  // 0: the table has no power-gating entry
  std::string source;
  bool known() const { return break_even_cycles > 0.0; }
  // {"break_even_cycles": N (> 0), "source": "..."}
  static PowerGatingRule parse(JsonNode node);
};

// When a gated unit is powered: its busy intervals [start_ns, end_ns) merged where the idle gap
// between them is <= break_even_ns. One wake-up starts each powered period.
struct GatingSchedule {
  std::vector<std::pair<double, double>> powered_ns;
  std::size_t wakeups() const { return powered_ns.size(); }
  double powered_total_ns() const;
};
GatingSchedule gating_schedule(std::vector<std::pair<double, double>> busy_ns, double break_even_ns);

// Energy of one wake-up of logic leaking gateable_leakage_mw: leakage x break-even time (mW x ns = pJ).
inline double wake_energy_pj(double gateable_leakage_mw, double break_even_ns) {
  return gateable_leakage_mw * break_even_ns;
}

}  // namespace savp::common
