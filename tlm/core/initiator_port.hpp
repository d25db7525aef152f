// InitiatorPort: how every engine (and the host) issues memory traffic, as a child module owning
// the initiator socket. It splits a transfer into bus requests of at most max_burst_bytes (never
// crossing a burst-aligned boundary), issues them no earlier than an absolute start time at one
// request per issue interval with at most `outstanding` requests in flight, and returns the time
// the last response completed. Real bytes move: reads fill the caller's buffer. A transfer without
// a data pointer (MemTransfer dst/src null: a timing-only job's operands) is timed and counted the
// same, carries a TimingOnlyExtension and points at a scratch buffer of the port: no bytes move.
//  LT: b_transport with temporal decoupling; the caller keeps absolute time cursors and sync_to()
//      waits when local time runs ahead of simulated time by a global quantum.
//  AT: 4-phase nb_transport (BEGIN_REQ/END_REQ/BEGIN_RESP/END_RESP) with pooled payloads; the
//      calling thread waits until the start time, honours the request-exclusion rule and the
//      outstanding limit, and returns when every response has arrived. Several threads of one
//      owner may stream at once (e.g. a read and a write channel).
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/peq_with_cb_and_phase.h>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <deque>
#include <map>
#include <utility>
#include <unordered_map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/common/engine_step.hpp"
#include "tlm/core/payload_pool.hpp"
#include "tlm/core/timing_mode.hpp"

namespace savp::sc {

// A memory access that failed at run time (address error, bus error): a model invariant breach.
class BusError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PortStats {
  std::uint64_t read_requests = 0, write_requests = 0;
  std::uint64_t bytes_read = 0, bytes_written = 0;
  std::uint64_t dmi_grants = 0;  // backdoor accesses served by direct memory pointers
};

struct PortConfig {
  std::uint32_t max_burst_bytes = 64;
  std::uint32_t outstanding = 16;
  sc_core::sc_time issue_interval = sc_core::sc_time(1, sc_core::SC_NS);
  TimingMode mode = TimingMode::LT;
  // Attach an EnergyHopExtension to every transaction and add up what each hop charged it.
  bool attribute_energy = false;
  // The platform's id of this initiator, carried by every transaction in an InitiatorExtension
  // (0: none attached; the targets count it as the host).
  std::uint32_t initiator_id = 0;
};

class InitiatorPort : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<InitiatorPort> init_socket;

  SC_HAS_PROCESS(InitiatorPort);
  InitiatorPort(sc_core::sc_module_name name, const PortConfig& config);
  ~InitiatorPort() override;

  // Moves `bytes` at `addr` starting no earlier than `start` (absolute time); returns the absolute
  // completion time. Throws BusError on an error response.
  sc_core::sc_time transfer(bool write, std::uint64_t addr, std::uint8_t* data, std::uint64_t bytes,
                            sc_core::sc_time start);
  // Several transfers as one pipelined request stream; returns the completion of the last. With
  // last_issue, also when the last request was issued (LT; AT: the completion), so a streaming
  // engine can start its next stream behind this one instead of after its last response.
  sc_core::sc_time transfer_all(bool write, const std::vector<common::MemTransfer>& list, sc_core::sc_time start,
                                sc_core::sc_time* last_issue = nullptr);
  // Single 64-bit register access (CSR), always blocking transport.
  sc_core::sc_time write_word(std::uint64_t addr, std::uint64_t value, sc_core::sc_time start);
  std::uint64_t read_word(std::uint64_t addr, sc_core::sc_time start, sc_core::sc_time& done);
  // Debug (zero-time, untimed) access for backdoor loads.
  void debug(bool write, std::uint64_t addr, std::uint8_t* data, std::uint64_t bytes);

  const PortStats& stats() const { return stats_; }
  // Energy the hops charged to this port's transactions, by component (attribute_energy).
  const std::map<std::string, double>& attributed_pj() const;
  double attributed_total_pj() const { return attributed_total_; }
  const PortConfig& config() const { return config_; }
  // Largest request the port issues (the memory system may lower it).
  void limit_burst(std::uint32_t bytes);
  void set_initiator(std::uint32_t id) { config_.initiator_id = id; }

 private:
  struct Segment {
    std::uint64_t addr;
    std::uint8_t* data;
    std::uint64_t bytes;
  };
  struct Call {  // one AT stream waiting for its responses
    std::uint32_t remaining = 0;
    sc_core::sc_event done;
    sc_core::sc_time last_response;  // when the latest response's data is available
    bool issuing = false;            // requests of this call remain to be issued
    std::string error;
  };
  struct Stream {  // a call's bursts still to issue
    bool write;
    std::vector<Segment> segs;
    std::size_t seg;
    std::uint64_t offset;
    Call* call;
  };
  void issue();
  sc_core::sc_time stream(bool write, const Segment* segs, std::size_t n, sc_core::sc_time start,
                          sc_core::sc_time* last_issue = nullptr);
  sc_core::sc_time stream_at(bool write, const Segment* segs, std::size_t n, sc_core::sc_time start);
  sc_core::sc_time single_lt(bool write, std::uint64_t addr, std::uint8_t* data, std::uint32_t bytes,
                             sc_core::sc_time issue);
  void count(bool write, std::uint32_t bytes);
  // AT machinery.
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& t, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  void peq_cb(tlm::tlm_generic_payload& t, const tlm::tlm_phase& phase);
  void finish(tlm::tlm_generic_payload& t, const sc_core::sc_time& at);

  PortConfig config_;
  tlm::tlm_generic_payload lt_trans_;
  PortStats stats_;
  tlm_utils::peq_with_cb_and_phase<InitiatorPort> peq_;
  PayloadPool pool_;
  std::vector<std::pair<const std::string*, double>> attributed_;  // by interned component name
  mutable std::map<std::string, double> attributed_by_name_;         // attributed_pj()'s answer
  double attributed_total_ = 0.0;
  void prepare_attribution(tlm::tlm_generic_payload& t);
  // A data-less request's data pointer: the port's scratch buffer of max_burst_bytes.
  std::uint8_t* sink(std::uint32_t bytes);
  std::vector<std::uint8_t> sink_;
  void collect_attribution(tlm::tlm_generic_payload& t);
  tlm::tlm_generic_payload* request_in_progress_ = nullptr;
  bool issuing_ = false;  // issue() is running (an END_REQ from within its forward call does not re-enter it)
  std::uint32_t inflight_ = 0;
  std::deque<Stream*> streams_;
  sc_core::sc_event issue_ev_;
  sc_core::sc_time next_issue_ = sc_core::SC_ZERO_TIME;
};

// Waits until `cursor` when the decoupled local time runs ahead of simulated time by more than the
// global quantum (tlm_quantumkeeper's rule, with absolute cursors); force waits in any case.
void sync_to(const sc_core::sc_time& cursor, bool force = false);

}  // namespace savp::sc
