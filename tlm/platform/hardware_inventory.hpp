// hardware_inventory: the area and leakage power of every on-chip component a scenario's platform
// builds (each accelerator's sub-components from its core's hardware(), the shared SRAM), named as
// the statistics tree names them ("<top>.<accelerator>.<sub>", "<top>.sram"), without simulating:
// what `savp validate` prints. The cores are built alone (no SystemC module).
#pragma once

#include <map>
#include <string>

#include "models/common/energy_table.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::sc {

std::map<std::string, common::HardwareCost> hardware_inventory(const Scenario& s,
                                                               const std::string& top = "top");

}  // namespace savp::sc
