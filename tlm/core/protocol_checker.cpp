#include "tlm/core/protocol_checker.hpp"

#include <sstream>

#include "tlm/core/extensions.hpp"

namespace savp::sc {

namespace {

constexpr const char* kMsgType = "savp/protocol_checker";

struct RuleInfo {
  const char* name;
  const char* clause;
};

// Indexed by ProtocolRule; clause numbers of IEEE 1666-2011.
constexpr RuleInfo kRules[kProtocolRuleCount] = {
    {"status_not_incomplete", "14.17"},
    {"data_ptr_null", "14.11"},
    {"data_length_zero", "14.12"},
    {"streaming_width_zero", "14.15"},
    {"byte_enable_length", "14.14"},
    {"dmi_allowed_set", "14.16"},
    {"status_incomplete_on_return", "14.17"},
    {"response_status_not_set", "14.17"},
    {"attribute_modified", "14.7"},
    {"no_memory_manager", "14.5"},
    {"ref_count_zero", "14.5"},
    {"phase_sequence", "15.2.4"},
    {"phase_direction", "15.2.3"},
    {"request_exclusion", "15.2.6"},
    {"response_exclusion", "15.2.6"},
    {"timing_decreasing", "15.2.7"},
    {"mixed_interfaces", "15.2.10"},
    {"blocking_from_method", "11.1.1"},
    {"debug_count", "11.3"},
    {"dmi_range", "11.2"},
};

std::string hex(std::uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}

std::string phase_str(const tlm::tlm_phase& phase) {
  std::ostringstream os;
  os << phase;
  return os.str();
}

void collect(const std::vector<sc_core::sc_object*>& objs, std::vector<ProtocolChecker*>& out) {
  for (sc_core::sc_object* o : objs) {
    if (auto* c = dynamic_cast<ProtocolChecker*>(o)) out.push_back(c);
    collect(o->get_child_objects(), out);
  }
}

}  // namespace

const char* rule_name(ProtocolRule rule) { return kRules[static_cast<std::size_t>(rule)].name; }
const char* rule_clause(ProtocolRule rule) { return kRules[static_cast<std::size_t>(rule)].clause; }

ProtocolChecker::ProtocolChecker(sc_core::sc_module_name name, OnViolation on_violation)
    : sc_module(name), tgt_socket("tgt_socket"), init_socket("init_socket"), on_violation_(on_violation) {
  tgt_socket.register_b_transport(this, &ProtocolChecker::b_transport);
  tgt_socket.register_nb_transport_fw(this, &ProtocolChecker::nb_transport_fw);
  tgt_socket.register_transport_dbg(this, &ProtocolChecker::transport_dbg);
  tgt_socket.register_get_direct_mem_ptr(this, &ProtocolChecker::get_direct_mem_ptr);
  init_socket.register_nb_transport_bw(this, &ProtocolChecker::nb_transport_bw);
  init_socket.register_invalidate_direct_mem_ptr(this, &ProtocolChecker::invalidate_direct_mem_ptr);
}

std::size_t ProtocolChecker::in_flight() const { return state_.size(); }

// ---------------------------------------------------------------------------------------------
// Blocking transport

void ProtocolChecker::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  ++transactions_;
  const sc_core::sc_process_handle proc = sc_core::sc_get_current_process_handle();
  if (proc.valid() && proc.proc_kind() == sc_core::SC_METHOD_PROC_)
    violation(ProtocolRule::kBlockingFromMethod, trans,
              "b_transport called from SC_METHOD " + std::string(proc.name()));
  if (trans.has_mm() && trans.get_ref_count() == 0)
    violation(ProtocolRule::kRefCountZero, trans,
              "b_transport on a payload with memory manager and reference count 0");
  TransState& st = state_[&trans];
  if (st.phase != Phase::kIdle)
    violation(ProtocolRule::kMixedInterfaces, trans,
              "b_transport called on a transaction still in flight through nb_transport on this hop");
  ++st.blocking_calls;
  if (state_.size() > peak_in_flight_) peak_in_flight_ = state_.size();
  check_request(trans, "b_transport");
  const Snapshot before = snapshot(trans);

  init_socket->b_transport(trans, delay);

  if (trans.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE)
    violation(ProtocolRule::kStatusIncompleteOnReturn, trans,
              "b_transport returned with response status TLM_INCOMPLETE_RESPONSE");
  check_unchanged(trans, before, true, "on return from b_transport");
  auto it = state_.find(&trans);
  if (it != state_.end() && --it->second.blocking_calls <= 0 && it->second.phase == Phase::kIdle)
    state_.erase(it);
}

// ---------------------------------------------------------------------------------------------
// Non-blocking transport

