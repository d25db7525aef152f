// Synthetic attention data whose attention maps look like a trained transformer's rather than
// uniform noise: keys are Gaussian; each query is a weighted mix of the keys just before it
// (locality), plus a shared "sink" direction that a few heavy tokens carry strongly (attention
// sinks, e.g. the first token), scaled by 1/temperature. Seeded and deterministic per head.
#pragma once

#include <cstdint>

#include "models/common/tensor.hpp"

namespace savp::common {

struct SyntheticParams {
  double locality = 0.7;            // 0..1: weight of the local-key component in each query
  std::uint32_t locality_span = 8;  // how many preceding keys a query resembles
  std::uint32_t sinks = 2;          // number of heavy tokens (token 0 plus evenly spread ones)
  double sink_strength = 2.0;       // how strongly sink keys and all queries share the sink direction
  double temperature = 1.0;         // > 0; lower = peakier attention
};

// The "real-like" preset: the parameters scripts/fit_real_like.py finds closest to the attention
// statistics of a trained encoder (Universal Sentence Encoder lite, layer 0, 8 x 128 tokens, 4 heads:
// scenarios/workloads/use-lite): entropy 1.585 nats, mass within +-4 tokens 0.837, top-8 mass 0.899,
// top-1 mass 0.529 there; 1.675, 0.823, 0.873 and 0.600 with these on the same shape (the fit's
// distance 0.0063; `savp data-stats` measures both). The generator's locality looks only at preceding
// keys while the encoder's heads look both ways, which bounds how close a fit can come.
SyntheticParams real_like_synthetic_params();

struct QkvData {
  MatrixD q, k, v;
};

// One head's Q (L x d), K (L x d), V (L x dv).
QkvData generate_qkv(const SyntheticParams& p, std::uint64_t seq_len, std::uint64_t head_dim,
                     std::uint64_t value_dim, std::uint64_t seed);

// A GEMM operand pair: A (M x K) and B (K x N), standard-normal entries.
void generate_gemm(std::uint64_t M, std::uint64_t N, std::uint64_t K, std::uint64_t seed, MatrixD& a,
                   MatrixD& b);

// Indices of the sink tokens for a sequence length (token 0 first).
std::uint64_t sink_token(std::uint32_t index, std::uint32_t sinks, std::uint64_t seq_len);

}  // namespace savp::common
