// TimedQueue: delivers payloads to a callback at given absolute times, in time order (ties in
// insertion order), with one sc_event and a sorted deque scanned from the back on insertion (O(1)
// for the nearly ordered completions memories produce). tlm_utils' peq_with_cb_and_phase keeps a
// list whose insertion cost grows with the entries pending, which dominated AT simulation with a
// thousand requests in flight. Construct it during elaboration (it spawns its delivery method), or
// without a name to drive it from a process of the owner's (deliver_due() at next_due()), which
// saves a kernel activation per delivery time when the owner wakes then anyway.
#pragma once

#include <systemc>
#include <tlm>

#include <cstdint>
#include <functional>
#include <deque>
#include <vector>

namespace savp::sc {

class TimedQueue {
 public:
  using Callback = std::function<void(tlm::tlm_generic_payload&)>;

  TimedQueue(const char* name, Callback callback) : callback_(std::move(callback)), own_process_(true) {
    sc_core::sc_spawn_options opt;
    opt.spawn_method();
    opt.set_sensitivity(&event_);
    opt.dont_initialize();
    sc_core::sc_spawn([this] { deliver(); }, sc_core::sc_gen_unique_name(name), &opt);
  }
  // Owner-driven: no process of its own.
  explicit TimedQueue(Callback callback) : callback_(std::move(callback)), own_process_(false) {}

  // Delivers t after `delay` from now.
  void notify(tlm::tlm_generic_payload& t, const sc_core::sc_time& delay) {
    // Stable insertion into the time-ordered queue: after every entry due at the same time or
    // earlier. Completions arrive almost in order, so the scan from the back is usually one step.
    const Entry e{sc_core::sc_time_stamp() + delay, seq_++, &t};
    auto it = queue_.end();
    while (it != queue_.begin() && (it - 1)->at > e.at) --it;
    if (it == queue_.end()) {
      queue_.push_back(e);  // the usual case, without deque::insert's general path
    } else {
      queue_.insert(it, e);
    }
    if (own_process_) event_.notify(delay);  // an earlier pending notification wins, as it should
  }
  std::size_t pending() const { return queue_.size(); }
  // When the earliest entry is due (precondition: pending() > 0).
  const sc_core::sc_time& next_due() const { return queue_.front().at; }
  // Delivers every entry due at or before now, in order.
  void deliver_due() {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    while (!queue_.empty() && queue_.front().at <= now) {
      tlm::tlm_generic_payload* t = queue_.front().t;
      queue_.pop_front();
      callback_(*t);
    }
  }

 private:
  struct Entry {
    sc_core::sc_time at;
    std::uint64_t seq;
    tlm::tlm_generic_payload* t;
  };
  void deliver() {
    deliver_due();
    if (!queue_.empty()) event_.notify(queue_.front().at - sc_core::sc_time_stamp());
  }

  Callback callback_;
  bool own_process_;
  sc_core::sc_event event_;
  std::deque<Entry> queue_;  // sorted by (at, insertion order)
  std::uint64_t seq_ = 0;
};

}  // namespace savp::sc