tlm::tlm_sync_enum ProtocolChecker::nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                                    sc_core::sc_time& delay) {
  check_nb_common(trans, "nb_transport_fw");
  initiator_phase(trans, phase, delay, "nb_transport_fw");
  const tlm::tlm_sync_enum status = init_socket->nb_transport_fw(trans, phase, delay);
  if (status == tlm::TLM_UPDATED)
    target_phase(trans, phase, delay, "the return from nb_transport_fw");
  else if (status == tlm::TLM_COMPLETED)
    completed(trans, true, "the return from nb_transport_fw");
  return status;
}

tlm::tlm_sync_enum ProtocolChecker::nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                                    sc_core::sc_time& delay) {
  check_nb_common(trans, "nb_transport_bw");
  target_phase(trans, phase, delay, "nb_transport_bw");
  const tlm::tlm_sync_enum status = tgt_socket->nb_transport_bw(trans, phase, delay);
  if (status == tlm::TLM_UPDATED)
    initiator_phase(trans, phase, delay, "the return from nb_transport_bw");
  else if (status == tlm::TLM_COMPLETED)
    completed(trans, false, "the return from nb_transport_bw");
  return status;
}

void ProtocolChecker::check_nb_common(const tlm::tlm_generic_payload& trans, const char* where) {
  if (!trans.has_mm())
    violation(ProtocolRule::kNoMemoryManager, trans,
              std::string(where) + " on a payload without memory manager");
  else if (trans.get_ref_count() == 0)
    violation(ProtocolRule::kRefCountZero, trans,
              std::string(where) + " on a payload with reference count 0");
}

void ProtocolChecker::check_timing(TransState& st, const tlm::tlm_generic_payload& trans,
                                   const sc_core::sc_time& delay, const char* where) {
  const sc_core::sc_time t = sc_core::sc_time_stamp() + delay;
  if (t < st.last_time)
    violation(ProtocolRule::kTimingDecreasing, trans,
              std::string("timing annotation decreased in ") + where + ": sc_time_stamp() + delay = " +
                  t.to_string() + ", previous call " + st.last_time.to_string());
  st.last_time = t;
}

void ProtocolChecker::initiator_phase(tlm::tlm_generic_payload& trans, const tlm::tlm_phase& phase,
                                      const sc_core::sc_time& delay, const char* where) {
  if (phase == tlm::BEGIN_REQ) {
    ++transactions_;
    TransState& st = state_[&trans];
    if (st.blocking_calls > 0)
      violation(ProtocolRule::kMixedInterfaces, trans,
                std::string("BEGIN_REQ in ") + where + " on a transaction still in b_transport on this hop");
    if (st.phase != Phase::kIdle)
      violation(ProtocolRule::kPhaseSequence, trans,
                std::string("BEGIN_REQ in ") + where + " on a transaction already in flight on this hop");
    if (request_in_progress_ != nullptr && request_in_progress_ != &trans)
      violation(ProtocolRule::kRequestExclusion, trans,
                std::string("BEGIN_REQ in ") + where + " while the request at address " +
                    hex(request_in_progress_->get_address()) + " still awaits END_REQ or BEGIN_RESP");
    check_request(trans, where);
    st.snap = snapshot(trans);
    st.phase = Phase::kBeginReq;
    st.last_time = sc_core::sc_time_stamp() + delay;
    request_in_progress_ = &trans;
    if (state_.size() > peak_in_flight_) peak_in_flight_ = state_.size();
  } else if (phase == tlm::END_RESP) {
    auto it = state_.find(&trans);
    if (it == state_.end() || it->second.phase != Phase::kBeginResp) {
      violation(ProtocolRule::kPhaseSequence, trans,
                std::string("END_RESP in ") + where + " without a BEGIN_RESP before it");
    } else {
      check_timing(it->second, trans, delay, where);
      check_unchanged(trans, it->second.snap, true, where);
    }
    if (response_in_progress_ == &trans) response_in_progress_ = nullptr;
    finish_nb(trans);
  } else if (phase == tlm::END_REQ || phase == tlm::BEGIN_RESP) {
    violation(ProtocolRule::kPhaseDirection, trans,
              phase_str(phase) + " sent from initiator to target, in " + where);
  } else if (phase == tlm::UNINITIALIZED_PHASE) {
    violation(ProtocolRule::kPhaseSequence, trans, std::string("UNINITIALIZED_PHASE in ") + where);
  }
  // Other phases are ignorable extended phases: not checked.
}

