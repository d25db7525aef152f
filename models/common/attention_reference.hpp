// Double-precision masked attention, the reference every engine output is checked against:
// O = softmax(scale * Q K^T + mask) V per head. A query row whose mask allows no key yields a zero
// output row (engines must follow the same convention). Query row r stands at absolute position
// first_position + r among the keys 0 .. k.rows()-1 (0 for a prefill from the start; the cache length
// for a decode step or a later chunk), which is what the pattern's masks are applied to.
#pragma once

#include <cstdint>

#include "models/common/attention_pattern.hpp"
#include "models/common/tensor.hpp"

namespace savp::common {

MatrixD reference_attention(const MatrixD& q, const MatrixD& k, const MatrixD& v,
                            const AttentionPattern& pattern, double scale, std::uint64_t first_position = 0);

// C = A B. Each element is summed over the inner index in order from zero, exactly as the scalar
// loop c(i, j) += a(i, t) * b(t, j) sums it (so bit-identical to it), in register tiles.
MatrixD reference_gemm(const MatrixD& a, const MatrixD& b);

}  // namespace savp::common
