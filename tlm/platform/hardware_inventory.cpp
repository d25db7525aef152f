#include "tlm/platform/hardware_inventory.hpp"

#include "models/common/random.hpp"
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
  }
  if (s.sram) out[top + ".sram"] += memory::SramModel(*s.sram, s.energy).hardware();
  return out;
}

}  // namespace savp::sc
