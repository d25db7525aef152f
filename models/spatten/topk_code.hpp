// The top-k engine's candidate code: a double as a 64-bit unsigned code whose unsigned order is the
// values' order (sign bit flipped for positives, all bits flipped for negatives; -0.0 and +0.0 share
// the code of +0.0), the beat format of the top-k RTL (testbenches/cosim/rtl/topk_engine.sv) and of
// the reference library (testbenches/dpi). NaN has no place in the order (the engine refuses it).
#pragma once

#include <cstdint>

namespace savp::spatten {

std::uint64_t topk_encode(double x);
double topk_decode(std::uint64_t code);

}  // namespace savp::spatten
