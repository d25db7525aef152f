#include "models/spatten/spatten_timing.hpp"

#include <algorithm>

namespace savp::spatten {

namespace {
std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }
std::uint64_t log2_ceil(std::uint64_t v) {
  std::uint64_t n = 0;
  while ((std::uint64_t{1} << n) < v) ++n;
  return n;
}
}  // namespace

std::uint64_t RowCycles::interval() const { return std::max({qk, softmax, topk, pv}); }

std::uint64_t dot_cycles(std::uint64_t vectors, std::uint64_t dim, std::uint32_t multipliers) {
  if (vectors == 0 || dim == 0) return 0;
  if (dim <= multipliers) return ceil_div(vectors, multipliers / dim);
  return vectors * ceil_div(dim, multipliers);
}

std::uint64_t softmax_cycles(std::uint64_t n, const SoftmaxSpec& s) { return ceil_div(n, s.parallelism); }

std::uint64_t pipeline_fill_cycles(const SpattenConfig& cfg, std::uint64_t head_dim) {
  return 2 * log2_ceil(head_dim) + cfg.softmax.depth() + log2_ceil(cfg.topk.parallelism) + 1;
}

}  // namespace savp::spatten
