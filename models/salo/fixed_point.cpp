#include "models/salo/fixed_point.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace savp::salo {

double FixedFormat::lsb() const { return std::ldexp(1.0, -frac_bits); }

double FixedFormat::to_double(std::int64_t raw) const {
  return std::ldexp(static_cast<double>(raw), -frac_bits);
}

std::int64_t quantize(double x, FixedFormat f) {
  if (std::isnan(x)) throw std::domain_error("salo::quantize: NaN");
  const double scaled = std::ldexp(x, f.frac_bits);
  if (scaled >= static_cast<double>(f.max_raw())) return f.max_raw();
  if (scaled <= static_cast<double>(f.min_raw())) return f.min_raw();
  return saturate(static_cast<std::int64_t>(std::round(scaled)), f);  // std::round: ties away
}

std::int64_t requantize(std::int64_t raw, int from_frac, FixedFormat to, Rounding r) {
  const int d = from_frac - to.frac_bits;
  const std::int64_t v = d >= 0 ? shift_right(raw, d, r) : raw * (std::int64_t{1} << (-d));
  return saturate(v, to);
}

double pwl_exp2_frac_ideal(double f) {
  if (!(f >= 0.0 && f < 1.0)) throw std::invalid_argument("salo::pwl_exp2_frac_ideal: f outside [0,1)");
  const int seg = std::min(3, static_cast<int>(f * 4.0));
  return kPwlSlopes[seg] * f + kPwlIntercepts[seg];
}

double ExpValue::value() const { return std::ldexp(static_cast<double>(mant_raw), exp - 8); }
double ExpSum::value() const { return std::ldexp(static_cast<double>(mant_raw), exp - 8); }
double Reciprocal::value() const { return std::ldexp(static_cast<double>(mant), exp); }

std::int64_t pwl_slope_raw(int seg, const FixedParams& p) {
  return quantize(kPwlSlopes.at(seg), FixedFormat{5, p.pwl_slope_frac_bits});
}

std::int64_t pwl_intercept_raw(int seg) { return quantize(kPwlIntercepts.at(seg), kAccFormat); }

std::int64_t pwl_exp2_frac_raw(std::int64_t frac_raw, const FixedParams& p) {
  if (frac_raw < 0 || frac_raw > 255) throw std::invalid_argument("salo::pwl_exp2_frac_raw: fraction");
  const int seg = static_cast<int>(frac_raw >> 6);
  const std::int64_t prod = pwl_slope_raw(seg, p) * frac_raw;  // 8 + slope_frac_bits fraction bits
  return saturate(pwl_intercept_raw(seg) + shift_right(prod, p.pwl_slope_frac_bits, Rounding::Floor),
                  kAccFormat);
}

ExpValue exp2_fixed(std::int64_t x_raw, const FixedParams& p) {
  const std::int64_t lo = std::int64_t{kExpMin} * 256, hi = std::int64_t{kExpMax + 1} * 256 - 1;
  const std::int64_t x = std::min(std::max(x_raw, lo), hi);
  ExpValue e;
  e.exp = static_cast<int>(x >> 8);  // floor: integer part
  e.mant_raw = pwl_exp2_frac_raw(x & 255, p);
  return e;
}

std::int64_t align_mantissa(std::int64_t mant_raw, int from_exp, int to_exp) {
  if (to_exp < from_exp) throw std::invalid_argument("salo::align_mantissa: aligning downwards");
  return shift_right(mant_raw, to_exp - from_exp, Rounding::Floor);
}

void ExpSum::add(std::int64_t mant_in, int exp_in) {
  if (exp_in > exp) {
    mant_raw = align_mantissa(mant_raw, exp, exp_in);
    exp = exp_in;
  } else {
    mant_in = align_mantissa(mant_in, exp_in, exp);
  }
  mant_raw = saturate(mant_raw + mant_in, kAccFormat);
  while (mant_raw >= 256 * 256 && exp < kExpMax) {
    mant_raw = shift_right(mant_raw, 1, Rounding::Floor);
    ++exp;
  }
}

Reciprocal reciprocal(const ExpSum& sum, const FixedParams& p) {
  if (sum.mant_raw <= 0) throw std::invalid_argument("salo::reciprocal: sum must be positive");
  const int b = p.reciprocal_bits;
  if (b < kReciprocalBitsMin || b > kReciprocalBitsMax)
    throw std::invalid_argument("salo::reciprocal: width");
  int n = 0;
  while ((sum.mant_raw >> n) != 0) ++n;  // bit length (leading-one detector)
  const std::int64_t num = std::int64_t{1} << (n + b - 1);
  Reciprocal r;
  r.mant = p.norm_rounding == Rounding::NearestAway
               ? (2 * num + sum.mant_raw) / (2 * sum.mant_raw)  // ties up
               : num / sum.mant_raw;                            // floor
  r.exp = 9 - b - n - sum.exp;
  if (r.mant >= (std::int64_t{1} << b)) {
    r.mant >>= 1;
    r.exp += 1;
  }
  return r;
}

}  // namespace savp::salo
