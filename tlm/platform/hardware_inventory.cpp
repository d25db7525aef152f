#include "tlm/platform/hardware_inventory.hpp"

#include <algorithm>

#include "models/common/random.hpp"
#include "models/memory/reram_crossbar.hpp"
#include "models/memory/sram_model.hpp"
#include "tlm/platform/engine_registry.hpp"

namespace savp::sc {

std::map<std::string, common::HardwareCost> hardware_inventory(const Scenario& s, const std::string& top) {
  std::map<std::string, common::HardwareCost> out;
  for (std::size_t i = 0; i < s.accelerators.size(); ++i) {
    const AcceleratorSpec& a = s.accelerators[i];
    // The seed the platform gives the accelerator (platform.cpp); hardware() does not depend on it.
    const auto core = a.engine().make_core(a, s.energy_of(a), common::derive_seed(s.seed, 1000 + i));
    for (const auto& [sub, cost] : core->hardware()) out[top + "." + a.name() + "." + sub] += cost;
    if (a.engine().dma) out[top + "." + a.name() + ".dma"] += dma_hardware(a, s.energy_of(a));
  }
  if (s.sram) out[top + ".sram"] += memory::SramModel(*s.sram, s.energy).hardware();
  for (const auto& [c, cost] : platform_hardware(s, top)) out[c] += cost;
  return out;
}

common::HardwareCost dma_hardware(const AcceleratorSpec& a, const common::EnergyTable& table) {
  const EngineDescriptor& e = a.engine();
  return e.dma ? table.dma_hw(e.dma(a).outstanding) : common::HardwareCost{};
}

std::map<std::string, common::HardwareCost> platform_hardware(const Scenario& s, const std::string& top) {
  std::map<std::string, common::HardwareCost> out;
  const memory::ReramSpec* pim = nullptr;
  const AcceleratorSpec* pim_engine = nullptr;  // the engine whose in-memory part the mats are
  for (const AcceleratorSpec& a : s.accelerators) {
    const EngineDescriptor& e = a.engine();
    if (e.pim_array && !pim) {
      pim = e.pim_array(a);
      pim_engine = &a;
    }
  }
  // Router ports: initiators (host, accelerators) and targets (memory, CSR blocks, PIM, SRAM).
  const double ports =
      1.0 + 2.0 * static_cast<double>(s.accelerators.size()) + 1.0 + (pim ? 1.0 : 0.0) + (s.sram ? 1.0 : 0.0);
  out[top + ".bus"] += s.energy.hardware("router_port") * ports;
  if (pim) {
    std::uint64_t mats = 0;
    auto add = [&](const common::WorkloadSpec& w) {
      if (w.accelerator < s.accelerators.size() && s.accelerators[w.accelerator].engine().pim_array &&
          w.seq_len > 0)
        mats = std::max(mats, pim->mats_for(w.seq_len, w.head_dim));
    };
    if (s.tasks.empty()) add(s.workload);
    for (const TaskSpec& t : s.tasks) add(t.workload);
    out[top + ".pim"] += memory::reram_mats_hw(*pim, s.energy_of(*pim_engine), mats);  // at the engine's node
  }
  return out;
}

}  // namespace savp::sc
