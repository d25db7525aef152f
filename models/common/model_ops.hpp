// The vector operations of a transformer layer in double precision, as the model reference
// (model_reference.hpp) applies them and the dense engine's vector unit must reproduce them (the
// shared contract of issue 21). Matrices are row-major with one row per token (batch x tokens,
// sequence-major) and one column per feature. The GEMMs are reference_gemm and the attention of one
// query head against one key/value head is reference_attention with the queries' first position
// (attention_reference.hpp). Pure C++.
#pragma once

#include <cstdint>
#include <vector>

#include "models/common/tensor.hpp"

namespace savp::common {

// Per row: mean and biased variance (divided by n), y = (x - mean) / sqrt(var + eps) * gamma + beta.
MatrixD layernorm(const MatrixD& x, const std::vector<double>& gamma, const std::vector<double>& beta,
                  double eps);

// Per row: y = x / sqrt(mean(x^2) + eps) * gamma.
MatrixD rmsnorm(const MatrixD& x, const std::vector<double>& gamma, double eps);

// GELU, tanh approximation (GPT-2): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), elementwise.
MatrixD gelu(const MatrixD& x);

// SwiGLU's gate: g / (1 + exp(-g)) * u, elementwise.
MatrixD silu_mul(const MatrixD& g, const MatrixD& u);

// a + b, elementwise (the residuals).
MatrixD add(const MatrixD& a, const MatrixD& b);

// Rotary positions, the "rotate-half" convention of HF Llama/Mistral: each row holds heads of
// head_dim d features; in each head, for i < d/2 the pair (x_i, x_{i+d/2}) of the row at position p
// turns by the angle p * theta^(-2i/d): (x_i cos - x_{i+d/2} sin, x_i sin + x_{i+d/2} cos).
// positions holds one position per row; d must be even and divide the row.
MatrixD rope(const MatrixD& x, const std::vector<std::uint32_t>& positions, std::uint64_t head_dim,
             double theta);

}  // namespace savp::common
