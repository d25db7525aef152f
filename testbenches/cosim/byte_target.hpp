// ByteTarget: a TLM target over a plain byte vector (zero delay), the far end of the pins -> TLM
// transactors: the loopback test's memory and the RTL backends' result buffers.
#pragma once

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <cstring>
#include <vector>

namespace savp::cosim {

class ByteTarget : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<ByteTarget> tgt_socket;
  std::vector<std::uint8_t> bytes;

  ByteTarget(sc_core::sc_module_name name, std::size_t size) : sc_module(name), tgt_socket("tgt_socket"), bytes(size, 0) {
    tgt_socket.register_b_transport(this, &ByteTarget::b_transport);
  }

 private:
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time&) {
    const std::uint64_t a = t.get_address(), n = t.get_data_length();
    if (a + n > bytes.size() || t.get_byte_enable_ptr() != nullptr) {
      t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    if (t.is_write()) {
      std::memcpy(bytes.data() + a, t.get_data_ptr(), n);
    } else {
      std::memcpy(t.get_data_ptr(), bytes.data() + a, n);
    }
    t.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

}  // namespace savp::cosim
