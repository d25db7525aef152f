// Double-precision masked attention, the reference every engine output is checked against:
// O = softmax(scale * Q K^T + mask) V per head. A query row whose mask allows no key yields a zero
// output row (engines must follow the same convention).
#pragma once

#include "models/common/attention_pattern.hpp"
#include "models/common/tensor.hpp"

namespace savp::common {

MatrixD reference_attention(const MatrixD& q, const MatrixD& k, const MatrixD& v,
                            const AttentionPattern& pattern, double scale);

MatrixD reference_gemm(const MatrixD& a, const MatrixD& b);

}  // namespace savp::common
