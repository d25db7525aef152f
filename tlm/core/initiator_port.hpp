// InitiatorPort: how every engine (and the host) issues memory traffic. It splits a transfer into
// bus requests of at most max_burst_bytes (never crossing a burst-aligned boundary), issues them
// from an absolute start time at one request per issue interval with at most `outstanding`
// requests in flight, and returns when the last response completes. LT mode: b_transport with
// temporal decoupling (the caller keeps absolute time cursors; sync() waits when the local offset
// exceeds the global quantum). Real bytes move: reads fill the caller's buffer.
#pragma once

#include <systemc>
#include <tlm>

#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/common/engine_step.hpp"

namespace savp::sc {

// A memory access that failed at run time (address error, bus error): a model invariant breach.
class BusError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PortStats {
  std::uint64_t read_requests = 0, write_requests = 0;
  std::uint64_t bytes_read = 0, bytes_written = 0;
};

class InitiatorPort {
 public:
  InitiatorPort(tlm::tlm_initiator_socket<>& socket, std::string owner, std::uint32_t max_burst_bytes,
                std::uint32_t outstanding, sc_core::sc_time issue_interval);

  // Moves `bytes` at `addr` starting no earlier than `start` (absolute time); returns the absolute
  // completion time. Throws BusError on an error response.
  sc_core::sc_time transfer(bool write, std::uint64_t addr, std::uint8_t* data, std::uint64_t bytes,
                            sc_core::sc_time start);
  // Several transfers pipelined back to back as one request stream (requests of the next transfer
  // issue while earlier ones are still in flight); returns the completion of the last.
  sc_core::sc_time transfer_all(bool write, const std::vector<common::MemTransfer>& list,
                                sc_core::sc_time start);
  // Single word access (CSR) at the current time; returns completion time.
  sc_core::sc_time write_word(std::uint64_t addr, std::uint64_t value, sc_core::sc_time start);
  std::uint64_t read_word(std::uint64_t addr, sc_core::sc_time start, sc_core::sc_time& done);
  // Debug (zero-time, untimed) access for backdoor loads.
  void debug(bool write, std::uint64_t addr, std::uint8_t* data, std::uint64_t bytes);

  const PortStats& stats() const { return stats_; }

 private:
  struct Segment {
    std::uint64_t addr;
    std::uint8_t* data;
    std::uint64_t bytes;
  };
  sc_core::sc_time stream(bool write, const Segment* segs, std::size_t n, sc_core::sc_time start);
  sc_core::sc_time single(bool write, std::uint64_t addr, std::uint8_t* data, std::uint32_t bytes,
                          sc_core::sc_time issue);

  tlm::tlm_initiator_socket<>& socket_;
  std::string owner_;
  std::uint32_t max_burst_;
  std::uint32_t outstanding_;
  sc_core::sc_time issue_interval_;
  tlm::tlm_generic_payload trans_;
  PortStats stats_;
};

// Waits until `cursor` when the decoupled local time runs ahead of simulated time by more than the
// global quantum (tlm_quantumkeeper's rule, with absolute cursors).
void sync_to(const sc_core::sc_time& cursor, bool force = false);

}  // namespace savp::sc
