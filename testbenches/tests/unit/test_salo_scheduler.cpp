// SALO data scheduler: exact coverage of AttentionPattern::allowed (every allowed pair computed once,
// by the right unit), tile counts and utilisation, dilation reordering, globals, 2D windows, and the
// planned DRAM traffic with on-chip reuse.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/salo/scheduler.hpp"

using savp::common::AttentionPattern;
using savp::salo::check_coverage;
using savp::salo::SaloTile;
using savp::salo::Schedule;
using savp::salo::schedule;
using savp::salo::SchedulerConfig;

namespace {

// Structural rules beyond coverage: who computes what, and the tile invariants the PE array needs.
void check_structure(const Schedule& s, const AttentionPattern& p) {
  const auto flags = p.global_flags(s.seq_len);
  const auto& cfg = s.config;
  for (std::size_t ti = 0; ti < s.tiles.size(); ++ti) {
    const SaloTile& t = s.tiles[ti];
    INFO("tile " << ti);
    REQUIRE(t.queries.size() <= cfg.rows);
    REQUIRE(t.mask_local.size() == t.queries.size());
    REQUIRE(t.global_keys.size() <= cfg.global_cols);
    REQUIRE(t.global_queries.size() <= cfg.global_rows);
    REQUIRE(t.global_row_keys.size() == t.global_queries.size());
    REQUIRE(t.slice < t.slices);
    std::set<std::uint32_t> streamed(t.keys_streamed.begin(), t.keys_streamed.end());
    std::uint32_t last_col = 0;
    for (std::size_t r = 0; r < t.queries.size(); ++r) {
      REQUIRE(t.mask_local[r].size() == cfg.cols);
      for (std::size_t c = 0; c < cfg.cols; ++c) {
        if (!t.mask_local[r][c]) continue;
        const auto j = t.key_at(r, c, s.seq_len);
        REQUIRE(j >= 0);
        // The local array never touches a global token (the global row/column own those pairs).
        CHECK_FALSE(flags[t.queries[r]]);
        CHECK_FALSE(flags[static_cast<std::size_t>(j)]);
        CHECK(streamed.count(static_cast<std::uint32_t>(j)) == 1);
        last_col = std::max<std::uint32_t>(last_col, static_cast<std::uint32_t>(c + 1));
      }
    }
    CHECK(t.cols_used == last_col);
    for (std::size_t k = 0; k < t.global_keys.size(); ++k) {
      CHECK(flags[t.global_keys[k]]);
      for (std::size_t r = 0; r < t.queries.size(); ++r) {
        if (t.mask_global[r][k]) CHECK_FALSE(flags[t.queries[r]]);
      }
    }
    // The global row meets only keys leaving the bottom row of the array.
    std::set<std::int64_t> bottom;
    if (!t.queries.empty()) {
      const std::int64_t q_last = t.queries[0] + static_cast<std::int64_t>(cfg.rows - 1) * t.key_stride;
      for (std::size_t c = 0; c < cfg.cols; ++c) {
        bottom.insert(q_last + t.key_offset - static_cast<std::int64_t>(c) * t.key_stride);
      }
    }
    for (std::size_t g = 0; g < t.global_queries.size(); ++g) {
      CHECK(flags[t.global_queries[g]]);
      REQUIRE(t.global_row_keys[g].size() <= cfg.cols);
      for (auto j : t.global_row_keys[g]) {
        CHECK(streamed.count(j) == 1);
        if (!t.queries.empty()) CHECK(bottom.count(j) == 1);
      }
    }
  }
}

// Replays the memory plan on bounded buffers: everything a tile reads is on chip when it runs,
// no buffer overflows, fetched + reused = needed, and every output is written exactly once.
void check_traffic(const Schedule& s, const AttentionPattern& p) {
  const auto& cfg = s.config;
  std::set<std::uint32_t> qb, kb, vb;
  std::vector<int> written(s.seq_len, 0);
  std::vector<int> has_work(s.seq_len, 0);
  REQUIRE(s.traffic.size() == s.tiles.size());
  std::uint64_t kf = 0, qf = 0;
  for (std::size_t ti = 0; ti < s.tiles.size(); ++ti) {
    const SaloTile& t = s.tiles[ti];
    const auto& tr = s.traffic[ti];
    INFO("tile " << ti);
    auto apply = [](std::set<std::uint32_t>& b, const std::vector<std::uint32_t>& ev,
                    const std::vector<std::uint32_t>& fe, std::uint32_t cap) {
      for (auto v : ev) REQUIRE(b.erase(v) == 1);
      for (auto v : fe) REQUIRE(b.insert(v).second);
      if (cap) REQUIRE(b.size() <= cap);
    };
    apply(qb, tr.q_evict, tr.q_fetch, cfg.q_buffer_vectors);
    apply(kb, tr.k_evict, tr.k_fetch, cfg.k_buffer_vectors);
    apply(vb, tr.v_evict, tr.v_fetch, cfg.v_buffer_vectors);
    qf += tr.q_fetch.size();
    kf += tr.k_fetch.size();
    CHECK(tr.q_fetch.size() + tr.q_reused == tr.q_needed);
    CHECK(tr.k_fetch.size() + tr.k_reused == tr.k_needed);
    CHECK(tr.v_fetch.size() + tr.v_reused == tr.v_needed);
    std::set<std::uint32_t> kneed, qneed;
    for (std::size_t r = 0; r < t.queries.size(); ++r) {
      bool active = false;
      for (std::size_t c = 0; c < t.mask_local[r].size(); ++c) {
        if (!t.mask_local[r][c]) continue;
        kneed.insert(static_cast<std::uint32_t>(t.key_at(r, c, s.seq_len)));
        active = true;
      }
      for (std::size_t k = 0; k < t.global_keys.size(); ++k) {
        if (!t.mask_global[r][k]) continue;
        kneed.insert(t.global_keys[k]);
        active = true;
      }
      if (active) qneed.insert(t.queries[r]);
    }
    for (std::size_t g = 0; g < t.global_queries.size(); ++g) {
      qneed.insert(t.global_queries[g]);
      kneed.insert(t.global_row_keys[g].begin(), t.global_row_keys[g].end());
    }
    CHECK(kneed.size() == tr.k_needed);
    CHECK(qneed.size() == tr.q_needed);
    for (auto v : kneed) {
      CHECK(kb.count(v) == 1);
      CHECK(vb.count(v) == 1);
    }
    for (auto v : qneed) {
      CHECK(qb.count(v) == 1);
      has_work[v] = 1;
    }
    for (auto v : tr.out_write) {
      CHECK(written[v]++ == 0);
      // Nothing later computes for an output already written.
      for (std::size_t t2 = ti + 1; t2 < s.tiles.size(); ++t2) {
        const auto& u = s.tiles[t2];
        CHECK(std::find(u.global_queries.begin(), u.global_queries.end(), v) == u.global_queries.end());
      }
    }
  }
  for (std::uint64_t i = 0; i < s.seq_len; ++i) CHECK(written[i] == has_work[i]);
  CHECK(kf == s.stats.k_fetched);
  CHECK(qf == s.stats.q_fetched);
  (void)p;
}

std::uint64_t allowed_pairs(const AttentionPattern& p, std::uint64_t L) {
  const auto f = p.global_flags(L);
  std::uint64_t n = 0;
  for (std::uint64_t i = 0; i < L; ++i) {
    for (std::uint64_t j = 0; j < L; ++j) n += p.allowed(i, j, f);
  }
  return n;
}

void full_check(const AttentionPattern& p, std::uint64_t L, const SchedulerConfig& cfg = {}) {
  INFO(p.describe() << " L=" << L);
  const Schedule s = schedule(p, L, cfg);
  REQUIRE(check_coverage(s, p) == "");
  check_structure(s, p);
  check_traffic(s, p);
  CHECK(s.stats.local_pairs + s.stats.global_col_pairs + s.stats.global_row_pairs == allowed_pairs(p, L));
  CHECK(s.stats.tiles == s.tiles.size());
}

std::vector<std::uint32_t> globals_for(int n, std::uint64_t L) {
  if (n == 0) return {};
  if (n == 1) return {0};
  return {0, 17, static_cast<std::uint32_t>(L - 1)};
}

}  // namespace

