#include "tlm/accelerators/dense_accelerator.hpp"

#include "models/dense/dense_core.hpp"

namespace savp::sc {

namespace {
AcceleratorTiming timing_of(const dense::DenseConfig& cfg, TimingMode mode) {
  AcceleratorTiming t;
  t.mode = mode;
  t.clock_period_ns = cfg.clock_period_ns();
  t.dma = cfg.dma;
  return t;
}
}  // namespace

DenseAccelerator::DenseAccelerator(sc_core::sc_module_name name, const dense::DenseConfig& cfg,
                                   const common::EnergyTable& energy, TimingMode mode)
    : AcceleratorBase(name, "dense", std::make_unique<dense::DenseCore>(cfg, energy), timing_of(cfg, mode)) {}

}  // namespace savp::sc
