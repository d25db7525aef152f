// ProtocolChecker: a pass-through TLM-2.0 module that checks the base protocol (IEEE 1666-2011
// clauses 11, 14 and 15) on one hop. Bind it between an initiator socket and a target socket:
//     initiator.init_socket -> checker.tgt_socket ; checker.init_socket -> target.tgt_socket
// Every interface call (b_transport, nb_transport_fw/bw, transport_dbg, get_direct_mem_ptr,
// invalidate_direct_mem_ptr) is forwarded unchanged, in zero time, with no copy of the payload.
// What it checks:
//  - request attributes when a transaction starts (b_transport entry, BEGIN_REQ): response status
//    TLM_INCOMPLETE_RESPONSE, data pointer non-null and data length > 0 (except TLM_IGNORE_COMMAND),
//    streaming width > 0, byte-enable length > 0 when a byte-enable pointer is set, DMI hint clear;
//  - b_transport: response status set (not INCOMPLETE) on return; command, address, data pointer,
//    data length, byte-enable pointer/length and streaming width unchanged on return; not called
//    from an SC_METHOD;
//  - nb_transport: a memory manager and a reference count > 0; phase order BEGIN_REQ -> [END_REQ]
//    -> BEGIN_RESP -> END_RESP per transaction, with TLM_UPDATED returns and TLM_COMPLETED shortcuts;
//    each phase on its own path; request exclusion (no BEGIN_REQ on this hop while another request
//    awaits END_REQ or BEGIN_RESP) and response exclusion (no BEGIN_RESP while another response
//    awaits END_RESP); response status INCOMPLETE at BEGIN_REQ and set at BEGIN_RESP or completion;
//    attributes unchanged during the transaction (the address is compared when the response comes
//    back: an interconnect below may translate it while the request is in flight, but must restore
//    it); non-decreasing timing annotations;
//  - no b_transport and nb_transport on the same transaction object while it is in flight;
//  - transport_dbg returns no more bytes than the data length; a granted DMI region contains the
//    requested address.
// State is kept per payload pointer, so any number of transactions from any number of initiators
// may be in flight. Ignorable (extended) phases pass unchecked.
// A violation is recorded (rule, address, time, message) and simulation goes on; with
// OnViolation::kError it is also raised with SC_REPORT_ERROR (savp/protocol_checker), which stops
// the run (inside a process the kernel re-throws it from sc_start).
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "tlm/core/stats_tree.hpp"

namespace savp::sc {

enum class ProtocolRule {
  kStatusNotIncomplete,       // request started with response status other than INCOMPLETE (14.17)
  kDataPtrNull,               // data pointer null (14.11)
  kDataLengthZero,            // data length 0 (14.12)
  kStreamingWidthZero,        // streaming width 0 (14.15)
  kByteEnableLength,          // byte-enable pointer set with byte-enable length 0 (14.14)
  kDmiAllowedSet,             // DMI hint set by the initiator (14.16)
  kStatusIncompleteOnReturn,  // b_transport returned / transaction completed with status INCOMPLETE
  kResponseStatusNotSet,      // BEGIN_RESP with status still INCOMPLETE (14.17)
  kAttributeModified,         // command, address, data pointer, length, ... changed (14.7)
  kNoMemoryManager,           // nb_transport on a payload without memory manager (14.5)
  kRefCountZero,              // nb_transport (or b_transport with mm) on reference count 0 (14.5)
  kPhaseSequence,             // phase out of order, e.g. BEGIN_RESP before BEGIN_REQ (15.2.4)
  kPhaseDirection,            // phase on the wrong path, e.g. END_REQ on the forward path (15.2.3)
  kRequestExclusion,          // BEGIN_REQ before the previous request's END_REQ (15.2.6)
  kResponseExclusion,         // BEGIN_RESP before the previous response's END_RESP (15.2.6)
  kTimingDecreasing,          // sc_time_stamp() + delay decreased between calls (15.2.7)
  kMixedInterfaces,           // b_transport and nb_transport on one in-flight transaction (15.2.10)
  kBlockingFromMethod,        // b_transport called from an SC_METHOD (11.1.1)
  kDebugCount,                // transport_dbg returned more than the data length (11.3)
  kDmiRange,                  // DMI region granted that does not contain the address (11.2)
};
constexpr std::size_t kProtocolRuleCount = static_cast<std::size_t>(ProtocolRule::kDmiRange) + 1;

// Stable snake_case name ("request_exclusion") and the IEEE 1666-2011 clause.
const char* rule_name(ProtocolRule rule);
const char* rule_clause(ProtocolRule rule);

struct ProtocolViolation {
  ProtocolRule rule;
  std::uint64_t address = 0;  // the payload's address when detected
  sc_core::sc_time time;      // sc_time_stamp() when detected
  std::string message;        // full text, as in violations()
};

class ProtocolChecker : public sc_core::sc_module, public StatsSource {
 public:
  enum class OnViolation { kRecord, kError };

