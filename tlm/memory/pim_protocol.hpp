// The processing-in-memory protocol of SPRINT's ReRAM: a socket type of its own (so an ordinary
// base-protocol target cannot be bound to a PIM initiator by mistake: the binding does not compile)
// carrying generic payloads whose command is a mandatory extension (a target answers a payload
// without it with TLM_COMMAND_ERROR_RESPONSE). Blocking transport only: each command's time is its
// annotated delay.
#pragma once

#include <tlm>

#include "models/common/pim_command.hpp"

namespace savp::sc {

struct pim_protocol_types {
  using tlm_payload_type = tlm::tlm_generic_payload;
  using tlm_phase_type = tlm::tlm_phase;
};

class PimCommandExtension : public tlm::tlm_extension<PimCommandExtension> {
 public:
  explicit PimCommandExtension(common::PimCommand* c = nullptr) : command(c) {}
  common::PimCommand* command;
  tlm::tlm_extension_base* clone() const override { return new PimCommandExtension(command); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    command = static_cast<const PimCommandExtension&>(other).command;
  }
};

}  // namespace savp::sc
