// The verilated SALO PE array (testbenches/cosim/rtl/salo_array.sv, 8 x 8 + one global row and
// column in the default build) through its transactors against models/salo's fixed datapath on the
// same tiles: bit-identical RowPartial raw codes (out_raw, sum_raw, sum_exp, empty), cycles per tile
// equal to tile_cycles (body, plus the flush between tiles), the drain equal to drain_cycles, the
// weighted-sum unit equal to merge_slices, and the range events (exp arguments clamped, Q.K
// saturations) equal to the model's counters, with SAVP's default arithmetic and with the fixed
// datapath options (ARITH register) set as the SALO authors' Verilog has them. Random tiles: plain and
// dilated windows, sequence edges, partial masks, empty rows, global-column-only and global-row-only tiles,
// operands large enough to saturate. Also: the configuration check and waves.vcd.
#include <catch2/catch.hpp>
#include <systemc>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/common/random.hpp"
#include "models/salo/pe_array.hpp"
#include "testbenches/cosim/salo_rtl.hpp"
#include "testbenches/cosim/thread_runner.hpp"

using namespace savp;
using savp::cosim::SaloRtl;

namespace {

common::MatrixD random_matrix(common::Rng& rng, std::size_t rows, std::size_t cols, double sigma) {
  common::MatrixD m(rows, cols);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j) m(i, j) = sigma * rng.normal();
  }
  return m;
}

// A random tile that keeps the SaloTile contract (queries[r] = queries[0] + r * stride).
salo::SaloTile random_tile(common::Rng& rng, const salo::ArrayConfig& cfg, std::uint32_t L, int kind) {
  salo::SaloTile t;
  const bool global_row_only = kind % 7 == 6;
  const bool global_col_only = kind % 7 == 5;
  t.key_stride = 1 + static_cast<std::uint32_t>(rng.below(kind % 3 == 0 ? 3 : 1));  // dilated windows
  if (!global_row_only) {
    const std::uint32_t nq = 1 + static_cast<std::uint32_t>(rng.below(cfg.rows));
    const std::uint32_t q0 = static_cast<std::uint32_t>(rng.below(L - (nq - 1) * t.key_stride));
    for (std::uint32_t r = 0; r < nq; ++r) t.queries.push_back(q0 + r * t.key_stride);
    t.key_offset =
        static_cast<std::int64_t>(rng.below(2 * cfg.cols)) - static_cast<std::int64_t>(cfg.cols / 2);
    t.cols_used = global_col_only ? 0 : 1 + static_cast<std::uint32_t>(rng.below(cfg.cols));
    const double density = kind % 4 == 0 ? 1.0 : 0.3 + 0.6 * rng.uniform();
    for (std::uint32_t r = 0; r < nq; ++r) {
      std::vector<std::uint8_t> m(cfg.cols, 0);
      const bool empty_row = rng.below(6) == 0;
      for (std::uint32_t c = 0; c < t.cols_used; ++c) m[c] = !empty_row && rng.uniform() < density;
      t.mask_local.push_back(m);
    }
    for (std::uint32_t g = 0; g < cfg.global_cols; ++g) {
      if (rng.below(3) != 0) t.global_keys.push_back(static_cast<std::uint32_t>(rng.below(L)));
    }
    for (std::uint32_t r = 0; r < nq; ++r) {
      std::vector<std::uint8_t> m(t.global_keys.size(), 0);
      for (auto& b : m) b = rng.below(3) != 0;
      t.mask_global.push_back(m);
    }
  }
  for (std::uint32_t g = 0; g < cfg.global_rows; ++g) {
    if (!global_row_only && rng.below(2) == 0) continue;
    t.global_queries.push_back(static_cast<std::uint32_t>(rng.below(L)));
    std::vector<std::uint32_t> keys;
    const std::uint32_t n = static_cast<std::uint32_t>(rng.below(cfg.cols + 1));
    for (std::uint32_t j = 0; j < n; ++j) keys.push_back(static_cast<std::uint32_t>(rng.below(L)));
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    t.global_row_keys.push_back(keys);
  }
  return t;
}

void require_same(const salo::RowPartial& want, const salo::RowPartial& got, const std::string& what) {
  INFO(what << " query " << want.query);
  REQUIRE(got.empty == want.empty);
  if (want.empty) return;  // an empty partial's codes are not defined (the model may leave them unset)
  REQUIRE(got.sum_raw == want.sum_raw);
  REQUIRE(got.sum_exp == want.sum_exp);
  REQUIRE(got.out_raw == want.out_raw);
}

