// SaloAccelerator: the SALO hybrid-sparse-attention accelerator (models/salo SaloCore: data
// scheduler + bit-accurate PE array) in the shared accelerator shell (CSRs, DMA port, IRQ).
#pragma once

#include "models/common/energy_table.hpp"
#include "models/salo/salo_config.hpp"
#include "tlm/accelerators/accelerator_base.hpp"

namespace savp::sc {

class SaloAccelerator : public AcceleratorBase {
 public:
  SaloAccelerator(sc_core::sc_module_name name, const salo::SaloConfig& cfg, const common::EnergyTable& energy,
                  TimingMode mode);
};

struct EngineDescriptor;
// The "salo" engine type (tlm/platform/engine_registry.hpp).
const EngineDescriptor& salo_engine();

}  // namespace savp::sc
