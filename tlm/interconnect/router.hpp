// Router: the memory-mapped interconnect between initiators (host, accelerator DMA ports, traffic
// generators) and targets (main memory, accelerator CSR blocks). An address map of non-overlapping
// [base, base+size) windows, each routed to one target port with the address made
// window-relative (restored on the way back); an address outside every window gets
// TLM_ADDRESS_ERROR_RESPONSE. Every hop costs hop_latency; each target port moves at most
// bandwidth_gbps (0 = unlimited: a request occupies the port for bytes / bandwidth) and charges
// pj_per_byte per byte, attributed to the transaction when it carries an EnergyHopExtension.
//  LT: b_transport waits for the port to be free (busy-until), no queueing beyond that: requests
//      are served in the order their calls arrive (temporal decoupling decides it), so the
//      arbitration policy cannot reorder them; a bandwidth cap still holds the initiator's request
//      until its next allowed time (as if it had issued it then).
//  AT: BEGIN_REQ goes straight through when the port is idle (and the initiator is not held by its
//      cap); otherwise it waits in a per-port, per-initiator (per socket) queue, and END_REQ returns
//      to the initiator only when the target has accepted the request (back-pressure propagates).
//      When the port frees, the arbitration picks among the queues whose head is not held by a
//      cap: round_robin in turn; fixed_priority the highest priority, equal ones in turn;
//      weighted by self-clocked fair queueing (each request gets the finish tag max(port's virtual
//      time, the initiator's last tag) + bytes / weight; the smallest tag is served, so waiting
//      initiators move bytes in proportion to their weights). Responses are forwarded as they
//      come. Debug transport passes through untimed.
// Initiators are told apart by the InitiatorExtension id of each request (0: host or unknown):
// their quality of service (RouterConfig::qos) and, when enabled, per-initiator statistics.
#pragma once

#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <systemc>
#include <tlm>

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/common/latency_histogram.hpp"
#include "models/common/power_profile.hpp"
#include "tlm/core/extensions.hpp"
#include "tlm/core/ptr_map.hpp"
#include "tlm/core/stats_tree.hpp"
#include "tlm/core/trace_writer.hpp"
#include "tlm/interconnect/arbitration.hpp"

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

// What one initiator moved through the router, for per-initiator reports and per-task figures
// (a task takes the difference of two snapshots, since(), as with memory::InitiatorCounters of
// the memory targets): requests and bytes by target window name, the latency from the request
// entering the router to its response leaving it, the time its requests waited in the router's
// queues and the port time they occupied.
struct RouterInitiatorCounters {
  struct Window {
    std::uint64_t requests = 0, bytes_read = 0, bytes_written = 0;
    double busy_ns = 0.0;
  };
  std::uint64_t requests = 0;
  std::map<std::string, Window> by_window;  // by target window name
  common::LatencyHistogram latency_ns;      // one sample per response
  double queueing_delay_ns = 0.0;           // summed over requests

  // The counts between an earlier snapshot of the same counters and these.
  RouterInitiatorCounters since(const RouterInitiatorCounters& earlier) const;
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
  // The arbitration policy and each initiator's quality of service by initiator id (an id beyond
  // qos_by_id gets the defaults); before the simulation starts. Default: round_robin, no caps.
  void set_arbitration(Arbitration policy, std::vector<InitiatorQos> qos_by_id);
  Arbitration arbitration() const { return arbitration_; }
  const InitiatorQos& qos(std::uint32_t id) const { return id < qos_.size() ? qos_[id] : default_qos_; }
  // Per-initiator accounting, by initiator id (names_by_id[0] "host", then the accelerators):
  // statistics under by_initiator, initiator_counters(), and with a trace writer one bandwidth
  // counter track per initiator. Off by default (no cost, no change to the report).
  void enable_per_initiator(std::vector<std::string> names_by_id);
  bool per_initiator() const { return per_initiator_; }
  // What initiator id moved so far (zero unless per-initiator accounting is enabled).
  RouterInitiatorCounters initiator_counters(std::uint32_t id) const;
  void set_trace(TraceWriter* trace) { trace_ = trace; }
  // Power over time (outputs.power): each transfer's hop energy over its time on the target port.
  void set_power(common::PowerProfile* power) {
    power_ = power;
    if (power_ != nullptr) power_id_ = power_->component(name());
  }
  void report_stats(StatsTree& tree) const override;

