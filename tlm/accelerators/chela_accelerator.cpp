#include "tlm/accelerators/chela_accelerator.hpp"

#include "models/chela/chela_core.hpp"

namespace savp::sc {

ChelaAccelerator::ChelaAccelerator(sc_core::sc_module_name name, const chela::ChelaConfig& cfg,
                                   const common::EnergyTable& energy, TimingMode mode)
    : AcceleratorBase(name, "chela", std::make_unique<chela::ChelaCore>(cfg, energy),
                      accelerator_timing(cfg.clock_period_ns(), cfg.dma, mode)) {}

}  // namespace savp::sc