// Random tiles through the RTL and the model; prev partials from earlier tiles exercise the
// weighted-sum unit. sigma: operand spread (large values saturate the exp argument and Q.K).
// fixed: the datapath options; when they are not the defaults, the tiles must also give results
// that differ from the default arithmetic's (the options reached the RTL and changed something).
void compare_with_model(bool delta, double sigma, double scale, int tiles, std::uint64_t seed,
                        const salo::FixedParams& fixed = salo::FixedParams{}) {
  salo::ArrayConfig cfg = cosim::salo_rtl_config();
  cfg.fixed = fixed;
  const salo::ArrayConfig cfg_default = cosim::salo_rtl_config();
  const bool non_default = cosim::salo_rtl_arith(fixed) != cosim::salo_rtl_arith(salo::FixedParams{});
  std::uint64_t differ_from_default = 0;
  const std::uint32_t L = 160;
  common::Rng rng(seed);
  const common::MatrixD q = random_matrix(rng, L, cfg.head_dim, sigma);
  const common::MatrixD k = random_matrix(rng, L, cfg.head_dim, sigma);
  const common::MatrixD v = random_matrix(rng, L, cfg.head_dim, 1.0);
  SaloRtl rtl("salo", cfg, 1.0, delta);
  cosim::ThreadRunner r("runner");
  int checked = 0;
  std::uint64_t merges = 0, exp_sat = 0, qk_sat = 0, nonempty = 0;
  r.body = [&] {
    salo::TileRunner model(q, k, v, cfg, scale);
    salo::TileRunner model_default(q, k, v, cfg_default, scale);
    std::vector<salo::RowPartial> acc(L);
    const salo::TileCycles tc = salo::tile_cycles(cfg, cfg.head_dim);
    for (int i = 0; i < tiles; ++i) {
      const salo::SaloTile tile = random_tile(rng, cfg, L, i);
      const salo::TileResult want = model.run(tile);
      if (non_default) {
        const salo::TileResult def = model_default.run(tile);
        for (std::size_t x = 0; x < want.rows.size(); ++x) {
          differ_from_default += !want.rows[x].empty && want.rows[x].out_raw != def.rows[x].out_raw;
        }
      }
      const bool merge = i % 2 == 1;  // odd tiles merge into the partials accumulated so far
      std::vector<salo::RowPartial> prev;
      for (const auto& p : want.rows) prev.push_back(merge ? acc[p.query] : salo::RowPartial{});
      const salo::BackendTile got = rtl.run(tile, model, prev, i > 0);
      INFO("tile " << i << ": " << tile.queries.size() << " rows, cols_used " << tile.cols_used << ", stride "
                   << tile.key_stride << ", " << tile.global_keys.size() << " global keys, "
                   << tile.global_queries.size() << " global queries, merge " << merge);
      REQUIRE(got.rows.size() == want.rows.size());
      for (std::size_t x = 0; x < want.rows.size(); ++x) {
        const salo::RowPartial m = salo::merge_slices(prev[x], want.rows[x], cfg, &merges);
        require_same(m, got.rows[x], merge ? "merged row" : "row");
        nonempty += !want.rows[x].empty;
        acc[want.rows[x].query] = m;
      }
      CHECK(got.cycles == tc.body() + (i > 0 ? tc.flush : 0));
      CHECK(got.exp_saturated == want.counters.exp_saturated);
      CHECK(got.qk_saturated == want.counters.qk_saturated);
      exp_sat += got.exp_saturated;
      qk_sat += got.qk_saturated;
      ++checked;
    }
    CHECK(rtl.drain() == salo::drain_cycles(cfg));
  };
  if (delta) {
    sc_core::sc_start();
  } else {
    sc_core::sc_start(10, sc_core::SC_MS);
  }
  REQUIRE(r.failure.empty());
  CHECK(checked == tiles);
  CHECK(nonempty > static_cast<std::uint64_t>(tiles));  // the tiles did real work
  CHECK(merges > 0);                                    // the weighted-sum unit blended partials
  if (sigma > 2.0) {
    CHECK(exp_sat > 0);  // the range events were exercised
    CHECK(qk_sat > 0);
  }
  if (non_default) CHECK(differ_from_default > 0);
}

