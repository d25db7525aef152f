#include "tlm/accelerators/traffic_generator.hpp"

namespace savp::sc {

TrafficGenerator::TrafficGenerator(sc_core::sc_module_name name, const memory::TrafficConfig& cfg,
                                   TimingMode mode)
    : AcceleratorBase(name, "traffic", std::make_unique<memory::TrafficCore>(cfg.batch),
                      accelerator_timing(cfg.clock_period_ns(), cfg.dma, mode)) {}

}  // namespace savp::sc
