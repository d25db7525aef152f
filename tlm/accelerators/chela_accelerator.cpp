#include "tlm/accelerators/chela_accelerator.hpp"

#include "models/chela/chela_core.hpp"
#include "tlm/platform/engine_registry.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::sc {

ChelaAccelerator::ChelaAccelerator(sc_core::sc_module_name name, const chela::ChelaConfig& cfg,
                                   const common::EnergyTable& energy, TimingMode mode)
    : AcceleratorBase(name, "chela", std::make_unique<chela::ChelaCore>(cfg, energy),
                      accelerator_timing(cfg.clock_period_ns(), cfg.dma, mode)) {}

const EngineDescriptor& chela_engine() {
  static const EngineDescriptor d = [] {
    EngineDescriptor e;
    e.type = "chela";
    e.parse = [](common::JsonNode node, AcceleratorSpec& a) { a.chela = chela::ChelaConfig::parse(node); };
    e.name = [](const AcceleratorSpec& a) -> const std::string& { return a.chela.name; };
    e.clock_period_ns = [](const AcceleratorSpec& a) { return a.chela.clock_period_ns(); };
    e.dma = [](const AcceleratorSpec& a) -> const common::DmaSpec& { return a.chela.dma; };
    e.format = [](const AcceleratorSpec& a) { return a.chela.format; };
    e.tolerance_rel_l2 = [](const AcceleratorSpec& a) { return a.chela.effective_tolerance(); };
    e.make_core = [](const AcceleratorSpec& a, const common::EnergyTable& energy,
                     std::uint64_t) -> std::unique_ptr<common::EngineCore> {
      return std::make_unique<chela::ChelaCore>(a.chela, energy);
    };
    e.make = [](const AcceleratorSpec& a, const common::EnergyTable& energy, TimingMode mode,
                std::uint64_t) -> std::unique_ptr<AcceleratorBase> {
      return std::make_unique<ChelaAccelerator>(a.name().c_str(), a.chela, energy, mode);
    };
    return e;
  }();
  return d;
}

}  // namespace savp::sc
