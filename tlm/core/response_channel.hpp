// ResponseChannel: how an AT target sends its responses. BEGIN_RESP goes out on the backward path
// at the time each transaction completes (TimedQueue), in completion order, and one at a time as
// the base protocol's response-exclusion rule requires: when an initiator accepts a response with
// TLM_ACCEPTED, the next waits for that initiator's END_RESP (end_response()). Constructed without a
// name, it has no process of its own: the owner calls deliver_due() at next_due().
#pragma once

#include <systemc>
#include <tlm>

#include <deque>

#include "tlm/core/timed_queue.hpp"

namespace savp::sc {

class ResponseChannel {
 public:
  ResponseChannel(const char* name, tlm::tlm_target_socket<>& socket)
      : socket_(socket), due_(name, [this](tlm::tlm_generic_payload& t) { ready(t); }) {}
  // Owner-driven.
  explicit ResponseChannel(tlm::tlm_target_socket<>& socket)
      : socket_(socket), due_([this](tlm::tlm_generic_payload& t) { ready(t); }) {}

  // BEGIN_RESP for t, `delay` from now.
  void respond_after(tlm::tlm_generic_payload& t, const sc_core::sc_time& delay) { due_.notify(t, delay); }
  // The initiator's END_RESP: the next response may go.
  void end_response() {
    in_progress_ = nullptr;
    send();
  }
  // Owner-driven mode: whether a response is waiting for its time, when the earliest is due, and
  // sending those due now.
  bool pending() const { return due_.pending() != 0; }
  const sc_core::sc_time& next_due() const { return due_.next_due(); }
  void deliver_due() { due_.deliver_due(); }

 private:
  void ready(tlm::tlm_generic_payload& t) {
    ready_.push_back(&t);
    send();
  }
  void send() {
    while (in_progress_ == nullptr && !ready_.empty()) {
      tlm::tlm_generic_payload* t = ready_.front();
      ready_.pop_front();
      tlm::tlm_phase phase = tlm::BEGIN_RESP;
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      if (socket_->nb_transport_bw(*t, phase, delay) != tlm::TLM_COMPLETED) in_progress_ = t;
    }
  }

  tlm::tlm_target_socket<>& socket_;
  TimedQueue due_;
  std::deque<tlm::tlm_generic_payload*> ready_;
  tlm::tlm_generic_payload* in_progress_ = nullptr;
};

}  // namespace savp::sc
