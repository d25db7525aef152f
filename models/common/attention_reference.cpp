#include "models/common/attention_reference.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "models/common/dot_rows.hpp"

namespace savp::common {

MatrixD reference_attention(const MatrixD& q, const MatrixD& k, const MatrixD& v,
                            const AttentionPattern& pattern, double scale) {
  if (q.cols() != k.cols() || k.rows() != v.rows()) {
    throw std::invalid_argument("reference_attention: inconsistent Q/K/V shapes");
  }
  const std::size_t L = q.rows(), S = k.rows(), d = q.cols(), dv = v.cols();
  const auto globals = pattern.global_flags(std::max(L, S));
  MatrixD out(L, dv, 0.0);
  std::vector<std::uint64_t> keys;
  std::vector<std::size_t> allowed;
  std::vector<double> s, dots;
  for (std::size_t i = 0; i < L; ++i) {
    pattern.candidate_keys(i, S, globals, keys);
    // Only the allowed keys; the scores of a row in key order, each summed over t in order.
    allowed.clear();
    for (std::size_t n = 0; n < keys.size(); ++n) {
      if (pattern.allowed(i, keys[n], globals)) allowed.push_back(n);
    }
    dots.resize(allowed.size());
    dot_rows<double>(&q(i, 0), d, allowed.size(), [&](std::size_t r) { return &k(keys[allowed[r]], 0); },
                     dots.data());
    s.assign(keys.size(), -std::numeric_limits<double>::infinity());
    double mx = -std::numeric_limits<double>::infinity();
    for (std::size_t r = 0; r < allowed.size(); ++r) {
      double& x = s[allowed[r]];
      x = dots[r] * scale;
      mx = std::max(mx, x);
    }
    if (mx == -std::numeric_limits<double>::infinity()) continue;  // fully masked row
    double sum = 0.0;
    for (auto& x : s) {
      x = std::isinf(x) ? 0.0 : std::exp(x - mx);
      sum += x;
    }
    for (std::size_t n = 0; n < keys.size(); ++n) {
      if (s[n] == 0.0) continue;
      const double p = s[n] / sum;
      for (std::size_t t = 0; t < dv; ++t) out(i, t) += p * v(keys[n], t);
    }
  }
  return out;
}

MatrixD reference_gemm(const MatrixD& a, const MatrixD& b) {
  if (a.cols() != b.rows()) throw std::invalid_argument("reference_gemm: inner dimensions differ");
  MatrixD c(a.rows(), b.cols(), 0.0);
  for (std::size_t i = 0; i < a.rows(); ++i) {
    for (std::size_t t = 0; t < a.cols(); ++t) {
      const double x = a(i, t);
      for (std::size_t j = 0; j < b.cols(); ++j) c(i, j) += x * b(t, j);
    }
  }
  return c;
}

}  // namespace savp::common
