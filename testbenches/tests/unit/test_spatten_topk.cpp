// SpAtten top-k engine: the kept set against a sort-based reference (random, tied, all-equal and
// negative data, both quick-select and the sorting network), original order, the tie rule,
// determinism per seed, the bypass cases, cycles of small cases worked by hand in the comments, the
// average quick-select cost against the known expected comparison count, and parallelism scaling.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "models/common/random.hpp"
#include "models/spatten/topk_engine.hpp"

using savp::common::Rng;
using savp::spatten::TopkConfig;
using savp::spatten::TopkEngine;
using savp::spatten::TopkKind;
using savp::spatten::TopkResult;

namespace {

// The k largest by (value descending, index ascending), returned in ascending index order.
std::vector<std::uint32_t> reference_topk(const std::vector<double>& v, std::size_t k) {
  std::vector<std::uint32_t> idx(v.size());
  std::iota(idx.begin(), idx.end(), 0u);
  std::stable_sort(idx.begin(), idx.end(), [&v](std::uint32_t a, std::uint32_t b) { return v[a] > v[b]; });
  idx.resize(std::min(k, v.size()));
  std::sort(idx.begin(), idx.end());
  return idx;
}

double kth_largest(std::vector<double> v, std::size_t k) {
  std::nth_element(v.begin(), v.begin() + (k - 1), v.end(), std::greater<double>());
  return v[k - 1];
}

// Data shapes: 0 uniform, 1 few distinct values (many ties), 2 all equal, 3 Gaussian (negatives).
std::vector<double> make_data(Rng& rng, std::size_t n, int shape) {
  std::vector<double> v(n);
  for (auto& x : v) {
    if (shape == 0) x = rng.uniform();
    if (shape == 1) x = static_cast<double>(rng.below(4));
    if (shape == 2) x = 0.25;
    if (shape == 3) x = rng.normal();
  }
  return v;
}

TopkConfig config(TopkKind kind, std::uint32_t parallelism = 16) {
  TopkConfig cfg;
  cfg.kind = kind;
  cfg.parallelism = parallelism;
  return cfg;
}

void check_exact(TopkKind kind) {
  TopkEngine engine(config(kind), 7);
  Rng rng(123);
  for (int trial = 0; trial < 2000; ++trial) {
    const std::size_t n = rng.below(300);
    const std::size_t k = rng.below(n + 2);
    const auto v = make_data(rng, n, trial % 4);
    const TopkResult r = engine.select(v, k);
    INFO("trial " << trial << " n " << n << " k " << k << " shape " << trial % 4);
    REQUIRE(r.kept == reference_topk(v, k));
    if (k > 0 && k < n) REQUIRE(r.threshold == kth_largest(v, k));
  }
}

}  // namespace

TEST_CASE("topk: quick-select keeps exactly the true top-k", "[topk]") { check_exact(TopkKind::QuickSelect); }

TEST_CASE("topk: sorting network keeps exactly the true top-k", "[topk]") {
  check_exact(TopkKind::SortingNetwork);
}

TEST_CASE("topk: large inputs match the reference for both kinds", "[topk]") {
  Rng rng(99);
  for (auto kind : {TopkKind::QuickSelect, TopkKind::SortingNetwork}) {
    TopkEngine engine(config(kind), 3);
    for (int shape = 0; shape < 4; ++shape) {
      const auto v = make_data(rng, 4096, shape);
      for (std::size_t k : {1u, 2u, 100u, 2048u, 4095u})
        REQUIRE(engine.select(v, k).kept == reference_topk(v, k));
    }
  }
}

TEST_CASE("topk: kept indices keep the original order and ties prefer lower indices", "[topk]") {
  TopkEngine engine(config(TopkKind::QuickSelect), 1);
  // 3rd largest is 5; one value (9) is above it, three equal 5 at indices 1, 3, 5: keep 1 and 3.
  const std::vector<double> v = {1, 5, 9, 5, 2, 5, 0};
  const TopkResult r = engine.select(v, 3);
  CHECK(r.kept == std::vector<std::uint32_t>{1, 2, 3});
  CHECK(r.threshold == 5.0);
  // Descending input: the top 4 are the first 4, returned ascending.
  const std::vector<double> d = {8, 7, 6, 5, 4, 3, 2, 1};
  CHECK(engine.select(d, 4).kept == std::vector<std::uint32_t>{0, 1, 2, 3});
  // Ascending input: the top 3 are the last 3, still ascending.
  const std::vector<double> a = {1, 2, 3, 4, 5, 6};
  CHECK(engine.select(a, 3).kept == std::vector<std::uint32_t>{3, 4, 5});
}

