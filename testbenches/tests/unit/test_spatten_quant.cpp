// Unit tests for models/spatten/progressive_quant (MSB/LSB split storage, bit packing, bit-width
// converter decoders, LSB refetch decision) and models/spatten/pruning_schedule (per-layer cascade
// pruning ramp, explicit keep lists, keep counts).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/common/number_format.hpp"
#include "models/spatten/progressive_quant.hpp"
#include "models/spatten/pruning_schedule.hpp"

using namespace savp::spatten;
namespace common = savp::common;

namespace {

std::vector<double> random_tensor(std::size_t n, unsigned seed, double amp = 3.0) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> d(-amp, amp);
  std::vector<double> v(n);
  for (auto& x : v) x = d(gen);
  return v;
}

const BitSplit kSupported[] = {{4, 0}, {4, 4}, {6, 0}, {6, 4}, {8, 0}, {8, 4}, {12, 0}};

}  // namespace

// ---------------------------------------------------------------- [quant]

TEST_CASE("quant: check_split accepts the converter's splits and refuses others", "[quant]") {
  for (const BitSplit& s : kSupported) CHECK(check_split(s).empty());
  CHECK(check_split({4, 4}).empty());
  CHECK(check_split({6, 4}).empty());
  CHECK(check_split({8, 4}).empty());
  CHECK(check_split({12, 0}).empty());
  CHECK_FALSE(check_split({5, 4}).empty());
  CHECK_FALSE(check_split({8, 8}).empty());
  CHECK_FALSE(check_split({12, 4}).empty());
  CHECK_FALSE(check_split({0, 4}).empty());
  CHECK_FALSE(check_split({8, 2}).empty());
  CHECK_FALSE(check_split({-4, 4}).empty());
  CHECK(check_split({12, 4}).find("12-bit") != std::string::npos);
  CHECK_THROWS_AS(quantise_split(std::vector<double>(4, 1.0), 1, 4, {5, 4}), std::invalid_argument);
}

TEST_CASE("quant: packed_row_bytes", "[quant]") {
  CHECK(packed_row_bytes(6, 4) == 3);
  CHECK(packed_row_bytes(6, 5) == 4);
  CHECK(packed_row_bytes(4, 64) == 32);
  CHECK(packed_row_bytes(6, 64) == 48);
  CHECK(packed_row_bytes(12, 64) == 96);
  CHECK(packed_row_bytes(4, 3) == 2);
  CHECK(packed_row_bytes(0, 64) == 0);
  CHECK(packed_row_bytes(8, 0) == 0);
  CHECK_THROWS_AS(packed_row_bytes(17, 4), std::invalid_argument);
  CHECK_THROWS_AS(packed_row_bytes(-1, 4), std::invalid_argument);
}

TEST_CASE("quant: generic bit fields, 6-bit signed layout byte by byte", "[quant]") {
  // Codes 0x01, 0x3F, 0x1F, 0x20: bits [0,6) [6,12) [12,18) [18,24), little-endian.
  const std::int32_t v[4] = {1, -1, 31, -32};
  std::uint8_t out[3] = {0xAA, 0xAA, 0xAA};
  pack_signed(v, 4, 6, out);
  CHECK(out[0] == 0xC1);  // 0x01 | (0x3F & 3) << 6
  CHECK(out[1] == 0xFF);  // 0x3F >> 2 | (0x1F & 0xF) << 4
  CHECK(out[2] == 0x81);  // 0x1F >> 4 | 0x20 << 2
  std::int32_t back[4];
  unpack_signed(out, 4, 6, back);
  for (int i = 0; i < 4; ++i) CHECK(back[i] == v[i]);
  CHECK_THROWS_AS(pack_signed(std::vector<std::int32_t>{32}.data(), 1, 6, out), std::out_of_range);
  CHECK_THROWS_AS(pack_signed(std::vector<std::int32_t>{-33}.data(), 1, 6, out), std::out_of_range);

  // Unsigned, padding bits zeroed, neighbours preserved by put_bits.
  const std::uint32_t u[3] = {0xF, 0x1, 0xA};
  std::uint8_t ub[2] = {0xFF, 0xFF};
  pack_unsigned(u, 3, 4, ub);
  CHECK(ub[0] == 0x1F);
  CHECK(ub[1] == 0x0A);
  CHECK_THROWS_AS(pack_unsigned(std::vector<std::uint32_t>{16}.data(), 1, 4, ub), std::out_of_range);
  std::uint8_t buf[4] = {0xFF, 0xFF, 0xFF, 0xFF};
  put_bits(buf, 5, 13, 0);  // clears bits 5..17
  CHECK(buf[0] == 0x1F);
  CHECK(buf[1] == 0x00);
  CHECK(buf[2] == 0xFC);
  CHECK(buf[3] == 0xFF);
  CHECK(get_bits(buf, 0, 5) == 0x1F);
  CHECK(get_bits(buf, 18, 14) == 0x3FFF);
  CHECK(get_bits_signed(buf, 18, 14) == -1);
  CHECK_THROWS_AS(get_bits(buf, 0, 0), std::invalid_argument);
  CHECK_THROWS_AS(get_bits(buf, 0, 17), std::invalid_argument);
}

