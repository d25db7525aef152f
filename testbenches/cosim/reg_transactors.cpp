#include "testbenches/cosim/reg_transactors.hpp"

#include <cstring>
#include <stdexcept>

namespace savp::cosim {

Tlm2Reg::Tlm2Reg(sc_core::sc_module_name name, CosimClock& clock)
    : sc_module(name), tgt_socket("tgt_socket"), clock_(clock) {
  tgt_socket.register_b_transport(this, &Tlm2Reg::b_transport);
}

void Tlm2Reg::b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
  sc_core::wait(delay);
  delay = sc_core::SC_ZERO_TIME;
  if (t.get_data_length() != 8 || t.get_byte_enable_ptr() != nullptr || t.get_address() > 0xFFFFFFFFu) {
    t.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  std::uint64_t v = 0;
  if (t.is_write()) std::memcpy(&v, t.get_data_ptr(), 8);
  clock_.hold();
  wait_sample(clock_);
  req.write(true);
  we.write(t.is_write());
  addr.write(static_cast<std::uint32_t>(t.get_address()));
  wdata.write(v);
  wait_sample(clock_);  // the edge took the request
  req.write(false);
  we.write(false);
  for (int c = 0;; ++c) {
    wait_pre_edge(clock_);
    if (ack.read()) {
      v = rdata.read();
      break;
    }
    if (c > 16) {
      clock_.release();
      t.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
      return;
    }
    wait_sample(clock_);
  }
  clock_.release();
  if (t.is_read()) std::memcpy(t.get_data_ptr(), &v, 8);
  t.set_response_status(tlm::TLM_OK_RESPONSE);
}

std::uint64_t Tlm2Reg::access(bool write, std::uint32_t a, std::uint64_t v) {
  tlm::tlm_generic_payload t;
  t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  t.set_address(a);
  t.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
  t.set_data_length(8);
  t.set_streaming_width(8);
  sc_core::sc_time d = sc_core::SC_ZERO_TIME;
  b_transport(t, d);
  if (t.is_response_error()) {
    throw std::runtime_error(std::string(name()) + ": register " + (write ? "write" : "read") + " failed");
  }
  return v;
}

std::uint64_t Tlm2Reg::read(std::uint32_t a) { return access(false, a, 0); }

void Tlm2Reg::write(std::uint32_t a, std::uint64_t v) { access(true, a, v); }

Reg2Tlm::Reg2Tlm(sc_core::sc_module_name name, CosimClock& clock)
    : sc_module(name), init_socket("init_socket"), clock_(clock) {
  SC_THREAD(run);
}

void Reg2Tlm::run() {
  ack.write(false);
  for (;;) {
    bool r = false, w = false;
    std::uint32_t a = 0;
    std::uint64_t v = 0;
    try {
      wait_pre_edge(clock_);
      r = req.read();
      w = we.read();
      a = addr.read();
      v = wdata.read();
      wait_sample(clock_);
    } catch (const std::exception&) {
      return;
    }
    if (r) {
      tlm::tlm_generic_payload t;
      t.set_command(w ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
      t.set_address(a);
      t.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
      t.set_data_length(8);
      t.set_streaming_width(8);
      t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      sc_core::sc_time d = sc_core::SC_ZERO_TIME;
      init_socket->b_transport(t, d);
      rdata.write(w ? 0 : v);
    }
    ack.write(r);
  }
}

}  // namespace savp::cosim