TEST_CASE("topk: results are deterministic for a seed and pivots depend on it", "[topk]") {
  Rng rng(5);
  std::vector<std::vector<double>> inputs;
  for (int i = 0; i < 50; ++i) inputs.push_back(make_data(rng, 512, 0));
  TopkEngine a(config(TopkKind::QuickSelect), 42), b(config(TopkKind::QuickSelect), 42);
  TopkEngine c(config(TopkKind::QuickSelect), 43);
  bool any_differs = false;
  for (const auto& v : inputs) {
    const TopkResult ra = a.select(v, 64), rb = b.select(v, 64), rc = c.select(v, 64);
    REQUIRE(ra.kept == rb.kept);
    REQUIRE(ra.cycles == rb.cycles);
    REQUIRE(ra.passes == rb.passes);
    REQUIRE(ra.comparisons == rb.comparisons);
    REQUIRE(rc.kept == ra.kept);
    any_differs = any_differs || rc.cycles != ra.cycles;
  }
  CHECK(any_differs);
  CHECK(a.counters().cycles == b.counters().cycles);
}

TEST_CASE("topk: all-equal input costs one quick-select pass (worked by hand)", "[topk]") {
  TopkEngine engine(config(TopkKind::QuickSelect), 11);
  const std::vector<double> v(40, 0.5);
  const TopkResult r = engine.select(v, 5);
  // Pass 1 over 40: every candidate equals the pivot, rank 5 <= 0 + 40 -> found.
  // The pass runs 2 x 16 comparators: ceil(40/32) + 3 = 5; filter ceil(40/16) = 3; zero eliminator
  // ceil(log2 16) + 1 = 5. Total 13.
  CHECK(r.passes == 1);
  CHECK(r.select_cycles == 5);
  CHECK(r.filter_cycles == 3);
  CHECK(r.cycles == 13);
  CHECK(r.comparisons == 80);  // 40 in the pass + 40 in the filter
  CHECK(r.kept == std::vector<std::uint32_t>{0, 1, 2, 3, 4});
  CHECK(r.threshold == 0.5);
}

TEST_CASE("topk: two candidates, k = 1, take one or two passes (worked by hand)", "[topk]") {
  // Pivot = the larger: 0 larger, 1 equal -> found in 1 pass. Pivot = the smaller: 1 larger ->
  // second pass over 1 candidate. Each pass ceil(2/32) + 3 = ceil(1/32) + 3 = 4; filter 1 + 5.
  bool saw_one = false, saw_two = false;
  for (std::uint64_t seed = 0; seed < 64; ++seed) {
    TopkEngine engine(config(TopkKind::QuickSelect), seed);
    const TopkResult r = engine.select(std::vector<double>{0.1, 0.9}, 1);
    REQUIRE(r.kept == std::vector<std::uint32_t>{1});
    REQUIRE((r.passes == 1 || r.passes == 2));
    REQUIRE(r.cycles == 6 + 4 * r.passes);
    REQUIRE(r.comparisons == (r.passes == 1 ? 2u : 3u) + 2u);
    saw_one = saw_one || r.passes == 1;
    saw_two = saw_two || r.passes == 2;
  }
  CHECK(saw_one);
  CHECK(saw_two);
}

TEST_CASE("topk: average quick-select cost for n = 1024, k = 128 is O(n)", "[topk]") {
  TopkEngine engine(config(TopkKind::QuickSelect), 2021);
  Rng rng(8);
  const int trials = 400;
  double cycles = 0, select_comparisons = 0, passes = 0;
  for (int t = 0; t < trials; ++t) {
    const TopkResult r = engine.select(make_data(rng, 1024, 0), 128);
    cycles += static_cast<double>(r.cycles);
    passes += r.passes;
    select_comparisons += static_cast<double>(r.comparisons - 1024);  // minus the filter
  }
  cycles /= trials;
  passes /= trials;
  select_comparisons /= trials;
  // Filter + zero eliminator: 64 + 5 = 69. One pass over n at least at 2 x 16 comparators: 32 + 3.
  const double filter = 69;
  CHECK(cycles > 1024.0 / 32 + 3 + filter);
  // At most 4 n candidates streamed in all, plus the 3-cycle overhead of every pass.
  CHECK(cycles < 4 * 1024.0 / 32 + 3 * passes + filter);
  // Expected quick-select comparisons (Knuth): 2n + 2k ln(n/k) + 2(n-k) ln(n/(n-k)), about 2.75 n.
  const double n = 1024, k = 128;
  const double expected = 2 * n + 2 * k * std::log(n / k) + 2 * (n - k) * std::log(n / (n - k));
  CHECK(select_comparisons == Approx(expected).epsilon(0.12));
}