TEST_CASE("salo scheduler: sliding and dilated windows cover allowed() exactly", "[salo][scheduler]") {
  struct Case {
    std::uint32_t w;
    std::uint64_t L;
  };
  const std::vector<Case> cases = {{1, 45}, {8, 100}, {32, 77}, {33, 130}, {64, 200}, {512, 600}};
  for (const auto& cs : cases) {
    for (std::uint32_t d : {1u, 2u, 3u}) {
      for (bool causal : {false, true}) {
        for (int ng : {0, 1, 3}) {
          AttentionPattern p;
          p.window = cs.w;
          p.dilation = d;
          p.causal = causal;
          p.global_tokens = globals_for(ng, cs.L);
          full_check(p, cs.L);
        }
      }
    }
  }
}

TEST_CASE("salo scheduler: more global tokens than global PEs take more passes", "[salo][scheduler]") {
  AttentionPattern p;
  p.window = 8;
  p.global_tokens = {0, 40, 99};
  SchedulerConfig one;  // 1 global row, 1 global column
  const Schedule a = schedule(p, 100, one);
  REQUIRE(check_coverage(a, p) == "");
  CHECK(a.stats.global_row_passes == 3);
  CHECK(a.stats.global_col_passes == 3);
  // w = 8 (9 keys) fits one slice, so each band has one local tile: two more global keys need two
  // global-column-only tiles per band. Those tiles stream keys too, so the two extra global queries
  // ride on them and need fewer than two extra sweeps of the keys.
  CHECK(a.stats.slices == 1);
  CHECK(a.stats.global_col_tiles == 2 * a.stats.bands);
  CHECK(a.stats.global_row_tiles >= 1);
  CHECK(a.stats.global_row_tiles < 2 * ((100 + 31) / 32));
  SchedulerConfig three;
  three.global_rows = 3;
  three.global_cols = 3;
  const Schedule b = schedule(p, 100, three);
  REQUIRE(check_coverage(b, p) == "");
  check_structure(b, p);
  CHECK(b.stats.global_col_tiles == 0);
  // The one slice covers steps -4..27, so band q0's bottom row streams keys q0+27..q0+58: keys
  // 0..26 never leave the bottom of a local tile and take one global-row-only tile (3 global rows).
  CHECK(b.stats.global_row_tiles == 1);
  CHECK(b.stats.tiles == b.stats.local_tiles + 1);
  REQUIRE(b.tiles.back().queries.empty());
  CHECK(b.tiles.back().keys_streamed.size() == 27);
  CHECK(b.tiles.back().global_queries.size() == 3);
  CHECK(b.stats.global_row_passes == 1);
  // A wide window streams each key through many tiles: extra global queries ride along for free.
  AttentionPattern wide;
  wide.window = 256;
  wide.global_tokens = {0, 1, 2};
  const Schedule c = schedule(wide, 512, one);
  REQUIRE(check_coverage(c, wide) == "");
  CHECK(c.stats.global_row_tiles == 0);
  CHECK(c.stats.global_col_tiles == 0);
}

