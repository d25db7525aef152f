// SALO number formats and datapath primitives, bit-accurate, as integer arithmetic on raw codes.
// Source: reference/salo.md "Number formats (RTL)" and "Dataflow" stage 2-4 (Shen et al., DAC 2022,
// and the public Chisel RTL read for facts: PE, inverse and weighted-sum modules).
//
// Formats (signed two's complement, I.F = I integer bits including the sign, F fraction bits):
//   inputs Q/K/V 5.4 (9 bits), probabilities 2.7 (9 bits), accumulators 10.8 (18 bits), and a 5-bit
//   signed shared exponent in [-16, 15] for exp values and softmax sums.
//
// Rounding and overflow rules. The reference leaves them open; the defaults are ours, and the
// per-stage choices of FixedParams (scenario key "fixed_arithmetic") let the model match a given
// RTL bit for bit (the authors' generated Verilog: truncate, wrap, 8-bit reciprocal, dropped bit):
//   - Conversion from real numbers (operand quantisation): round to nearest, ties away from zero,
//     then saturate to the format's range. NaN throws std::domain_error.
//   - Q.K^T accumulator updates: saturate to 10.8 (default) or wrap (a plain add into 18 bits, what
//     the authors' PE does: its MAC class with clippedToWidthOf is never instantiated).
//   - Right shifts that only re-align (score scaling by 2^-s, exponent alignment in the row sum
//     and in the weighted-sum unit, the PWL slope product) truncate towards -inf, as the RTL's
//     arithmetic shift / bit slicing does.
//   - Shifts that produce a stored result (probability after normalisation, P.V products into the
//     accumulator): round to nearest, ties away from zero (default: truncation biases every
//     probability and product downwards) or truncate (floor), per stage. The weighted-sum output
//     always rounds to nearest.
//   - Exp argument: x = score * scale * log2(e) with 8 fraction bits, saturated to [-16, 16 - 2^-8]
//     before it is split into its 5-bit integer part (the exponent) and its 8-bit fraction (the
//     RTL slices the bits and would wrap; we saturate).
//   - The PWL constants are the published ones, stored as the RTL's look-up tables store them:
//     slopes in 5.4 (pwl_slope_frac_bits = 4, configurable), intercepts in 10.8.
//   - Sums carry (mantissa in 10.8, 5-bit exponent). When a mantissa reaches 256 (half the 10.8
//     range) it is renormalised: shifted right by one (truncating) and the exponent incremented
//     (saturating the mantissa if the exponent is already 15). Within one 32-wide row this never
//     triggers (sum < 2 * 33); it matters for long global rows and many merged slices.
//   - Reciprocal (inverse unit): a normalised B-bit mantissa in [2^(B-1), 2^B - 1] with a binary
//     exponent, mant = 2^(n+B-1) / S rounded (nearest, or floor when the normalise stage truncates)
//     where n = bit length of the sum's raw mantissa S (a leading-one detector plus a B-bit
//     divider); 1/sum = mant * 2^exp. B = 9 by default; the authors' Verilog feeds an 8-bit
//     reciprocal to the PE's 9-bit signed multiplier. (Their inverse unit divides a fixed 2^17 by the
//     raw sum, which loses precision for large sums; the normalised form keeps B significant bits.)
//   - Normalise operands: the exp mantissa (10.8, 9 significant bits) times the reciprocal; with
//     drop_exp_lsb its last bit is dropped first (8 bits, as the authors' PE slices bits 8..1).
//   - Probability and P.V accumulator overflow: saturate (default) or wrap to the format's width.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>

namespace savp::salo {

enum class Rounding { Floor, NearestAway };
enum class Overflow { Saturate, Wrap };

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
// Two's-complement wrap of a raw code to the format's width (the bits a plain add keeps).
inline std::int64_t wrap(std::int64_t raw, FixedFormat f) {
  const int b = f.total_bits();
  const std::uint64_t mask = (std::uint64_t{1} << b) - 1, sign = std::uint64_t{1} << (b - 1);
  const std::uint64_t u = static_cast<std::uint64_t>(raw) & mask;
  return static_cast<std::int64_t>(u ^ sign) - static_cast<std::int64_t>(sign);
}
// Saturate or wrap to the format's range.
inline std::int64_t fit(std::int64_t raw, FixedFormat f, Overflow o) {
  return o == Overflow::Saturate ? saturate(raw, f) : wrap(raw, f);
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

// Options of the fixed datapath (defaults: SAVP's choices; scenario key "fixed_arithmetic").
struct FixedParams {
  int pwl_slope_frac_bits = 4;                     // RTL LUT holds slopes in 5.4; intercepts always 10.8
  Overflow qk_overflow = Overflow::Saturate;       // stage 1 accumulator (10.8)
  Rounding norm_rounding = Rounding::NearestAway;  // stage 4 product shift and the reciprocal divide
  Overflow norm_overflow = Overflow::Saturate;     // stage 4 probability (2.7)
  int reciprocal_bits = 9;                         // B: reciprocal mantissa width, kReciprocalBitsMin..Max
  bool drop_exp_lsb = false;                       // stage 4: exp mantissa's last bit dropped (9 -> 8 bits)
  Rounding pv_rounding = Rounding::NearestAway;    // stage 5 product (11 -> 8 fraction bits)
  Overflow pv_overflow = Overflow::Saturate;       // stage 5 accumulator (10.8)
};
inline constexpr int kReciprocalBitsMin = 4, kReciprocalBitsMax = 12;

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

// Reciprocal of a sum as the inverse unit computes it: 1/sum ~= mant * 2^exp, mant in
// [2^(B-1), 2^B - 1] (B = p.reciprocal_bits; [256, 511] by default).
struct Reciprocal {
  std::int64_t mant = 0;
  int exp = 0;
  double value() const;
};
// sum.mant_raw must be > 0 (std::invalid_argument otherwise). Rounds the divide as
// p.norm_rounding; B = p.reciprocal_bits.
Reciprocal reciprocal(const ExpSum& sum, const FixedParams& p = FixedParams{});

// Normalisation stage: probability = exp * reciprocal, as a 2.7 raw code (p.norm_rounding,
// p.norm_overflow; the exp mantissa's last bit dropped first with p.drop_exp_lsb).
// (inline: on the PE array's per-key path)
inline std::int64_t normalise(const ExpValue& e, const Reciprocal& r, const FixedParams& p = FixedParams{}) {
  const int drop = p.drop_exp_lsb ? 1 : 0;
  const std::int64_t prod = (e.mant_raw >> drop) * r.mant;  // value prod * 2^(e.exp + r.exp - 8 + drop)
  const int s = 1 - drop - e.exp - r.exp;                   // to 7 fraction bits
  if (s >= 0) return fit(shift_right(prod, s, p.norm_rounding), kProbFormat, p.norm_overflow);
  if (prod == 0) return 0;  // below: prod > 0 (both operands are positive)
  if (p.norm_overflow == Overflow::Wrap)
    return -s >= kProbFormat.total_bits() ? 0 : wrap(prod << (-s), kProbFormat);
  return -s >= 31 ? kProbFormat.max_raw() : saturate(prod << (-s), kProbFormat);
}

}  // namespace savp::salo
