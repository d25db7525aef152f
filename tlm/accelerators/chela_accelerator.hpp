// ChelaAccelerator: the SystemC module of SAVP's CHELA linear-attention engine (models/chela
// ChelaCore inside the shared AcceleratorBase shell: CSRs, DMA initiator port, IRQ). The hardware
// form is SAVP's own design: the CHELA paper is a GPU kernel paper with no ASIC.
#pragma once

#include "models/chela/chela_config.hpp"
#include "models/common/energy_table.hpp"
#include "tlm/accelerators/accelerator_base.hpp"

namespace savp::sc {

class ChelaAccelerator : public AcceleratorBase {
 public:
  ChelaAccelerator(sc_core::sc_module_name name, const chela::ChelaConfig& cfg, const common::EnergyTable& energy,
                   TimingMode mode);
};

struct EngineDescriptor;
// The "chela" engine type (tlm/platform/engine_registry.hpp).
const EngineDescriptor& chela_engine();

}  // namespace savp::sc
