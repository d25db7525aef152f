// DRAM scheduler policies (DramSpec::scheduler) on a crafted request stream in queued mode (AT): one
// initiator's stream of row hits to an open row and another's request to another row of the same
// bank. FR-FCFS lets the hits starve the conflict, FR-FCFS-cap lets at most `cap` of the younger
// hits overtake it, FCFS serves arrival order. Also the scheduler keys' parsing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "models/common/json_reader.hpp"
#include "models/memory/dram_channel.hpp"
#include "models/memory/dram_spec.hpp"

#ifndef SAVP_SOURCE_DIR
#define SAVP_SOURCE_DIR "."
#endif

using namespace savp::memory;
using savp::common::InputError;
using savp::common::Json;
using savp::common::JsonNode;

namespace {

constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

Json ddr4_json() {
  return savp::common::load_json_file(std::string(SAVP_SOURCE_DIR) + "/scenarios/memory/presets/ddr4.json");
}

DramSpec parse(Json j) {
  JsonNode n(j, "test.json");
  return DramSpec::parse(n);
}

DramRequest request(std::uint64_t id, std::uint32_t row, std::uint32_t column) {
  DramRequest r;
  r.id = id;
  r.addr.row = row;
  r.addr.column = column;  // bank group 0, bank 0, rank 0, channel 0
  return r;
}

// Request 0 opens row 1 of bank 0 (initiator A), request 1 wants row 2 of that bank (initiator B),
// requests 2.. are A's row hits to row 1, all queued at cycle 0 (the queue holds them all). Returns
// the ids in decision order.
std::vector<std::uint64_t> decision_order(DramScheduler policy, std::uint32_t cap, std::uint64_t hits) {
  DramSpec s = parse(ddr4_json());
  s.scheduler = policy;
  s.scheduler_cap = cap;
  s.queue_depth = static_cast<std::uint32_t>(hits + 2);
  DramChannel ch(s, 0);
  ch.enqueue(request(0, 1, 0));
  ch.enqueue(request(1, 2, 0));
  for (std::uint64_t k = 0; k < hits; ++k) ch.enqueue(request(2 + k, 1, static_cast<std::uint32_t>(1 + k)));
  std::vector<std::uint64_t> order;
  std::uint64_t now = 0;
  for (std::uint64_t t; (t = ch.next_decision(now)) != kNever; now = t + 1) {
    if (auto c = ch.decide(t)) order.push_back(c->id);
  }
  return order;
}

// How many of A's hits (ids >= 2, all younger than B) were decided before B (id 1).
std::size_t younger_hits_before_b(const std::vector<std::uint64_t>& order) {
  const auto b = std::find(order.begin(), order.end(), 1u);
  REQUIRE(b != order.end());
  return static_cast<std::size_t>(std::count_if(order.begin(), b, [](std::uint64_t id) { return id >= 2; }));
}

std::string error_of(Json j) {
  try {
    parse(std::move(j));
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("dram scheduler: fr_fcfs lets a stream of row hits starve an older conflict", "[dram][scheduler]") {
  const std::vector<std::uint64_t> order = decision_order(DramScheduler::FrFcfs, 4, 40);
  REQUIRE(order.size() == 42);
  CHECK(order.front() == 0);
  CHECK(order.back() == 1);  // every younger hit went first
  CHECK(younger_hits_before_b(order) == 40);
}

TEST_CASE("dram scheduler: fr_fcfs_cap bounds the hits that overtake the conflict by cap",
          "[dram][scheduler]") {
  for (std::uint32_t cap : {1u, 4u, 16u}) {
    const std::vector<std::uint64_t> order = decision_order(DramScheduler::FrFcfsCap, cap, 40);
    REQUIRE(order.size() == 42);
    CHECK(order.front() == 0);
    // The row opened by request 0 serves exactly cap hits (each issues before B's PRE could: every
    // RD pushes the bank's PRE readiness past the next hit), then the conflict goes.
    CHECK(younger_hits_before_b(order) == cap);
    // The remaining hits follow in age order after B reopened row 1 (hits again from the second).
    const auto b = std::find(order.begin(), order.end(), 1u);
    CHECK(std::is_sorted(b + 1, order.end()));
  }
}

TEST_CASE("dram scheduler: fcfs serves arrival order", "[dram][scheduler]") {
  const std::vector<std::uint64_t> order = decision_order(DramScheduler::Fcfs, 4, 40);
  REQUIRE(order.size() == 42);
  CHECK(std::is_sorted(order.begin(), order.end()));
  CHECK(younger_hits_before_b(order) == 0);
}

TEST_CASE("dram scheduler: fcfs pays for the row it reopens, fr_fcfs does not", "[dram][scheduler]") {
  // A, B alternate rows 1 and 2 of bank 0: FCFS turns every request into a conflict, FR-FCFS
  // batches each row's hits. Same requests, same data; fewer activates under FR-FCFS.
  auto activates = [](DramScheduler policy) {
    DramSpec s = parse(ddr4_json());
    s.scheduler = policy;
    s.queue_depth = 16;
    DramChannel ch(s, 0);
    for (std::uint64_t k = 0; k < 16; ++k) {
      ch.enqueue(request(k, k % 2 == 0 ? 1 : 2, static_cast<std::uint32_t>(k)));
    }
    std::uint64_t now = 0, n = 0;
    for (std::uint64_t t; (t = ch.next_decision(now)) != kNever; now = t + 1) n += ch.decide(t).has_value();
    CHECK(n == 16);
    return ch.stats(now).activates;
  };
  CHECK(activates(DramScheduler::Fcfs) == 16);
  CHECK(activates(DramScheduler::FrFcfs) == 2);
}

TEST_CASE("dram scheduler: keys parse, bad values name the key", "[dram][scheduler]") {
  CHECK(parse(ddr4_json()).scheduler == DramScheduler::FrFcfs);  // the default
  Json j = ddr4_json();
  j["scheduler"] = "fcfs";
  CHECK(parse(j).scheduler == DramScheduler::Fcfs);
  j["scheduler"] = "fr_fcfs_cap";
  j["scheduler_cap"] = 8;
  const DramSpec c = parse(j);
  CHECK(c.scheduler == DramScheduler::FrFcfsCap);
  CHECK(c.scheduler_cap == 8);

  j["scheduler_cap"] = 0;
  CHECK_THAT(error_of(j), Catch::Contains("/scheduler_cap") && Catch::Contains("found 0"));
  j["scheduler"] = "fr_fcfs";
  j["scheduler_cap"] = 8;
  CHECK_THAT(error_of(j), Catch::Contains("/scheduler_cap") && Catch::Contains("applies only to"));
  j.erase("scheduler_cap");
  j["scheduler"] = "frfcfs";
  CHECK_THAT(error_of(j), Catch::Contains("/scheduler") && Catch::Contains("fr_fcfs_cap"));
}
