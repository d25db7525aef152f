// Unit tests for models/common/number_format: binary16 conversion, quantisation, bus packing.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "models/common/number_format.hpp"

using namespace savp::common;

TEST_CASE("fp16: known bit patterns", "[number_format][fp16]") {
  CHECK(float_to_half(0.0f) == 0x0000);
  CHECK(float_to_half(-0.0f) == 0x8000);
  CHECK(float_to_half(1.0f) == 0x3C00);
  CHECK(float_to_half(-2.0f) == 0xC000);
  CHECK(float_to_half(0.5f) == 0x3800);
  CHECK(float_to_half(65504.0f) == 0x7BFF);
  CHECK(float_to_half(0.1f) == 0x2E66);
  CHECK(float_to_half(std::ldexp(1.0f, -14)) == 0x0400);     // smallest normal
  CHECK(float_to_half(std::ldexp(1.0f, -24)) == 0x0001);     // smallest subnormal
  CHECK(float_to_half(std::ldexp(1023.0f, -24)) == 0x03FF);  // largest subnormal
  CHECK(float_to_half(-std::ldexp(1.0f, -24)) == 0x8001);
}

TEST_CASE("fp16: overflow, inf and nan", "[number_format][fp16]") {
  CHECK(float_to_half(65519.0f) == 0x7BFF);  // below the tie: stays finite
  CHECK(float_to_half(65520.0f) == 0x7C00);  // tie with 65536 (odd mantissa) -> inf
  CHECK(float_to_half(-65520.0f) == 0xFC00);
  CHECK(float_to_half(1e10f) == 0x7C00);
  CHECK(float_to_half(std::numeric_limits<float>::infinity()) == 0x7C00);
  CHECK(float_to_half(-std::numeric_limits<float>::infinity()) == 0xFC00);
  const std::uint16_t n = float_to_half(std::numeric_limits<float>::quiet_NaN());
  CHECK((n & 0x7C00) == 0x7C00);
  CHECK((n & 0x03FF) != 0);
  CHECK(std::isnan(half_to_float(n)));
  CHECK(std::isinf(half_to_float(0x7C00)));
  CHECK(half_to_float(0xFC00) < 0);
}

TEST_CASE("fp16: round to nearest, ties to even", "[number_format][fp16]") {
  const float ulp = std::ldexp(1.0f, -10);                    // spacing of halves in [1,2)
  CHECK(float_to_half(1.0f + ulp / 2) == 0x3C00);             // tie, 0x3C00 even -> down
  CHECK(float_to_half(1.0f + 3 * ulp / 2) == 0x3C02);         // tie, 0x3C01 odd -> up
  CHECK(float_to_half(1.0f + ulp / 2 + ulp / 64) == 0x3C01);  // just above the tie -> up
  CHECK(float_to_half(1.0f + ulp / 2 - ulp / 64) == 0x3C00);  // just below -> down
  // Subnormal ties: 2^-25 is halfway between 0 and 2^-24 -> even (0); 3*2^-25 -> 2 (even).
  CHECK(float_to_half(std::ldexp(1.0f, -25)) == 0x0000);
  CHECK(float_to_half(std::ldexp(1.0f, -25) * 1.0001f) == 0x0001);
  CHECK(float_to_half(std::ldexp(3.0f, -25)) == 0x0002);
  CHECK(float_to_half(std::ldexp(1.0f, -26)) == 0x0000);  // underflow to zero
  // Largest subnormal + half ulp rounds up into the smallest normal.
  CHECK(float_to_half(std::ldexp(2047.0f, -25)) == 0x0400);
}

TEST_CASE("fp16: double conversion rounds once", "[number_format][fp16]") {
  // 1 + 2^-11 + 2^-40 is just above a tie; going through float would lose 2^-40 and tie to even.
  const double x = 1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40);
  CHECK(double_to_half(x) == 0x3C01);
  CHECK(float_to_half(static_cast<float>(x)) == 0x3C00);
  CHECK(double_to_half(0.1) == 0x2E66);
  CHECK(double_to_half(1e300) == 0x7C00);
  CHECK(double_to_half(1e-300) == 0x0000);
}

