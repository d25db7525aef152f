#include "models/chela/linear_attention.hpp"

namespace savp::chela {

std::vector<double> recurrent_linear_attention_rows(const double* q, std::size_t n, std::size_t offset,
                                                    const double* k, const double* v, std::size_t keys,
                                                    std::size_t d, std::size_t dv, bool causal,
                                                    FeatureMap fmap, bool normalise) {
  std::vector<double> s(d * dv, 0.0), z(d, 0.0), out(n * dv, 0.0);
  std::size_t absorbed = 0;
  auto absorb = [&](std::size_t t) {
    for (std::size_t a = 0; a < d; ++a) {
      const double ka = feature(k[t * d + a], fmap);
      for (std::size_t c = 0; c < dv; ++c) s[a * dv + c] += ka * v[t * dv + c];
      z[a] += ka;
    }
  };
  if (!causal) {
    for (; absorbed < keys; ++absorbed) absorb(absorbed);
  }
  for (std::size_t t = 0; t < n; ++t) {
    // s_t = s_{t-1} + phi(k_t)^T v_t up to the query's own position
    for (; causal && absorbed <= offset + t && absorbed < keys; ++absorbed) absorb(absorbed);
    double den = 0.0;
    double* o = &out[t * dv];
    for (std::size_t a = 0; a < d; ++a) {
      const double qa = feature(q[t * d + a], fmap);
      for (std::size_t c = 0; c < dv; ++c) o[c] += qa * s[a * dv + c];
      den += qa * z[a];
    }
    if (normalise) {
      for (std::size_t c = 0; c < dv; ++c) o[c] /= den;
    }
  }
  return out;
}

std::vector<double> recurrent_linear_attention(const std::vector<double>& q, const std::vector<double>& k,
                                               const std::vector<double>& v, std::size_t L, std::size_t d,
                                               std::size_t dv, bool causal, FeatureMap fmap, bool normalise) {
  return recurrent_linear_attention_rows(q.data(), L, 0, k.data(), v.data(), L, d, dv, causal, fmap,
                                         normalise);
}

}  // namespace savp::chela
