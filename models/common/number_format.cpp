#include "models/common/number_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

namespace savp::common {

namespace {

std::uint32_t float_bits(float x) {
  std::uint32_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

float bits_float(std::uint32_t b) {
  float x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

void check_signed_bits(int bits) {
  if (bits < 2 || bits > 32)
    throw std::invalid_argument("quantisation width must be 2..32 bits, got " + std::to_string(bits));
}

void check_params(const QuantParams& p) {
  check_signed_bits(p.bits);
  if (!(p.scale > 0.0) || !std::isfinite(p.scale))
    throw std::invalid_argument("quantisation scale must be finite and > 0, got " + std::to_string(p.scale));
}

// Round half away from zero, then saturate to [-limit, limit]. x is finite or +-inf, not NaN.
std::int64_t round_saturate(double x, std::int64_t limit) {
  const double lim = static_cast<double>(limit);
  if (x >= lim) return limit;
  if (x <= -lim) return -limit;
  return static_cast<std::int64_t>(std::round(x));  // std::round: half away from zero
}

}  // namespace

// ---- binary16 ----

std::uint16_t double_to_half(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  const std::uint16_t sign = static_cast<std::uint16_t>((b >> 48) & 0x8000u);
  const std::uint64_t exp = (b >> 52) & 0x7FFu;
  const std::uint64_t mant = b & ((std::uint64_t{1} << 52) - 1);

  if (exp == 0x7FFu) {
    if (mant == 0) return static_cast<std::uint16_t>(sign | 0x7C00u);
    return static_cast<std::uint16_t>(sign | 0x7E00u | (mant >> 42));  // quiet NaN, top payload
  }
  const int e = static_cast<int>(exp) - 1023;
  if (e > 15) return static_cast<std::uint16_t>(sign | 0x7C00u);  // overflow
  std::uint64_t h, rem, half;
  if (e >= -14) {  // normal binary16 range
    h = (static_cast<std::uint64_t>(e + 15) << 10) | (mant >> 42);
    rem = mant & ((std::uint64_t{1} << 42) - 1);
    half = std::uint64_t{1} << 41;
  } else if (e >= -25) {  // subnormal binary16 (or rounds up to the smallest one)
    const std::uint64_t m = mant | (std::uint64_t{1} << 52);  // value = m * 2^(e-52)
    const int shift = 28 - e;                                 // units of 2^-24: m >> shift
    h = m >> shift;
    rem = m & ((std::uint64_t{1} << shift) - 1);
    half = std::uint64_t{1} << (shift - 1);
  } else {
    return sign;  // below 2^-25: rounds to signed zero
  }
  // Round to nearest even. A carry out of the mantissa correctly bumps the exponent
  // (subnormal -> smallest normal, largest finite -> inf).
  if (rem > half || (rem == half && (h & 1u))) ++h;
  return static_cast<std::uint16_t>(sign | h);
}

std::uint16_t float_to_half(float x) { return double_to_half(static_cast<double>(x)); }

float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exp = (h >> 10) & 0x1Fu;
  const std::uint32_t mant = h & 0x3FFu;
  if (exp == 0) {
    if (mant == 0) return bits_float(sign);
    const float mag = std::ldexp(static_cast<float>(mant), -24);  // exact
    return sign ? -mag : mag;
  }
  if (exp == 0x1Fu) return bits_float(sign | 0x7F800000u | (mant << 13));
  return bits_float(sign | ((exp + 112u) << 23) | (mant << 13));
}

float round_to_fp16(float x) { return half_to_float(float_to_half(x)); }

// ---- signed quantisation ----

std::int64_t quant_max(int bits) {
  check_signed_bits(bits);
  return (std::int64_t{1} << (bits - 1)) - 1;
}

QuantParams symmetric_params(const double* data, std::size_t n, int bits) {
  const std::int64_t qmax = quant_max(bits);
  double amax = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(data[i]))
      throw std::domain_error("symmetric_params: non-finite value at index " + std::to_string(i));
    amax = std::max(amax, std::fabs(data[i]));
  }
  QuantParams p;
  p.bits = bits;
  p.scale = amax > 0.0 ? amax / static_cast<double>(qmax) : 1.0;
  return p;
}

QuantParams symmetric_params(const std::vector<double>& data, int bits) {
  return symmetric_params(data.data(), data.size(), bits);
}

std::int32_t quantise(double x, const QuantParams& p) {
  check_params(p);
  if (std::isnan(x)) throw std::domain_error("quantise: NaN input");
  return static_cast<std::int32_t>(round_saturate(x / p.scale, quant_max(p.bits)));
}