TEST_CASE("salo scheduler: dilated schedule is the plain schedule on the reordered sequence",
          "[salo][scheduler]") {
  for (bool causal : {false, true}) {
    AttentionPattern dil;
    dil.window = 40;
    dil.dilation = 3;
    dil.causal = causal;
    const std::uint64_t L = 250;
    const Schedule s = schedule(dil, L);
    std::size_t t = 0;
    for (std::uint32_t rho = 0; rho < 3; ++rho) {
      const std::uint64_t n = (L - rho + 2) / 3;
      AttentionPattern plain;
      plain.window = 40;
      plain.causal = causal;
      const Schedule u = schedule(plain, n);
      for (const auto& ut : u.tiles) {
        REQUIRE(t < s.tiles.size());
        const SaloTile& dt = s.tiles[t++];
        REQUIRE(dt.queries.size() == ut.queries.size());
        for (std::size_t r = 0; r < ut.queries.size(); ++r) CHECK(dt.queries[r] == rho + 3 * ut.queries[r]);
        CHECK(dt.key_stride == 3);
        CHECK(dt.key_offset == 3 * ut.key_offset);
        CHECK(dt.mask_local == ut.mask_local);
      }
    }
    CHECK(t == s.tiles.size());
  }
}

TEST_CASE("salo scheduler: 2D local windows (row-major mapping) cover allowed() exactly",
          "[salo][scheduler]") {
  struct Case {
    std::uint32_t h, w, wh, ww;
  };
  const std::vector<Case> cases = {
      {8, 8, 3, 3}, {14, 14, 15, 15}, {5, 12, 3, 5}, {9, 7, 4, 2}, {28, 28, 15, 15}};
  for (const auto& cs : cases) {
    for (bool causal : {false, true}) {
      for (int ng : {0, 1, 3}) {
        AttentionPattern p;
        p.grid_h = cs.h;
        p.grid_w = cs.w;
        p.window_h = cs.wh;
        p.window_w = cs.ww;
        p.causal = causal;
        p.global_tokens = globals_for(ng, std::uint64_t{cs.h} * cs.w);
        full_check(p, std::uint64_t{cs.h} * cs.w);
      }
    }
  }
  // A 2D window together with a 1D window (union of both).
  AttentionPattern both;
  both.grid_h = 10;
  both.grid_w = 10;
  both.window_h = 3;
  both.window_w = 3;
  both.window = 5;
  both.global_tokens = {55};
  full_check(both, 100);
}

