// exp_shifted (the softmax exponentials every engine and reference shares): exp(x - max) for the
// unmasked scores, 0 for masked ones (-inf), a sum in index order, all-masked rows zero; float
// and double.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "models/common/softmax.hpp"

using savp::common::exp_shifted;

TEMPLATE_TEST_CASE("softmax: exp_shifted matches the textbook row, masked scores give 0", "[softmax]", float,
                   double) {
  using T = TestType;
  const T inf = std::numeric_limits<T>::infinity();
  std::mt19937_64 rng(3);
  std::normal_distribution<double> score(0.0, 6.0);
  for (std::size_t n : {1u, 2u, 7u, 64u, 513u}) {
    std::vector<T> x(n);
    for (auto& v : x) v = static_cast<T>(score(rng));
    for (std::size_t j = 1; j < n; j += 3) x[j] = -inf;  // a mask leaving x[0] and others
    std::vector<T> expect = x;
    T mx = -inf;
    for (T v : x) mx = v > mx ? v : mx;
    T sum = 0;
    for (auto& v : expect) {
      v = v == -inf ? T(0) : std::exp(v - mx);
      sum += v;
    }
    const T got = exp_shifted(x.data(), n);
    CHECK(got == sum);
    CHECK(got >= T(1));
    for (std::size_t j = 0; j < n; ++j) {
      CHECK(x[j] == expect[j]);
      if (j % 3 == 1) CHECK(x[j] == T(0));
    }
  }
}

TEMPLATE_TEST_CASE("softmax: a row of nothing but masked scores is zero with sum 0", "[softmax]", float, double) {
  using T = TestType;
  std::vector<T> x(5, -std::numeric_limits<T>::infinity());
  CHECK(exp_shifted(x.data(), x.size()) == T(0));
  for (T v : x) CHECK(v == T(0));
  CHECK(exp_shifted(x.data(), 0) == T(0));
}
