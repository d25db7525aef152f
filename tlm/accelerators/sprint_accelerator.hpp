// SprintAccelerator: SPRINT's on-chip accelerator (models/sprint SprintCore: locality detection, K/V
// buffers, CORELETs) in the shared accelerator shell (CSRs, DMA port, IRQ), plus a PIM initiator
// socket of the dedicated protocol (tlm/memory/pim_protocol.hpp) through which it sends the ReRAM
// its CopyQ, Threshold, ReadP and transposed-read commands.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include "models/common/energy_table.hpp"
#include "models/sprint/sprint_config.hpp"
#include "tlm/accelerators/accelerator_base.hpp"
#include "tlm/memory/pim_protocol.hpp"

namespace savp::sc {

class SprintAccelerator : public AcceleratorBase {
 public:
  tlm_utils::simple_initiator_socket<SprintAccelerator, 32, pim_protocol_types> pim_socket;

  SprintAccelerator(sc_core::sc_module_name name, const sprint::SprintConfig& cfg,
                    const common::EnergyTable& energy, TimingMode mode);

 protected:
  // Each command as a blocking transport with its PimCommandExtension, one after another.
  sc_core::sc_time run_pim(std::vector<common::PimCommand>& commands, sc_core::sc_time start) override;
};

struct EngineDescriptor;
// The "sprint" engine type (tlm/platform/engine_registry.hpp).
const EngineDescriptor& sprint_engine();

}  // namespace savp::sc
