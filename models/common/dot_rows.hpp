// Dot products of one vector against many rows, for the functional datapaths and references whose
// cost grows as L^2 (every score of a dense or SpAtten head). Each product is summed in the order
// t = 0 .. d-1 with an accumulator of type Acc that starts at zero, exactly as the scalar loop
//   Acc acc = 0; for (t = 0; t < d; ++t) acc += Acc(x[t]) * Acc(y[t]);
// so the results are bit-identical to it; eight rows are summed side by side, which lets the
// processor overlap eight independent additions instead of waiting on one chain.
#pragma once

#include <cstddef>

namespace savp::common {

// row(r) returns a pointer to the d elements of row r (r = 0 .. n-1); out[r] receives the product.
template <typename Acc, typename X, typename RowAt>
void dot_rows(const X* x, std::size_t d, std::size_t n, RowAt row, Acc* out) {
  constexpr std::size_t B = 8;
  std::size_t r = 0;
  for (; r + B <= n; r += B) {
    decltype(row(r)) y[B];
    for (std::size_t b = 0; b < B; ++b) y[b] = row(r + b);
    Acc acc[B] = {};
    for (std::size_t t = 0; t < d; ++t) {
      const Acc xt = static_cast<Acc>(x[t]);
      for (std::size_t b = 0; b < B; ++b) acc[b] += xt * static_cast<Acc>(y[b][t]);
    }
    for (std::size_t b = 0; b < B; ++b) out[r + b] = acc[b];
  }
  for (; r < n; ++r) {
    const auto* y = row(r);
    Acc acc = 0;
    for (std::size_t t = 0; t < d; ++t) acc += static_cast<Acc>(x[t]) * static_cast<Acc>(y[t]);
    out[r] = acc;
  }
}

}  // namespace savp::common
