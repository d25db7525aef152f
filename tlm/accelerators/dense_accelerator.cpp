#include "tlm/accelerators/dense_accelerator.hpp"

#include "models/dense/dense_core.hpp"

namespace savp::sc {

DenseAccelerator::DenseAccelerator(sc_core::sc_module_name name, const dense::DenseConfig& cfg,
                                   const common::EnergyTable& energy, TimingMode mode)
    : AcceleratorBase(name, "dense", std::make_unique<dense::DenseCore>(cfg, energy),
                      accelerator_timing(cfg.clock_period_ns(), cfg.dma, mode)) {}

}  // namespace savp::sc
