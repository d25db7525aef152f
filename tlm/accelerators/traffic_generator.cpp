#include "tlm/accelerators/traffic_generator.hpp"

namespace savp::sc {

namespace {
AcceleratorTiming timing_of(const memory::TrafficConfig& cfg, TimingMode mode) {
  AcceleratorTiming t;
  t.mode = mode;
  t.clock_period_ns = cfg.clock_period_ns();
  t.dma = cfg.dma;
  return t;
}
}  // namespace

TrafficGenerator::TrafficGenerator(sc_core::sc_module_name name, const memory::TrafficConfig& cfg, TimingMode mode)
    : AcceleratorBase(name, "traffic", std::make_unique<memory::TrafficCore>(cfg.batch), timing_of(cfg, mode)) {}

}  // namespace savp::sc
