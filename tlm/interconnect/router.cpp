#include "tlm/interconnect/router.hpp"

#include <stdexcept>

namespace savp::sc {

Router::Router(sc_core::sc_module_name name, sc_core::sc_time hop_latency)
    : sc_module(name), tgt_socket("tgt_socket"), init_socket("init_socket"), hop_latency_(hop_latency) {
  tgt_socket.register_b_transport(this, &Router::b_transport);
  tgt_socket.register_transport_dbg(this, &Router::transport_dbg);
}

void Router::map(const AddressWindow& w) {
  if (w.size == 0) throw std::invalid_argument("address window " + w.name + " is empty");
  for (const auto& o : windows_) {
    if (w.base < o.base + o.size && o.base < w.base + w.size) {
      throw std::invalid_argument("address window " + w.name + " overlaps " + o.name);
    }
  }
  windows_.push_back(w);
}

const AddressWindow* Router::decode(std::uint64_t addr, std::uint64_t len) const {
  for (const auto& w : windows_) {
    if (addr >= w.base && len <= w.size && addr - w.base <= w.size - len) return &w;
  }
  return nullptr;
}

void Router::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const std::uint64_t addr = trans.get_address();
  const AddressWindow* w = decode(addr, trans.get_data_length());
  if (w == nullptr) {
    ++decode_errors_;
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  delay += hop_latency_;
  trans.set_address(addr - w->base);
  init_socket[w->port]->b_transport(trans, delay);
  trans.set_address(addr);
}

unsigned int Router::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  const std::uint64_t addr = trans.get_address();
  const AddressWindow* w = decode(addr, trans.get_data_length());
  if (w == nullptr) return 0;
  trans.set_address(addr - w->base);
  const unsigned int n = init_socket[w->port]->transport_dbg(trans);
  trans.set_address(addr);
  return n;
}

}  // namespace savp::sc
