#include "tlm/memory/sram_target.hpp"

#include <algorithm>
#include <cmath>

namespace savp::sc {

using sc_core::SC_NS;
using sc_core::sc_time;

SramTarget::SramTarget(sc_core::sc_module_name name, const memory::SramSpec& spec,
                       const common::EnergyTable& energy)
    : sc_module(name),
      tgt_socket("tgt_socket"),
      model_(spec, energy),
      store_(spec.capacity_bytes),
      tck_(spec.cycle_ns(), SC_NS),
      responses_("responses", tgt_socket) {
  tgt_socket.register_b_transport(this, &SramTarget::b_transport);
  tgt_socket.register_nb_transport_fw(this, &SramTarget::nb_transport_fw);
  tgt_socket.register_transport_dbg(this, &SramTarget::transport_dbg);
  tgt_socket.register_get_direct_mem_ptr(this, &SramTarget::get_direct_mem_ptr);
}

std::uint64_t SramTarget::cycle_of(const sc_time& t) const {
  return static_cast<std::uint64_t>(std::ceil(t / tck_ - 1e-9));
}

bool SramTarget::check(tlm::tlm_generic_payload& t) {
  const std::uint64_t addr = t.get_address(), len = t.get_data_length();
  if (t.get_byte_enable_ptr() != nullptr || t.get_streaming_width() < len) {
    t.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  } else if (len == 0 || !store_.contains(addr, len)) {
    t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  } else if (!t.is_read() && !t.is_write()) {
    t.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
  } else {
    return true;
  }
  ++error_responses_;
  return false;
}

void SramTarget::move_data(tlm::tlm_generic_payload& t) {
  const bool data = carries_data(t);  // a timing-only transaction leaves the store alone
  if (t.is_read()) {
    if (data) store_.read(t.get_address(), t.get_data_ptr(), t.get_data_length());
  } else {
    if (data) store_.write(t.get_address(), t.get_data_ptr(), t.get_data_length());
  }
  t.set_response_status(tlm::TLM_OK_RESPONSE);
}

void SramTarget::set_trace(TraceWriter* trace) {
  trace_ = trace;
  if (trace_ != nullptr) trace_track_ = trace_->track("memory", name());
}

void SramTarget::set_power(common::PowerProfile* power) {
  power_ = power;
  if (power_ != nullptr) power_id_ = power_->component(name());
}

// Leakage: the power the model prices, over the clock cycles its "leakage" action counts, [0,
// cycles x cycle_ns) with cycles = end_ns() rounded up to the SRAM clock (SramModel::actions).
void SramTarget::account(tlm::tlm_generic_payload& t, const sc_time& arrive, std::uint64_t arrival_cycle,
                         std::uint64_t done) {
  const std::uint64_t addr = t.get_address(), len = t.get_data_length();
  if (EnergyHopExtension::live() != 0) {
    const double pj_each = t.is_read() ? model_.read_pj_per_word() : model_.write_pj_per_word();
    record_hop_energy(t, hop_name_, pj_each * static_cast<double>(model_.words_of(addr, len)));
  }
  const double arrive_ns = arrive.to_seconds() * 1e9;
  const double latency_ns = std::max(0.0, static_cast<double>(done) * model_.spec().cycle_ns() - arrive_ns);
  if (power_ != nullptr) {  // the words' energy from the request's arrival to its completion
    const double pj_each = t.is_read() ? model_.read_pj_per_word() : model_.write_pj_per_word();
    power_->add_over(power_id_, arrive_ns, arrive_ns + latency_ns,
                     pj_each * static_cast<double>(model_.words_of(addr, len)));
  }
  if (per_initiator_.enabled()) {
    memory::InitiatorCounters& k = per_initiator_.at(initiator_of(t));
    ++k.requests;
    (t.is_read() ? k.bytes_read : k.bytes_written) += len;
    k.latency_ns.add(latency_ns);
    // Cycles beyond the latency and the request's own words: waiting for ports others hold.
    const std::uint64_t own_end =
        arrival_cycle + model_.own_cycles(addr, len) - 1 + model_.spec().latency_cycles;
    k.queueing_delay_ns +=
        done > own_end ? static_cast<double>(done - own_end) * model_.spec().cycle_ns() : 0.0;
  }
  if (trace_ != nullptr) {
    trace_->complete(trace_track_, t.is_read() ? "read" : "write", arrive_ns, latency_ns, {{"bytes", len}});
  }
}

void SramTarget::b_transport(tlm::tlm_generic_payload& t, sc_time& delay) {
  if (!check(t)) return;
  move_data(t);
  const sc_time now = sc_core::sc_time_stamp();
  const std::uint64_t arrival = cycle_of(now + delay);
  const std::uint64_t done =
      model_.access_immediate(t.get_address(), t.get_data_length(), t.is_write(), arrival);
  account(t, now + delay, arrival, done);
  delay = tck_ * static_cast<double>(done) - now;
}

tlm::tlm_sync_enum SramTarget::nb_transport_fw(tlm::tlm_generic_payload& t, tlm::tlm_phase& phase,
                                               sc_time& delay) {
  if (phase == tlm::BEGIN_REQ) {
    const sc_time now = sc_core::sc_time_stamp();
    sc_time respond_in = delay;  // an error response goes back when the request arrives
    if (check(t)) {
      move_data(t);
      const std::uint64_t arrival = cycle_of(now + delay);
      const std::uint64_t done = model_.access(t.get_address(), t.get_data_length(), t.is_write(), arrival);
      account(t, now + delay, arrival, done);
      respond_in = tck_ * static_cast<double>(done) - now;
    }
    responses_.respond_after(t, respond_in);
    phase = tlm::END_REQ;
    return tlm::TLM_UPDATED;
  }
  if (phase == tlm::END_RESP) {
    responses_.end_response();
    return tlm::TLM_COMPLETED;
  }
  return tlm::TLM_ACCEPTED;
}

unsigned int SramTarget::transport_dbg(tlm::tlm_generic_payload& t) { return debug_transport(store_, t); }

double SramTarget::end_ns() const {
  const double last = static_cast<double>(model_.counters().last_completion_cycle) * model_.spec().cycle_ns();
  return std::max(sc_core::sc_time_stamp().to_seconds() * 1e9, last);
}

void SramTarget::report_stats(StatsTree& tree) const {
  const std::string n = name();
  tree.set_kind(n, "sram");
  const memory::SramSpec& s = model_.spec();
  const memory::SramCounters& c = model_.counters();
  tree.add(n, "capacity_bytes", static_cast<double>(s.capacity_bytes), "byte");
  tree.add(n, "banks", s.banks, "bank");
  tree.add(n, "read_requests", static_cast<double>(c.read_requests), "request");
  tree.add(n, "write_requests", static_cast<double>(c.write_requests), "request");
  tree.add(n, "read_words", static_cast<double>(c.read_words), "word");
  tree.add(n, "write_words", static_cast<double>(c.write_words), "word");
  tree.add(n, "bytes_read", static_cast<double>(c.bytes_read), "byte");
  tree.add(n, "bytes_written", static_cast<double>(c.bytes_written), "byte");
  tree.add(n, "bank_conflict_cycles", static_cast<double>(c.conflict_cycles), "cycle");
  tree.add(n, "conflicted_requests", static_cast<double>(c.conflicted_requests), "request");
  tree.add(n, "error_responses", static_cast<double>(error_responses_), "request");
  for (std::size_t b = 0; b < c.bank_words.size(); ++b) {
    if (c.bank_words[b] != 0) {
      tree.add(n, "bank" + std::to_string(b) + ".words", static_cast<double>(c.bank_words[b]), "word");
    }
  }
  const double end = end_ns();
  tree.add(n, "end_ns", end, "ns");
  tree.add_actions(n, model_.actions());
  tree.add_hardware(n, model_.hardware());
  report_per_initiator(tree, n, {});
}

bool SramTarget::get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi) {
  return dmi_page(store_, t, dmi, sc_core::SC_ZERO_TIME);
}

}  // namespace savp::sc
