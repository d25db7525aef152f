#include "tlm/core/initiator_port.hpp"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <algorithm>
#include <vector>

namespace savp::sc {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

InitiatorPort::InitiatorPort(tlm::tlm_initiator_socket<>& socket, std::string owner,
                             std::uint32_t max_burst_bytes, std::uint32_t outstanding, sc_time issue_interval)
    : socket_(socket),
      owner_(std::move(owner)),
      max_burst_(max_burst_bytes),
      outstanding_(std::max<std::uint32_t>(1, outstanding)),
      issue_interval_(issue_interval) {}

sc_time InitiatorPort::single(bool write, std::uint64_t addr, std::uint8_t* data, std::uint32_t bytes,
                              sc_time issue) {
  trans_.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  trans_.set_address(addr);
  trans_.set_data_ptr(data);
  trans_.set_data_length(bytes);
  trans_.set_streaming_width(bytes);
  trans_.set_byte_enable_ptr(nullptr);
  trans_.set_byte_enable_length(0);
  trans_.set_dmi_allowed(false);
  trans_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  const sc_time now = sc_core::sc_time_stamp();
  sc_time delay = issue > now ? issue - now : SC_ZERO_TIME;
  socket_->b_transport(trans_, delay);
  if (trans_.is_response_error()) {
    char where[32];
    std::snprintf(where, sizeof where, "0x%llx", static_cast<unsigned long long>(addr));
    throw BusError(owner_ + ": " + (write ? "write" : "read") + " of " + std::to_string(bytes) +
                   " bytes at " + where + " failed: " + trans_.get_response_string());
  }
  if (write) {
    ++stats_.write_requests;
    stats_.bytes_written += bytes;
  } else {
    ++stats_.read_requests;
    stats_.bytes_read += bytes;
  }
  return sc_core::sc_time_stamp() + delay;
}

sc_time InitiatorPort::stream(bool write, const Segment* segs, std::size_t count, sc_time start) {
  sc_time issue = start;
  sc_time done = start;
  std::deque<sc_time> inflight;  // completion times of the requests in flight
  for (std::size_t s = 0; s < count; ++s) {
    std::uint64_t addr = segs[s].addr, bytes = segs[s].bytes;
    std::uint8_t* data = segs[s].data;
    while (bytes > 0) {
      const std::uint64_t boundary = max_burst_ - (addr % max_burst_);
      const std::uint32_t n = static_cast<std::uint32_t>(std::min<std::uint64_t>(bytes, boundary));
      if (inflight.size() >= outstanding_) {
        issue = std::max(issue, inflight.front());
        inflight.pop_front();
      }
      const sc_time t = single(write, addr, data, n, issue);
      inflight.push_back(t);
      done = std::max(done, t);
      issue += issue_interval_;
      addr += n;
      data += n;
      bytes -= n;
    }
  }
  return done;
}

sc_time InitiatorPort::transfer(bool write, std::uint64_t addr, std::uint8_t* data, std::uint64_t bytes,
                                sc_time start) {
  const Segment seg{addr, data, bytes};
  return stream(write, &seg, 1, start);
}

sc_time InitiatorPort::transfer_all(bool write, const std::vector<common::MemTransfer>& list, sc_time start) {
  std::vector<Segment> segs;
  segs.reserve(list.size());
  for (const auto& t : list) {
    segs.push_back({t.addr, write ? const_cast<std::uint8_t*>(t.src) : t.dst, t.bytes});
  }
  return stream(write, segs.data(), segs.size(), start);
}

sc_time InitiatorPort::write_word(std::uint64_t addr, std::uint64_t value, sc_time start) {
  std::uint8_t buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<std::uint8_t>(value >> (8 * i));
  return single(true, addr, buf, 8, start);
}

std::uint64_t InitiatorPort::read_word(std::uint64_t addr, sc_time start, sc_time& done) {
  std::uint8_t buf[8] = {};
  done = single(false, addr, buf, 8, start);
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(buf[i]) << (8 * i);
  return v;
}

void InitiatorPort::debug(bool write, std::uint64_t addr, std::uint8_t* data, std::uint64_t bytes) {
  // Debug transport moves at most 2^32-1 bytes a call; split large loads.
  while (bytes > 0) {
    const std::uint32_t n = static_cast<std::uint32_t>(std::min<std::uint64_t>(bytes, 1u << 30));
    tlm::tlm_generic_payload t;
    t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    t.set_address(addr);
    t.set_data_ptr(data);
    t.set_data_length(n);
    t.set_streaming_width(n);
    const unsigned got = socket_->transport_dbg(t);
    if (got != n) {
      throw BusError(owner_ + ": debug " + (write ? "write" : "read") + " of " + std::to_string(n) +
                     " bytes moved " + std::to_string(got));
    }
    addr += n;
    data += n;
    bytes -= n;
  }
}

void sync_to(const sc_time& cursor, bool force) {
  const sc_time now = sc_core::sc_time_stamp();
  if (cursor <= now) return;
  if (force || cursor - now >= tlm_utils::tlm_quantumkeeper::get_global_quantum()) {
    sc_core::wait(cursor - now);
  }
}

}  // namespace savp::sc
