// TrafficGenerator: the memory-traffic generator (models/memory TrafficCore) in the shared
// accelerator shell, so memory presets can be characterised alone through the normal job flow.
#pragma once

#include "models/memory/traffic_core.hpp"
#include "tlm/accelerators/accelerator_base.hpp"

namespace savp::sc {

class TrafficGenerator : public AcceleratorBase {
 public:
  TrafficGenerator(sc_core::sc_module_name name, const memory::TrafficConfig& cfg, TimingMode mode);
};

struct EngineDescriptor;
// The "traffic" engine type (tlm/platform/engine_registry.hpp).
const EngineDescriptor& traffic_engine();

}  // namespace savp::sc
