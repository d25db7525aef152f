#include "models/common/attention_reference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "models/common/dot_rows.hpp"
#include "models/common/softmax.hpp"

namespace savp::common {

MatrixD reference_attention(const MatrixD& q, const MatrixD& k, const MatrixD& v,
                            const AttentionPattern& pattern, double scale) {
  if (q.cols() != k.cols() || k.rows() != v.rows()) {
    throw std::invalid_argument("reference_attention: inconsistent Q/K/V shapes");
  }
  const std::size_t L = q.rows(), S = k.rows(), d = q.cols(), dv = v.cols();
  const auto globals = pattern.global_flags(std::max(L, S));
  MatrixD out(L, dv, 0.0);
  // Rows in blocks that go over the keys (and then the values) together, a tile at a time, so
  // that each tile is read from memory once per block (dot_block); every score and every output
  // element is still summed in the order of its own scalar loop.
  constexpr std::size_t kRows = 16, kTile = 32;
  std::vector<std::uint64_t> keys[kRows];
  std::vector<std::size_t> allowed[kRows];
  std::vector<double> s[kRows], dots[kRows];
  double sums[kRows];
  for (std::size_t i0 = 0; i0 < L; i0 += kRows) {
    const std::size_t m = std::min(kRows, L - i0);
    for (std::size_t r = 0; r < m; ++r) {
      pattern.candidate_keys(i0 + r, S, globals, keys[r]);
      allowed[r].clear();
      for (std::size_t n = 0; n < keys[r].size(); ++n) {
        if (pattern.allowed(i0 + r, keys[r][n], globals)) allowed[r].push_back(n);
      }
      dots[r].resize(allowed[r].size());
    }
    dot_block<double>(
        m, [&](std::size_t r) { return &q(i0 + r, 0); }, [&](std::size_t r) { return allowed[r].size(); }, d,
        [&](std::size_t r, std::size_t n) { return &k(keys[r][allowed[r][n]], 0); },
        [&](std::size_t r) { return dots[r].data(); });
    std::size_t most = 0;
    for (std::size_t r = 0; r < m; ++r) {
      s[r].assign(keys[r].size(), -std::numeric_limits<double>::infinity());
      for (std::size_t n = 0; n < allowed[r].size(); ++n) s[r][allowed[r][n]] = dots[r][n] * scale;
      sums[r] = common::exp_shifted(s[r].data(), s[r].size());
      if (sums[r] == 0.0) {  // fully masked row: stays zero
        s[r].clear();
        continue;
      }
      most = std::max(most, s[r].size());
    }
    for (std::size_t n0 = 0; n0 < most; n0 += kTile) {
      for (std::size_t r = 0; r < m; ++r) {
        double* o = &out(i0 + r, 0);
        for (std::size_t n = n0; n < std::min(n0 + kTile, s[r].size()); ++n) {
          if (s[r][n] == 0.0) continue;
          const double p = s[r][n] / sums[r];
          const double* vr = &v(keys[r][n], 0);
          for (std::size_t t = 0; t < dv; ++t) o[t] += p * vr[t];
        }
      }
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
