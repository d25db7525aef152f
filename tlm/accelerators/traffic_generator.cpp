#include "tlm/accelerators/traffic_generator.hpp"

#include "tlm/platform/engine_registry.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::sc {

TrafficGenerator::TrafficGenerator(sc_core::sc_module_name name, const memory::TrafficConfig& cfg,
                                   TimingMode mode)
    : AcceleratorBase(name, "traffic", std::make_unique<memory::TrafficCore>(cfg.batch),
                      accelerator_timing(cfg.clock_period_ns(), cfg.dma, mode)) {}

const EngineDescriptor& traffic_engine() {
  static const EngineDescriptor d = [] {
    EngineDescriptor e;
    e.type = "traffic";
    e.traffic = true;
    e.parse = [](common::JsonNode node, AcceleratorSpec& a) {
      a.traffic = memory::TrafficConfig::parse(node);
    };
    e.name = [](const AcceleratorSpec& a) -> const std::string& { return a.traffic.name; };
    e.clock_period_ns = [](const AcceleratorSpec& a) { return a.traffic.clock_period_ns(); };
    e.make_core = [](const AcceleratorSpec& a, const common::EnergyTable&,
                     std::uint64_t) -> std::unique_ptr<common::EngineCore> {
      return std::make_unique<memory::TrafficCore>(a.traffic.batch);
    };
    e.make = [](const AcceleratorSpec& a, const common::EnergyTable&, TimingMode mode,
                std::uint64_t) -> std::unique_ptr<AcceleratorBase> {
      return std::make_unique<TrafficGenerator>(a.name().c_str(), a.traffic, mode);
    };
    return e;
  }();
  return d;
}

}  // namespace savp::sc
