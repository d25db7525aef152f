#include "models/spatten/topk_code.hpp"

#include <cstring>

namespace savp::spatten {

std::uint64_t topk_encode(double x) {
  if (x == 0.0) x = 0.0;  // -0.0 == +0.0 for the model: one code
  std::uint64_t b = 0;
  std::memcpy(&b, &x, 8);
  return (b >> 63) ? ~b : (b | (std::uint64_t{1} << 63));
}

double topk_decode(std::uint64_t code) {
  const std::uint64_t b = (code >> 63) ? (code & ~(std::uint64_t{1} << 63)) : ~code;
  double x = 0;
  std::memcpy(&x, &b, 8);
  return x;
}

}  // namespace savp::spatten
