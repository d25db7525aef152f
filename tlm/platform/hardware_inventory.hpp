// hardware_inventory: the area and leakage power of every on-chip component a scenario's platform
// builds (each accelerator's sub-components from its core's hardware() and its DMA, the shared SRAM, and the
// platform's own hardware below), named as the statistics tree names them
// ("<top>.<accelerator>.<sub>", "<top>.sram", ...), without simulating: what `savp validate` prints.
// The cores are built alone (no SystemC module).
//
// platform_hardware: what the platform itself adds (the run's statistics tree gets it from here too,
// Platform::report_stats):
//  - "<top>.bus": the router, one router_port entry per bound socket (initiators: the host and every
//    accelerator; targets: the memory, every accelerator's CSR block, the PIM window and the shared
//    SRAM when present);
//  - "<top>.pim": SPRINT's transposable ReRAM, the mats holding one head's keys (the host stores each
//    head's key MSBs at the same place, sprint_host) at the largest seq_len x head_dim of the
//    workloads its engines run, with their DACs and comparators (memory::reram_mats_hw).
#pragma once

#include <map>
#include <string>

#include "models/common/energy_table.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::sc {

std::map<std::string, common::HardwareCost> hardware_inventory(const Scenario& s,
                                                               const std::string& top = "top");
std::map<std::string, common::HardwareCost> platform_hardware(const Scenario& s,
                                                              const std::string& top = "top");
// An engine's DMA, "<top>.<accelerator>.dma" (EnergyTable::dma_hw of its dma.outstanding, at the
// engine's node): part of the accelerator (AcceleratorBase::hardware(), gated with it). Traffic
// generators stand for other masters of the SoC and get none.
common::HardwareCost dma_hardware(const AcceleratorSpec& a, const common::EnergyTable& table);

}  // namespace savp::sc
