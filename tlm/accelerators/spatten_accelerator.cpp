#include "tlm/accelerators/spatten_accelerator.hpp"

#include "models/spatten/spatten_core.hpp"

namespace savp::sc {

namespace {
// The Q-K-V fetcher streams: the next row's requests follow the previous row's into the crossbar
// FIFOs without waiting for the responses.
AcceleratorTiming streaming_timing(const spatten::SpattenConfig& cfg, TimingMode mode) {
  AcceleratorTiming t = accelerator_timing(cfg.clock_period_ns(), cfg.dma, mode);
  t.stream_reads = true;
  return t;
}
}  // namespace

SpattenAccelerator::SpattenAccelerator(sc_core::sc_module_name name, const spatten::SpattenConfig& cfg,
                                       const common::EnergyTable& energy, std::uint64_t seed, TimingMode mode)
    : AcceleratorBase(name, "spatten", std::make_unique<spatten::SpattenCore>(cfg, energy, seed),
                      streaming_timing(cfg, mode)) {}

}  // namespace savp::sc