void ProtocolChecker::target_phase(tlm::tlm_generic_payload& trans, const tlm::tlm_phase& phase,
                                   const sc_core::sc_time& delay, const char* where) {
  if (phase == tlm::END_REQ) {
    auto it = state_.find(&trans);
    if (it == state_.end() || it->second.phase != Phase::kBeginReq) {
      violation(ProtocolRule::kPhaseSequence, trans,
                std::string("END_REQ in ") + where + " without a pending BEGIN_REQ");
    } else {
      check_timing(it->second, trans, delay, where);
      check_unchanged(trans, it->second.snap, false, where);
      it->second.phase = Phase::kEndReq;
    }
    if (request_in_progress_ == &trans) request_in_progress_ = nullptr;
  } else if (phase == tlm::BEGIN_RESP) {
    TransState& st = state_[&trans];
    if (st.phase == Phase::kBeginReq || st.phase == Phase::kEndReq) {
      check_timing(st, trans, delay, where);
      check_unchanged(trans, st.snap, true, where);
    } else if (st.phase == Phase::kIdle) {
      violation(ProtocolRule::kPhaseSequence, trans,
                std::string("BEGIN_RESP in ") + where + " before BEGIN_REQ (no request on this hop)");
      if (st.blocking_calls > 0)
        violation(
            ProtocolRule::kMixedInterfaces, trans,
            std::string("BEGIN_RESP in ") + where + " on a transaction still in b_transport on this hop");
      st.snap = snapshot(trans);
      st.last_time = sc_core::sc_time_stamp() + delay;
    } else {
      violation(ProtocolRule::kPhaseSequence, trans,
                std::string("second BEGIN_RESP in ") + where + " for the same transaction");
    }
    if (request_in_progress_ == &trans) request_in_progress_ = nullptr;  // BEGIN_RESP implies END_REQ
    if (response_in_progress_ != nullptr && response_in_progress_ != &trans)
      violation(ProtocolRule::kResponseExclusion, trans,
                std::string("BEGIN_RESP in ") + where + " while the response at address " +
                    hex(response_in_progress_->get_address()) + " still awaits END_RESP");
    if (trans.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE)
      violation(ProtocolRule::kResponseStatusNotSet, trans,
                std::string("BEGIN_RESP in ") + where + " with response status TLM_INCOMPLETE_RESPONSE");
    response_in_progress_ = &trans;
    st.phase = Phase::kBeginResp;
  } else if (phase == tlm::BEGIN_REQ || phase == tlm::END_RESP) {
    violation(ProtocolRule::kPhaseDirection, trans,
              phase_str(phase) + " sent from target to initiator, in " + where);
  } else if (phase == tlm::UNINITIALIZED_PHASE) {
    violation(ProtocolRule::kPhaseSequence, trans, std::string("UNINITIALIZED_PHASE in ") + where);
  }
}

void ProtocolChecker::completed(tlm::tlm_generic_payload& trans, bool by_target, const char* where) {
  auto it = state_.find(&trans);
  if (it == state_.end()) return;
  const Phase p = it->second.phase;
  // The target completed the transaction without a BEGIN_RESP: the response travels in the return.
  if (by_target && (p == Phase::kBeginReq || p == Phase::kEndReq)) {
    if (trans.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE)
      violation(ProtocolRule::kStatusIncompleteOnReturn, trans,
                std::string("TLM_COMPLETED in ") + where + " with response status TLM_INCOMPLETE_RESPONSE");
    check_unchanged(trans, it->second.snap, true, where);
  }
  if (request_in_progress_ == &trans) request_in_progress_ = nullptr;
  if (response_in_progress_ == &trans) response_in_progress_ = nullptr;
  finish_nb(trans);
}

void ProtocolChecker::finish_nb(tlm::tlm_generic_payload& trans) {
  auto it = state_.find(&trans);
  if (it == state_.end()) return;
  if (it->second.blocking_calls > 0)
    it->second.phase = Phase::kIdle;
  else
    state_.erase(it);
}

// ---------------------------------------------------------------------------------------------
// Debug transport and DMI

unsigned int ProtocolChecker::transport_dbg(tlm::tlm_generic_payload& trans) {
  ++debug_calls_;
  const unsigned int length = trans.get_data_length();
  const unsigned int n = init_socket->transport_dbg(trans);
  if (n > length)
    violation(
        ProtocolRule::kDebugCount, trans,
        "transport_dbg returned " + std::to_string(n) + " for a data length of " + std::to_string(length));
  return n;
}

bool ProtocolChecker::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  ++dmi_calls_;
  const std::uint64_t addr = trans.get_address();
  const bool granted = init_socket->get_direct_mem_ptr(trans, dmi);
  if (granted && (addr < dmi.get_start_address() || addr > dmi.get_end_address()))
    violation(ProtocolRule::kDmiRange, trans,
              "DMI granted for [" + hex(dmi.get_start_address()) + ", " + hex(dmi.get_end_address()) +
                  "] which does not contain the requested address " + hex(addr));
  return granted;
}

