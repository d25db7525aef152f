#include "tlm/accelerators/salo_accelerator.hpp"

#include "models/salo/salo_core.hpp"

namespace savp::sc {

namespace {
AcceleratorTiming timing_of(const salo::SaloConfig& cfg, TimingMode mode) {
  AcceleratorTiming t;
  t.mode = mode;
  t.clock_period_ns = cfg.clock_period_ns();
  t.dma = cfg.dma;
  return t;
}
}  // namespace

SaloAccelerator::SaloAccelerator(sc_core::sc_module_name name, const salo::SaloConfig& cfg,
                                 const common::EnergyTable& energy, TimingMode mode)
    : AcceleratorBase(name, "salo", std::make_unique<salo::SaloCore>(cfg, energy), timing_of(cfg, mode)) {}

}  // namespace savp::sc
