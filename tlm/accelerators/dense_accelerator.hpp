// DenseAccelerator: the SystemC module of the dense systolic-array baseline (models/dense
// DenseCore inside the shared AcceleratorBase shell: CSRs, DMA initiator port, IRQ).
#pragma once

#include "models/common/energy_table.hpp"
#include "models/dense/dense_config.hpp"
#include "tlm/accelerators/accelerator_base.hpp"

namespace savp::sc {

class DenseAccelerator : public AcceleratorBase {
 public:
  DenseAccelerator(sc_core::sc_module_name name, const dense::DenseConfig& cfg,
                   const common::EnergyTable& energy, TimingMode mode);
};

struct EngineDescriptor;
// The "dense" engine type (tlm/platform/engine_registry.hpp).
const EngineDescriptor& dense_engine();

}  // namespace savp::sc
