// TimedQueue: delivers payloads to a callback at given absolute times, in time order (ties in
// insertion order), with one sc_event and a binary heap: O(log n) per entry. tlm_utils'
// peq_with_cb_and_phase keeps a time-ordered list whose insertion is linear in the entries
// pending, which dominated AT simulation with a thousand requests in flight.
// Construct it during elaboration (it spawns its delivery method).
#pragma once

#include <systemc>
#include <tlm>

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace savp::sc {

class TimedQueue {
 public:
  using Callback = std::function<void(tlm::tlm_generic_payload&)>;

  TimedQueue(const char* name, Callback callback) : callback_(std::move(callback)) {
    sc_core::sc_spawn_options opt;
    opt.spawn_method();
    opt.set_sensitivity(&event_);
    opt.dont_initialize();
    sc_core::sc_spawn([this] { deliver(); }, sc_core::sc_gen_unique_name(name), &opt);
  }

  // Delivers t after `delay` from now.
  void notify(tlm::tlm_generic_payload& t, const sc_core::sc_time& delay) {
    heap_.push(Entry{sc_core::sc_time_stamp() + delay, seq_++, &t});
    event_.notify(delay);  // an earlier pending notification wins, as it should
  }
  std::size_t pending() const { return heap_.size(); }

 private:
  struct Entry {
    sc_core::sc_time at;
    std::uint64_t seq;
    tlm::tlm_generic_payload* t;
    bool operator<(const Entry& o) const { return at != o.at ? at > o.at : seq > o.seq; }  // min-heap
  };
  void deliver() {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    while (!heap_.empty() && heap_.top().at <= now) {
      tlm::tlm_generic_payload* t = heap_.top().t;
      heap_.pop();
      callback_(*t);
    }
    if (!heap_.empty()) event_.notify(heap_.top().at - now);
  }

  Callback callback_;
  sc_core::sc_event event_;
  std::priority_queue<Entry> heap_;
  std::uint64_t seq_ = 0;
};

}  // namespace savp::sc