 private:
  const std::string* hop_name_ = intern_component(name());  // for per-hop energy
  struct Route {
    int initiator;  // the target socket it came in on
    std::uint64_t original_address;
    unsigned port;
    bool target_done = false;  // the target completed the transaction on its side
    unsigned window = 0;       // index in windows_
    sc_core::sc_time enter;    // when the request entered the router
    double tag = 0.0;          // weighted: its finish tag
  };
  using Queues = std::map<int, std::deque<tlm::tlm_generic_payload*>>;
  struct Port {
    sc_core::sc_time busy_until = sc_core::SC_ZERO_TIME;
    tlm::tlm_generic_payload* request_in_progress = nullptr;  // awaiting the target's END_REQ
    Queues waiting;                                           // per initiator socket
    int last_served = -1;
    std::unique_ptr<sc_core::sc_event> wake;
    std::uint64_t requests = 0, bytes = 0;
    sc_core::sc_time busy_time = sc_core::SC_ZERO_TIME;
    double virtual_tag = 0.0;          // weighted: the finish tag of the last request served
    std::map<int, double> finish_tag;  // weighted: each socket's last finish tag
  };
  // Per-initiator accounting (enable_per_initiator): counters by window index, latencies.
  struct InitiatorState {
    std::vector<RouterInitiatorCounters::Window> windows;
    common::LatencyHistogram latency_ns;
    double queueing_delay_ns = 0.0;
    int counter_track = -1;  // bandwidth counter in the trace
  };

  const AddressWindow* decode(std::uint64_t addr, std::uint64_t len) const;
  sc_core::sc_time occupy(const tlm::tlm_generic_payload& t) const;
  // Counts the request (forwarded at `start`, having reached the port at `arrive`, through window
  // w) on the port and its initiator, charges its hop energy, advances the initiator's
  // cap and weighted tags; answers its occupancy of the port.
  sc_core::sc_time charge(Port& port, const AddressWindow& w, tlm::tlm_generic_payload& t,
                          const sc_core::sc_time& start, const sc_core::sc_time& arrive);
  // The initiator's response leaves the router at `leave`: its latency since `enter`.
  void record_latency(const tlm::tlm_generic_payload& t, const sc_core::sc_time& enter,
                      const sc_core::sc_time& leave);
  // The earliest time a request of initiator id may start (its bandwidth cap).
  sc_core::sc_time next_allowed(std::uint32_t id) const {
    return id < next_allowed_.size() ? next_allowed_[id] : sc_core::SC_ZERO_TIME;
  }
  // The queue to serve next at `now` by the arbitration policy; end() when every head is held by
  // its cap, then `release` is the earliest time one may go.
  Queues::iterator pick(Port& port, const sc_core::sc_time& now, sc_core::sc_time& release);
  InitiatorState& initiator_state(std::uint32_t id);
  void report_per_initiator(StatsTree& tree) const;
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
  void dispatch(unsigned port);  // per-port method: serves the waiting queues by the arbitration
  bool queue_empty(const Port& p) const;

  RouterConfig config_;
  double ns_per_byte_ = 0.0;
  std::vector<AddressWindow> windows_;
  std::vector<Port> ports_;
  PtrMap<Route> routes_;  // AT transactions in flight
  std::uint64_t decode_errors_ = 0;
  Arbitration arbitration_ = Arbitration::RoundRobin;
  std::vector<InitiatorQos> qos_;  // by initiator id
  InitiatorQos default_qos_;
  bool has_caps_ = false;
  std::vector<double> cap_ns_per_byte_;         // by initiator id; 0 = no cap
  std::vector<sc_core::sc_time> next_allowed_;  // by initiator id
  bool per_initiator_ = false;
  std::vector<std::string> initiator_names_;
  std::vector<InitiatorState> initiators_;  // by initiator id
  TraceWriter* trace_ = nullptr;
  common::PowerProfile* power_ = nullptr;
  int power_id_ = -1;
  mutable std::uint32_t occupy_len_ = 0;  // occupy()'s last answer, by data length
  mutable sc_core::sc_time occupy_time_;
};

}  // namespace savp::sc
