#include "tlm/accelerators/salo_accelerator.hpp"

#include "models/salo/salo_core.hpp"
#include "tlm/platform/engine_registry.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::sc {

SaloAccelerator::SaloAccelerator(sc_core::sc_module_name name, const salo::SaloConfig& cfg,
                                 const common::EnergyTable& energy, TimingMode mode)
    : AcceleratorBase(name, "salo", std::make_unique<salo::SaloCore>(cfg, energy),
                      accelerator_timing(cfg.clock_period_ns(), cfg.dma, mode)) {}

const EngineDescriptor& salo_engine() {
  static const EngineDescriptor d = [] {
    EngineDescriptor e;
    e.type = "salo";
    e.parse = [](common::JsonNode node, AcceleratorSpec& a) { a.salo = salo::SaloConfig::parse(node); };
    e.name = [](const AcceleratorSpec& a) -> const std::string& { return a.salo.name; };
    e.clock_period_ns = [](const AcceleratorSpec& a) { return a.salo.clock_period_ns(); };
    e.dma = [](const AcceleratorSpec& a) -> const common::DmaSpec& { return a.salo.dma; };
    e.format = [](const AcceleratorSpec& a) { return a.salo.bus_format(); };
    e.tolerance_rel_l2 = [](const AcceleratorSpec& a) { return a.salo.effective_tolerance(); };
    e.rtl_backend = [](const AcceleratorSpec& a) { return a.salo.rtl_backend; };
    e.make_core = [](const AcceleratorSpec& a, const common::EnergyTable& energy,
                     std::uint64_t) -> std::unique_ptr<common::EngineCore> {
      return std::make_unique<salo::SaloCore>(a.salo, energy);
    };
    e.make = [](const AcceleratorSpec& a, const common::EnergyTable& energy, TimingMode mode,
                std::uint64_t) -> std::unique_ptr<AcceleratorBase> {
      return std::make_unique<SaloAccelerator>(a.name().c_str(), a.salo, energy, mode);
    };
    return e;
  }();
  return d;
}

}  // namespace savp::sc
