// SALO number formats and datapath primitives, bit-accurate, as integer arithmetic on raw codes.
// Source: reference/salo.md "Number formats (RTL)" and "Dataflow" stage 2-4 (Shen et al., DAC 2022,
// and the public Chisel RTL read for facts: PE, inverse and weighted-sum modules).
//
// Formats (signed two's complement, I.F = I integer bits including the sign, F fraction bits):
//   inputs Q/K/V 5.4 (9 bits), probabilities 2.7 (9 bits), accumulators 10.8 (18 bits), and a 5-bit
//   signed shared exponent in [-16, 15] for exp values and softmax sums.
//
// Rounding and saturation rules (the reference leaves these open; the choices are ours):
//   - Conversion from real numbers (operand quantisation): round to nearest, ties away from zero,
//     then saturate to the format's range. NaN throws std::domain_error.
//   - Every accumulator update saturates to 10.8 (the RTL's clippedToWidthOf in the MAC).
//   - Right shifts that only re-align (score scaling by 2^-s, exponent alignment in the row sum
//     and in the weighted-sum unit, the PWL slope product) truncate towards -inf, as the RTL's
//     arithmetic shift / bit slicing does.
//   - Shifts that produce a stored result (probability after normalisation, P.V products into the
//     accumulator, weighted-sum output) round to nearest, ties away from zero. The RTL truncates
//     there; truncation biases every probability and product downwards, so we round.
//   - Exp argument: x = score * scale * log2(e) with 8 fraction bits, saturated to [-16, 16 - 2^-8]
//     before it is split into its 5-bit integer part (the exponent) and its 8-bit fraction (the
//     RTL slices the bits and would wrap; we saturate).
//   - The PWL constants are the published ones, stored as the RTL's look-up tables store them:
//     slopes in 5.4 (pwl_slope_frac_bits = 4, configurable), intercepts in 10.8.
//   - Sums carry (mantissa in 10.8, 5-bit exponent). When a mantissa reaches 256 (half the 10.8
//     range) it is renormalised: shifted right by one (truncating) and the exponent incremented
//     (saturating the mantissa if the exponent is already 15). Within one 32-wide row this never
//     triggers (sum < 2 * 33); it matters for long global rows and many merged slices.
//   - Reciprocal (inverse unit): a normalised 9-bit mantissa in [256, 511] with a binary exponent,
//     mant = round(2^(n+8) / S) where n = bit length of the sum's raw mantissa S (a leading-one
//     detector plus a 9-bit divider); 1/sum = mant * 2^exp. The RTL divides a fixed 2^17 by the raw
//     sum, which loses precision for large sums; the normalised form keeps 9 significant bits.
#pragma once

#include <array>
#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace savp::salo {

enum class Rounding { Floor, NearestAway };

// Signed fixed-point format: int_bits (including the sign) + frac_bits.
struct FixedFormat {
  int int_bits = 5;
  int frac_bits = 4;
  int total_bits() const { return int_bits + frac_bits; }
  std::int64_t max_raw() const { return (std::int64_t{1} << (total_bits() - 1)) - 1; }
  std::int64_t min_raw() const { return -(std::int64_t{1} << (total_bits() - 1)); }
  double lsb() const;
  double to_double(std::int64_t raw) const;
};

inline constexpr FixedFormat kInputFormat{5, 4};  // Q, K, V
inline constexpr FixedFormat kProbFormat{2, 7};   // probabilities
inline constexpr FixedFormat kAccFormat{10, 8};   // accumulators, exp mantissas, sums
inline constexpr int kExpBits = 5;
inline constexpr int kExpMin = -16;
inline constexpr int kExpMax = 15;