TEST_CASE("salo scheduler: 2D mapping shape and utilisation (ViL stages)", "[salo][scheduler]") {
  // 8x8 grid, 3x3 window: 3 row segments of 3 keys at steps -9..-7, -1..1, 7..9; the span 19 fits
  // one 32-column slice, so every band needs one tile.
  AttentionPattern small;
  small.grid_h = small.grid_w = 8;
  small.window_h = small.window_w = 3;
  const Schedule a = schedule(small, 64);
  CHECK(a.stats.slices == 1);
  CHECK(a.stats.tiles == 2);
  // ViL stage 1: 56x56, 15x15. Segments of 15 keys 56 apart: gap 41 > 32 - 15, so each segment
  // takes its own slice (15 slices) and at most 15 of 32 columns are useful (46.9 %), less at the
  // grid edges.
  AttentionPattern v1;
  v1.grid_h = v1.grid_w = 56;
  v1.window_h = v1.window_w = 15;
  v1.global_tokens = {0};
  const Schedule s1 = schedule(v1, 3136);
  CHECK(s1.stats.bands == 98);
  CHECK(s1.stats.slices == 15);
  CHECK(s1.stats.tiles <= 98 * 15);
  CHECK(s1.stats.global_col_tiles == 0);
  CHECK(s1.stats.global_row_tiles == 0);
  CHECK(s1.stats.utilisation < 15.0 / 32.0);
  CHECK(s1.stats.utilisation > 0.40);
  CHECK(s1.stats.local_pairs + s1.stats.global_col_pairs + s1.stats.global_row_pairs ==
        allowed_pairs(v1, 3136));
  // ViL stage 2: 28x28, 15x15. Segments 28 apart (gap 13): the span -203..203 is covered by 12
  // slices instead of 15, some slices carrying parts of two segments.
  AttentionPattern v2 = v1;
  v2.grid_h = v2.grid_w = 28;
  const Schedule s2 = schedule(v2, 784);
  CHECK(s2.stats.bands == 25);
  CHECK(s2.stats.slices == 12);
  CHECK(s2.stats.utilisation > s1.stats.utilisation);
  CHECK(s2.stats.utilisation < 225.0 / (12 * 32));
}

TEST_CASE("salo scheduler: Longformer layer (4096 tokens, w=512, 1 global)", "[salo][scheduler]") {
  AttentionPattern p;
  p.window = 512;  // |i - j| <= 256: 513 keys per query
  p.global_tokens = {0};
  const Schedule s = schedule(p, 4096);
  // Hand count. 128 bands (b) of 32 queries x 17 slices (k): slice k covers steps
  // [-256 + 32k, -225 + 32k] (513 steps need ceil(513/32) = 17 slices). Tile (b, k) holds keys
  // 32(b+k) - 256 + [0 .. 62]; it has local work iff some key in [1, 4095] (key 0 is the global
  // token, owned by the global column): 32(b+k) - 194 >= 1 and 32(b+k) - 256 <= 4095, i.e.
  // 7 <= b+k <= 135. Pairs with b+k <= 6: 28; with b+k >= 136: 8+7+...+1 = 36.
  // Tiles = 128*17 - 28 - 36 = 2112.
  CHECK(s.stats.bands == 128);
  CHECK(s.stats.slices == 17);
  CHECK(s.stats.passes == 17);
  CHECK(s.stats.tiles == 2112);
  CHECK(s.stats.global_col_tiles == 0);
  CHECK(s.stats.global_row_tiles == 0);
  // Local pairs: tokens 1..4095 (n = 4095) with |i-j| <= 256: n + 2 * sum_{d=1}^{256} (n - d)
  // = 4095 + 2 * (256*4095 - 256*257/2) = 2034943. Global row: 4096; global column: 4095.
  CHECK(s.stats.local_pairs == 2034943);
  CHECK(s.stats.global_row_pairs == 4096);
  CHECK(s.stats.global_col_pairs == 4095);
  CHECK(s.stats.utilisation == Approx(2034943.0 / (2112.0 * 1024.0)));  // 0.9409
  CHECK(s.stats.utilisation_all_pes == Approx((2034943.0 + 8191.0) / (2112.0 * 1088.0)));
  REQUIRE(check_coverage(s, p) == "");
  // Each Q, K and V vector comes from DRAM once (1024-vector K/V buffers hold a band's 544 keys).
  CHECK(s.stats.q_fetched == 4096);
  CHECK(s.stats.k_fetched == 4096);
  CHECK(s.stats.v_fetched == 4096);
  CHECK(s.stats.kv_no_reuse == 2034943 + 8191);
}