TEST_CASE("quant: generic bit fields round trip every width 1..16", "[quant]") {
  std::mt19937 gen(7);
  for (int bits = 1; bits <= 16; ++bits)
  for (const std::size_t n : {std::size_t{1}, std::size_t{37}, std::size_t{64}, std::size_t{203}}) {
    CAPTURE(bits, n);
    const std::int32_t lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;
    std::uniform_int_distribution<std::int32_t> ds(lo, hi);
    std::uniform_int_distribution<std::uint32_t> du(0, (1u << bits) - 1);
    std::vector<std::int32_t> s(n), s2(n);
    std::vector<std::uint32_t> u(n), u2(n);
    for (std::size_t i = 0; i < n; ++i) {
      s[i] = ds(gen);
      u[i] = du(gen);
    }
    s[0] = lo;
    s[n - 1] = hi;
    u[0] = (1u << bits) - 1;
    std::vector<std::uint8_t> b(packed_row_bytes(bits, n));
    pack_signed(s.data(), n, bits, b.data());
    unpack_signed(b.data(), n, bits, s2.data());
    CHECK(s == s2);
    pack_unsigned(u.data(), n, bits, b.data());
    unpack_unsigned(b.data(), n, bits, u2.data());
    CHECK(u == u2);
  }
}

TEST_CASE("quant: split layout of a known 6+4 tensor byte by byte", "[quant]") {
  // 10-bit total: qmax 511, max|x| = 511 -> scale 1, q == x.
  // Row 0: q = 511, -511, 16, -17, 0 -> MSB = q >> 4 = 31, -32, 1, -2, 0; LSB = q & 15 = 15, 1, 0, 15, 0.
  // Row 1: q = -1, 0, 0, 0, 1        -> MSB = -1, 0, 0, 0, 0;        LSB = 15, 0, 0, 0, 1.
  const std::vector<double> x = {511, -511, 16, -17, 0, -1, 0, 0, 0, 1};
  const QuantisedTensor t = quantise_split(x, 2, 5, {6, 4});
  CHECK(t.scale == 1.0);
  REQUIRE(t.msb_row_bytes() == 4);  // ceil(5*6/8): each row starts on a byte boundary
  REQUIRE(t.lsb_row_bytes() == 3);  // ceil(5*4/8)
  REQUIRE(t.msb.size() == 8);
  REQUIRE(t.lsb.size() == 6);
  // MSB codes 0x1F 0x20 0x01 0x3E 0x00.
  const std::vector<std::uint8_t> msb = {0x1F, 0x18, 0xF8, 0x00,   // row 0
                                         0x3F, 0x00, 0x00, 0x00};  // row 1
  const std::vector<std::uint8_t> lsb = {0x1F, 0xF0, 0x00,         // row 0
                                         0x0F, 0x00, 0x01};        // row 1
  CHECK(t.msb == msb);
  CHECK(t.lsb == lsb);
  CHECK(t.msb_row(1) == t.msb.data() + 4);
  CHECK(t.lsb_row(1) == t.lsb.data() + 3);

  double full[5];
  decode_full_row(t.msb_row(0), t.lsb_row(0), 5, t.split, t.scale, full);
  for (int c = 0; c < 5; ++c) CHECK(full[c] == x[c]);
  // MSB only appends 1000b: (MSB << 4) + 8.
  double half[5];
  decode_msb_row(t.msb_row(0), 5, t.split, t.scale, half);
  CHECK(half[0] == 31 * 16 + 8);
  CHECK(half[1] == -32 * 16 + 8);
  CHECK(half[2] == 16 + 8);
  CHECK(half[3] == -32 + 8);
  CHECK(half[4] == 8);
}

