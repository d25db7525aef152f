#include "models/common/attention_reference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "models/common/dot_rows.hpp"
#include "models/common/softmax.hpp"

namespace savp::common {

MatrixD reference_attention(const MatrixD& q, const MatrixD& k, const MatrixD& v,
                            const AttentionPattern& pattern, double scale, std::uint64_t first_position) {
  if (q.cols() != k.cols() || k.rows() != v.rows()) {
    throw std::invalid_argument("reference_attention: inconsistent Q/K/V shapes");
  }
  const std::size_t L = q.rows(), S = k.rows(), d = q.cols(), dv = v.cols();
  if (first_position > 0 && first_position + L > S) {
    throw std::invalid_argument("reference_attention: queries past the last key");
  }
  const std::size_t p0 = first_position;
  const auto globals = pattern.global_flags(std::max(p0 + L, S));
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
      pattern.candidate_keys(p0 + i0 + r, S, globals, keys[r]);
      allowed[r].clear();
      for (std::size_t n = 0; n < keys[r].size(); ++n) {
        if (pattern.allowed(p0 + i0 + r, keys[r][n], globals)) allowed[r].push_back(n);
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

namespace {

// Rows i .. i+R-1 of C against its columns j .. j+C-1: bt(t) points at the C elements b(t, j ..) (a
// packed panel, or B itself for a last column). The accumulators start at zero and take t in order, as the
// scalar loop.
template <std::size_t R, std::size_t C, typename BAt>
void gemm_tile(const MatrixD& a, std::size_t i, BAt bt, std::size_t k, MatrixD& c, std::size_t j) {
  double acc[R][C] = {};
  const double* ar[R];
  for (std::size_t r = 0; r < R; ++r) ar[r] = a.row(i + r);
  for (std::size_t t = 0; t < k; ++t) {
    const double* b = bt(t);
    for (std::size_t r = 0; r < R; ++r) {
      const double x = ar[r][t];
      for (std::size_t q = 0; q < C; ++q) acc[r][q] += x * b[q];
    }
  }
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t q = 0; q < C; ++q) c(i + r, j + q) = acc[r][q];
  }
}

}  // namespace

MatrixD reference_gemm(const MatrixD& a, const MatrixD& b) {
  if (a.cols() != b.rows()) throw std::invalid_argument("reference_gemm: inner dimensions differ");
  const std::size_t m = a.rows(), n = b.cols(), k = a.cols();
  MatrixD c(m, n, 0.0);
  if (k == 0) return c;
  constexpr std::size_t R = 6, C = 4;
  if (m < R) {
    // Few rows (a decode step): stream B's rows once, in order.
    for (std::size_t i = 0; i < m; ++i) {
      double* cr = c.row(i);
      for (std::size_t t = 0; t < k; ++t) {
        const double x = a(i, t);
        const double* br = b.row(t);
        for (std::size_t j = 0; j < n; ++j) cr[j] += x * br[j];
      }
    }
    return c;
  }
  // Columns C at a time: the k x C panel of B packed contiguously, then R rows at a time keep R x C
  // sums in registers while they go through the panel.
  std::vector<double> panel(k * C);
  std::size_t j = 0;
  for (; j + C <= n; j += C) {
    for (std::size_t t = 0; t < k; ++t) {
      for (std::size_t q = 0; q < C; ++q) panel[t * C + q] = b(t, j + q);
    }
    const auto bt = [&](std::size_t t) { return panel.data() + t * C; };
    std::size_t i = 0;
    for (; i + R <= m; i += R) gemm_tile<R, C>(a, i, bt, k, c, j);
    for (; i < m; ++i) gemm_tile<1, C>(a, i, bt, k, c, j);
  }
  for (; j < n; ++j) {
    const auto bt = [&](std::size_t t) { return &b(t, j); };
    for (std::size_t i = 0; i < m; ++i) gemm_tile<1, 1>(a, i, bt, k, c, j);
  }
  return c;
}

}  // namespace savp::common