TEST_CASE("salo scheduler: planned traffic reuses overlapping windows", "[salo][scheduler]") {
  AttentionPattern p;
  p.window = 64;  // 65 keys per query: 3 slices
  const std::uint64_t L = 256;
  SECTION("buffers large enough for a band: every vector fetched once") {
    const Schedule s = schedule(p, L);
    check_traffic(s, p);
    CHECK(s.stats.k_fetched == L);
    CHECK(s.stats.v_fetched == L);
    CHECK(s.stats.q_fetched == L);
    // Without reuse every query reads its own window: rows * w (minus the sequence edges).
    std::uint64_t rows_w = 0;
    for (std::uint64_t i = 0; i < L; ++i)
      rows_w += std::min<std::uint64_t>(i, 32) + std::min<std::uint64_t>(L - 1 - i, 32) + 1;
    CHECK(s.stats.kv_no_reuse == rows_w);
    CHECK(s.stats.k_fetched * 30 < s.stats.kv_no_reuse);
    // Adjacent slices of a band share 31 keys; adjacent bands share the rest.
    CHECK(s.stats.k_fetched < s.stats.k_needed);
    for (std::size_t t = 1; t < s.tiles.size(); ++t) CHECK(s.traffic[t].k_reused > 0);
  }
  SECTION("small K/V buffers: each K/V vector fetched at most once per row band") {
    // w = 64 streams perfectly through a 64-vector buffer (keys are needed in ascending order);
    // w = 128 makes adjacent bands reach back 64 keys, which a 64-vector buffer cannot keep.
    AttentionPattern wide;
    wide.window = 128;
    SchedulerConfig cfg;
    cfg.k_buffer_vectors = 64;  // one tile reads at most 63 keys; a band reads 160
    cfg.v_buffer_vectors = 64;
    const Schedule s = schedule(wide, L, cfg);
    check_traffic(s, wide);
    CHECK(s.stats.k_fetched > L);
    CHECK(s.stats.k_fetched < s.stats.k_needed);
    std::size_t t = 0;
    while (t < s.tiles.size()) {
      std::set<std::uint32_t> band_fetch;
      const auto q0 = s.tiles[t].queries[0];
      for (; t < s.tiles.size() && s.tiles[t].queries[0] == q0; ++t) {
        for (auto v : s.traffic[t].k_fetch) CHECK(band_fetch.insert(v).second);
      }
    }
  }
}

TEST_CASE("salo scheduler: dense and causal-dense patterns", "[salo][scheduler]") {
  AttentionPattern dense;
  full_check(dense, 70);
  AttentionPattern causal;
  causal.causal = true;
  causal.global_tokens = {3};
  full_check(causal, 70);
}

TEST_CASE("salo scheduler: configurations and tilings of other array shapes", "[salo][scheduler]") {
  AttentionPattern p;
  p.window = 20;
  p.dilation = 2;
  p.global_tokens = {4, 9};
  SchedulerConfig cfg;
  cfg.rows = 8;
  cfg.cols = 16;
  cfg.global_rows = 2;
  cfg.global_cols = 1;
  cfg.q_buffer_vectors = 10;
  cfg.k_buffer_vectors = 0;  // unbounded
  full_check(p, 91, cfg);
  cfg.rows = 1;
  cfg.cols = 1;
  full_check(p, 40, cfg);
}