TEST_CASE("quant: decode_full equals dequantise(quantise) for every split", "[quant]") {
  const std::size_t rows = 7, dim = 13;  // odd dim: rows end mid-byte for 6- and 4-bit fields
  const std::vector<double> x = random_tensor(rows * dim, 42);
  for (const BitSplit& s : kSupported) {
    CAPTURE(s.msb_bits, s.lsb_bits);
    const QuantisedTensor t = quantise_split(x, rows, dim, s);
    const common::QuantParams qp = common::symmetric_params(x, s.total());
    CHECK(t.scale == qp.scale);
    CHECK(t.msb.size() == rows * packed_row_bytes(s.msb_bits, dim));
    CHECK(t.lsb.size() == rows * packed_row_bytes(s.lsb_bits, dim));
    CHECK((s.lsb_bits == 0) == (t.lsb_row(0) == nullptr));
    std::vector<double> out(dim);
    std::vector<std::int32_t> codes(dim);
    for (std::size_t r = 0; r < rows; ++r) {
      decode_full_row(t.msb_row(r), t.lsb_row(r), dim, s, t.scale, out.data());
      decode_full_row_codes(t.msb_row(r), t.lsb_row(r), dim, s, codes.data());
      for (std::size_t c = 0; c < dim; ++c) {
        const std::int32_t q = common::quantise(x[r * dim + c], qp);
        CHECK(codes[c] == q);
        CHECK(out[c] == common::dequantise(q, qp));
      }
    }
  }
}

TEST_CASE("quant: MSB-only error is bounded by scale * 2^(lsb-1)", "[quant]") {
  const std::size_t rows = 16, dim = 64;
  const std::vector<double> x = random_tensor(rows * dim, 3, 5.0);
  for (const BitSplit& s : kSupported) {
    CAPTURE(s.msb_bits, s.lsb_bits);
    const QuantisedTensor t = quantise_split(x, rows, dim, s);
    const double bound = s.lsb_bits > 0 ? t.scale * std::ldexp(1.0, s.lsb_bits - 1) : 0.0;
    std::vector<double> full(dim), msb(dim);
    double worst = 0.0;
    for (std::size_t r = 0; r < rows; ++r) {
      decode_full_row(t.msb_row(r), t.lsb_row(r), dim, s, t.scale, full.data());
      decode_msb_row(t.msb_row(r), dim, s, t.scale, msb.data());
      for (std::size_t c = 0; c < dim; ++c) {
        const double e = std::fabs(msb[c] - full[c]);
        CHECK(e <= bound * (1 + 1e-12));
        worst = std::max(worst, e);
      }
    }
    if (s.lsb_bits > 0) CHECK(worst > 0.5 * bound);  // the bound is meaningful, not loose
  }
}

TEST_CASE("quant: all-zero tensor", "[quant]") {
  const std::vector<double> x(3 * 8, 0.0);
  const QuantisedTensor t = quantise_split(x, 3, 8, {8, 4});
  CHECK(t.scale == 1.0);
  for (auto b : t.msb) CHECK(b == 0);
  for (auto b : t.lsb) CHECK(b == 0);
  double out[8];
  decode_full_row(t.msb_row(2), t.lsb_row(2), 8, t.split, t.scale, out);
  for (double v : out) CHECK(v == 0.0);
  // Empty tensor is fine too.
  const QuantisedTensor e = quantise_split(std::vector<double>{}, 0, 8, {6, 4});
  CHECK(e.msb.empty());
  CHECK(e.lsb.empty());
}

TEST_CASE("quant: negative values sign-extend", "[quant]") {
  // 4+4 (8-bit, qmax 127): x = -127 .. 127 with scale 1.
  std::vector<double> x;
  for (int q = -127; q <= 127; ++q) x.push_back(q);
  const std::size_t dim = x.size();
  const QuantisedTensor t = quantise_split(x, 1, dim, {4, 4});
  REQUIRE(t.scale == 1.0);
  std::vector<std::int32_t> msb(dim);
  unpack_signed(t.msb_row(0), dim, 4, msb.data());
  std::vector<double> full(dim), half(dim);
  decode_full_row(t.msb_row(0), t.lsb_row(0), dim, t.split, t.scale, full.data());
  decode_msb_row(t.msb_row(0), dim, t.split, t.scale, half.data());
  for (std::size_t i = 0; i < dim; ++i) {
    const int q = static_cast<int>(x[i]);
    CHECK(msb[i] == static_cast<int>(std::floor(q / 16.0)));
    CHECK(full[i] == x[i]);
    if (q < 0) CHECK(half[i] < 0.0);  // -1 -> MSB -1 -> -16 + 8 = -8
  }
  CHECK(msb[0] == -8);       // -127 >> 4
  CHECK(half[126] == -8.0);  // q = -1
  // 12+0: the MSB alone is the full value, negatives included.
  const QuantisedTensor w = quantise_split(std::vector<double>{-2047, -1, 0, 2047}, 1, 4, {12, 0});
  double o[4];
  decode_msb_row(w.msb_row(0), 4, w.split, w.scale, o);
  CHECK(o[0] == -2047);
  CHECK(o[1] == -1);
  CHECK(o[2] == 0);
  CHECK(o[3] == 2047);
}

