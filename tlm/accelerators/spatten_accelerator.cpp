#include "tlm/accelerators/spatten_accelerator.hpp"

#include "models/spatten/spatten_core.hpp"

namespace savp::sc {

SpattenAccelerator::SpattenAccelerator(sc_core::sc_module_name name, const spatten::SpattenConfig& cfg,
                                       const common::EnergyTable& energy, std::uint64_t seed, TimingMode mode)
    : AcceleratorBase(name, "spatten", std::make_unique<spatten::SpattenCore>(cfg, energy, seed),
                      accelerator_timing(cfg.clock_period_ns(), cfg.dma, mode)) {}

}  // namespace savp::sc
