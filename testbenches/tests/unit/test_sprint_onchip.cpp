// SPRINT on-chip pieces (shared/reference/sprint.md): spatial locality detection (sets on hand
// examples, union/intersection identities against the kept sets on random vectors, counters), the K/V
// buffer (hit/miss/evict sequences worked by hand, capacity overflow, SLD-versus-residency
// reconciliation, token interleaving), slots from the on-chip budget (S/M/L-SPRINT, too-small budgets),
// the rotating pointer (hand schedules, never later than in-order, optimal against an arrival-order
// reference) and the threshold policies (validation, ties, the one-key-per-row limit, calibration
// within 1/n of the target on random data, monotone in the target, exact against brute force).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "models/common/random.hpp"
#include "models/sprint/kv_buffer.hpp"
#include "models/sprint/locality.hpp"
#include "models/sprint/threshold.hpp"

using namespace savp::sprint;
using savp::common::Rng;
using U32 = std::vector<std::uint32_t>;
using U64 = std::vector<std::uint64_t>;
using P = std::vector<std::uint8_t>;

namespace {

P random_pruning(Rng& rng, std::size_t n, double keep) {
  P p(n);
  for (auto& b : p) b = rng.uniform() < keep ? 1 : 0;
  return p;
}

U32 set_union(const U32& a, const U32& b) {
  U32 out;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

U32 set_intersection(const U32& a, const U32& b) {
  U32 out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

U32 set_difference(const U32& a, const U32& b) {
  U32 out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

// Earliest finish of one machine with release times: process in arrival order (classic optimum).
std::uint64_t arrival_order_finish(U64 arrivals, std::uint64_t cost) {
  std::sort(arrivals.begin(), arrivals.end());
  std::uint64_t t = 0;
  for (std::uint64_t a : arrivals) t = std::max(t, a) + cost;
  return t;
}

}  // namespace

// ---------------------------------------------------------------- locality

TEST_CASE("sprint locality: fetch and reuse sets on hand examples", "[sprint]") {
  //            0  1  2  3  4  5
  const P prev{1, 1, 0, 0, 1, 0};
  const P cur{1, 0, 1, 0, 1, 1};
  const LocalitySplit s = split(prev, cur);
  CHECK(s.fetch == U32{2, 5});  // kept now, not before
  CHECK(s.reuse == U32{0, 4});  // kept by both
  CHECK(kept_indices(cur) == U32{0, 2, 4, 5});

  // First query: no previous vector, everything kept is fetched.
  const LocalitySplit first = split({}, cur);
  CHECK(first.fetch == U32{0, 2, 4, 5});
  CHECK(first.reuse.empty());

  // Identical vectors: everything reused. Non-zero bytes count as kept.
  const LocalitySplit same = split(P{0, 7, 1}, P{0, 1, 255});
  CHECK(same.fetch.empty());
  CHECK(same.reuse == U32{1, 2});

  CHECK_THROWS_AS(split(P{1, 0}, P{1, 0, 1}), std::invalid_argument);
}

TEST_CASE("sprint locality: union and intersection identities against the kept sets", "[sprint]") {
  Rng rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t n = 1 + rng.below(300);
    const P prev = random_pruning(rng, n, rng.uniform());
    const P cur = random_pruning(rng, n, rng.uniform());
    const U32 kp = kept_indices(prev), kc = kept_indices(cur);
    const LocalitySplit s = split(prev, cur);
    REQUIRE(std::is_sorted(s.fetch.begin(), s.fetch.end()));
    REQUIRE(std::is_sorted(s.reuse.begin(), s.reuse.end()));
    CHECK(set_union(s.fetch, s.reuse) == kc);           // fetch U reuse = P(t)
    CHECK(set_intersection(s.fetch, s.reuse).empty());  // disjoint
    CHECK(s.reuse == set_intersection(kc, kp));         // P(t) AND P(t-1)
    CHECK(s.fetch == set_difference(kc, kp));           // P(t) AND NOT P(t-1)
    CHECK(s.fetch.size() + s.reuse.size() == kc.size());
  }
}

TEST_CASE("sprint locality: detector counters and new-fetch fraction", "[sprint]") {
  LocalityDetector d;
  CHECK(d.counters().new_fetch_fraction() == 0.0);
  const LocalitySplit a = d.next(P{1, 1, 0, 0, 0});  // first: fetch {0,1}
  const LocalitySplit b = d.next(P{1, 1, 1, 0, 0});  // fetch {2}, reuse {0,1}
  const LocalitySplit c = d.next(P{0, 1, 1, 1, 0});  // fetch {3}, reuse {1,2}
  CHECK(a.fetch == U32{0, 1});
  CHECK(b.fetch == U32{2});
  CHECK(b.reuse == U32{0, 1});
  CHECK(c.fetch == U32{3});
  CHECK(c.reuse == U32{1, 2});
  const LocalityCounters& k = d.counters();
  CHECK(k.queries == 3);
  CHECK(k.first_queries == 1);
  CHECK(k.positions == 15);
  CHECK(k.kept == 8);
  CHECK(k.fetched == 4);
  CHECK(k.reused == 4);
  CHECK(k.new_fetch_fraction() == Approx(4.0 / 15.0));
  CHECK(k.adjacent_new_fetch_fraction() == Approx(2.0 / 10.0));  // first query excluded
  CHECK(k.reuse_fraction() == Approx(4.0 / 8.0));

  d.begin_head();  // a new head: the next query fetches everything it keeps
  const LocalitySplit e = d.next(P{0, 1, 1, 1, 0});
  CHECK(e.fetch == U32{1, 2, 3});
  CHECK(e.reuse.empty());
  CHECK(d.counters().first_queries == 2);
  d.reset_counters();
  CHECK(d.counters().queries == 0);
}

// ---------------------------------------------------------------- capacity

TEST_CASE("sprint kv buffer: slots from the on-chip budget", "[sprint]") {
  // D = 64 with 8-bit keys and values: 128 bytes a token. S/M/L-SPRINT: 16/32/64 KB over 1/2/4 CORELETs.
  CHECK(slots_from_budget(16384, 1, 64, 64).slots == 128);
  CHECK(slots_from_budget(32768, 2, 64, 64).slots == 128);
  CHECK(slots_from_budget(65536, 4, 64, 64).slots == 128);
  CHECK(slots_from_budget(65536, 4, 64, 64).ok());
  CHECK(slots_from_budget(1000, 3, 60, 40).slots == 3);  // 333 bytes per CORELET / 100
  CHECK(slots_from_budget(128, 1, 64, 64).slots == 1);   // exactly one key + value
  CHECK(slots_from_budget(128, 1, 0, 128).slots == 1);

  const SlotsResult tiny = slots_from_budget(127, 1, 64, 64);  // one byte short
  CHECK(tiny.slots == 0);
  CHECK_FALSE(tiny.ok());
  CHECK_THAT(tiny.error, Catch::Contains("less than one key + value"));
  const SlotsResult split_small = slots_from_budget(256, 4, 64, 64);  // 64 bytes per CORELET
  CHECK(split_small.slots == 0);
  CHECK_FALSE(split_small.ok());
  CHECK_FALSE(slots_from_budget(16384, 0, 64, 64).ok());
  CHECK_FALSE(slots_from_budget(16384, 1, 0, 0).ok());
  CHECK_THROWS_AS(KvBuffer(0), std::invalid_argument);
  CHECK_THROWS_AS(InterleavedKvBuffers(0, 4), std::invalid_argument);
}

// ---------------------------------------------------------------- buffer

TEST_CASE("sprint kv buffer: hit, miss and evict sequence worked by hand", "[sprint]") {
  KvBuffer b(3);
  // q1 keeps {1,2}: both miss, 3 free slots.
  BufferAccess a = b.access(U32{2, 1});
  CHECK(a.hits.empty());
  CHECK(a.fetched == U32{1, 2});
  CHECK(a.evicted.empty());
  CHECK(b.resident_tokens() == U32{1, 2});
  // q2 keeps {2,3}: 2 hits, 3 misses into the free slot.
  a = b.access(U32{2, 3});
  CHECK(a.hits == U32{2});
  CHECK(a.fetched == U32{3});
  CHECK(a.evicted.empty());
  CHECK(b.resident_tokens() == U32{1, 2, 3});
  // q3 keeps {3,4}: full; not-kept residents 1 (last kept q1) and 2 (q2): LRU evicts 1.
  a = b.access(U32{3, 4});
  CHECK(a.hits == U32{3});
  CHECK(a.fetched == U32{4});
  CHECK(a.evicted == U32{1});
  CHECK(b.resident_tokens() == U32{2, 3, 4});
  // q4 keeps {1,2,5}: 2 hits; 1 and 5 miss; candidates 3 and 4 both last kept by q3: the tie goes
  // to the lower token, then the other.
  a = b.access(U32{1, 2, 5});
  CHECK(a.hits == U32{2});
  CHECK(a.fetched == U32{1, 5});
  CHECK(a.evicted == U32{3, 4});
  CHECK(a.streamed.empty());
  CHECK(b.resident_tokens() == U32{1, 2, 5});

  const BufferCounters& c = b.counters();
  CHECK(c.queries == 4);
  CHECK(c.kept == 9);
  CHECK(c.hits == 3);
  CHECK(c.fetched == 6);
  CHECK(c.evicted == 3);
  CHECK(c.hit_rate() == Approx(3.0 / 9.0));
  CHECK_THROWS_AS(b.access(U32{1, 1}), std::invalid_argument);
}

TEST_CASE("sprint kv buffer: capacity overflow streams the excess", "[sprint]") {
  KvBuffer b(3);
  b.access(U32{1, 2, 5});
  // Keeps 6 > 3 slots, all residents kept: hits {1,2,5}, no room left, misses 0,3,6 streamed.
  BufferAccess a = b.access(U32{0, 1, 2, 3, 5, 6});
  CHECK(a.hits == U32{1, 2, 5});
  CHECK(a.fetched == U32{0, 3, 6});
  CHECK(a.streamed == U32{0, 3, 6});
  CHECK(a.evicted.empty());
  CHECK(b.resident_tokens() == U32{1, 2, 5});
  // Keeps {4..8} (5 > 3): hit 5; 1 and 2 evicted (not kept); misses 4,6,7,8: the first two fill the
  // two free slots, 7 and 8 are fetched but not retained.
  a = b.access(U32{4, 5, 6, 7, 8});
  CHECK(a.hits == U32{5});
  CHECK(a.fetched == U32{4, 6, 7, 8});
  CHECK(a.evicted == U32{1, 2});
  CHECK(a.streamed == U32{7, 8});
  CHECK(b.resident_tokens() == U32{4, 5, 6});
  CHECK(b.occupancy() == 3);
  // The streamed tokens miss again on the next query.
  a = b.access(U32{7});
  CHECK(a.fetched == U32{7});
  CHECK(a.evicted == U32{4});  // 4, 5, 6 all last kept by the same query: lowest token first
  CHECK(b.counters().streamed == 5);
}

TEST_CASE("sprint kv buffer: SLD view reconciled with residency", "[sprint]") {
  LocalityDetector sld;
  KvBuffer b(2);
  // q0 keeps {0,1,2} > 2 slots: SLD fetches all; the buffer retains 0 and 1, streams 2.
  BufferAccess a = b.access(sld.next(P{1, 1, 1, 0, 0}));
  CHECK(a.fetched == U32{0, 1, 2});
  CHECK(a.streamed == U32{2});
  // q1 keeps the same: SLD says reuse {0,1,2}, but 2 was never retained: refetched.
  a = b.access(sld.next(P{1, 1, 1, 0, 0}));
  CHECK(a.hits == U32{0, 1});
  CHECK(a.fetched == U32{2});
  CHECK(a.sld_reuse_refetched == U32{2});
  CHECK(a.sld_fetch_resident.empty());
  // q2 keeps {1}: a hit, SLD reuse; 0 stays resident (no room needed).
  a = b.access(sld.next(P{0, 1, 0, 0, 0}));
  CHECK(a.hits == U32{1});
  CHECK(a.sld_reuse_refetched.empty());
  // q3 keeps {0,1}: SLD says fetch 0 (not kept by q2) but 0 is still resident: a hit.
  a = b.access(sld.next(P{1, 1, 0, 0, 0}));
  CHECK(a.hits == U32{0, 1});
  CHECK(a.fetched.empty());
  CHECK(a.sld_fetch_resident == U32{0});
  const BufferCounters& c = b.counters();
  CHECK(c.sld_reuse == 5);  // q1: {0,1,2}, q2: {1}, q3: {1}
  CHECK(c.sld_fetch == 4);  // q0: {0,1,2}, q3: {0}
  CHECK(c.sld_reuse_refetched == 1);
  CHECK(c.sld_fetch_resident == 1);
  CHECK(c.fetched == 4);  // the truth: q0's 3 and q1's refetch of 2 (SLD: q0's 3 and q3's 0)
}

TEST_CASE("sprint kv buffer: token interleaving over CORELET buffers", "[sprint]") {
  InterleavedKvBuffers b(2, 1);  // 2 CORELETs, 1 slot each
  // CORELET 0 gets {0,2}, CORELET 1 gets {1,3}: each retains its first and streams its second.
  BufferAccess a = b.access(U32{3, 2, 1, 0});
  CHECK(a.fetched == U32{0, 1, 2, 3});
  CHECK(a.streamed == U32{2, 3});
  CHECK(b.corelet(0).resident_tokens() == U32{0});
  CHECK(b.corelet(1).resident_tokens() == U32{1});
  a = b.access(U32{0, 1});
  CHECK(a.hits == U32{0, 1});
  CHECK(a.fetched.empty());
  a = b.access(LocalitySplit{U32{2}, U32{1}});  // SLD: fetch 2, reuse 1
  CHECK(a.hits == U32{1});
  CHECK(a.fetched == U32{2});
  CHECK(a.evicted == U32{0});
  const BufferCounters c = b.counters();
  CHECK(c.queries == 3);
  CHECK(c.kept == 8);
  CHECK(c.hits == 3);
  CHECK(c.fetched == 5);
  CHECK(c.streamed == 2);
  b.clear();
  CHECK(b.corelet(0).occupancy() == 0);
}

TEST_CASE("sprint kv buffer: random sequences keep the buffer invariants", "[sprint]") {
  Rng rng(5);
  for (std::uint32_t slots : {1u, 4u, 16u}) {
    KvBuffer b(slots);
    LocalityDetector sld;
    P p = random_pruning(rng, 64, 0.2);
    for (int q = 0; q < 200; ++q) {
      for (auto& bit : p) {  // mostly the same keys as the previous query
        if (rng.uniform() < 0.05) bit ^= 1;
      }
      const U32 before = b.resident_tokens();
      const U32 kept = kept_indices(p);
      const BufferAccess a = b.access(sld.next(p));
      REQUIRE(b.occupancy() <= slots);
      CHECK(a.hits == set_intersection(kept, before));
      CHECK(a.fetched == set_difference(kept, before));
      CHECK(a.streamed.size() == (kept.size() > slots ? kept.size() - slots : 0));
      U32 ev = a.evicted;
      std::sort(ev.begin(), ev.end());
      CHECK(set_intersection(ev, kept).empty());  // never evicts a token the query keeps
      // Everything kept and not streamed is resident afterwards.
      CHECK(set_difference(set_difference(kept, a.streamed), b.resident_tokens()).empty());
    }
    CHECK(b.counters().hits + b.counters().fetched == b.counters().kept);
  }
}

// ---------------------------------------------------------------- rotating pointer

TEST_CASE("sprint rotating pointer: all keys available means no stall and equal completion", "[sprint]") {
  const PointerSchedule one = schedule_keys(U64(4, 0), 3, 1);
  CHECK(one.in_order_completion == 12);
  CHECK(one.rotating_completion == 12);
  CHECK(one.in_order_stall_cycles == 0);
  CHECK(one.stall_cycles_avoided == 0);
  CHECK(one.rotating_order[0] == U32{0, 1, 2, 3});
  const PointerSchedule two = schedule_keys(U64(5, 0), 3, 2);  // CORELET 0 has keys 0, 2, 4
  CHECK(two.in_order_completion == 9);
  CHECK(two.rotating_completion == 9);
  CHECK(two.rotating_order[1] == U32{1, 3});
  const PointerSchedule none = schedule_keys(U64{}, 3, 4);
  CHECK(none.rotating_completion == 0);
  CHECK_THROWS_AS(schedule_keys(U64{0}, 1, 0), std::invalid_argument);
  CHECK_THROWS_AS(schedule_keys(U64{0, 0}, U64{1}, 1), std::invalid_argument);
}

TEST_CASE("sprint rotating pointer: one late key, worked by hand", "[sprint]") {
  // 1 CORELET, 2 cycles a key, key 1 arrives at 10.
  // In order: k0 0-2, stall to 10, k1 10-12, k2 12-14, k3 14-16: 16, stall 8.
  // Rotating: k0 0-2, k1 missing -> k2 2-4, k3 4-6, wait, k1 10-12: 12, stall 4.
  const PointerSchedule s = schedule_keys(U64{0, 10, 0, 0}, 2, 1);
  CHECK(s.in_order_completion == 16);
  CHECK(s.rotating_completion == 12);
  CHECK(s.in_order_stall_cycles == 8);
  CHECK(s.rotating_stall_cycles == 4);
  CHECK(s.stall_cycles_avoided == 4);
  CHECK(s.rotating_order[0] == U32{0, 2, 3, 1});

  // 2 CORELETs, 5 cycles a key, key 2 (CORELET 0) arrives at 20. CORELET 0 (keys 0, 2, 4):
  // in order 0-5, 20-25, 25-30; rotating 0-5, k4 5-10, k2 20-25. CORELET 1: 15 either way.
  const PointerSchedule t = schedule_keys(U64{0, 0, 20, 0, 0, 0}, 5, 2);
  CHECK(t.in_order_completion == 30);
  CHECK(t.rotating_completion == 25);
  CHECK(t.stall_cycles_avoided == 5);
  CHECK(t.rotating_order[0] == U32{0, 4, 2});
}

TEST_CASE("sprint rotating pointer: the pointer rotates instead of going back", "[sprint]") {
  // Key 1 arrives at 4 while the pointer is past it: k0 0-2, k2 2-4; at 4 both k1 and k3 are ready,
  // the pointer (at 3) takes k3 4-6 and wraps to k1 6-8.
  const PointerSchedule s = schedule_keys(U64{0, 4, 0, 0}, 2, 1);
  CHECK(s.rotating_order[0] == U32{0, 2, 3, 1});
  CHECK(s.rotating_completion == 8);
  CHECK(s.in_order_completion == 10);  // k0 0-2, stall, k1 4-6, k2 6-8, k3 8-10
  CHECK(s.stall_cycles_avoided == 2);
}

TEST_CASE("sprint rotating pointer: never later than in order, optimal on random arrivals", "[sprint]") {
  Rng rng(17);
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t n = rng.below(60);
    const std::uint32_t corelets = 1 + static_cast<std::uint32_t>(rng.below(4));
    const std::uint64_t cost = 1 + rng.below(8);
    U64 arrival(n);
    for (auto& a : arrival) a = rng.uniform() < 0.7 ? 0 : rng.below(200);
    const PointerSchedule s = schedule_keys(arrival, cost, corelets);
    CHECK(s.rotating_completion <= s.in_order_completion);
    CHECK(s.stall_cycles_avoided == s.in_order_stall_cycles - s.rotating_stall_cycles);
    std::uint64_t best = 0;
    for (std::uint32_t c = 0; c < corelets; ++c) {
      U64 mine;
      U32 expect;
      for (std::size_t k = c; k < n; k += corelets) mine.push_back(arrival[k]), expect.push_back(k);
      best = std::max(best, arrival_order_finish(mine, cost));
      U32 order = s.rotating_order[c];
      std::sort(order.begin(), order.end());
      CHECK(order == expect);  // each key exactly once, on its CORELET
    }
    CHECK(s.rotating_completion == best);  // the earliest possible completion
  }
}

// ---------------------------------------------------------------- thresholds

TEST_CASE("sprint threshold: validation, comparator and keep fraction", "[sprint]") {
  CHECK(validate_keep_ratio(1.0).empty());
  CHECK(validate_keep_ratio(0.02).empty());
  CHECK_FALSE(validate_keep_ratio(0.0).empty());
  CHECK_FALSE(validate_keep_ratio(-0.1).empty());
  CHECK_FALSE(validate_keep_ratio(1.5).empty());
  CHECK_FALSE(validate_keep_ratio(std::nan("")).empty());
  CHECK(validate_threshold(-3.5).empty());
  CHECK_FALSE(validate_threshold(std::numeric_limits<double>::infinity()).empty());
  CHECK_FALSE(validate_threshold(std::nan("")).empty());

  CHECK(prune({0.1, 0.5, 0.5, 0.9}, 0.5) == P{0, 1, 1, 1});  // a tie keeps the key
  // Mean over rows: (3/4 + 1/2) / 2.
  CHECK(keep_fraction({{1, 2, 3, 4}, {1, 2}}, 2.0) == Approx(0.625));
  CHECK(keep_fraction({}, 0.0) == 0.0);

  CHECK_FALSE(calibrate_threshold({{1, 2}}, 0.0).ok());
  CHECK_FALSE(calibrate_threshold({}, 0.5).ok());
  CHECK_FALSE(calibrate_threshold({{1, 2}, {}}, 0.5).ok());
  const CalibrationResult nan = calibrate_threshold({{1, std::nan("")}}, 0.5);
  CHECK_THAT(nan.error, Catch::Contains("not finite"));
}

TEST_CASE("sprint threshold: calibration on hand examples, ties and the one-per-row limit", "[sprint]") {
  std::vector<double> row;
  for (int i = 1; i <= 10; ++i) row.push_back(i / 10.0);
  CalibrationResult r = calibrate_threshold({row}, 0.3);
  REQUIRE(r.ok());
  CHECK(r.threshold == row[7]);  // keeps 0.8, 0.9, 1.0
  CHECK(r.keep_fraction == Approx(0.3));

  // Ties are kept together: {1,2,2,3} can keep 1/4, 3/4 or 4/4. Target 0.5 is 1/4 from both 1/4 and
  // 3/4: the lower threshold (more kept) wins.
  r = calibrate_threshold({{1, 2, 2, 3}}, 0.5);
  CHECK(r.threshold == 2.0);
  CHECK(r.keep_fraction == 0.75);
  r = calibrate_threshold({{1, 2, 2, 3}}, 0.4);
  CHECK(r.threshold == 3.0);
  CHECK(r.keep_fraction == 0.25);
  CHECK(calibrate_threshold({{1, 2, 2, 3}}, 1.0).threshold == 1.0);

  // Row 1 never reaches the unlimited choice (9, keep 2/8 = target): limited to T <= 1 (row 1's max).
  const ScoreRows rows{{10, 9, 8, 7}, {1, 0.5, 0.2, 0.1}};
  r = calibrate_threshold(rows, 0.25);
  CHECK(r.threshold == 1.0);
  CHECK(r.keep_fraction == Approx((4.0 / 4 + 1.0 / 4) / 2));
  CHECK(r.clamped);
  CHECK(r.min_row_kept == 1);
  r = calibrate_threshold(rows, 0.25, false);
  CHECK(r.threshold == 9.0);
  CHECK(r.keep_fraction == Approx(0.25));
  CHECK_FALSE(r.clamped);
  CHECK(r.min_row_kept == 0);
}

TEST_CASE("sprint threshold: calibration hits the target within 1/n on random data", "[sprint]") {
  Rng rng(23);
  const std::size_t rows_n = 20, keys = 50, n = rows_n * keys;
  ScoreRows rows(rows_n, std::vector<double>(keys));
  for (auto& r : rows) {
    for (auto& s : r) s = rng.normal();
  }
  double prev_t = std::numeric_limits<double>::infinity(), prev_f = 0.0;
  for (double target = 0.01; target <= 1.0 + 1e-12; target += 0.01) {
    const double tg = std::min(target, 1.0);
    const CalibrationResult r = calibrate_threshold(rows, tg, false);
    REQUIRE(r.ok());
    CHECK(std::fabs(r.keep_fraction - tg) <= 0.5 / n + 1e-12);  // half a step of 1/n
    CHECK(r.keep_fraction == Approx(keep_fraction(rows, r.threshold)));
    CHECK(r.threshold <= prev_t);  // monotone in the target
    CHECK(r.keep_fraction >= prev_f);
    prev_t = r.threshold;
    prev_f = r.keep_fraction;
    if (tg >= 0.25) {  // every row keeps keys anyway: the one-per-row limit must not change anything
      const CalibrationResult limited = calibrate_threshold(rows, tg);
      CHECK_FALSE(limited.clamped);
      CHECK(limited.threshold == r.threshold);
      CHECK(limited.min_row_kept >= 1);
    }
  }
}

TEST_CASE("sprint threshold: calibration is the closest candidate on ragged rows (brute force)", "[sprint]") {
  Rng rng(29);
  for (int trial = 0; trial < 40; ++trial) {
    ScoreRows rows(1 + rng.below(8));
    std::vector<double> candidates;
    for (auto& r : rows) {
      r.resize(1 + rng.below(12));
      for (auto& s : r) s = static_cast<double>(rng.below(10));  // many ties
      candidates.insert(candidates.end(), r.begin(), r.end());
    }
    double min_row_max = std::numeric_limits<double>::infinity();
    for (const auto& r : rows) min_row_max = std::min(min_row_max, *std::max_element(r.begin(), r.end()));
    const double target = 0.05 + 0.95 * rng.uniform();
    for (bool limit : {false, true}) {
      const CalibrationResult r = calibrate_threshold(rows, target, limit);
      REQUIRE(r.ok());
      double best = std::numeric_limits<double>::infinity();
      for (double c : candidates) {
        if (limit && c > min_row_max) continue;
        best = std::min(best, std::fabs(keep_fraction(rows, c) - target));
      }
      CHECK(std::fabs(r.keep_fraction - target) == Approx(best).margin(1e-12));
      if (limit) CHECK(r.min_row_kept >= 1);
    }
  }
}

TEST_CASE("sprint threshold: per-(layer, head) table, fixed and calibrated", "[sprint]") {
  ThresholdTable t;
  CHECK(t.threshold(0, 0) == 0.0);
  CHECK(t.kind(0, 0) == ThresholdPolicyKind::Fixed);
  CHECK_FALSE(t.set_fixed(std::numeric_limits<double>::infinity()).empty());
  CHECK(t.fixed() == 0.0);  // unchanged on error
  CHECK(t.set_fixed(0.5).empty());
  const CalibrationResult r = t.calibrate(2, 1, {{1, 2, 3, 4}}, 0.5);
  REQUIRE(r.ok());
  CHECK(t.threshold(2, 1) == 3.0);
  CHECK(t.kind(2, 1) == ThresholdPolicyKind::Calibrated);
  CHECK(t.threshold(2, 0) == 0.5);
  CHECK(t.threshold(1, 1) == 0.5);
  CHECK_FALSE(t.calibrate(3, 0, {{1, 2}}, 2.0).ok());
  CHECK(t.kind(3, 0) == ThresholdPolicyKind::Fixed);
}