// Clamp a raw code to the format's range.
inline std::int64_t saturate(std::int64_t raw, FixedFormat f) {
  return std::min(std::max(raw, f.min_raw()), f.max_raw());
}
// Real -> raw code: round to nearest, ties away from zero, saturate. NaN throws std::domain_error.
std::int64_t quantize(double x, FixedFormat f);
// raw >> n with the given rounding (n >= 0; any n, large shifts give 0 or -1 for Floor).
// (inline: on the PE array's inner loops)
inline std::int64_t shift_right(std::int64_t raw, int n, Rounding r) {
  if (n < 0) throw std::invalid_argument("salo::shift_right: negative shift");
  if (n == 0) return raw;
  if (n >= 62) {
    if (r == Rounding::Floor) return raw < 0 ? -1 : 0;
    return 0;  // |raw| < 2^61 in every use: below half an LSB
  }
  if (r == Rounding::Floor) return raw >> n;  // arithmetic shift (C++20-defined, gcc/clang in C++17)
  const std::int64_t half = std::int64_t{1} << (n - 1);
  const std::int64_t mag = raw < 0 ? -raw : raw;
  const std::int64_t q = (mag + half) >> n;
  return raw < 0 ? -q : q;
}
// A raw value with from_frac fraction bits converted to format `to` (shift + round + saturate).
std::int64_t requantize(std::int64_t raw, int from_frac, FixedFormat to, Rounding r);

// ---- Piecewise-linear 2^f on [0, 1): 4 segments, breakpoints 0, .25, .5, .75 ----
inline constexpr std::array<double, 4> kPwlBreakpoints{0.0, 0.25, 0.5, 0.75};
inline constexpr std::array<double, 4> kPwlSlopes{0.75532268, 0.89775075, 1.06735514, 1.27081757};
inline constexpr std::array<double, 4> kPwlIntercepts{0.99742072, 0.96181372, 0.87701153, 0.72441471};

// The published PWL with exact (real) constants: slope[seg] * f + intercept[seg], f in [0, 1).
double pwl_exp2_frac_ideal(double f);

struct FixedParams {
  int pwl_slope_frac_bits = 4;  // RTL LUT holds slopes in 5.4; intercepts always 10.8
};

// Exp value of the datapath: mant_raw * 2^-8 * 2^exp (mant in 10.8, ~[0.99, 2)).
struct ExpValue {
  std::int64_t mant_raw = 0;
  int exp = kExpMin;
  double value() const;
};

// Raw LUT entries as stored.
std::int64_t pwl_slope_raw(int seg, const FixedParams& p);
std::int64_t pwl_intercept_raw(int seg);
// 2^(frac_raw / 256) as a 10.8 mantissa: intercept + ((slope * frac) >> slope_frac_bits), frac_raw in
// [0, 255], segment = top two bits of the fraction.
std::int64_t pwl_exp2_frac_raw(std::int64_t frac_raw, const FixedParams& p);
// 2^x for x given with 8 fraction bits (x_raw = x * 256): saturate to [-16, 16), split, PWL.
ExpValue exp2_fixed(std::int64_t x_raw, const FixedParams& p);

// Softmax sum with a shared exponent: value = mant_raw * 2^-8 * 2^exp.
struct ExpSum {
  std::int64_t mant_raw = 0;
  int exp = kExpMin;
  double value() const;
  // Exponent-aligned accumulation (one row-sum step): the operand with the smaller exponent is
  // shifted right (truncating) by the difference; then renormalise if the mantissa reached 256.
  void add(std::int64_t mant_raw_in, int exp_in);
  void add(const ExpValue& v) { add(v.mant_raw, v.exp); }
};

// Aligns a (mantissa, exponent) pair to a larger exponent (truncating shift).
std::int64_t align_mantissa(std::int64_t mant_raw, int from_exp, int to_exp);

// Reciprocal of a sum as the inverse unit computes it: 1/sum ~= mant * 2^exp, mant in [256, 511].
struct Reciprocal {
  std::int64_t mant = 0;
  int exp = 0;
  double value() const;
};
// sum.mant_raw must be > 0 (std::invalid_argument otherwise).
Reciprocal reciprocal(const ExpSum& sum);

// Normalisation stage: probability = exp * reciprocal, as a 2.7 raw code (round to nearest,
// saturate).
// (inline: on the PE array's per-key path)
inline std::int64_t normalise(const ExpValue& e, const Reciprocal& r) {
  const std::int64_t prod = e.mant_raw * r.mant;  // value prod * 2^(e.exp + r.exp - 8)
  const int s = 1 - e.exp - r.exp;                // to 7 fraction bits
  const std::int64_t raw = s >= 0 ? shift_right(prod, s, Rounding::NearestAway) : prod << (-s);
  return saturate(raw, kProbFormat);
}

}  // namespace savp::salo