void ProtocolChecker::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  tgt_socket->invalidate_direct_mem_ptr(start, end);
}

// ---------------------------------------------------------------------------------------------
// Attribute checks

ProtocolChecker::Snapshot ProtocolChecker::snapshot(const tlm::tlm_generic_payload& trans) {
  Snapshot s;
  s.command = trans.get_command();
  s.address = trans.get_address();
  s.data = trans.get_data_ptr();
  s.length = trans.get_data_length();
  s.byte_enable = trans.get_byte_enable_ptr();
  s.byte_enable_length = trans.get_byte_enable_length();
  s.streaming_width = trans.get_streaming_width();
  return s;
}

void ProtocolChecker::check_request(const tlm::tlm_generic_payload& trans, const char* where) {
  const std::string at = std::string(" at the start of ") + where;
  if (trans.get_response_status() != tlm::TLM_INCOMPLETE_RESPONSE)
    violation(ProtocolRule::kStatusNotIncomplete, trans,
              "response status " + trans.get_response_string() + at + " (must be TLM_INCOMPLETE_RESPONSE)");
  if (trans.get_command() != tlm::TLM_IGNORE_COMMAND) {
    if (trans.get_data_ptr() == nullptr)
      violation(ProtocolRule::kDataPtrNull, trans, "data pointer null" + at);
    if (trans.get_data_length() == 0) violation(ProtocolRule::kDataLengthZero, trans, "data length 0" + at);
  }
  if (trans.get_streaming_width() == 0)
    violation(ProtocolRule::kStreamingWidthZero, trans, "streaming width 0" + at);
  if (trans.get_byte_enable_ptr() != nullptr && trans.get_byte_enable_length() == 0)
    violation(ProtocolRule::kByteEnableLength, trans,
              "byte-enable pointer set with byte-enable length 0" + at);
  if (trans.is_dmi_allowed()) violation(ProtocolRule::kDmiAllowedSet, trans, "DMI hint already set" + at);
}

void ProtocolChecker::check_unchanged(const tlm::tlm_generic_payload& trans, const Snapshot& s,
                                      bool with_address, const char* where) {
  std::string changed;
  auto add = [&changed](const std::string& what) { changed += (changed.empty() ? "" : ", ") + what; };
  if (trans.get_command() != s.command) add("command");
  if (with_address && trans.get_address() != s.address)
    add("address (" + hex(s.address) + " -> " + hex(trans.get_address()) + ")");
  if (trans.get_data_ptr() != s.data) add("data pointer");
  if (trans.get_data_length() != s.length)
    add("data length (" + std::to_string(s.length) + " -> " + std::to_string(trans.get_data_length()) + ")");
  if (trans.get_byte_enable_ptr() != s.byte_enable) add("byte-enable pointer");
  if (trans.get_byte_enable_length() != s.byte_enable_length) add("byte-enable length");
  if (trans.get_streaming_width() != s.streaming_width) add("streaming width");
  if (!changed.empty())
    violation(ProtocolRule::kAttributeModified, trans, "modified " + changed + ", seen in " + where);
}

// ---------------------------------------------------------------------------------------------
// Reporting

void ProtocolChecker::violation(ProtocolRule rule, const tlm::tlm_generic_payload& trans,
                                const std::string& detail) {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  std::string msg = std::string(name()) + ": " + rule_name(rule) + " (IEEE 1666-2011 " + rule_clause(rule) +
                    ") at " + now.to_string() + ", address " + hex(trans.get_address());
  const std::string trace = describe_trace(trans);
  if (!trace.empty()) msg += " [" + trace + "]";
  msg += ": " + detail;
  ++per_rule_[static_cast<std::size_t>(rule)];
  ++total_violations_;
  if (messages_.size() < kMaxKept) {
    messages_.push_back(msg);
    records_.push_back({rule, trans.get_address(), now, msg});
  }
  if (on_violation_ == OnViolation::kError) SC_REPORT_ERROR(kMsgType, msg.c_str());
}

void ProtocolChecker::report_stats(StatsTree& tree) const {
  const std::string n = name();
  tree.set_kind(n, "protocol_checker");
  tree.add(n, "transactions", static_cast<double>(transactions_), "transaction");
  tree.add(n, "violations", static_cast<double>(total_violations_), "violation");
  tree.add(n, "in_flight_at_end", static_cast<double>(in_flight()), "transaction");
  tree.add(n, "peak_in_flight", static_cast<double>(peak_in_flight_), "transaction");
}

std::vector<ProtocolChecker*> ProtocolChecker::instances() {
  std::vector<ProtocolChecker*> out;
  collect(sc_core::sc_get_top_level_objects(), out);
  return out;
}

}  // namespace savp::sc
