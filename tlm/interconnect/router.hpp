// Router: the memory-mapped interconnect between initiators (host, accelerator DMA ports, traffic
// generators) and targets (main memory, accelerator CSR blocks). An address map of non-overlapping
// [base, base+size) windows, each routed to one target port with the address made
// window-relative (restored on the way back); an address outside every window gets
// TLM_ADDRESS_ERROR_RESPONSE. Every hop costs hop_latency; each target port moves at most
// bandwidth_gbps (0 = unlimited: a request occupies the port for bytes / bandwidth) and charges
// pj_per_byte per byte, attributed to the transaction when it carries an EnergyHopExtension.
//  LT: b_transport waits for the port to be free (busy-until), no queueing beyond that.
//  AT: BEGIN_REQ goes straight through when the port is idle; otherwise it waits in a per-port,
//      per-initiator queue served round-robin, and END_REQ returns to the initiator only when the
//      target has accepted the request (back-pressure propagates). Responses are forwarded as
//      they come. Debug transport passes through untimed.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <deque>
#include <map>
#include <unordered_map>
#include <memory>
#include <string>
#include <vector>

#include "tlm/core/ptr_map.hpp"
#include "tlm/core/stats_tree.hpp"
#include "tlm/core/extensions.hpp"

namespace savp::sc {

struct AddressWindow {
  std::string name;
  std::uint64_t base = 0;
  std::uint64_t size = 0;
  unsigned port = 0;  // index of the bound target on init_socket
};

struct RouterConfig {
  sc_core::sc_time hop_latency = sc_core::sc_time(1, sc_core::SC_NS);
  double bandwidth_gbps = 0.0;  // per target port; 0 = unlimited
  double pj_per_byte = 0.0;     // energy per byte per hop
};

class Router : public sc_core::sc_module, public StatsSource {
 public:
  tlm_utils::multi_passthrough_target_socket<Router> tgt_socket;
  tlm_utils::multi_passthrough_initiator_socket<Router> init_socket;

  Router(sc_core::sc_module_name name, const RouterConfig& config);
  // Throws std::invalid_argument when the window overlaps an existing one.
  void map(const AddressWindow& window);
  const std::vector<AddressWindow>& windows() const { return windows_; }
  std::uint64_t decode_errors() const { return decode_errors_; }
  void report_stats(StatsTree& tree) const override;

 private:
  const std::string* hop_name_ = intern_component(name());  // for per-hop energy
  struct Route {
    int initiator;
    std::uint64_t original_address;
    unsigned port;
    bool target_done = false;  // the target completed the transaction on its side
  };
  struct Port {
    sc_core::sc_time busy_until = sc_core::SC_ZERO_TIME;
    tlm::tlm_generic_payload* request_in_progress = nullptr;  // awaiting the target's END_REQ
    std::map<int, std::deque<tlm::tlm_generic_payload*>> waiting;  // per initiator
    int last_served = -1;
    std::unique_ptr<sc_core::sc_event> wake;
    std::uint64_t requests = 0, bytes = 0;
    sc_core::sc_time busy_time = sc_core::SC_ZERO_TIME;
  };

  const AddressWindow* decode(std::uint64_t addr, std::uint64_t len) const;
  sc_core::sc_time occupy(const tlm::tlm_generic_payload& t) const;
  // Counts the request on the port and charges its hop energy; answers its occupancy of the port.
  sc_core::sc_time charge(Port& port, tlm::tlm_generic_payload& t);
  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_bw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end);
  // Sends a request to its target; returns true when the target took it (END_REQ seen).
  bool forward_request(unsigned port, tlm::tlm_generic_payload& trans, sc_core::sc_time delay);
  void end_request(unsigned port, tlm::tlm_generic_payload& trans);
  void dispatch(unsigned port);  // per-port method: serves the waiting queue round-robin
  bool queue_empty(const Port& p) const;

  RouterConfig config_;
  double ns_per_byte_ = 0.0;
  std::vector<AddressWindow> windows_;
  std::vector<Port> ports_;
  PtrMap<Route> routes_;  // AT transactions in flight
  std::uint64_t decode_errors_ = 0;
  mutable std::uint32_t occupy_len_ = 0;  // occupy()'s last answer, by data length
  mutable sc_core::sc_time occupy_time_;
};

}  // namespace savp::sc