TEST_CASE("topk: more parallelism gives fewer cycles", "[topk]") {
  // Same seed -> same pivots whatever the parallelism, so the passes are identical and only their
  // cost per pass changes.
  TopkEngine p4(config(TopkKind::QuickSelect, 4), 9), p16(config(TopkKind::QuickSelect, 16), 9);
  TopkEngine p64(config(TopkKind::QuickSelect, 64), 9);
  Rng rng(4);
  for (int t = 0; t < 50; ++t) {
    const auto v = make_data(rng, 1024, 0);
    const TopkResult r4 = p4.select(v, 100), r16 = p16.select(v, 100), r64 = p64.select(v, 100);
    REQUIRE(r4.passes == r16.passes);
    REQUIRE(r4.cycles > r16.cycles);
    REQUIRE(r16.cycles > r64.cycles);
  }
  TopkEngine s4(config(TopkKind::SortingNetwork, 4), 9), s16(config(TopkKind::SortingNetwork, 16), 9);
  const auto v = make_data(rng, 1024, 0);
  CHECK(s4.select(v, 100).cycles > s16.select(v, 100).cycles);
}

TEST_CASE("topk: sorting network cycles on n = 8 (worked by hand)", "[topk]") {
  const std::vector<double> v = {3, 1, 4, 1, 5, 9, 2, 6};
  // N = 8: stages = 3 * 4 / 2 = 6, 4 compare-exchanges per stage.
  // parallelism 16: 6 * ceil(4/16) = 6; filter ceil(8/16) = 1; zero eliminator 4 + 1 = 5. Total 12.
  TopkEngine p16(config(TopkKind::SortingNetwork, 16), 1);
  const TopkResult r = p16.select(v, 3);
  CHECK(r.kept == std::vector<std::uint32_t>{4, 5, 7});
  CHECK(r.passes == 6);
  CHECK(r.cycles == 12);
  CHECK(r.comparisons == 6 * 4 + 8);
  // parallelism 2: 6 * ceil(4/2) = 12; filter ceil(8/2) = 4; zero eliminator 1 + 1 = 2. Total 18.
  TopkEngine p2(config(TopkKind::SortingNetwork, 2), 1);
  CHECK(p2.select(v, 3).cycles == 18);
  // n = 5 pads to N = 8: same network, filter ceil(5/16) = 1. Total 12; comparisons 24 + 5.
  const TopkResult r5 = p16.select(std::vector<double>{3, 1, 4, 1, 5}, 2);
  CHECK(r5.cycles == 12);
  CHECK(r5.comparisons == 29);
  // n = 9 pads to 16: stages 4 * 5 / 2 = 10, 8 per stage: 10 * 1 + ceil(9/16) + 5 = 16.
  CHECK(p16.select(std::vector<double>(9, 1.0), 2).cycles == 16);
}

TEST_CASE("topk: k == 0 and k >= n bypass the engine", "[topk]") {
  for (auto kind : {TopkKind::QuickSelect, TopkKind::SortingNetwork}) {
    TopkEngine engine(config(kind), 1);
    const std::vector<double> v = {0.3, -1.0, 2.0};
    const TopkResult none = engine.select(v, 0);
    CHECK(none.kept.empty());
    CHECK(none.cycles == 0);
    CHECK(none.threshold == std::numeric_limits<double>::infinity());
    for (std::size_t k : {3u, 10u}) {
      const TopkResult all = engine.select(v, k);
      CHECK(all.kept == std::vector<std::uint32_t>{0, 1, 2});
      CHECK(all.cycles == 0);
      CHECK(all.passes == 0);
      CHECK(all.comparisons == 0);
      CHECK(all.threshold == -1.0);
    }
    const TopkResult empty = engine.select(nullptr, 0, 4);
    CHECK(empty.kept.empty());
    CHECK(empty.cycles == 0);
    CHECK(engine.counters().calls == 4);
    CHECK(engine.counters().bypassed_calls == 4);
    CHECK(engine.counters().cycles == 0);
  }
}

TEST_CASE("topk: cumulative counters add up the calls", "[topk]") {
  TopkEngine engine(config(TopkKind::QuickSelect), 3);
  Rng rng(1);
  std::uint64_t cycles = 0, passes = 0, comparisons = 0, kept = 0;
  TopkResult r;
  for (int t = 0; t < 20; ++t) {
    const auto v = make_data(rng, 200, t % 4);
    engine.select_into(v.data(), v.size(), 30, r);
    REQUIRE(r.kept == reference_topk(v, 30));
    cycles += r.cycles;
    passes += r.passes;
    comparisons += r.comparisons;
    kept += r.kept.size();
  }
  CHECK(engine.counters().calls == 20);
  CHECK(engine.counters().cycles == cycles);
  CHECK(engine.counters().passes == passes);
  CHECK(engine.counters().comparisons == comparisons);
  CHECK(engine.counters().kept == kept);
  CHECK(engine.counters().candidates == 4000);
  engine.reset_counters();
  CHECK(engine.counters().calls == 0);
}

