// The shifted exponentials of a softmax row, written once for every engine and reference.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace savp::common {

// Replaces the n scores x[j] of one row by exp(x[j] - max) and answers their sum (summed in index
// order). Masked scores (-inf) become 0; a row of nothing but masked scores becomes all 0 with sum
// 0 (any other row has sum >= 1: its largest score gives exp(0)). The probabilities are
// x[j] / sum; callers divide where their datapath does.
template <typename T>
T exp_shifted(T* x, std::size_t n) {
  T mx = -std::numeric_limits<T>::infinity();
  for (std::size_t j = 0; j < n; ++j) mx = std::max(mx, x[j]);
  if (mx == -std::numeric_limits<T>::infinity()) {
    std::fill(x, x + n, T(0));
    return T(0);
  }
  T sum = T(0);
  for (std::size_t j = 0; j < n; ++j) {
    x[j] = std::isinf(x[j]) ? T(0) : std::exp(x[j] - mx);
    sum += x[j];
  }
  return sum;
}

}  // namespace savp::common
