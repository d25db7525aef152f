#include "models/common/workload_generator.hpp"

#include <cmath>
#include <vector>

#include "models/common/random.hpp"

namespace savp::common {

std::uint64_t sink_token(std::uint32_t index, std::uint32_t sinks, std::uint64_t seq_len) {
  if (index == 0 || sinks == 0) return 0;
  return (seq_len * index) / sinks;
}

SyntheticParams real_like_synthetic_params() {
  SyntheticParams p;
  p.locality = 0.975;
  p.locality_span = 8;
  p.sinks = 1;
  p.sink_strength = 0.75;
  p.temperature = 1.05;
  return p;
}

QkvData generate_qkv(const SyntheticParams& p, std::uint64_t L, std::uint64_t d, std::uint64_t dv,
                     std::uint64_t seed) {
  Rng rng(seed);
  QkvData out{MatrixD(L, d), MatrixD(L, d), MatrixD(L, dv)};
  // Sink direction: a random unit vector.
  std::vector<double> u(d);
  double norm = 0.0;
  for (auto& x : u) {
    x = rng.normal();
    norm += x * x;
  }
  norm = std::sqrt(norm);
  for (auto& x : u) x /= norm;

  for (std::uint64_t j = 0; j < L; ++j) {
    for (std::uint64_t t = 0; t < d; ++t) out.k(j, t) = rng.normal();
    for (std::uint64_t t = 0; t < dv; ++t) out.v(j, t) = rng.normal();
  }
  // Heavy tokens carry the sink direction strongly.
  const double sink_k = p.sink_strength * std::sqrt(static_cast<double>(d));
  for (std::uint32_t s = 0; s < p.sinks && s < L; ++s) {
    const std::uint64_t j = sink_token(s, p.sinks, L);
    for (std::uint64_t t = 0; t < d; ++t) out.k(j, t) += sink_k * u[t];
  }
  // Queries: locality mix of recent keys + noise + a pull towards the sink direction.
  const double loc = std::min(1.0, std::max(0.0, p.locality));
  const double noise = std::sqrt(1.0 - loc * loc);
  const double inv_t = 1.0 / p.temperature;
  const double sink_q = p.sinks ? p.sink_strength * 0.5 : 0.0;
  std::vector<double> mix(d);
  for (std::uint64_t i = 0; i < L; ++i) {
    std::fill(mix.begin(), mix.end(), 0.0);
    double wsum = 0.0;
    const std::uint64_t span = std::max<std::uint32_t>(1, p.locality_span);
    for (std::uint64_t delta = 0; delta < span && delta <= i; ++delta) {
      const double w = std::exp(-static_cast<double>(delta) / (0.5 * span));
      wsum += w * w;
      for (std::uint64_t t = 0; t < d; ++t) mix[t] += w * out.k(i - delta, t);
    }
    const double mnorm = 1.0 / std::sqrt(wsum);
    for (std::uint64_t t = 0; t < d; ++t) {
      const double local = mix[t] * mnorm;
      out.q(i, t) = inv_t * (loc * local * 1.5 + noise * rng.normal() + sink_q * u[t]);
    }
  }
  return out;
}

void generate_gemm(std::uint64_t M, std::uint64_t N, std::uint64_t K, std::uint64_t seed, MatrixD& a,
                   MatrixD& b) {
  Rng rng(seed);
  a = MatrixD(M, K);
  b = MatrixD(K, N);
  for (auto& x : a.data()) x = rng.normal();
  for (auto& x : b.data()) x = rng.normal();
}

}  // namespace savp::common
