// The SALO fixed datapath's arithmetic options (salo::FixedParams, scenario key "fixed_arithmetic"):
// saturate or wrap, round to nearest or truncate, the reciprocal width and the dropped exp bit, each
// against an independent formula; the defaults are today's arithmetic; on a tile the authors'
// choices change the outputs and stay close to the default's.
#include <catch2/catch.hpp>

#include <cmath>

#include "models/common/random.hpp"
#include "models/salo/pe_array.hpp"

using namespace savp;
using namespace savp::salo;

namespace {

FixedParams authors() {
  FixedParams f;
  f.qk_overflow = Overflow::Wrap;
  f.norm_rounding = Rounding::Floor;
  f.norm_overflow = Overflow::Wrap;
  f.reciprocal_bits = 8;
  f.drop_exp_lsb = true;
  f.pv_rounding = Rounding::Floor;
  f.pv_overflow = Overflow::Wrap;
  return f;
}

}  // namespace

TEST_CASE("salo fixed arith: wrap keeps the low bits, saturate clamps", "[salo][fixed]") {
  CHECK(wrap(131072, kAccFormat) == -131072);
  CHECK(wrap(-131073, kAccFormat) == 131071);
  CHECK(wrap(131071 + 10, kAccFormat) == -131072 + 9);
  CHECK(wrap(-5, kAccFormat) == -5);
  CHECK(fit(131072, kAccFormat, Overflow::Saturate) == 131071);
  CHECK(fit(131072, kAccFormat, Overflow::Wrap) == -131072);
  CHECK(wrap(511, kProbFormat) == -1);
  CHECK(wrap(256, kProbFormat) == -256);
  CHECK(wrap(255, kProbFormat) == 255);
}

TEST_CASE("salo fixed arith: the reciprocal's width and rounding", "[salo][fixed]") {
  const ExpSum s{640, 0};  // 2.5: 2^18 / 640 = 409.6
  FixedParams p;
  Reciprocal r = reciprocal(s, p);
  CHECK(r.mant == 410);  // nearest
  CHECK(r.value() == Approx(0.4).epsilon(1.0 / 512));
  p.norm_rounding = Rounding::Floor;
  CHECK(reciprocal(s, p).mant == 409);
  // Every width B: mant in [2^(B-1), 2^B - 1] and |mant * 2^exp * sum - 1| below 2^-(B-1).
  common::Rng rng(5);
  for (int b = kReciprocalBitsMin; b <= kReciprocalBitsMax; ++b) {
    for (auto rounding : {Rounding::NearestAway, Rounding::Floor}) {
      p.reciprocal_bits = b;
      p.norm_rounding = rounding;
      for (int i = 0; i < 200; ++i) {
        const ExpSum x{1 + static_cast<std::int64_t>(rng.below(131071)),
                       static_cast<int>(rng.below(32)) - 16};
        r = reciprocal(x, p);
        INFO("B " << b << " sum " << x.mant_raw << " * 2^" << x.exp);
        CHECK(r.mant >= (std::int64_t{1} << (b - 1)));
        CHECK(r.mant < (std::int64_t{1} << b));
        const double err = r.value() * x.value() - 1.0;
        CHECK(std::fabs(err) <= std::ldexp(1.0, -(b - 1)));
        if (rounding == Rounding::Floor) CHECK(err <= 0.0);
      }
    }
  }
  p.reciprocal_bits = 3;
  CHECK_THROWS_AS(reciprocal(s, p), std::invalid_argument);
}

