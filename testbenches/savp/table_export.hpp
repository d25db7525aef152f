// table_export: an energy table (models/common/energy_table.hpp) in Accelergy's shapes, for users who
// compare SAVP's numbers with Accelergy's (`savp export-tables`). Accelergy v0.3 output format (its
// README's ERT / ART examples):
//   ERT: {version: 0.3, tables: [{name, actions: [{name, arguments: null, energy}]}]}  energy in pJ
//   ART: {version: 0.3, tables: [{name, area}]}                                          area in um2
// One ERT table per priced entry (its one action named by the entry's unit, "op" when it has none) and
// per SRAM anchor ("sram_<capacity_bytes>B", actions read and write: the anchor's pJ per 64-bit
// access); one ART table per entry (area-only entries included) and per SRAM anchor (the area of a
// one-bank macro of that capacity). Leakage has no place in these shapes and is not written.
#pragma once

#include <string>

#include "models/common/energy_table.hpp"

namespace savp::tb {

std::string accelergy_ert(const common::EnergyTable& table);
std::string accelergy_art(const common::EnergyTable& table);

}  // namespace savp::tb