TEST_CASE("topk: invalid parallelism and NaN values are refused", "[topk]") {
  CHECK_THROWS_AS(TopkEngine(config(TopkKind::QuickSelect, 0), 1), std::invalid_argument);
  TopkEngine engine(config(TopkKind::QuickSelect), 1);
  CHECK_THROWS_AS(engine.select(std::vector<double>{1.0, std::nan(""), 2.0}, 1), std::domain_error);
}

TEST_CASE("top-k backend rtl: refused with the reason when no RTL backend is registered") {
  // The unit tests link the models only: no co-simulation backend is registered here.
  TopkConfig c;
  c.backend = savp::spatten::TopkBackendKind::Rtl;
  REQUIRE_FALSE(savp::spatten::topk_rtl_backend_available());
  CHECK(savp::spatten::topk_rtl_refusal(c).find("Verilator") != std::string::npos);
  CHECK_THROWS_AS(TopkEngine(c, 1), std::invalid_argument);
}

TEST_CASE("top-k quick-select: each pass streams the chosen FIFO in the order it was filled") {
  // Hand-worked: P = 1, overhead 3, seed fixed; the pivot of every pass is the candidate at
  // position Rng::below(m) of a stream that keeps the input order, so a replay of the same draws
  // on a stable partition reproduces passes and cycles exactly.
  TopkConfig c;
  c.parallelism = 1;
  const std::vector<double> v{5, 1, 9, 3, 7, 2, 8, 6, 4, 0};
  TopkEngine engine(c, 77);
  const TopkResult r = engine.select(v, 4);
  Rng rng(77);
  std::vector<double> s = v;
  std::size_t rank = 4, passes = 0, cycles = 0;
  for (;;) {
    const double p = s[rng.below(s.size())];
    std::vector<double> g, l;
    std::size_t e = 0;
    for (double x : s)
      if (x > p)
        g.push_back(x);
      else if (x < p)
        l.push_back(x);
    e = s.size() - g.size() - l.size();
    ++passes;
    cycles += (s.size() + 1) / 2 + 3;  // 2 x 1 comparators per Run cycle
    if (rank <= g.size())
      s = g;
    else if (rank <= g.size() + e)
      break;
    else {
      rank -= g.size() + e;
      s = l;
    }
  }
  CHECK(r.passes == passes);
  CHECK(r.cycles == cycles + v.size() + 0 + 1);               // filter: n / 1 + log2(1) + 1
  CHECK(r.kept == (std::vector<std::uint32_t>{2, 4, 6, 7}));  // 9, 7, 8, 6
}

TEST_CASE("top-k backend rtl: the model runs alongside and a disagreement throws") {
  // A stand-in for the verilated RTL: the C++ engine with the same seed, optionally one cycle off.
  struct StandIn : savp::spatten::TopkBackend {
    TopkEngine ref;
    bool wrong;
    static TopkConfig as_model(TopkConfig c) {
      c.backend = savp::spatten::TopkBackendKind::Model;
      return c;
    }
    StandIn(const TopkConfig& c, std::uint64_t seed, bool w) : ref(as_model(c), seed), wrong(w) {}
    void select(const double* values, std::size_t n, std::size_t k, TopkResult& out) override {
      out = ref.select(values, n, k);
      if (wrong) out.cycles += 1;
    }
  };
  TopkConfig c;
  c.backend = savp::spatten::TopkBackendKind::Rtl;
  const std::vector<double> v{5, 1, 9, 3, 7, 2, 8, 6, 4, 0, 11, -2};
  for (bool wrong : {false, true}) {
    savp::spatten::register_topk_rtl_backend([wrong](const TopkConfig& cfg, std::uint64_t seed) {
      return std::unique_ptr<savp::spatten::TopkBackend>(new StandIn(cfg, seed, wrong));
    });
    TopkEngine engine(c, 3);
    if (wrong) {
      CHECK_THROWS_WITH(engine.select(v, 4), Catch::Contains("RTL/model disagreement"));
    } else {
      CHECK(engine.select(v, 4).kept == TopkEngine(TopkConfig{}, 3).select(v, 4).kept);
    }
    savp::spatten::register_topk_rtl_backend(nullptr);
  }
}
