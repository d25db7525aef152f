#include "tlm/accelerators/dense_accelerator.hpp"

#include "models/dense/dense_core.hpp"
#include "tlm/platform/engine_registry.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::sc {

DenseAccelerator::DenseAccelerator(sc_core::sc_module_name name, const dense::DenseConfig& cfg,
                                   const common::EnergyTable& energy, TimingMode mode)
    : AcceleratorBase(name, "dense", std::make_unique<dense::DenseCore>(cfg, energy),
                      accelerator_timing(cfg.clock_period_ns(), cfg.dma, mode)) {}

const EngineDescriptor& dense_engine() {
  static const EngineDescriptor d = [] {
    EngineDescriptor e;
    e.type = "dense";
    e.parse = [](common::JsonNode node, AcceleratorSpec& a) { a.dense = dense::DenseConfig::parse(node); };
    e.name = [](const AcceleratorSpec& a) -> const std::string& { return a.dense.name; };
    e.clock_period_ns = [](const AcceleratorSpec& a) { return a.dense.clock_period_ns(); };
    e.dma = [](const AcceleratorSpec& a) -> const common::DmaSpec& { return a.dense.dma; };
    e.tolerance_rel_l2 = [](const AcceleratorSpec& a) { return a.dense.effective_tolerance(); };
    e.make_core = [](const AcceleratorSpec& a, const common::EnergyTable& energy,
                     std::uint64_t) -> std::unique_ptr<common::EngineCore> {
      return std::make_unique<dense::DenseCore>(a.dense, energy);
    };
    e.make = [](const AcceleratorSpec& a, const common::EnergyTable& energy, TimingMode mode,
                std::uint64_t) -> std::unique_ptr<AcceleratorBase> {
      return std::make_unique<DenseAccelerator>(a.name().c_str(), a.dense, energy, mode);
    };
    return e;
  }();
  return d;
}

}  // namespace savp::sc