TEST_CASE("salo scheduler: impossible configurations are refused", "[salo][scheduler]") {
  AttentionPattern p;
  p.window = 16;
  SchedulerConfig bad;
  bad.rows = 0;
  CHECK_THROWS_AS(schedule(p, 64, bad), std::invalid_argument);
  CHECK_THROWS_AS(schedule(p, 0), std::invalid_argument);
  AttentionPattern g = p;
  g.global_tokens = {64};
  CHECK_THROWS_WITH(schedule(g, 64), Catch::Contains("global token 64"));
  g.global_tokens = {1};
  SchedulerConfig no_global;
  no_global.global_rows = 0;
  CHECK_THROWS_WITH(schedule(g, 64, no_global), Catch::Contains("global_rows=0"));
  AttentionPattern d2;
  d2.window = 3;
  d2.dilation = 2;
  d2.grid_h = d2.grid_w = 8;
  d2.window_h = d2.window_w = 3;
  CHECK_THROWS_WITH(schedule(d2, 64), Catch::Contains("not supported"));
  SchedulerConfig tiny;
  tiny.k_buffer_vectors = 10;
  CHECK_THROWS_WITH(schedule(p, 64, tiny), Catch::Contains("K buffer of 10 vectors"));
  tiny = {};
  tiny.q_buffer_vectors = 4;
  CHECK_THROWS_WITH(schedule(p, 64, tiny), Catch::Contains("Q buffer of 4 vectors"));
  AttentionPattern dense;
  CHECK_THROWS_WITH(schedule(dense, 1u << 20), Catch::Contains("too large"));
}

TEST_CASE("salo scheduler: the coverage check catches a wrong schedule", "[salo][scheduler]") {
  AttentionPattern p;
  p.window = 8;
  p.global_tokens = {0};
  Schedule s = schedule(p, 64);
  REQUIRE(check_coverage(s, p) == "");
  Schedule dropped = s;
  auto& row = dropped.tiles[0].mask_local[5];
  const auto c = static_cast<std::size_t>(std::find(row.begin(), row.end(), 1) - row.begin());
  row[c] = 0;
  CHECK_THAT(check_coverage(dropped, p), Catch::Contains("never computed"));
  Schedule doubled = s;
  doubled.tiles[1].global_row_keys[0].push_back(doubled.tiles[0].global_row_keys[0][0]);
  CHECK_THAT(check_coverage(doubled, p), Catch::Contains("computed twice"));
}

TEST_CASE("salo scheduler: a decode step schedules only its queries, one row band", "[salo][scheduler]") {
  SchedulerConfig cfg;   // 32 x 32
  AttentionPattern all;  // the plan gives a decode job only the keys its query may see
  for (std::uint64_t keys : {1u, 31u, 32u, 33u, 100u, 512u}) {
    INFO("keys " << keys);
    const Schedule s = schedule(all, keys, cfg, keys - 1);
    CHECK(check_coverage(s, all, keys - 1).empty());
    CHECK(s.stats.bands == 1);
    CHECK(s.stats.local_pairs == keys);
    // One active row of 32: every tile covers at most 32 keys, so a tile per 32 keys (the last
    // slice of the causal-free cover may reach past the sequence and be dropped).
    CHECK(s.tiles.size() == (keys + cfg.cols - 1) / cfg.cols);
    CHECK(s.stats.utilisation <= 1.0 / cfg.rows + 1e-12);
    CHECK(s.stats.q_fetched == 1);
    CHECK(s.stats.k_fetched == keys);
    for (const auto& t : s.tiles)
      CHECK(t.queries == std::vector<std::uint32_t>{static_cast<std::uint32_t>(keys - 1)});
  }
  // A causal sliding window over the whole cache: the last query sees only its window.
  AttentionPattern win;
  win.causal = true;
  win.window = 48;
  const Schedule w = schedule(win, 300, cfg, 299);
  CHECK(check_coverage(w, win, 299).empty());
  CHECK(w.stats.local_pairs == 48);
  // Several new tokens (a chunk) share a band.
  const Schedule c = schedule(win, 300, cfg, 290);
  CHECK(check_coverage(c, win, 290).empty());
  CHECK(c.stats.bands == 1);
  // The coverage check fails a decode schedule checked as a prefill (the earlier queries' pairs
  // are missing), so it can tell them apart.
  CHECK_FALSE(check_coverage(w, win).empty());
  // Refused: a query outside the sequence; dilation and global tokens need every band.
  CHECK_THROWS_WITH(schedule(all, 64, cfg, 64), Catch::Contains("inside the sequence"));
  AttentionPattern g;
  g.global_tokens = {0};
  CHECK_THROWS_WITH(schedule(g, 64, cfg, 63), Catch::Contains("decode step"));
  AttentionPattern dil;
  dil.window = 8;
  dil.dilation = 2;
  CHECK_THROWS_WITH(schedule(dil, 64, cfg, 63), Catch::Contains("decode step"));
}
