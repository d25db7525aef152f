// SimpleMemory: a TLM-2.0 memory target with a fixed access latency and a bandwidth limit, storing
// real bytes (BackingStore). Requests are served in arrival order: each occupies the data bus for
// bytes / bandwidth and completes latency later, so back-to-back requests see the bandwidth and
// isolated ones the latency. No banks, rows or refresh: the DRAM models of the memory-system issue
// replace it. Serves b_transport (LT) and transport_dbg (backdoor loads, untimed, uncounted).
#pragma once

#include <tlm_utils/peq_with_cb_and_phase.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include "models/memory/backing_store.hpp"
#include "models/memory/memory_spec.hpp"
#include "tlm/core/extensions.hpp"
#include "tlm/core/response_channel.hpp"
#include "tlm/memory/memory_target.hpp"

namespace savp::sc {

class SimpleMemory : public sc_core::sc_module, public MemoryTarget {
 public:
  tlm_utils::simple_target_socket<SimpleMemory> tgt_socket;

  SimpleMemory(sc_core::sc_module_name name, const memory::MemorySpec& spec);
  void report_stats(StatsTree& tree) const override;
  memory::BackingStore& store() { return store_; }
  const memory::BackingStore& store() const { return store_; }
  tlm::tlm_target_socket<>& target_socket() override { return tgt_socket; }
  std::uint64_t size_bytes() const override { return store_.size(); }
  std::uint64_t bytes_read() const override { return bytes_read_; }
  std::uint64_t bytes_written() const override { return bytes_written_; }
  std::uint32_t max_request_bytes() const override { return 0; }
  void set_power(common::PowerProfile* power) override {
    power_ = power;
    if (power_ != nullptr) power_id_ = power_->component(name());
  }
  void set_trace(TraceWriter* trace) override {
    trace_ = trace;
    if (trace_ != nullptr) trace_track_ = trace_->track("memory", name());
  }

 private:
  const std::string* hop_name_ = intern_component(name());  // for per-hop energy
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  // AT: accepts every request at once (END_REQ), answers at the same completion time LT computes.
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  // Moves the data and returns the completion time of a request arriving at `arrive`; false on error.
  bool access(tlm::tlm_generic_payload& trans, const sc_core::sc_time& arrive, sc_core::sc_time& complete);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi);

  memory::MemorySpec spec_;
  memory::BackingStore store_;
  sc_core::sc_time latency_;
  double ns_per_byte_ = 0.0;
  sc_core::sc_time busy_until_ = sc_core::SC_ZERO_TIME;
  std::uint64_t reads_ = 0, writes_ = 0, bytes_read_ = 0, bytes_written_ = 0;
  sc_core::sc_time busy_time_ = sc_core::SC_ZERO_TIME;
  double latency_sum_ns_ = 0.0;
  ResponseChannel responses_;  // BEGIN_RESP at each completion, one at a time
  TraceWriter* trace_ = nullptr;
  int trace_track_ = 0;
};

}  // namespace savp::sc
