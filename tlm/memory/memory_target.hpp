// MemoryTarget: what the platform needs of its main memory, whichever model serves it (the simple
// fixed-latency memory or a banked DRAM): a target socket, its size, the bytes it moved, the
// largest request it takes, and its statistics.
#pragma once

#include <systemc>
#include <tlm>

#include <cstdint>

#include "models/memory/backing_store.hpp"
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

}  // namespace savp::sc
