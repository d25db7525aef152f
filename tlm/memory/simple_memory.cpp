#include "tlm/memory/simple_memory.hpp"

#include <algorithm>

#include "tlm/core/extensions.hpp"

namespace savp::sc {

using sc_core::SC_NS;
using sc_core::sc_time;

SimpleMemory::SimpleMemory(sc_core::sc_module_name name, const memory::MemorySpec& spec)
    : sc_module(name),
      tgt_socket("tgt_socket"),
      spec_(spec),
      store_(spec.size_bytes),
      latency_(spec.latency_ns, SC_NS),
      responses_("responses", tgt_socket) {
  ns_per_byte_ = spec.bandwidth_gbps > 0 ? 1.0 / spec.bandwidth_gbps : 0.0;
  tgt_socket.register_b_transport(this, &SimpleMemory::b_transport);
  tgt_socket.register_transport_dbg(this, &SimpleMemory::transport_dbg);
  tgt_socket.register_get_direct_mem_ptr(this, &SimpleMemory::get_direct_mem_ptr);
  tgt_socket.register_nb_transport_fw(this, &SimpleMemory::nb_transport_fw);
}

bool SimpleMemory::access(tlm::tlm_generic_payload& trans, const sc_time& arrive, sc_time& complete) {
  const std::uint64_t addr = trans.get_address();
  const std::uint64_t len = trans.get_data_length();
  if (trans.get_byte_enable_ptr() != nullptr || trans.get_streaming_width() < len) {
    trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return false;
  }
  if (!store_.contains(addr, len)) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  const bool data = carries_data(trans);  // a timing-only transaction leaves the store alone
  if (trans.is_read()) {
    if (data) store_.read(addr, trans.get_data_ptr(), len);
    ++reads_;
    bytes_read_ += len;
  } else if (trans.is_write()) {
    if (data) store_.write(addr, trans.get_data_ptr(), len);
    ++writes_;
    bytes_written_ += len;
  } else {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return false;
  }
  const sc_time begin = std::max(arrive, busy_until_);
  const sc_time occupy(static_cast<double>(len) * ns_per_byte_, SC_NS);
  busy_until_ = begin + occupy;
  busy_time_ += occupy;
  complete = busy_until_ + latency_;
  latency_sum_ns_ += (complete - arrive).to_seconds() * 1e9;
  if (per_initiator_.enabled()) {
    memory::InitiatorCounters& k = per_initiator_.at(initiator_of(trans));
    ++k.requests;
    (trans.is_read() ? k.bytes_read : k.bytes_written) += len;
    k.latency_ns.add((complete - arrive).to_seconds() * 1e9);
    k.queueing_delay_ns += (begin - arrive).to_seconds() * 1e9;
    k.data_bus_busy_ns += occupy.to_seconds() * 1e9;
  }
  if (trace_ != nullptr) {
    trace_->complete(trace_track_, trans.is_read() ? "read" : "write", arrive.to_seconds() * 1e9,
                     (complete - arrive).to_seconds() * 1e9, {{"bytes", len}});
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  const double pj =
      8.0 * static_cast<double>(len) * (trans.is_read() ? spec_.read_pj_per_bit : spec_.write_pj_per_bit);
  record_hop_energy(trans, hop_name_, pj);
  // Power over time: the transfer's energy over its time on the memory's port.
  if (power_ != nullptr)
    power_->add_over(power_id_, begin.to_seconds() * 1e9, busy_until_.to_seconds() * 1e9, pj);
  return true;
}

void SimpleMemory::b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
  const sc_time now = sc_core::sc_time_stamp();
  sc_time complete;
  if (access(trans, now + delay, complete)) delay = complete - now;
}

tlm::tlm_sync_enum SimpleMemory::nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                                 sc_time& delay) {
  if (phase == tlm::END_RESP) {
    responses_.end_response();
    return tlm::TLM_COMPLETED;
  }
  if (phase != tlm::BEGIN_REQ) return tlm::TLM_ACCEPTED;
  const sc_time now = sc_core::sc_time_stamp();
  sc_time complete = now + delay;
  access(trans, now + delay, complete);  // an error response goes back at once
  responses_.respond_after(trans, complete - now);
  phase = tlm::END_REQ;
  return tlm::TLM_UPDATED;
}

unsigned int SimpleMemory::transport_dbg(tlm::tlm_generic_payload& trans) {
  return debug_transport(store_, trans);
}

void SimpleMemory::report_stats(StatsTree& tree) const {
  const std::string n = name();
  tree.set_kind(n, "simple_memory");
  tree.add(n, "read_requests", static_cast<double>(reads_), "request");
  tree.add(n, "write_requests", static_cast<double>(writes_), "request");
  tree.add(n, "bytes_read", static_cast<double>(bytes_read_), "byte");
  tree.add(n, "bytes_written", static_cast<double>(bytes_written_), "byte");
  tree.add(n, "bus_busy_ns", busy_time_.to_seconds() * 1e9, "ns");
  const std::uint64_t req = reads_ + writes_;
  tree.add(n, "avg_latency_ns", req ? latency_sum_ns_ / static_cast<double>(req) : 0.0, "ns");
  tree.add(n, "pages_touched", static_cast<double>(store_.pages_touched()), "page");
  tree.add_actions(n, {{"read_bit", {bytes_read_ * 8, spec_.read_pj_per_bit, "bit"}},
                       {"write_bit", {bytes_written_ * 8, spec_.write_pj_per_bit, "bit"}}});
  report_per_initiator(tree, n, {false, true});
}

bool SimpleMemory::get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi) {
  return dmi_page(store_, t, dmi, latency_);
}

}  // namespace savp::sc
