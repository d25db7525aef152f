// TimedQueue in both modes: with its own delivery method, and driven by a process of its owner
// (deliver_due() at next_due(), as the DRAM target's scheduler drives its responses). Both deliver
// each payload at its time, in time order with ties in insertion order.
#include <catch2/catch.hpp>
#include <systemc>

#include <memory>
#include <utility>
#include <vector>

#include "tlm/core/timed_queue.hpp"

using namespace savp;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

// Notifies the payloads at (delay from 0 ns) 30, 10, 20, 10, 40 ns and records what arrives when.
struct Source : sc_core::sc_module {
  tlm::tlm_generic_payload p[5];
  std::vector<std::pair<int, sc_time>> got;  // payload index, arrival time
  std::unique_ptr<sc::TimedQueue> owned;
  sc::TimedQueue& queue;
  sc_core::sc_event wake;
  SC_HAS_PROCESS(Source);
  Source(sc_core::sc_module_name n, bool owner)
      : sc_module(n),
        owned(owner ? std::make_unique<sc::TimedQueue>([this](tlm::tlm_generic_payload& t) { record(t); })
                    : std::make_unique<sc::TimedQueue>("due", [this](tlm::tlm_generic_payload& t) { record(t); })),
        queue(*owned) {
    SC_THREAD(feed);
    if (owner) {
      SC_METHOD(drive);
      sensitive << wake;
      dont_initialize();
    }
  }
  void record(tlm::tlm_generic_payload& t) {
    got.emplace_back(static_cast<int>(&t - p), sc_core::sc_time_stamp());
  }
  void feed() {
    const double at[5] = {30, 10, 20, 10, 40};
    for (int i = 0; i < 4; ++i) queue.notify(p[i], sc_time(at[i], SC_NS));
    wake.notify(sc_core::SC_ZERO_TIME);
    sc_core::wait(15, SC_NS);
    queue.notify(p[4], sc_time(at[4] - 15, SC_NS));  // while others are pending
    wake.notify(sc_core::SC_ZERO_TIME);
  }
  void drive() {  // the owner's process: deliver what is due, wake at the next due time
    queue.deliver_due();
    if (queue.pending() != 0) sc_core::next_trigger(queue.next_due() - sc_core::sc_time_stamp(), wake);
  }
};

void check(bool owner) {
  Source s("source", owner);
  sc_core::sc_start();
  const std::vector<std::pair<int, double>> expect = {{1, 10}, {3, 10}, {2, 20}, {0, 30}, {4, 40}};
  REQUIRE(s.got.size() == expect.size());
  for (std::size_t i = 0; i < expect.size(); ++i) {
    CHECK(s.got[i].first == expect[i].first);
    CHECK(s.got[i].second == sc_time(expect[i].second, SC_NS));
  }
  CHECK(s.queue.pending() == 0);
}

}  // namespace

TEST_CASE("timed queue: its own method delivers at each time, ties in insertion order", "[sc][timed_queue]") {
  check(false);
}

TEST_CASE("timed queue: owner-driven, deliver_due at next_due gives the same deliveries", "[sc][timed_queue]") {
  check(true);
}
