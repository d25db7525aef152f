// dot_rows / dot_block (the L^2 kernels of the dense and SpAtten datapaths and the references):
// every product bit-identical to the scalar loop it replaces, for float and double accumulators,
// row counts that are not multiples of the 8-row group or the 32-row tile, per-vector lengths
// (causal rows) and per-vector rows (sparse key lists).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "models/common/dot_rows.hpp"

using savp::common::dot_block;
using savp::common::dot_rows;

namespace {

template <typename Acc>
Acc scalar_dot(const double* x, const double* y, std::size_t d) {
  Acc acc = 0;
  for (std::size_t t = 0; t < d; ++t) acc += static_cast<Acc>(x[t]) * static_cast<Acc>(y[t]);
  return acc;
}

template <typename T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

// Values over many binades so that the order of the additions shows in the rounding.
std::vector<double> random_values(std::size_t n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> mant(-1.0, 1.0);
  std::uniform_int_distribution<int> exp(-12, 12);
  std::vector<double> v(n);
  for (double& x : v) x = std::ldexp(mant(rng), exp(rng));
  return v;
}

}  // namespace

TEMPLATE_TEST_CASE("dot_rows equals the scalar loop bit for bit", "[dot_rows]", float, double) {
  std::mt19937_64 rng(11);
  for (std::size_t d : {1u, 7u, 64u}) {
    for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 31u, 100u}) {
      const auto x = random_values(d, rng);
      const auto rows = random_values(n * d, rng);
      std::vector<TestType> out(n, TestType(-1));
      dot_rows<TestType>(x.data(), d, n, [&](std::size_t r) { return &rows[r * d]; }, out.data());
      for (std::size_t r = 0; r < n; ++r) {
        INFO("d " << d << " n " << n << " row " << r);
        CHECK(same_bits(out[r], scalar_dot<TestType>(x.data(), &rows[r * d], d)));
      }
    }
  }
}

TEMPLATE_TEST_CASE("dot_block equals per-vector scalar loops over ragged and per-vector rows", "[dot_rows]",
                   float, double) {
  std::mt19937_64 rng(12);
  const std::size_t d = 33, keys = 150, m = 19;
  const auto q = random_values(m * d, rng);
  const auto k = random_values(keys * d, rng);
  // Causal-like lengths (some zero, some past a tile boundary) and, for odd vectors, their own
  // shuffled row order (a sparse key list).
  std::vector<std::size_t> len(m);
  std::vector<std::vector<std::size_t>> order(m);
  for (std::size_t i = 0; i < m; ++i) {
    len[i] = (i * 37) % (keys + 1);
    order[i].resize(keys);
    for (std::size_t r = 0; r < keys; ++r) order[i][r] = r;
    if (i % 2) std::shuffle(order[i].begin(), order[i].end(), rng);
  }
  std::vector<std::vector<TestType>> out(m, std::vector<TestType>(keys, TestType(-7)));
  dot_block<TestType>(
      m, [&](std::size_t i) { return &q[i * d]; }, [&](std::size_t i) { return len[i]; }, d,
      [&](std::size_t i, std::size_t r) { return &k[order[i][r] * d]; }, [&](std::size_t i) { return out[i].data(); });
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t r = 0; r < keys; ++r) {
      INFO("vector " << i << " row " << r << " of " << len[i]);
      if (r < len[i]) {
        CHECK(same_bits(out[i][r], scalar_dot<TestType>(&q[i * d], &k[order[i][r] * d], d)));
      } else {
        CHECK(out[i][r] == TestType(-7));  // rows past a vector's length are not written
      }
    }
  }
}
