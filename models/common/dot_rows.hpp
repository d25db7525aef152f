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

// The dot products of m vectors against rows, out(i)[r] = x(i) . row(i, r) for r < n(i), each
// summed exactly as dot_rows does. The rows are taken in tiles of 32 for all m vectors in turn, so
// that a tile read once from memory serves every vector while it is in the first-level cache (when
// the vectors share their rows, as the queries of a dense head do).
template <typename Acc, typename XAt, typename NAt, typename RowAt, typename OutAt>
void dot_block(std::size_t m, XAt x, NAt n, std::size_t d, RowAt row, OutAt out) {
  constexpr std::size_t T = 32;
  std::size_t most = 0;
  for (std::size_t i = 0; i < m; ++i) most = n(i) > most ? n(i) : most;
  for (std::size_t r0 = 0; r0 < most; r0 += T) {
    for (std::size_t i = 0; i < m; ++i) {
      const std::size_t ni = n(i);
      if (ni <= r0) continue;
      const std::size_t len = ni - r0 < T ? ni - r0 : T;
      dot_rows<Acc>(x(i), d, len, [&](std::size_t r) { return row(i, r0 + r); }, out(i) + r0);
    }
  }
}

}  // namespace savp::common
