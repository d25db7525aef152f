#include "tlm/interconnect/router.hpp"

#include <stdexcept>

namespace savp::sc {

Router::Router(sc_core::sc_module_name name, sc_core::sc_time hop_latency)
    : sc_module(name), tgt_socket("tgt_socket"), init_socket("init_socket"), hop_latency_(hop_latency) {
  tgt_socket.register_b_transport(this, &Router::b_transport);
  tgt_socket.register_transport_dbg(this, &Router::transport_dbg);
  tgt_socket.register_nb_transport_fw(this, &Router::nb_transport_fw);
  init_socket.register_nb_transport_bw(this, &Router::nb_transport_bw);
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

tlm::tlm_sync_enum Router::nb_transport_fw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                           sc_core::sc_time& delay) {
  auto it = routes_.find(&trans);
  if (phase == tlm::BEGIN_REQ) {
    const AddressWindow* w = decode(trans.get_address(), trans.get_data_length());
    if (w == nullptr) {
      ++decode_errors_;
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      phase = tlm::BEGIN_RESP;
      return tlm::TLM_UPDATED;
    }
    it = routes_.emplace(&trans, Route{id, trans.get_address()}).first;
    trans.set_address(trans.get_address() - w->base);
    delay += hop_latency_;
  }
  if (it == routes_.end()) return tlm::TLM_COMPLETED;  // END_RESP of a decode error
  const AddressWindow* w = decode(it->second.original_address, trans.get_data_length());
  const tlm::tlm_sync_enum st = init_socket[w->port]->nb_transport_fw(trans, phase, delay);
  if (st == tlm::TLM_COMPLETED || (st == tlm::TLM_UPDATED && phase == tlm::BEGIN_RESP) || phase == tlm::END_RESP) {
    trans.set_address(it->second.original_address);
    if (st == tlm::TLM_COMPLETED || phase == tlm::END_RESP) routes_.erase(it);
  }
  return st;
}

tlm::tlm_sync_enum Router::nb_transport_bw(int, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                           sc_core::sc_time& delay) {
  auto it = routes_.find(&trans);
  if (it == routes_.end()) return tlm::TLM_COMPLETED;
  if (phase == tlm::BEGIN_RESP) {
    trans.set_address(it->second.original_address);
    delay += hop_latency_;
  }
  const int initiator = it->second.initiator;
  const tlm::tlm_sync_enum st = tgt_socket[initiator]->nb_transport_bw(trans, phase, delay);
  if (st == tlm::TLM_COMPLETED) routes_.erase(it);
  return st;
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
