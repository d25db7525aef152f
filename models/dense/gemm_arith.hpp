// The dense array's GEMM arithmetic (one output element's reduction), shared by DenseCore's folds and
// the reference library (testbenches/dpi): "int" multiplies integer codes exactly and saturates the
// accumulator to accumulator_bits (two's complement) after every MAC; the float formats (fp32, fp16:
// operands already decoded to their values) multiply and accumulate in fp32, in k order.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace savp::dense {

// Saturates an integer accumulator to a two's-complement width.
inline std::int64_t saturate(std::int64_t v, int bits) {
  if (bits >= 64) return v;
  const std::int64_t hi = (std::int64_t{1} << (bits - 1)) - 1;
  return std::clamp<std::int64_t>(v, -hi - 1, hi);
}

// acc + sum over k in [k0, k1) of a[k] * b[k * b_stride] in the datapath's arithmetic (acc holds the
// integer accumulator or the fp32 partial sum, exactly, as a double).
inline double gemm_reduce(const double* a, const double* b, std::size_t b_stride, std::size_t k0,
                          std::size_t k1, double acc, bool is_int, int acc_bits) {
  if (is_int) {
    std::int64_t s = static_cast<std::int64_t>(acc);
    for (std::size_t k = k0; k < k1; ++k) {
      s = saturate(s + static_cast<std::int64_t>(a[k]) * static_cast<std::int64_t>(b[k * b_stride]),
                   acc_bits);
    }
    return static_cast<double>(s);
  }
  float s = static_cast<float>(acc);
  for (std::size_t k = k0; k < k1; ++k) s += static_cast<float>(a[k]) * static_cast<float>(b[k * b_stride]);
  return s;
}

}  // namespace savp::dense
