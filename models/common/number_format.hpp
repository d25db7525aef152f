// Number formats: the bit-level encodings tensors take on the memory bus and inside the engines.
// Models IEEE 754 binary16 (conversion with round-to-nearest-even, subnormals, inf/NaN, overflow to
// inf), symmetric linear quantisation to signed integers of 2..32 bits, unsigned quantisation of
// probabilities in [0,1], and little-endian packing of value spans into bus bytes (FP32, FP16, INT).
// Pure C++; bit-exact and host-endianness independent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace savp::common {

// ---- IEEE binary16 ----
// float -> half bits, round to nearest even. Overflow (|x| >= 65520) gives +-inf; values below half
// the smallest subnormal (2^-25) flush to signed zero; NaN stays NaN (quiet, payload top bits kept).
std::uint16_t float_to_half(float x);
// double -> half bits, rounded once from the exact double (no double rounding via float).
std::uint16_t double_to_half(double x);
// half bits -> float (exact: every binary16 value is representable in binary32).
float half_to_float(std::uint16_t h);
// x rounded to the nearest binary16 value, returned as float.
float round_to_fp16(float x);

// ---- Symmetric linear quantisation (signed) ----
// real ~= q * scale, q in [-(2^(bits-1)-1), 2^(bits-1)-1] (symmetric: -2^(bits-1) is never produced).
struct QuantParams {
  double scale = 1.0;
  int bits = 8;
};

// Largest representable magnitude for a signed width: 2^(bits-1)-1. bits must be in 2..32.
std::int64_t quant_max(int bits);
// scale = max|x| / (2^(bits-1)-1); scale 1 when all values are zero (or n == 0).
// Throws std::invalid_argument for bits outside 2..32, std::domain_error for non-finite data.
QuantParams symmetric_params(const double* data, std::size_t n, int bits);
QuantParams symmetric_params(const std::vector<double>& data, int bits);
// round(x / scale), half away from zero, saturated to +-quant_max(bits). +-inf saturate;
// NaN throws std::domain_error. Invalid params (bits out of range, scale <= 0) throw invalid_argument.
std::int32_t quantise(double x, const QuantParams& p);
// q * scale.
double dequantise(std::int32_t q, const QuantParams& p);

// ---- Unsigned quantisation of probabilities ----
// p clamped to [0,1], q = round(p * (2^bits-1)) half away from zero; scale 1/(2^bits-1).
// bits in 1..32 (std::invalid_argument otherwise); NaN throws std::domain_error.
std::uint32_t quantise_unsigned(double p, int bits);
double dequantise_unsigned(std::uint32_t q, int bits);

// ---- Packing on the memory bus (little-endian) ----
enum class ElemFormat { FP32, FP16, INT };

// Bytes per element: FP32 4, FP16 2, INT 1 (<=8 bits), 2 (<=16), 4 (<=32).
// INT widths outside 2..32 throw std::invalid_argument.
std::size_t elem_bytes(ElemFormat fmt, int int_bits = 8);

// values[0..n) -> out[0 .. n*elem_bytes). FP32/FP16 round to nearest even; INT quantises with
// `q` (q.bits selects the width) and stores two's complement, little-endian.
void pack(const double* values, std::size_t n, ElemFormat fmt, const QuantParams& q, std::uint8_t* out);
std::vector<std::uint8_t> pack(const std::vector<double>& values, ElemFormat fmt,
                               const QuantParams& q = QuantParams{});
// bytes[0 .. n*elem_bytes) -> out[0..n). INT is sign-extended from the element width and
// dequantised with `q`.
void unpack(const std::uint8_t* bytes, std::size_t n, ElemFormat fmt, const QuantParams& q, double* out);
// bytes.size() must be a multiple of elem_bytes (std::invalid_argument otherwise).
std::vector<double> unpack(const std::vector<std::uint8_t>& bytes, ElemFormat fmt,
                           const QuantParams& q = QuantParams{});

}  // namespace savp::common