TEST_CASE("salo fixed arith: normalise against the formula in every option", "[salo][fixed]") {
  common::Rng rng(6);
  for (int option = 0; option < 8; ++option) {
    FixedParams p;
    p.norm_rounding = option & 1 ? Rounding::Floor : Rounding::NearestAway;
    p.drop_exp_lsb = (option & 2) != 0;
    p.reciprocal_bits = option & 4 ? 8 : 9;
    for (int i = 0; i < 500; ++i) {
      const ExpSum sum{256 + static_cast<std::int64_t>(rng.below(20000)), static_cast<int>(rng.below(8)) - 4};
      const ExpValue e{255 + static_cast<std::int64_t>(rng.below(257)),
                       sum.exp - static_cast<int>(rng.below(6))};
      const Reciprocal r = reciprocal(sum, p);
      const std::int64_t m = p.drop_exp_lsb ? e.mant_raw / 2 : e.mant_raw;
      // prob in 2.7 = m * 2^(e.exp - 8 + drop) * r.mant * 2^r.exp * 2^7, exactly representable
      const double x =
          std::ldexp(static_cast<double>(m * r.mant), e.exp - 1 + (p.drop_exp_lsb ? 1 : 0) + r.exp);
      const double want = p.norm_rounding == Rounding::Floor ? std::floor(x) : std::floor(x + 0.5);
      INFO("option " << option << " e " << e.mant_raw << "*2^" << e.exp << " sum " << sum.mant_raw << "*2^"
                     << sum.exp);
      CHECK(normalise(e, r, p) == static_cast<std::int64_t>(std::min(want, 255.0)));
    }
  }
  // The defaults are the two-argument forms (today's arithmetic).
  const ExpValue lone{255, -3};
  ExpSum ls;
  ls.add(lone);
  CHECK(normalise(lone, reciprocal(ls, FixedParams{}), FixedParams{}) == normalise(lone, reciprocal(ls)));
  // A probability above 2.7's range (exp 2.0 over a sum of 0.5): 255 saturated, the low 9 bits wrapped.
  const ExpValue big{511, 0};
  const ExpSum half{256, -1};
  FixedParams sat, wr;
  wr.norm_overflow = Overflow::Wrap;
  CHECK(normalise(big, reciprocal(half, sat), sat) == 255);
  CHECK(normalise(big, reciprocal(half, wr), wr) == -1);  // 511 -> -1
}

TEST_CASE("salo fixed arith: the authors' choices on a tile", "[salo][fixed]") {
  common::Rng rng(7);
  const std::size_t L = 96, d = 64;
  auto mat = [&](double sigma) {
    common::MatrixD m(L, d);
    for (std::size_t i = 0; i < L; ++i) {
      for (std::size_t j = 0; j < d; ++j) m(i, j) = sigma * rng.normal();
    }
    return m;
  };
  SaloTile t;
  for (std::uint32_t r = 0; r < 32; ++r) t.queries.push_back(16 + r);
  t.cols_used = 32;
  t.key_offset = -16;
  ArrayConfig def;
  ArrayConfig au = def;
  au.fixed = authors();
  SECTION("mild operands: truncation lowers the outputs, no overflow") {
    const common::MatrixD q = mat(1.0), k = mat(1.0), v = mat(1.0);
    const TileResult a = compute_tile(t, q, k, v, def, 0.125);
    const TileResult b = compute_tile(t, q, k, v, au, 0.125);
    double bias = 0.0;
    std::size_t differ = 0, n = 0;
    for (std::size_t r = 0; r < a.rows.size(); ++r) {
      CHECK(a.rows[r].sum_raw == b.rows[r].sum_raw);  // stages 1-3 agree without overflow
      for (std::size_t x = 0; x < d; ++x) {
        bias += static_cast<double>(b.rows[r].out_raw[x] - a.rows[r].out_raw[x]);
        differ += b.rows[r].out_raw[x] != a.rows[r].out_raw[x];
        ++n;
      }
    }
    CHECK(differ > n / 2);
    CHECK(bias / static_cast<double>(n) < -1.0);  // floor in P.V and normalise: a downward bias (LSBs)
    CHECK(b.counters.qk_saturated == 0);
  }
  SECTION("large operands: the Q.K accumulator wraps instead of saturating") {
    const common::MatrixD q = mat(6.0), k = mat(6.0), v = mat(1.0);
    const TileResult a = compute_tile(t, q, k, v, def, 0.125);
    const TileResult b = compute_tile(t, q, k, v, au, 0.125);
    CHECK(a.counters.qk_saturated > 0);
    CHECK(b.counters.qk_saturated > 0);  // wrapped updates are counted as range events too
    std::size_t sums_differ = 0;
    for (std::size_t r = 0; r < a.rows.size(); ++r) sums_differ += a.rows[r].sum_raw != b.rows[r].sum_raw;
    CHECK(sums_differ > 0);
  }
}
