// MemoryTarget: what the platform needs of a memory target, whichever model serves it (the simple
// fixed-latency memory, a banked DRAM, the shared SRAM): a target socket, its size, the bytes it
// moved, the largest request it takes, and its statistics; per initiator (InitiatorExtension ids)
// once the platform enables it: counters a task can snapshot, and a by_initiator group in the
// statistics tree.
#pragma once

#include <systemc>
#include <tlm>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/common/power_profile.hpp"
#include "models/memory/backing_store.hpp"
#include "models/memory/initiator_counters.hpp"
#include "tlm/core/stats_tree.hpp"
#include "tlm/core/trace_writer.hpp"

namespace savp::sc {

class MemoryTarget : public StatsSource {
 public:
  virtual tlm::tlm_target_socket<>& target_socket() = 0;
  virtual std::uint64_t size_bytes() const = 0;
  virtual std::uint64_t bytes_read() const = 0;
  virtual std::uint64_t bytes_written() const = 0;
  virtual std::uint32_t max_request_bytes() const = 0;  // 0 = any size
  // Timeline (trace.json) and waveform (waves.vcd) output; models without them ignore the calls.
  virtual void set_trace(TraceWriter* /*trace*/) {}
  virtual void trace_signals(sc_core::sc_trace_file* /*file*/) {}
  // Power over time (outputs.power): the target puts its energy on `power` as it spends it, under
  // its statistics name; finish_power() adds what is known only at the end of the run (DRAM
  // background, SRAM leakage). Off (null) by default: then nothing is recorded.
  virtual void set_power(common::PowerProfile* power) = 0;
  virtual void finish_power() {}

  // Per-initiator counting and reporting, off until enabled; names by initiator id (Platform::
  // initiator_names()). A single-workload run leaves it off: its statistics are unchanged.
  void enable_per_initiator(std::vector<std::string> names) { per_initiator_.enable(std::move(names)); }
  bool per_initiator_enabled() const { return per_initiator_.enabled(); }
  // A snapshot of initiator id's counters so far (zero when disabled or never seen).
  memory::InitiatorCounters initiator_counters(std::uint32_t id) const { return per_initiator_.get(id); }

 protected:
  // What report_per_initiator() reports besides requests, bytes, latency and queueing delay.
  struct PerInitiatorFields {
    bool row_outcomes = false;  // row_hits, row_misses, row_conflicts
    bool data_bus = false;      // data_bus_busy_share (of the sum of every initiator's data-bus time)
  };
  // components.<component>.by_initiator.<name>: one member per initiator named or seen.
  void report_per_initiator(StatsTree& tree, const std::string& component, PerInitiatorFields fields) const;
  memory::InitiatorCounterTable per_initiator_;
  common::PowerProfile* power_ = nullptr;
  int power_id_ = -1;
};

// transport_dbg of every memory target: untimed, uncounted access to its real bytes.
inline unsigned int debug_transport(memory::BackingStore& store, tlm::tlm_generic_payload& t) {
  const std::uint64_t addr = t.get_address(), len = t.get_data_length();
  if (!store.contains(addr, len)) return 0;
  if (t.is_read()) {
    store.read(addr, t.get_data_ptr(), len);
  } else if (t.is_write()) {
    store.write(addr, t.get_data_ptr(), len);
  } else {
    return 0;
  }
  return static_cast<unsigned int>(len);
}

// get_direct_mem_ptr of every memory target: one 4 KiB page of its real bytes per grant (the store
// is sparse), read and write, with the given access latencies. Untimed backdoor for loaders.
inline bool dmi_page(memory::BackingStore& store, tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi,
                     const sc_core::sc_time& latency) {
  const std::uint64_t addr = t.get_address();
  if (addr >= store.size()) return false;
  const std::uint64_t start = addr - addr % memory::BackingStore::kPageBytes;
  const std::uint64_t end = std::min(start + memory::BackingStore::kPageBytes, store.size()) - 1;
  dmi.set_dmi_ptr(store.page(addr));
  dmi.set_start_address(start);
  dmi.set_end_address(end);
  dmi.allow_read_write();
  dmi.set_read_latency(latency);
  dmi.set_write_latency(latency);
  return true;
}

}  // namespace savp::sc
