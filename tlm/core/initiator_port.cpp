#include "tlm/core/initiator_port.hpp"

#include <tlm_utils/tlm_quantumkeeper.h>

#include "tlm/core/extensions.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "models/common/int_math.hpp"

namespace savp::sc {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

namespace {
std::string describe(bool write, std::uint64_t addr, std::uint64_t bytes) {
  char where[64];
  std::snprintf(where, sizeof where, "%s of %llu bytes at 0x%llx", write ? "write" : "read",
                static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(addr));
  return where;
}
}  // namespace

InitiatorPort::InitiatorPort(sc_core::sc_module_name name, const PortConfig& config)
    : sc_module(name), init_socket("init_socket"), config_(config), peq_(this, &InitiatorPort::peq_cb) {
  config_.outstanding = std::max<std::uint32_t>(1, config_.outstanding);
  init_socket.register_nb_transport_bw(this, &InitiatorPort::nb_transport_bw);
  SC_METHOD(issue);
  sensitive << issue_ev_;
  dont_initialize();
}

InitiatorPort::~InitiatorPort() = default;

void InitiatorPort::limit_burst(std::uint32_t bytes) { config_.max_burst_bytes = std::min(config_.max_burst_bytes, bytes); }

void InitiatorPort::prepare_attribution(tlm::tlm_generic_payload& t) {
  if (config_.attribute_energy) get_or_add<EnergyHopExtension>(t).clear();
  if (config_.initiator_id != 0) get_or_add<InitiatorExtension>(t).id = config_.initiator_id;
}

std::uint8_t* InitiatorPort::sink(std::uint32_t bytes) {
  // Sized once: requests in flight keep the pointer, so the buffer never moves.
  if (sink_.empty()) sink_.assign(std::max(config_.max_burst_bytes, bytes), 0);
  if (bytes > sink_.size())
    throw std::logic_error(std::string(name()) + ": data-less request above the burst size");
  return sink_.data();
}

void InitiatorPort::collect_attribution(tlm::tlm_generic_payload& t) {
  if (EnergyHopExtension::live() == 0) return;
  const EnergyHopExtension* e = find_extension<EnergyHopExtension>(t);
  if (e == nullptr) return;
  for (const auto& h : e->hops()) {
    auto it = attributed_.begin();
    while (it != attributed_.end() && it->first != h.component) ++it;  // a handful of components
    if (it == attributed_.end()) it = attributed_.insert(it, {h.component, 0.0});
    it->second += h.energy_pj;
  }
  attributed_total_ += e->total_pj();
}

const std::map<std::string, double>& InitiatorPort::attributed_pj() const {
  attributed_by_name_.clear();
  for (const auto& [name, pj] : attributed_) attributed_by_name_[*name] = pj;
  return attributed_by_name_;
}

void InitiatorPort::count(bool write, std::uint32_t bytes) {
  if (write) {
    ++stats_.write_requests;
    stats_.bytes_written += bytes;
  } else {
    ++stats_.read_requests;
    stats_.bytes_read += bytes;
  }
}

sc_time InitiatorPort::single_lt(bool write, std::uint64_t addr, std::uint8_t* data, std::uint32_t bytes,
                                 sc_time issue) {
  tlm::tlm_generic_payload& t = lt_trans_;
  t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  t.set_address(addr);
  t.set_data_ptr(data != nullptr ? data : sink(bytes));
  t.set_data_length(bytes);
  t.set_streaming_width(bytes);
  t.set_byte_enable_ptr(nullptr);
  t.set_byte_enable_length(0);
  t.set_dmi_allowed(false);
  t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  prepare_attribution(t);
  // The reused LT payload (no memory manager) keeps its extensions: set or clear the marker.
  if (data == nullptr) {
    if (carries_data(t)) t.set_extension(TimingOnlyExtension::shared());
  } else if (!carries_data(t)) {
    t.clear_extension<TimingOnlyExtension>();
  }
  const sc_time now = sc_core::sc_time_stamp();
  sc_time delay = issue > now ? issue - now : SC_ZERO_TIME;
  init_socket->b_transport(t, delay);
  collect_attribution(t);
  if (t.is_response_error()) {
    throw BusError(std::string(name()) + ": " + describe(write, addr, bytes) + " failed: " + t.get_response_string());
  }
  count(write, bytes);
  return sc_core::sc_time_stamp() + delay;
}

sc_time InitiatorPort::stream(bool write, const Segment* segs, std::size_t count_segs, sc_time start,
                              sc_time* last_issue) {
  if (config_.mode == TimingMode::AT) {
    const sc_time done = stream_at(write, segs, count_segs, start);
    if (last_issue) *last_issue = done;
    return done;
  }
  sc_time issue = start;
  sc_time done = start;
  if (last_issue) *last_issue = start;
  // Completion times of the last `outstanding` requests, a ring: request k waits for request
  // k - outstanding, whose completion sits in the slot k's takes over.
  std::vector<sc_time> inflight;
  std::size_t slot = 0;
  for (std::size_t s = 0; s < count_segs; ++s) {
    std::uint64_t addr = segs[s].addr, bytes = segs[s].bytes;
    std::uint8_t* data = segs[s].data;
    while (bytes > 0) {
      const std::uint64_t boundary = config_.max_burst_bytes - common::offset_in(addr, config_.max_burst_bytes);
      const std::uint32_t n = static_cast<std::uint32_t>(std::min<std::uint64_t>(bytes, boundary));
      const bool full = inflight.size() == config_.outstanding;
      if (full) issue = std::max(issue, inflight[slot]);
      const sc_time t = single_lt(write, addr, data, n, issue);
      if (last_issue) *last_issue = issue;
      if (full) {
        inflight[slot] = t;
        slot = slot + 1 == inflight.size() ? 0 : slot + 1;
      } else {
        inflight.push_back(t);
      }
      done = std::max(done, t);
      issue += config_.issue_interval;
      addr += n;
      if (data != nullptr) data += n;
      bytes -= n;
    }
  }
  return done;
}

sc_time InitiatorPort::stream_at(bool write, const Segment* segs, std::size_t count_segs, sc_time start) {
  const sc_time now = sc_core::sc_time_stamp();
  if (start > now) sc_core::wait(start - now);
  Call call;
  Stream stream{write, std::vector<Segment>(segs, segs + count_segs), 0, 0, &call};
  if (count_segs > 0) {
    call.issuing = true;
    streams_.push_back(&stream);
    issue();
  }
  while (call.remaining > 0 || call.issuing) sc_core::wait(call.done);
  if (call.last_response > sc_core::sc_time_stamp()) sc_core::wait(call.last_response - sc_core::sc_time_stamp());
  if (!call.error.empty()) throw BusError(std::string(name()) + ": " + call.error);
  return sc_core::sc_time_stamp();
}

// Issues requests of the waiting streams (round-robin by burst) as long as the request-exclusion
// rule, the outstanding limit and the issue interval allow; runs in the caller's thread first and
// then as a method woken by freed slots and the issue interval, and straight from an END_REQ on
// the backward path (no thread switch or process activation per request). Not re-entered: an
// END_REQ that a target sends from within the forward call lets the running loop go on.
void InitiatorPort::issue() {
  if (issuing_) return;
  issuing_ = true;
  struct Done {
    bool& flag;
    ~Done() { flag = false; }
  } done{issuing_};
  while (!streams_.empty()) {
    if (request_in_progress_ != nullptr || inflight_ >= config_.outstanding) return;
    const sc_time now = sc_core::sc_time_stamp();
    if (config_.issue_interval > SC_ZERO_TIME && now < next_issue_) {
      issue_ev_.notify(next_issue_ - now);
      return;
    }
    Stream& st = *streams_.front();
    streams_.pop_front();
    const Segment& seg = st.segs[st.seg];
    const std::uint64_t addr = seg.addr + st.offset;
    const std::uint64_t boundary = config_.max_burst_bytes - common::offset_in(addr, config_.max_burst_bytes);
    const std::uint32_t n = static_cast<std::uint32_t>(std::min<std::uint64_t>(seg.bytes - st.offset, boundary));
    std::uint8_t* data = seg.data != nullptr ? seg.data + st.offset : nullptr;
    st.offset += n;
    if (st.offset == seg.bytes) {
      ++st.seg;
      st.offset = 0;
    }
    Call& call = *st.call;
    if (st.seg < st.segs.size()) {
      streams_.push_back(&st);  // round-robin between concurrent streams
    } else {
      call.issuing = false;
    }
    tlm::tlm_generic_payload* t = pool_.acquire();
    t->set_command(st.write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    t->set_address(addr);
    t->set_data_ptr(data != nullptr ? data : sink(n));
    t->set_data_length(n);
    t->set_streaming_width(n);
    t->set_byte_enable_ptr(nullptr);
    t->set_byte_enable_length(0);
    t->set_dmi_allowed(false);
    t->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    prepare_attribution(*t);
    if (data == nullptr) t->set_auto_extension(TimingOnlyExtension::shared());  // freed with the payload
    PayloadPool::user_data(*t) = &call;
    ++call.remaining;
    ++inflight_;
    request_in_progress_ = t;
    next_issue_ = now + config_.issue_interval;
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_time delay = SC_ZERO_TIME;
    const tlm::tlm_sync_enum status = init_socket->nb_transport_fw(*t, phase, delay);
    if (status == tlm::TLM_UPDATED && phase == tlm::END_REQ && delay == SC_ZERO_TIME) {
      request_in_progress_ = nullptr;  // accepted at once: the next request may follow
    } else if (status == tlm::TLM_UPDATED && phase == tlm::BEGIN_RESP) {
      request_in_progress_ = nullptr;
      tlm::tlm_phase end = tlm::END_RESP;
      sc_time z = SC_ZERO_TIME;
      init_socket->nb_transport_fw(*t, end, z);
      finish(*t, now + delay);
    } else if (status == tlm::TLM_UPDATED) {
      peq_.notify(*t, phase, delay);  // END_REQ later
    } else if (status == tlm::TLM_COMPLETED) {
      request_in_progress_ = nullptr;  // request and response both done on the forward path
      peq_.notify(*t, tlm::UNINITIALIZED_PHASE, delay);
    }
  }
}

tlm::tlm_sync_enum InitiatorPort::nb_transport_bw(tlm::tlm_generic_payload& t, tlm::tlm_phase& phase,
                                                  sc_time& delay) {
  if (phase == tlm::BEGIN_RESP) {
    // Accept the response and complete the transaction at once (the base protocol allows
    // TLM_COMPLETED for BEGIN_RESP), so a target can send its next response without waiting. The
    // data are valid `delay` from now: the waiting stream returns no earlier than that.
    if (request_in_progress_ == &t) {  // BEGIN_RESP implies END_REQ
      request_in_progress_ = nullptr;
      issue_ev_.notify(delay);
    }
    finish(t, sc_core::sc_time_stamp() + delay);
    return tlm::TLM_COMPLETED;
  }
  if (phase == tlm::END_REQ && delay == SC_ZERO_TIME) {
    // As peq_cb would, without the PEQ's activation, and the next request goes at once from here
    // (a new BEGIN_REQ on the forward path from within the backward call, as the base protocol
    // allows) instead of from issue()'s own activation one delta cycle later.
    request_in_progress_ = nullptr;
    issue();
    return tlm::TLM_ACCEPTED;
  }
  peq_.notify(t, phase, delay);
  return tlm::TLM_ACCEPTED;
}

// Phases arriving through the PEQ: END_REQ after a delay, or UNINITIALIZED_PHASE as this port's
// marker for a transaction completed on the forward path.
void InitiatorPort::peq_cb(tlm::tlm_generic_payload& t, const tlm::tlm_phase& phase) {
  const bool done = phase == tlm::UNINITIALIZED_PHASE;
  if (phase == tlm::END_REQ || (done && request_in_progress_ == &t)) {
    request_in_progress_ = nullptr;
    issue_ev_.notify(SC_ZERO_TIME);
  }
  if (done) finish(t, sc_core::sc_time_stamp());
}

void InitiatorPort::finish(tlm::tlm_generic_payload& t, const sc_time& at) {
  Call* call = static_cast<Call*>(PayloadPool::user_data(t));
  if (t.is_response_error()) {
    if (call->error.empty()) {
      call->error = describe(t.is_write(), t.get_address(), t.get_data_length()) + " failed: " + t.get_response_string();
    }
  } else {
    count(t.is_write(), t.get_data_length());
  }
  collect_attribution(t);
  call->last_response = std::max(call->last_response, at);
  if (--call->remaining == 0 && !call->issuing) call->done.notify(SC_ZERO_TIME);
  --inflight_;
  // While a request awaits END_REQ, issue() could not proceed: whatever ends it wakes issue().
  if (!streams_.empty() && request_in_progress_ == nullptr) issue_ev_.notify(SC_ZERO_TIME);
  t.release();
}

sc_time InitiatorPort::transfer(bool write, std::uint64_t addr, std::uint8_t* data, std::uint64_t bytes,
                                sc_time start) {
  const Segment seg{addr, data, bytes};
  return stream(write, &seg, 1, start);
}

sc_time InitiatorPort::transfer_all(bool write, const std::vector<common::MemTransfer>& list, sc_time start,
                                    sc_time* last_issue) {
  std::vector<Segment> segs;
  segs.reserve(list.size());
  for (const auto& t : list) segs.push_back({t.addr, write ? const_cast<std::uint8_t*>(t.src) : t.dst, t.bytes});
  return stream(write, segs.data(), segs.size(), start, last_issue);
}

sc_time InitiatorPort::write_word(std::uint64_t addr, std::uint64_t value, sc_time start) {
  std::uint8_t buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<std::uint8_t>(value >> (8 * i));
  return single_lt(true, addr, buf, 8, start);
}

std::uint64_t InitiatorPort::read_word(std::uint64_t addr, sc_time start, sc_time& done) {
  std::uint8_t buf[8] = {};
  done = single_lt(false, addr, buf, 8, start);
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(buf[i]) << (8 * i);
  return v;
}

void InitiatorPort::debug(bool write, std::uint64_t addr, std::uint8_t* data, std::uint64_t bytes) {
  // Direct memory access first (a page at a time from our memories), debug transport otherwise.
  while (bytes > 0) {
    tlm::tlm_generic_payload t;
    t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    t.set_address(addr);
    tlm::tlm_dmi dmi;
    if (!init_socket->get_direct_mem_ptr(t, dmi) || addr < dmi.get_start_address() || addr > dmi.get_end_address() ||
        !(write ? dmi.is_write_allowed() : dmi.is_read_allowed())) {
      break;
    }
    const std::uint64_t n = std::min<std::uint64_t>(bytes, dmi.get_end_address() - addr + 1);
    std::uint8_t* p = dmi.get_dmi_ptr() + (addr - dmi.get_start_address());
    if (write) {
      std::memcpy(p, data, n);
    } else {
      std::memcpy(data, p, n);
    }
    ++stats_.dmi_grants;
    addr += n;
    data += n;
    bytes -= n;
  }
  while (bytes > 0) {
    const std::uint32_t n = static_cast<std::uint32_t>(std::min<std::uint64_t>(bytes, 1u << 30));
    tlm::tlm_generic_payload t;
    t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    t.set_address(addr);
    t.set_data_ptr(data);
    t.set_data_length(n);
    t.set_streaming_width(n);
    const unsigned got = init_socket->transport_dbg(t);
    if (got != n) {
      throw BusError(std::string(name()) + ": debug " + describe(write, addr, n) + " moved " + std::to_string(got) + " bytes");
    }
    addr += n;
    data += n;
    bytes -= n;
  }
}

void sync_to(const sc_time& cursor, bool force) {
  const sc_time now = sc_core::sc_time_stamp();
  if (cursor <= now) return;
  if (force || cursor - now >= tlm_utils::tlm_quantumkeeper::get_global_quantum()) sc_core::wait(cursor - now);
}

}  // namespace savp::sc