double dequantise(std::int32_t q, const QuantParams& p) { return static_cast<double>(q) * p.scale; }

// ---- unsigned quantisation ----

namespace {
std::uint64_t unsigned_max(int bits) {
  if (bits < 1 || bits > 32)
    throw std::invalid_argument("unsigned quantisation width must be 1..32 bits, got " +
                                std::to_string(bits));
  return (std::uint64_t{1} << bits) - 1;
}
}  // namespace

std::uint32_t quantise_unsigned(double p, int bits) {
  const std::uint64_t qmax = unsigned_max(bits);
  if (std::isnan(p)) throw std::domain_error("quantise_unsigned: NaN input");
  if (p <= 0.0) return 0;
  if (p >= 1.0) return static_cast<std::uint32_t>(qmax);
  const double q = std::round(p * static_cast<double>(qmax));
  return static_cast<std::uint32_t>(std::min(q, static_cast<double>(qmax)));
}

double dequantise_unsigned(std::uint32_t q, int bits) {
  return static_cast<double>(q) / static_cast<double>(unsigned_max(bits));
}

// ---- packing ----

std::size_t elem_bytes(ElemFormat fmt, int int_bits) {
  switch (fmt) {
    case ElemFormat::FP32:
      return 4;
    case ElemFormat::FP16:
      return 2;
    case ElemFormat::INT:
      check_signed_bits(int_bits);
      return int_bits <= 8 ? 1 : int_bits <= 16 ? 2 : 4;
  }
  throw std::invalid_argument("elem_bytes: unknown ElemFormat");
}

namespace {
void put_le(std::uint8_t* out, std::uint32_t v, std::size_t nbytes) {
  for (std::size_t i = 0; i < nbytes; ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint32_t get_le(const std::uint8_t* in, std::size_t nbytes) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < nbytes; ++i) v |= static_cast<std::uint32_t>(in[i]) << (8 * i);
  return v;
}
}  // namespace

void pack(const double* values, std::size_t n, ElemFormat fmt, const QuantParams& q, std::uint8_t* out) {
  const std::size_t eb = elem_bytes(fmt, q.bits);
  if (fmt == ElemFormat::INT) check_params(q);
  for (std::size_t i = 0; i < n; ++i, out += eb) {
    switch (fmt) {
      case ElemFormat::FP32:
        put_le(out, float_bits(static_cast<float>(values[i])), 4);
        break;
      case ElemFormat::FP16:
        put_le(out, double_to_half(values[i]), 2);
        break;
      case ElemFormat::INT:
        put_le(out, static_cast<std::uint32_t>(quantise(values[i], q)), eb);
        break;
    }
  }
}

std::vector<std::uint8_t> pack(const std::vector<double>& values, ElemFormat fmt, const QuantParams& q) {
  std::vector<std::uint8_t> out(values.size() * elem_bytes(fmt, q.bits));
  pack(values.data(), values.size(), fmt, q, out.data());
  return out;
}

void unpack(const std::uint8_t* bytes, std::size_t n, ElemFormat fmt, const QuantParams& q, double* out) {
  const std::size_t eb = elem_bytes(fmt, q.bits);
  for (std::size_t i = 0; i < n; ++i, bytes += eb) {
    switch (fmt) {
      case ElemFormat::FP32:
        out[i] = static_cast<double>(bits_float(get_le(bytes, 4)));
        break;
      case ElemFormat::FP16:
        out[i] = static_cast<double>(half_to_float(static_cast<std::uint16_t>(get_le(bytes, 2))));
        break;
      case ElemFormat::INT: {
        std::uint32_t v = get_le(bytes, eb);
        std::int64_t s;
        if (eb == 1)
          s = static_cast<std::int8_t>(v);
        else if (eb == 2)
          s = static_cast<std::int16_t>(v);
        else
          s = static_cast<std::int32_t>(v);
        out[i] = dequantise(static_cast<std::int32_t>(s), q);
        break;
      }
    }
  }
}

std::vector<double> unpack(const std::vector<std::uint8_t>& bytes, ElemFormat fmt, const QuantParams& q) {
  const std::size_t eb = elem_bytes(fmt, q.bits);
  if (bytes.size() % eb != 0)
    throw std::invalid_argument("unpack: " + std::to_string(bytes.size()) +
                                " bytes is not a multiple of the element size " + std::to_string(eb));
  std::vector<double> out(bytes.size() / eb);
  unpack(bytes.data(), out.size(), fmt, q, out.data());
  return out;
}

}  // namespace savp::common