TEST_CASE("fp16: every half survives half->float->half", "[number_format][fp16]") {
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    const auto hh = static_cast<std::uint16_t>(h);
    const float f = half_to_float(hh);
    if (std::isnan(f)) continue;
    if (float_to_half(f) != hh) FAIL("half 0x" << std::hex << h << " did not round-trip");
    if (round_to_fp16(f) != f) FAIL("round_to_fp16 changed half 0x" << std::hex << h);
  }
  CHECK(half_to_float(0x3C00) == 1.0f);
  CHECK(half_to_float(0x0001) == std::ldexp(1.0f, -24));
  CHECK(half_to_float(0x7BFF) == 65504.0f);
  CHECK(round_to_fp16(0.1f) == half_to_float(0x2E66));
}

TEST_CASE("quantisation: symmetric params", "[number_format][quant]") {
  const std::vector<double> d{-2.0, 1.0, 0.5};
  const QuantParams p = symmetric_params(d, 8);
  CHECK(p.bits == 8);
  CHECK(p.scale == Approx(2.0 / 127.0));
  CHECK(symmetric_params(std::vector<double>{0.0, -0.0}, 4).scale == 1.0);
  CHECK(symmetric_params(nullptr, 0, 4).scale == 1.0);
  CHECK(symmetric_params(std::vector<double>{3.0}, 2).scale == 3.0);  // qmax 1
  CHECK(quant_max(2) == 1);
  CHECK(quant_max(8) == 127);
  CHECK(quant_max(32) == 2147483647);
  CHECK_THROWS_AS(symmetric_params(d, 1), std::invalid_argument);
  CHECK_THROWS_AS(symmetric_params(d, 33), std::invalid_argument);
  CHECK_THROWS_AS(symmetric_params(std::vector<double>{1.0, NAN}, 8), std::domain_error);
  // The largest magnitude maps exactly to +-qmax.
  CHECK(quantise(-2.0, p) == -127);
  CHECK(quantise(2.0, p) == 127);
}

TEST_CASE("quantisation: rounding and saturation", "[number_format][quant]") {
  const QuantParams p{0.5, 4};      // qmax 7
  CHECK(quantise(1.25, p) == 3);    // 2.5 -> 3 (half away from zero)
  CHECK(quantise(-1.25, p) == -3);  // -2.5 -> -3
  CHECK(quantise(0.75, p) == 2);    // 1.5 -> 2
  CHECK(quantise(0.7, p) == 1);     // 1.4 -> 1
  CHECK(quantise(0.0, p) == 0);
  CHECK(quantise(3.5, p) == 7);
  CHECK(quantise(3.75, p) == 7);  // 7.5 saturates
  CHECK(quantise(100.0, p) == 7);
  CHECK(quantise(-100.0, p) == -7);  // symmetric: never -8
  CHECK(quantise(std::numeric_limits<double>::infinity(), p) == 7);
  CHECK(quantise(-std::numeric_limits<double>::infinity(), p) == -7);
  CHECK_THROWS_AS(quantise(std::nan(""), p), std::domain_error);
  CHECK_THROWS_AS(quantise(1.0, QuantParams{0.0, 8}), std::invalid_argument);
  CHECK_THROWS_AS(quantise(1.0, QuantParams{1.0, 40}), std::invalid_argument);
  CHECK(dequantise(3, p) == 1.5);
  CHECK(dequantise(-7, p) == -3.5);
  const QuantParams w{1.0, 32};
  CHECK(quantise(1e300, w) == 2147483647);
  CHECK(quantise(-1e300, w) == -2147483647);
  CHECK(quantise(123456.5, w) == 123457);
}

TEST_CASE("quantisation: unsigned probabilities", "[number_format][quant]") {
  CHECK(quantise_unsigned(0.0, 8) == 0);
  CHECK(quantise_unsigned(1.0, 8) == 255);
  CHECK(quantise_unsigned(0.5, 8) == 128);  // 127.5 -> 128
  CHECK(quantise_unsigned(-0.1, 8) == 0);   // clamped
  CHECK(quantise_unsigned(1.5, 8) == 255);
  CHECK(quantise_unsigned(0.5, 1) == 1);
  CHECK(quantise_unsigned(0.2, 4) == 3);  // 3.0
  CHECK(quantise_unsigned(1.0, 32) == 4294967295u);
  CHECK(dequantise_unsigned(255, 8) == 1.0);
  CHECK(dequantise_unsigned(0, 8) == 0.0);
  CHECK(dequantise_unsigned(5, 4) == Approx(1.0 / 3.0));
  CHECK_THROWS_AS(quantise_unsigned(0.5, 0), std::invalid_argument);
  CHECK_THROWS_AS(quantise_unsigned(0.5, 33), std::invalid_argument);
  CHECK_THROWS_AS(quantise_unsigned(std::nan(""), 8), std::domain_error);
}

