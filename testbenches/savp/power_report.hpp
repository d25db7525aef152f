// Power over time (outputs.power): closes the platform's power profile after a simulation, checks
// that every component's binned energy equals its total in stats.json (to 1e-9 of the run's
// energy), adds totals.power_avg_w (the run's energy / its simulated time), totals.power_peak_w (the
// highest bin), totals.power_bin_ns, writes the power tracks into trace.json and returns power.csv.
#pragma once

#include <string>

#include "testbenches/savp/simulation.hpp"
#include "tlm/platform/platform.hpp"

namespace savp::tb {

// Fills out.power_csv and out.stats' power totals; returns an error message when the binned energy
// does not add up (an invariant of the model: the run then fails), else "".
std::string close_power(sc::Platform& platform, SimulationOutcome& out, double simulated_ns);

}  // namespace savp::tb
