// TopkStream: a stream of selections through one TopK module (see topk_stream.hpp).
#include "models/spatten/topk_stream.hpp"

#include <algorithm>

#include "models/common/int_math.hpp"

namespace savp::spatten {

std::uint64_t TopkStream::fill_cycles(std::uint64_t n, std::uint32_t parallelism,
                                      std::uint64_t upstream_cycles) {
  return std::max(common::ceil_div(n, std::uint64_t{parallelism}), upstream_cycles);
}

std::uint64_t TopkStream::next(const TopkResult& res, std::uint64_t fill) {
  if (res.select_cycles == 0) return 0;
  const std::uint64_t cycles = std::max(fill, drain_cycles_) + res.select_cycles;
  drain_cycles_ = res.filter_cycles;
  return cycles;
}

}  // namespace savp::spatten