TEST_CASE("packing: element sizes", "[number_format][pack]") {
  CHECK(elem_bytes(ElemFormat::FP32, 8) == 4);
  CHECK(elem_bytes(ElemFormat::FP16, 8) == 2);
  CHECK(elem_bytes(ElemFormat::INT, 2) == 1);
  CHECK(elem_bytes(ElemFormat::INT, 8) == 1);
  CHECK(elem_bytes(ElemFormat::INT, 9) == 2);
  CHECK(elem_bytes(ElemFormat::INT, 16) == 2);
  CHECK(elem_bytes(ElemFormat::INT, 17) == 4);
  CHECK(elem_bytes(ElemFormat::INT, 32) == 4);
  CHECK_THROWS_AS(elem_bytes(ElemFormat::INT, 1), std::invalid_argument);
  CHECK_THROWS_AS(elem_bytes(ElemFormat::INT, 33), std::invalid_argument);
}

TEST_CASE("packing: little-endian byte images", "[number_format][pack]") {
  using B = std::vector<std::uint8_t>;
  CHECK(pack({1.0, -2.0}, ElemFormat::FP32) == B{0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0});
  CHECK(pack({1.0, 0.1, 65520.0}, ElemFormat::FP16) == B{0x00, 0x3C, 0x66, 0x2E, 0x00, 0x7C});
  const QuantParams q8{1.0 / 127.0, 8};
  CHECK(pack({-1.0, 63.5 / 127.0, 1.0, 5.0}, ElemFormat::INT, q8) == B{0x81, 0x40, 0x7F, 0x7F});
  CHECK(pack({-5.0, 300.0}, ElemFormat::INT, QuantParams{1.0, 12}) == B{0xFB, 0xFF, 0x2C, 0x01});
  CHECK(pack({-2.0}, ElemFormat::INT, QuantParams{1.0, 20}) == B{0xFE, 0xFF, 0xFF, 0xFF});
  // double_to_half, not a double round through float
  CHECK(pack({1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40)}, ElemFormat::FP16) == B{0x01, 0x3C});
}

TEST_CASE("packing: round trips", "[number_format][pack]") {
  const std::vector<double> exact{0.0, 1.0, -0.5, 3.25, 1024.0, -65504.0, std::ldexp(1.0, -24)};
  CHECK(unpack(pack(exact, ElemFormat::FP32), ElemFormat::FP32) == exact);
  CHECK(unpack(pack(exact, ElemFormat::FP16), ElemFormat::FP16) == exact);

  const std::vector<double> v{0.1, -0.7, 3.14159, -2.5, 1e-3};
  const auto f32 = unpack(pack(v, ElemFormat::FP32), ElemFormat::FP32);
  const auto f16 = unpack(pack(v, ElemFormat::FP16), ElemFormat::FP16);
  for (std::size_t i = 0; i < v.size(); ++i) {
    CHECK(f32[i] == static_cast<double>(static_cast<float>(v[i])));
    CHECK(f16[i] == static_cast<double>(round_to_fp16(static_cast<float>(v[i]))));
  }
  for (int bits : {2, 4, 8, 12, 16, 24, 32}) {
    const QuantParams q = symmetric_params(v, bits);
    const auto back = unpack(pack(v, ElemFormat::INT, q), ElemFormat::INT, q);
    REQUIRE(back.size() == v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      INFO("bits " << bits << " index " << i);
      CHECK(std::fabs(back[i] - v[i]) <= q.scale / 2 * (1 + 1e-12));
      CHECK(back[i] == dequantise(quantise(v[i], q), q));
    }
  }
  CHECK_THROWS_AS(unpack(std::vector<std::uint8_t>{1, 2, 3}, ElemFormat::FP16), std::invalid_argument);
}
