// SramTarget: an on-chip SRAM macro (models/memory SramModel) as a TLM-2.0 target storing real bytes
// (BackingStore), for the engines' buffers and scratchpads. Addresses are macro-relative; any
// request size inside the capacity is taken (split into words by the model). Times are SRAM clock
// cycles: a request arriving at time t enters at cycle ceil(t / cycle) and its response is due at
// the completion cycle the model computes.
//  LT (b_transport): latency plus the bank conflicts among the request's own words; no queueing
//     between callers (SramModel::access_immediate).
//  AT (nb_transport): BEGIN_REQ is accepted at once (END_REQ); the request's words reserve bank
//     ports shared with every other request in flight (SramModel::access), so two initiators
//     hitting one bank in the same cycle serialise. BEGIN_RESP at the completion cycle, one
//     response at a time per the base protocol. Data move at arrival, in arrival order.
// Debug transport moves bytes untimed and uncounted. Statistics: requests, word accesses, bytes,
// bank-conflict cycles, per-bank words, and the priced actions read_word, write_word and leakage
// (leakage power x the run's time, counted in SRAM cycles); per initiator when enabled (queueing
// delay: the cycles a request waits for ports other requests hold, beyond what its own words
// need). Each request's word energy is attributed to it (EnergyHopExtension); with a trace, one
// timeline event per request (arrival to response).
#pragma once

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <deque>
#include <string>

#include "models/common/energy_table.hpp"
#include "models/memory/backing_store.hpp"
#include "models/memory/sram_model.hpp"
#include "tlm/core/extensions.hpp"
#include "tlm/core/response_channel.hpp"
#include "tlm/memory/memory_target.hpp"

namespace savp::sc {

class SramTarget : public sc_core::sc_module, public MemoryTarget {
 public:
  tlm_utils::simple_target_socket<SramTarget> tgt_socket;

  SramTarget(sc_core::sc_module_name name, const memory::SramSpec& spec, const common::EnergyTable& energy);

  tlm::tlm_target_socket<>& target_socket() override { return tgt_socket; }
  std::uint64_t size_bytes() const override { return store_.size(); }
  std::uint64_t bytes_read() const override { return model_.counters().bytes_read; }
  std::uint64_t bytes_written() const override { return model_.counters().bytes_written; }
  std::uint32_t max_request_bytes() const override { return 0; }
  void report_stats(StatsTree& tree) const override;
  void set_trace(TraceWriter* trace) override;
  void set_power(common::PowerProfile* power) override;

  const memory::SramModel& model() const { return model_; }
  memory::BackingStore& store() { return store_; }
  const memory::BackingStore& store() const { return store_; }
  // End of the run for leakage: the later of now and the last completion.
  double end_ns() const;

 private:
  bool check(tlm::tlm_generic_payload& t);  // sets an error response when the request is bad
  void move_data(tlm::tlm_generic_payload& t);
  // After a timed access that arrived at `arrive` (cycle arrival_cycle) and completes at cycle
  // done: hop energy, per-initiator counters, trace event.
  void account(tlm::tlm_generic_payload& t, const sc_core::sc_time& arrive, std::uint64_t arrival_cycle,
               std::uint64_t done);
  std::uint64_t cycle_of(const sc_core::sc_time& t) const;  // ceil to the SRAM clock
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& t, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& t);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi);

  memory::SramModel model_;
  memory::BackingStore store_;
  sc_core::sc_time tck_;
  ResponseChannel responses_;  // BEGIN_RESP at each completion, one at a time
  std::uint64_t error_responses_ = 0;
  const std::string* hop_name_ = intern_component(name());  // for per-hop energy
  TraceWriter* trace_ = nullptr;
  int trace_track_ = 0;
};

}  // namespace savp::sc
