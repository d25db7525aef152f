#include "testbenches/savp/power_report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace savp::tb {

std::string close_power(sc::Platform& platform, SimulationOutcome& out, double simulated_ns) {
  common::PowerProfile* power = platform.power();
  if (power == nullptr) return "";
  common::Json& totals = out.stats["totals"];
  const common::Json& by = totals["energy_by_component_pj"];
  // Every component of the energy breakdown gets its columns, spent energy or not.
  for (const auto& [component, pj] : by.items()) power->component(component);
  // Leakage power by component when the run reports it (stats.json area.leakage_by_component_mw,
  // issue 22's area and leakage), powered over the whole simulated run as its static energy is.
  std::map<std::string, double> leakage_w;
  if (out.stats.contains("area") && out.stats["area"].contains("leakage_by_component_mw")) {
    for (const auto& [component, mw] : out.stats["area"]["leakage_by_component_mw"].items())
      leakage_w[component] = mw.get<double>() * 1e-3;
  }
  platform.finish_power(leakage_w);
  const common::PowerTable table = power->finish(simulated_ns);
  std::string error;
  const double total_pj = totals["energy_pj"].get<double>();
  const double tolerance_pj = 1e-9 * std::abs(total_pj) + 1e-9;
  for (std::size_t c = 0; c < table.components.size() && error.empty(); ++c) {
    const double want = by.contains(table.components[c]) ? by[table.components[c]].get<double>() : 0.0;
    const double got = table.energy_pj(c);
    if (std::abs(got - want) > tolerance_pj) {
      std::ostringstream os;
      os.precision(12);
      os << "power over time: " << table.components[c] << " has " << got << " pJ in its bins, " << want
         << " pJ in energy_by_component_pj";
      error = os.str();
    }
  }
  double peak_w = 0.0;
  for (std::size_t b = 0; b < table.bins; ++b) peak_w = std::max(peak_w, table.total_w(b));
  const double end_ns =
      table.end_ns() > 0 ? std::min(table.end_ns(), std::max(simulated_ns, power->latest_ns())) : 0.0;
  totals["power_avg_w"] = end_ns > 0 ? total_pj / end_ns * 1e-3 : 0.0;  // 1 pJ/ns = 1 mW
  totals["power_peak_w"] = peak_w;
  totals["power_bin_ns"] = table.bin_ns;
  platform.add_power_tracks(table);
  out.power_csv = common::power_csv(table);
  return error;
}

}  // namespace savp::tb
