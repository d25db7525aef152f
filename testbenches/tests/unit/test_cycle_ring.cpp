// CycleRing (the DRAM channel's forbidden-cycle bit rings): set, set_span, set_masks, next_clear,
// clear_at and next_clear_any against a plain per-cycle reference, while the window slides forward
// and widens (both keep the bits of the cycles from `keep` on), also over idle stretches and past
// the window's whole width.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "models/memory/cycle_ring.hpp"

using savp::memory::CycleRing;

TEST_CASE("cycle ring: spans, first clear cycle and unions match a per-cycle reference", "[cycle_ring]") {
  constexpr std::size_t kKeys = 5;
  CycleRing ring(kKeys, 2);  // 128 cycles to start with: sliding and widening both happen
  std::vector<std::vector<bool>> ref(kKeys);
  auto ref_set = [&](std::size_t k, std::uint64_t c) { return c < ref[k].size() && ref[k][c]; };
  std::mt19937_64 rng(7);
  std::uint64_t now = 0;
  bool widened = false, slid = false, jumped = false, wide = false;
  for (int step = 0; step < 4000; ++step) {
    // Now and then an idle stretch: the window slides over cycles nothing was set in, or jumps
    // past its whole width.
    now += step % 97 == 0 ? 500 + rng() % 20000 : rng() % 4;
    const std::uint64_t keep = now >= 40 ? now - 40 : 0;
    // Spans start at or after keep (as the channel's do) and reach up to ~300 cycles ahead, now
    // and then ~6000 (the window widens past 64 words).
    const std::uint64_t lo = keep + rng() % (step % 500 == 0 ? 6000 : step % 50 == 0 ? 300 : 60);
    const std::uint32_t len = 1 + static_cast<std::uint32_t>(rng() % 64);
    const std::uint64_t hi = lo + len - 1;
    const std::uint64_t base_before = ring.base();
    const std::uint64_t end_before = ring.end();
    ring.reach(hi, keep);  // the bits of every cycle >= keep stay (the queries below check them)
    if (ring.end() - ring.base() > end_before - base_before) {
      widened = true;
    } else if (ring.base() != base_before) {
      slid = true;
      jumped = jumped || ring.base() >= end_before;  // nothing of the old window stays
    }
    wide = wide || ring.end() - ring.base() > 64 * 64;
    REQUIRE(ring.base() <= keep);
    REQUIRE(hi < ring.end());
    REQUIRE(ring.end() >= end_before);
    const std::size_t key = rng() % kKeys;
    const int how = static_cast<int>(rng() % 3);
    if (len == 64 || how == 0) {
      ring.set(key, lo, hi);
    } else if (how == 1) {
      ring.set_span(key, lo, len, (std::uint64_t{1} << len) - 1);
    } else {
      // The same span as one of several masks of a window starting at or below lo (and at or
      // above base), the others sparse patterns of other keys within [lo, hi].
      const std::uint64_t win = std::max(ring.base(), hi >= 63 ? hi - 63 : 0);
      const std::uint64_t span = ((std::uint64_t{1} << len) - 1) << (lo - win);
      const std::uint32_t keys[3] = {static_cast<std::uint32_t>(key), static_cast<std::uint32_t>((key + 1) % kKeys),
                                     static_cast<std::uint32_t>((key + 2) % kKeys)};
      const std::uint64_t masks[3] = {span, span & rng(), span & rng()};
      ring.set_masks<3>(keys, masks, win);
      for (std::size_t i = 1; i < 3; ++i) {
        for (std::uint64_t c = lo; c <= hi; ++c) {
          if ((masks[i] >> (c - win)) & 1) {
            if (ref[keys[i]].size() <= c) ref[keys[i]].resize(c + 1, false);
            ref[keys[i]][c] = true;
          }
        }
      }
    }
    if (ref[key].size() <= hi) ref[key].resize(hi + 1, false);
    for (std::uint64_t c = lo; c <= hi; ++c) ref[key][c] = true;

    // Queries from now on, as the channel asks them.
    const std::uint64_t from = now + rng() % 20;
    const std::size_t a = rng() % kKeys, b = rng() % kKeys, k = rng() % kKeys;
    std::uint64_t expect = from;
    while (ref_set(a, expect) || ref_set(b, expect) || ref_set(k, expect)) ++expect;
    REQUIRE(ring.next_clear(a, b, k, from) == expect);
    REQUIRE(ring.clear_at(a, b, k, from) == (expect == from));
    const CycleRing::Keys3 unions[2] = {{static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b),
                                         static_cast<std::uint32_t>(a)},
                                        {static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k),
                                         static_cast<std::uint32_t>(k)}};
    std::uint64_t any = from;
    while ((ref_set(a, any) || ref_set(b, any)) && ref_set(k, any)) ++any;
    REQUIRE(ring.next_clear_any(unions, 2, from) == any);
  }
  CHECK(widened);
  CHECK(slid);
  CHECK(jumped);
  CHECK(wide);
}
