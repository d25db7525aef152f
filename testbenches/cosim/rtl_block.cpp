#include "testbenches/cosim/rtl_block.hpp"

#include <stdexcept>

namespace savp::cosim {

RtlBlock::RtlBlock(sc_core::sc_module_name name, double period_ns, bool delta)
    : sc_module(name), clock_("clock", period_ns, delta), reg_tx_("reg_tx", clock_) {
  reg_tx_.bind(reg_);
  reg_socket.bind(reg_tx_.tgt_socket);
}

void RtlBlock::transport(tlm::tlm_initiator_socket<>& s, bool write, std::uint64_t addr, void* data,
                         unsigned bytes) {
  tlm::tlm_generic_payload t;
  t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  t.set_address(addr);
  t.set_data_ptr(static_cast<unsigned char*>(data));
  t.set_data_length(bytes);
  t.set_streaming_width(bytes);
  t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time d = sc_core::SC_ZERO_TIME;
  s->b_transport(t, d);
  if (!t.is_response_ok()) throw std::runtime_error(std::string(name()) + ": transaction to the RTL failed");
}

std::uint64_t RtlBlock::reg_read(std::uint32_t addr) {
  std::uint64_t v = 0;
  transport(reg_socket, false, addr, &v, 8);
  return v;
}

void RtlBlock::reg_write(std::uint32_t addr, std::uint64_t value) { transport(reg_socket, true, addr, &value, 8); }

bool RtlBlock::reset_pulse() {
  if (reset_) return false;
  reset_ = true;
  rst_.write(true);
  clock_.hold();
  for (int i = 0; i < 2; ++i) wait_sample(clock_);
  rst_.write(false);
  wait_sample(clock_);
  clock_.release();
  return true;
}

}  // namespace savp::cosim
