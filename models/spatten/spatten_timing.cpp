#include "models/spatten/spatten_timing.hpp"
#include "models/common/int_math.hpp"

#include <algorithm>

namespace savp::spatten {

using common::ceil_div;
using common::ceil_log2;

std::uint64_t RowCycles::interval() const { return std::max({qk, softmax, topk, pv}); }

PipeStage RowCycles::bound() const {
  const std::uint64_t t = interval();
  if (qk == t) return PipeStage::Qk;
  if (softmax == t) return PipeStage::Softmax;
  if (topk == t) return PipeStage::Topk;
  return PipeStage::Pv;
}

std::uint64_t dot_cycles(std::uint64_t vectors, std::uint64_t dim, std::uint32_t multipliers) {
  if (vectors == 0 || dim == 0) return 0;
  if (dim <= multipliers) return ceil_div(vectors, multipliers / dim);
  return vectors * ceil_div(dim, multipliers);
}

std::uint64_t softmax_cycles(std::uint64_t n, const SoftmaxSpec& s) { return ceil_div(n, s.parallelism); }

std::uint64_t pipeline_fill_cycles(const SpattenConfig& cfg, std::uint64_t head_dim) {
  return 2 * ceil_log2(head_dim) + cfg.softmax.depth() + topk_pipeline_cycles(cfg.topk.parallelism);
}

}  // namespace savp::spatten
