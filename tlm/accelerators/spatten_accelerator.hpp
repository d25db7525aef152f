// SpattenAccelerator: the SpAtten cascade-pruning accelerator (models/spatten SpattenCore: the Q-K-V
// fetcher, Q x K and P x V arrays, softmax, progressive-quantisation decision, token and value top-k
// engines, importance accumulators) in the shared accelerator shell (CSRs, DMA port, IRQ).
#pragma once

#include "models/common/energy_table.hpp"
#include "models/spatten/spatten_config.hpp"
#include "tlm/accelerators/accelerator_base.hpp"

namespace savp::sc {

class SpattenAccelerator : public AcceleratorBase {
 public:
  SpattenAccelerator(sc_core::sc_module_name name, const spatten::SpattenConfig& cfg,
                     const common::EnergyTable& energy, std::uint64_t seed, TimingMode mode);
};

struct EngineDescriptor;
// The "spatten" engine type (tlm/platform/engine_registry.hpp).
const EngineDescriptor& spatten_engine();

}  // namespace savp::sc
