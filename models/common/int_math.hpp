// Small integer helpers shared by the timing models.
#pragma once

#include <cstdint>

namespace savp::common {

inline constexpr std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

// a % size, as a mask when size is a power of two (the usual burst and page sizes): a 64-bit
// division costs tens of cycles on the per-request paths that ask this.
inline constexpr std::uint64_t offset_in(std::uint64_t a, std::uint64_t size) {
  return (size & (size - 1)) == 0 ? a & (size - 1) : a % size;
}

// Smallest n with 2^n >= x (0 for x <= 1).
inline constexpr std::uint32_t ceil_log2(std::uint64_t x) {
  std::uint32_t n = 0;
  while (n < 64 && (std::uint64_t{1} << n) < x) ++n;
  return n;
}

}  // namespace savp::common