  tlm_utils::simple_target_socket<ProtocolChecker> tgt_socket;
  tlm_utils::simple_initiator_socket<ProtocolChecker> init_socket;

  explicit ProtocolChecker(sc_core::sc_module_name name, OnViolation on_violation = OnViolation::kRecord);

  void set_on_violation(OnViolation v) { on_violation_ = v; }
  OnViolation on_violation() const { return on_violation_; }

  // One line per violation: "<hop>: <rule> (IEEE 1666-2011 <clause>) at <time>, address 0x..,
  // [<trace>]: <detail>". The first kMaxKept are kept; violation_count() counts all.
  const std::vector<std::string>& violations() const { return messages_; }
  const std::vector<ProtocolViolation>& violation_records() const { return records_; }
  std::size_t violation_count() const { return total_violations_; }
  std::size_t count(ProtocolRule rule) const { return per_rule_[static_cast<std::size_t>(rule)]; }
  static constexpr std::size_t kMaxKept = 1000;

  // Transactions started on this hop (b_transport calls + BEGIN_REQs) and those still in flight.
  std::uint64_t transactions() const { return transactions_; }
  std::size_t in_flight() const;
  std::size_t peak_in_flight() const { return peak_in_flight_; }
  std::uint64_t debug_calls() const { return debug_calls_; }
  std::uint64_t dmi_calls() const { return dmi_calls_; }

  void report_stats(StatsTree& tree) const override;

  // Every ProtocolChecker in the design (walks the object hierarchy), e.g. to sum violations.
  static std::vector<ProtocolChecker*> instances();

 private:
  // Where a transaction stands on this hop (nb_transport), and its attributes at the start.
  enum class Phase { kIdle, kBeginReq, kEndReq, kBeginResp };
  struct Snapshot {
    tlm::tlm_command command = tlm::TLM_IGNORE_COMMAND;
    std::uint64_t address = 0;
    unsigned char* data = nullptr;
    unsigned int length = 0;
    unsigned char* byte_enable = nullptr;
    unsigned int byte_enable_length = 0;
    unsigned int streaming_width = 0;
  };
  struct TransState {
    Phase phase = Phase::kIdle;
    int blocking_calls = 0;  // b_transport calls in progress
    Snapshot snap;
    sc_core::sc_time last_time;  // sc_time_stamp() + delay of the last nb_transport call
  };

  // Socket callbacks.
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

  // Checks.
  static Snapshot snapshot(const tlm::tlm_generic_payload& trans);
  void check_request(const tlm::tlm_generic_payload& trans, const char* where);
  void check_unchanged(const tlm::tlm_generic_payload& trans, const Snapshot& s, bool with_address,
                       const char* where);
  void check_nb_common(const tlm::tlm_generic_payload& trans, const char* where);
  void check_timing(TransState& st, const tlm::tlm_generic_payload& trans, const sc_core::sc_time& delay,
                    const char* where);
  // A phase travelling initiator -> target (BEGIN_REQ, END_RESP) or target -> initiator
  // (END_REQ, BEGIN_RESP), whether as a call or as a TLM_UPDATED return.
  void initiator_phase(tlm::tlm_generic_payload& trans, const tlm::tlm_phase& phase,
                       const sc_core::sc_time& delay, const char* where);
  void target_phase(tlm::tlm_generic_payload& trans, const tlm::tlm_phase& phase,
                    const sc_core::sc_time& delay, const char* where);
  void completed(tlm::tlm_generic_payload& trans, bool by_target, const char* where);
  void finish_nb(tlm::tlm_generic_payload& trans);
  void violation(ProtocolRule rule, const tlm::tlm_generic_payload& trans, const std::string& detail);

  OnViolation on_violation_;
  std::unordered_map<const tlm::tlm_generic_payload*, TransState> state_;
  const tlm::tlm_generic_payload* request_in_progress_ = nullptr;
  const tlm::tlm_generic_payload* response_in_progress_ = nullptr;

  std::vector<std::string> messages_;
  std::vector<ProtocolViolation> records_;
  std::array<std::size_t, kProtocolRuleCount> per_rule_{};
  std::size_t total_violations_ = 0;
  std::size_t peak_in_flight_ = 0;
  std::uint64_t transactions_ = 0, debug_calls_ = 0, dmi_calls_ = 0;
};

}  // namespace savp::sc
