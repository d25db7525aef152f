#include "tlm/accelerators/spatten_accelerator.hpp"

#include "models/spatten/spatten_core.hpp"
#include "tlm/platform/engine_registry.hpp"
#include "tlm/platform/scenario.hpp"

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

const EngineDescriptor& spatten_engine() {
  static const EngineDescriptor d = [] {
    EngineDescriptor e;
    e.type = "spatten";
    e.trace_replay = true;
    e.parse = [](common::JsonNode node, AcceleratorSpec& a) {
      a.spatten = spatten::SpattenConfig::parse(node);
    };
    e.name = [](const AcceleratorSpec& a) -> const std::string& { return a.spatten.name; };
    e.clock_period_ns = [](const AcceleratorSpec& a) { return a.spatten.clock_period_ns(); };
    e.dma = [](const AcceleratorSpec& a) -> const common::DmaSpec& { return a.spatten.dma; };
    e.tolerance_rel_l2 = [](const AcceleratorSpec& a) { return a.spatten.tolerance_rel_l2; };
    e.rtl_backend = [](const AcceleratorSpec& a) {
      return a.spatten.topk.backend == spatten::TopkBackendKind::Rtl;
    };
    e.make_core = [](const AcceleratorSpec& a, const common::EnergyTable& energy,
                     std::uint64_t seed) -> std::unique_ptr<common::EngineCore> {
      return std::make_unique<spatten::SpattenCore>(a.spatten, energy, seed);
    };
    e.make = [](const AcceleratorSpec& a, const common::EnergyTable& energy, TimingMode mode,
                std::uint64_t seed) -> std::unique_ptr<AcceleratorBase> {
      return std::make_unique<SpattenAccelerator>(a.name().c_str(), a.spatten, energy, seed, mode);
    };
    return e;
  }();
  return d;
}

}  // namespace savp::sc
