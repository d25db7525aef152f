// Router: a memory-mapped bus between initiators (host, accelerator DMA ports) and targets (main
// memory, accelerator CSR blocks). An address map of non-overlapping [base, base+size) windows,
// each routed to one target port with the address made window-relative; an address outside every
// window gets TLM_ADDRESS_ERROR_RESPONSE. A fixed per-hop latency. LT (b_transport) and debug
// transport; AT (nb_transport) is forwarded both ways with the address restored on the way back.
#pragma once

#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <systemc>
#include <tlm>

#include <map>
#include <string>
#include <vector>

namespace savp::sc {

struct AddressWindow {
  std::string name;
  std::uint64_t base = 0;
  std::uint64_t size = 0;
  unsigned port = 0;  // index of the bound target on init_socket
};

class Router : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<Router> tgt_socket;
  tlm_utils::multi_passthrough_initiator_socket<Router> init_socket;

  Router(sc_core::sc_module_name name, sc_core::sc_time hop_latency);
  // Throws std::invalid_argument when the window overlaps an existing one.
  void map(const AddressWindow& window);
  const std::vector<AddressWindow>& windows() const { return windows_; }
  std::uint64_t decode_errors() const { return decode_errors_; }

 private:
  const AddressWindow* decode(std::uint64_t addr, std::uint64_t len) const;
  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_bw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);

  sc_core::sc_time hop_latency_;
  std::vector<AddressWindow> windows_;
  std::uint64_t decode_errors_ = 0;
  struct Route {
    int initiator;
    std::uint64_t original_address;
  };
  std::map<tlm::tlm_generic_payload*, Route> routes_;  // AT transactions in flight
};

}  // namespace savp::sc