// The SALO authors' generated Verilog: truncate and wrap in every stage, an 8-bit reciprocal and the
// exp mantissa's last bit dropped in the normalise step.
salo::FixedParams authors_arithmetic() {
  salo::FixedParams f;
  f.qk_overflow = salo::Overflow::Wrap;
  f.norm_rounding = salo::Rounding::Floor;
  f.norm_overflow = salo::Overflow::Wrap;
  f.reciprocal_bits = 8;
  f.drop_exp_lsb = true;
  f.pv_rounding = salo::Rounding::Floor;
  f.pv_overflow = salo::Overflow::Wrap;
  return f;
}

}  // namespace

TEST_CASE("SALO RTL: random tiles equal the fixed datapath (timed clock)") {
  compare_with_model(false, 1.0, 0.125, 120, 11);
}

TEST_CASE("SALO RTL: random tiles equal the fixed datapath (delta clock and another softmax scale)") {
  compare_with_model(true, 1.0, 0.3, 80, 12);
}

TEST_CASE("SALO RTL: saturating operands equal the fixed datapath") {
  compare_with_model(true, 6.0, 0.125, 60, 13);
}

TEST_CASE("SALO RTL: the authors' arithmetic (truncate, wrap, 8-bit reciprocal) equals the fixed datapath") {
  compare_with_model(true, 1.0, 0.125, 80, 14, authors_arithmetic());
}

TEST_CASE("SALO RTL: the authors' arithmetic with wrapping operands equals the fixed datapath") {
  compare_with_model(true, 6.0, 0.125, 60, 15, authors_arithmetic());
}

TEST_CASE("SALO RTL: truncation with a 12-bit reciprocal equals the fixed datapath (timed clock)") {
  salo::FixedParams f;
  f.norm_rounding = salo::Rounding::Floor;
  f.pv_rounding = salo::Rounding::Floor;
  f.reciprocal_bits = 12;
  compare_with_model(false, 1.0, 0.125, 60, 16, f);
}

TEST_CASE("SALO RTL: configurations the verilated array cannot run are refused") {
  salo::ArrayConfig c = cosim::salo_rtl_config();
  CHECK(cosim::salo_rtl_check(c).empty());
  c.rows += 1;
  CHECK(cosim::salo_rtl_check(c).find("built as") != std::string::npos);
  c = cosim::salo_rtl_config();
  c.head_dim = 32;
  CHECK_FALSE(cosim::salo_rtl_check(c).empty());
  c = cosim::salo_rtl_config();
  c.datapath = salo::Datapath::Float;
  CHECK(cosim::salo_rtl_check(c).find("fixed") != std::string::npos);
  c = cosim::salo_rtl_config();
  c.fixed.pwl_slope_frac_bits = 6;
  CHECK_FALSE(cosim::salo_rtl_check(c).empty());
}

TEST_CASE("SALO RTL: waves.vcd of the array") {
  const std::string path = (std::filesystem::path(SAVP_TEST_OUT_DIR) / "salo_rtl_waves.vcd").string();
  std::filesystem::remove(path);
  {
    const salo::ArrayConfig cfg = cosim::salo_rtl_config();
    common::Rng rng(3);
    const common::MatrixD q = random_matrix(rng, 32, cfg.head_dim, 1.0);
    SaloRtl rtl("salo", cfg, 2.0, false, path);
    cosim::ThreadRunner r("runner");
    r.body = [&] {
      salo::TileRunner model(q, q, q, cfg, 0.125);
      salo::SaloTile t;
      for (std::uint32_t i = 0; i < cfg.rows; ++i) t.queries.push_back(8 + i);
      t.cols_used = cfg.cols;
      const salo::BackendTile got = rtl.run(t, model, std::vector<salo::RowPartial>(cfg.rows), false);
      CHECK(got.rows.size() == cfg.rows);
    };
    sc_core::sc_start(1, sc_core::SC_MS);
    REQUIRE(r.failure.empty());
  }
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string vcd = ss.str();
  CHECK(vcd.find("$enddefinitions") != std::string::npos);
  CHECK(vcd.find(" cycles ") != std::string::npos);  // an RTL register is traced
  CHECK(vcd.find("#2000") != std::string::npos);     // time in ps: cycle 1 of a 2 ns clock
}
