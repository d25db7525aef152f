#include "tlm/accelerators/salo_accelerator.hpp"

#include "models/salo/salo_core.hpp"

namespace savp::sc {

SaloAccelerator::SaloAccelerator(sc_core::sc_module_name name, const salo::SaloConfig& cfg,
                                 const common::EnergyTable& energy, TimingMode mode)
    : AcceleratorBase(name, "salo", std::make_unique<salo::SaloCore>(cfg, energy),
                      accelerator_timing(cfg.clock_period_ns(), cfg.dma, mode)) {}

}  // namespace savp::sc