TEST_CASE("quant: needs_lsb is max prob < threshold", "[quant]") {
  const std::vector<double> flat(20, 0.05);
  const std::vector<double> peaked = {0.9, 0.05, 0.05};
  CHECK(needs_lsb(flat.data(), flat.size(), 0.1));
  CHECK_FALSE(needs_lsb(flat.data(), flat.size(), 0.05));  // equal to the threshold: no refetch
  CHECK_FALSE(needs_lsb(peaked.data(), peaked.size(), 0.1));
  CHECK_FALSE(needs_lsb(flat.data(), 0, 0.1));
  const std::vector<double> bad = {0.1, std::nan("")};
  CHECK_THROWS_AS(needs_lsb(bad.data(), bad.size(), 0.1), std::domain_error);
}

// ---------------------------------------------------------------- [schedule]

TEST_CASE("schedule: 12 layers, r = 0.3, 15 % unpruned", "[schedule]") {
  std::string err = "stale";
  ScheduleSpec spec;
  spec.target_ratio = 0.3;
  const PruneSchedule p = PruneSchedule::make(spec, 12, err);
  REQUIRE(err.empty());
  REQUIRE(p.layers() == 12);
  CHECK(p.first_pruned_layer == 2);
  CHECK(p.pruned_fraction[0] == 0.0);
  CHECK(p.pruned_fraction[1] == 0.0);
  CHECK(p.pruned_fraction[2] > 0.0);
  CHECK(std::fabs(p.mean() - 0.3) < 1e-12);
  for (std::uint32_t l = 1; l < 12; ++l) CHECK(p.pruned_fraction[l] >= p.pruned_fraction[l - 1]);
  // f_end = 0.3 * 12 * 2 / 11; linear steps of f_end / 10.
  const double f_end = 0.3 * 12 * 2 / 11;
  CHECK(p.pruned_fraction[11] == Approx(f_end).epsilon(1e-12));
  CHECK(p.pruned_fraction[2] == Approx(f_end / 10).epsilon(1e-12));
  for (std::uint32_t l = 0; l < 12; ++l) {
    CHECK(p.keep(l, 1024) >= 1);
    if (l > 0) CHECK(p.keep(l, 1024) <= p.keep(l - 1, 1024));
  }
  CHECK(p.keep(0, 1024) == 1024);
  CHECK_THROWS_AS(p.keep(12, 1024), std::out_of_range);
}

TEST_CASE("schedule: heads at 30 % and other layer counts keep the mean", "[schedule]") {
  for (std::uint32_t layers : {1u, 2u, 6u, 12u, 24u, 36u}) {
    for (double u : {0.0, 0.15, 0.30}) {
      for (double r : {0.0, 0.1, 0.25}) {
        CAPTURE(layers, u, r);
        std::string err;
        ScheduleSpec s;
        s.target_ratio = r;
        s.unpruned_fraction = u;
        const PruneSchedule p = PruneSchedule::make(s, layers, err);
        if (r >= max_feasible_ratio(layers, u) && r > 0) {
          CHECK_FALSE(err.empty());
          continue;
        }
        REQUIRE(err.empty());
        CHECK(std::fabs(p.mean() - r) < 1e-12);
        const std::uint32_t l0 = unpruned_layers(layers, u);
        for (std::uint32_t l = 0; l < layers; ++l) {
          if (l < l0) CHECK(p.pruned_fraction[l] == 0.0);
          CHECK(p.pruned_fraction[l] < 1.0);
        }
      }
    }
  }
  CHECK(unpruned_layers(12, 0.30) == 4);  // ceil(3.6)
  CHECK(unpruned_layers(10, 0.30) == 3);  // 0.3 * 10 is 3, not 4
  CHECK(unpruned_layers(24, 0.15) == 4);  // ceil(3.6)
  CHECK(unpruned_layers(12, 1.0) == 12);
}

