// Small integer helpers shared by the timing models.
#pragma once

#include <cstdint>

namespace savp::common {

inline constexpr std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

// Smallest n with 2^n >= x (0 for x <= 1).
inline constexpr std::uint32_t ceil_log2(std::uint64_t x) {
  std::uint32_t n = 0;
  while (n < 64 && (std::uint64_t{1} << n) < x) ++n;
  return n;
}

}  // namespace savp::common
