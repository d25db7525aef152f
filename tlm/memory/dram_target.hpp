// DramTarget: the banked DRAM (models/memory DramChannel per channel) as a TLM-2.0 target storing
// real bytes. Each request is at most one burst and must not cross a burst boundary (else
// TLM_BURST_ERROR_RESPONSE); data move in arrival order (so reordering by the scheduler never
// changes what a read returns), timing comes from the channel model.
//  LT (b_transport): the request is served at its arrival cycle with state-aware latency (open rows,
//     bank busy-until), no queueing.
//  AT (nb_transport): BEGIN_REQ enters the channel's queue (END_REQ at once); a full queue holds
//     END_REQ back until a slot frees (back-pressure). One scheduling decision per DRAM cycle per
//     channel (platform.memory.scheduler: FR-FCFS by default); BEGIN_RESP at the cycle the last data
//     beat leaves, responses one at a time per the base protocol. One scheduler method serves every
//     channel and sends the responses: it wakes once per cycle at which something is due (channels
//     deciding at the same cycle share a kernel activation) and then sends the responses due, then
//     decides for the channels due in channel order.
// Per initiator (when enabled): requests, bytes, row outcomes, latency (arrival to the last data
// beat), queueing delay (arrival to the decision; 0 in LT) and data-bus time of its bursts.
#pragma once

#include <tlm_utils/peq_with_cb_and_phase.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <deque>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "models/memory/backing_store.hpp"
#include "models/memory/dram_channel.hpp"
#include "tlm/core/extensions.hpp"
#include "tlm/core/response_channel.hpp"
#include "tlm/core/trace_writer.hpp"
#include "tlm/memory/memory_target.hpp"

namespace savp::sc {

class DramTarget : public sc_core::sc_module, public MemoryTarget {
 public:
  tlm_utils::simple_target_socket<DramTarget> tgt_socket;

  SC_HAS_PROCESS(DramTarget);
  DramTarget(sc_core::sc_module_name name, const memory::DramSpec& spec, std::uint64_t size_bytes);

  tlm::tlm_target_socket<>& target_socket() override { return tgt_socket; }
  std::uint64_t size_bytes() const override { return store_.size(); }
  std::uint64_t bytes_read() const override { return bytes_read_; }
  std::uint64_t bytes_written() const override { return bytes_written_; }
  std::uint32_t max_request_bytes() const override {
    return static_cast<std::uint32_t>(spec_.geometry.burst_bytes());
  }
  void report_stats(StatsTree& tree) const override;
  const memory::DramChannel& channel(std::size_t i) const { return channels_[i]; }
  // Timeline output: one track per channel, one event per request (arrival to last data beat).
  void set_trace(TraceWriter* trace) override;
  // waves.vcd: per-channel queue occupancy, sampled at each scheduling decision.
  void trace_signals(sc_core::sc_trace_file* file) override;
  // Power over time: each command's energy at its cycle (from the channels' command logs),
  // background power by state (any bank open or not) over [0, the last completion).
  void set_power(common::PowerProfile* power) override;
  void finish_power() override;

 private:
  const std::string* hop_name_ = intern_component(name());  // for per-hop energy
  bool check(tlm::tlm_generic_payload& t);                  // sets an error response when the request is bad
  void move_data(tlm::tlm_generic_payload& t);
  void attribute(tlm::tlm_generic_payload& t, memory::RowOutcome outcome);  // per-hop energy
  // Per-initiator counters of a completed request (when enabled): decided is the cycle the
  // scheduler picked it (its arrival in LT, where there is no queue).
  void count_initiator(const tlm::tlm_generic_payload& t, const memory::DramRequest& r,
                       const memory::DramCompletion& c, std::uint64_t decided);
  // Clock cycle <-> time, in whole time-resolution ticks (tck_ is a whole number of them): the
  // cycle at or after t, and the start of a cycle.
  std::uint64_t cycle_of(const sc_core::sc_time& t) const {
    return (t.value() + tck_ticks_ - 1) / tck_ticks_;
  }
  sc_core::sc_time time_of(std::uint64_t cycle) const {
    return sc_core::sc_time::from_value(cycle * tck_ticks_);
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& t, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& t);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi);
  // Enters a request (decoded to a) into its channel's queue; it arrives `delay` after now (the
  // hop's latency).
  // kick: wake the scheduler for the channel (not needed from within the scheduler, which re-plans).
  void accept(std::uint32_t ch, tlm::tlm_generic_payload& t, const memory::DramAddress& a,
              const sc_core::sc_time& delay, bool kick = true);
  void schedule();  // the scheduler method: responses due, then the channels due
  // One channel's turn at cycle now (time now_t): decides when its next decision is due now, and
  // sets wake_[ch] to the cycle of its next turn.
  void step(std::uint32_t ch, const sc_core::sc_time& now_t, std::uint64_t now);

  memory::DramSpec spec_;
  memory::DramAddressMap map_;
  std::vector<memory::DramChannel> channels_;
  memory::BackingStore store_;
  sc_core::sc_time tck_;
  std::uint64_t tck_ticks_;
  std::uint64_t next_id_ = 1;
  std::uint64_t bytes_read_ = 0, bytes_written_ = 0;
  // AT state.
  // Request id -> payload, request: a ring indexed by id modulo its (power-of-two) size, grown
  // until the ids in flight fall on distinct slots; trans nullptr marks a free slot.
  struct InFlight {
    tlm::tlm_generic_payload* trans = nullptr;
    memory::DramRequest request;
  };
  std::vector<InFlight> in_flight_;
  void track(const InFlight& f);
  std::vector<std::uint64_t> arrival_;              // per payload id: arrival cycle
  std::vector<tlm::tlm_generic_payload*> blocked_;  // per channel: a request waiting for a slot
  std::vector<memory::DramAddress> blocked_addr_;   // its decoded address
  std::vector<sc_core::sc_time> blocked_arrival_;   // when it arrived (its annotated time)
  // Requests admitted from blocked_ during one schedule() whose END_REQ is still to be sent.
  std::vector<std::pair<tlm::tlm_generic_payload*, sc_core::sc_time>> admitted_;
  sc_core::sc_event kick_;  // wakes the scheduler at the next delta
  // Per channel: the decision cycle the scheduler last computed, valid until a request arrives.
  std::vector<std::uint64_t> planned_;
  // Per channel: the cycle of its next turn, 0 when a kick is pending, UINT64_MAX when it waits for
  // a kick alone. A request that leaves the next decision at or after the pending turn needs no
  // kick: the channel re-plans on its turn, as a kick would have. The scheduler wakes at the
  // earliest turn or response due.
  std::vector<std::uint64_t> wake_;
  ResponseChannel responses_;  // BEGIN_RESP at each completion, one at a time (sent by schedule())
  std::uint64_t end_cycle_ = 0;
  TraceWriter* trace_ = nullptr;
  std::vector<int> trace_tracks_;
  std::vector<std::unique_ptr<sc_core::sc_signal<unsigned>>> occupancy_;
  void trace_request(std::uint32_t ch, const tlm::tlm_generic_payload& t, const memory::DramRequest& r,
                     const memory::DramCompletion& c);
  // Power over time: per channel, the commands placed since the last drain, which banks are open,
  // and the (cycle, +1 / -1) bank open/close events the background energy is integrated from.
  struct PowerLog {
    std::vector<memory::DramCommand> commands;
    std::vector<char> open;
    std::vector<std::pair<std::uint64_t, int>> events;
  };
  std::vector<PowerLog> power_logs_;
  void drain_power(std::uint32_t ch);
};

}  // namespace savp::sc