TEST_CASE("schedule: infeasible targets report the largest feasible one", "[schedule]") {
  std::string err;
  ScheduleSpec s;
  s.target_ratio = 0.5;  // 12 layers, l0 = 2, n = 10: max = 11 / 24 = 0.458333
  const PruneSchedule p = PruneSchedule::make(s, 12, err);
  CHECK(p.layers() == 0);
  REQUIRE_FALSE(err.empty());
  CHECK(err.find("largest feasible target") != std::string::npos);
  CHECK(err.find("0.458333") != std::string::npos);
  CHECK(max_feasible_ratio(12, 0.15) == Approx(11.0 / 24.0));

  s.target_ratio = 0.45;  // just below: feasible
  CHECK(PruneSchedule::make(s, 12, err).layers() == 12);
  CHECK(err.empty());

  s.target_ratio = 0.1;  // every layer unpruned
  s.unpruned_fraction = 1.0;
  CHECK(PruneSchedule::make(s, 12, err).layers() == 0);
  CHECK(err.find("largest feasible target is 0") != std::string::npos);

  s.unpruned_fraction = 0.15;
  s.target_ratio = 1.0;
  PruneSchedule::make(s, 12, err);
  CHECK_FALSE(err.empty());
  s.target_ratio = -0.1;
  PruneSchedule::make(s, 12, err);
  CHECK_FALSE(err.empty());
  s.target_ratio = 0.1;
  PruneSchedule::make(s, 0, err);
  CHECK_FALSE(err.empty());
}

TEST_CASE("schedule: explicit keep lists", "[schedule]") {
  std::string err;
  ScheduleSpec s;
  s.target_ratio = 0.9;  // ignored: the explicit list overrides
  s.keep = {1.0, 1.0, 0.8, 0.5};
  PruneSchedule p = PruneSchedule::make(s, 4, err);
  REQUIRE(err.empty());
  CHECK(p.first_pruned_layer == 2);
  CHECK(p.pruned_fraction[3] == Approx(0.5));
  CHECK(p.keep(2, 10) == 8);
  CHECK(p.keep(3, 7) == 4);  // ceil(3.5)

  PruneSchedule::make(s, 5, err);  // wrong length
  CHECK(err.find("4 keep fractions for 5 layers") != std::string::npos);
  s.keep = {1.0, 0.5, 0.6, 0.4};  // increasing
  PruneSchedule::make(s, 4, err);
  CHECK(err.find("non-increasing") != std::string::npos);
  s.keep = {1.0, 0.5, 0.0, 0.0};  // zero keep
  PruneSchedule::make(s, 4, err);
  CHECK(err.find("(0, 1]") != std::string::npos);
  s.keep = {1.1, 1.0, 1.0, 1.0};
  PruneSchedule::make(s, 4, err);
  CHECK_FALSE(err.empty());
  s.keep = {1.0, std::nan(""), 1.0, 1.0};
  PruneSchedule::make(s, 4, err);
  CHECK_FALSE(err.empty());
  s.keep = {1.0, 1.0, 1.0, 1.0};
  p = PruneSchedule::make(s, 4, err);
  CHECK(err.empty());
  CHECK(p.first_pruned_layer == 4);
}

TEST_CASE("schedule: keep_count rule", "[schedule]") {
  CHECK(keep_count(100, 0.3) == 70);  // exact product, no floating-point bump to 71
  CHECK(keep_count(10, 0.25) == 8);   // ceil(7.5): pruning rounds down
  CHECK(keep_count(1024, 0.0) == 1024);
  CHECK(keep_count(1024, 1.0) == 1);  // never 0
  CHECK(keep_count(3, 0.999) == 1);
  CHECK(keep_count(1, 0.9) == 1);
  CHECK(keep_count(0, 0.5) == 0);
  CHECK(keep_count(12, 0.3) == 9);  // ceil(8.4)
  CHECK_THROWS_AS(keep_count(10, -0.1), std::invalid_argument);
  CHECK_THROWS_AS(keep_count(10, 1.1), std::invalid_argument);
  CHECK_THROWS_AS(keep_count(10, std::nan("")), std::invalid_argument);
  for (std::uint32_t total = 1; total < 200; ++total)
    for (double f = 0.0; f <= 1.0; f += 0.013) {
      const std::uint32_t k = keep_count(total, f);
      CHECK((k >= 1 && k <= total));
    }
}
