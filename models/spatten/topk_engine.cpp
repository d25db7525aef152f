// SpAtten top-k engine: quick-select with a random pivot or a bitonic sorting network to find the
// k-th largest value, then the order-preserving filter and zero eliminator. See topk_engine.hpp for
// the cycle model and the tie rule.
#include "models/spatten/topk_engine.hpp"
#include "models/common/int_math.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <utility>

namespace savp::spatten {

namespace {

using common::ceil_div;
using common::ceil_log2;

// Three-way partition of [lo, hi) around pivot: [lo, *gt_end) larger, [*gt_end, *eq_end) equal,
// [*eq_end, hi) smaller (the larger FIFO, the pivot count, the smaller FIFO).
void partition3(double* v, std::size_t lo, std::size_t hi, double pivot, std::size_t* gt_end,
                std::size_t* eq_end) {
  std::size_t lt = lo, i = lo, gt = hi;
  while (i < gt) {
    if (v[i] > pivot) {
      std::swap(v[i++], v[lt++]);
    } else if (v[i] < pivot) {
      std::swap(v[i], v[--gt]);
    } else {
      ++i;
    }
  }
  *gt_end = lt;
  *eq_end = gt;
}

}  // namespace

TopkEngine::TopkEngine(const TopkConfig& cfg, std::uint64_t seed) : cfg_(cfg), rng_(seed) {
  if (cfg_.parallelism < 1) throw std::invalid_argument("top-k engine: parallelism must be >= 1");
}

TopkResult TopkEngine::select(const double* values, std::size_t n, std::size_t k) {
  TopkResult out;
  select_into(values, n, k, out);
  return out;
}

TopkResult TopkEngine::select(const std::vector<double>& values, std::size_t k) {
  return select(values.data(), values.size(), k);
}

void TopkEngine::select_into(const double* values, std::size_t n, std::size_t k, TopkResult& out) {
  out.kept.clear();
  out.cycles = 0;
  out.passes = 0;
  out.comparisons = 0;
  copy_to_scratch(values, n);  // also rejects NaN, on the bypass path too
  if (k == 0 || k >= n) {
    bypass(values, n, k, out);
    count(n, out, true);
    return;
  }
  const Selection sel =
      cfg_.kind == TopkKind::QuickSelect ? quick_select(n, k, out) : network_select(n, k, out);
  filter(values, n, k, sel, out);
  count(n, out, false);
}

std::uint64_t TopkEngine::filter_cycles(std::size_t n) const {
  return ceil_div(n, cfg_.parallelism) + ceil_log2(cfg_.parallelism) + 1;
}

std::uint64_t TopkEngine::network_cycles(std::size_t n) const {
  const std::uint32_t log_n = std::max<std::uint32_t>(1, ceil_log2(n));
  const std::uint64_t stages = std::uint64_t{log_n} * (log_n + 1) / 2;
  const std::uint64_t half = std::uint64_t{1} << (log_n - 1);
  return stages * ceil_div(half, cfg_.parallelism);
}

std::uint64_t TopkEngine::pass_cycles(std::size_t m) const {
  return ceil_div(m, cfg_.parallelism) + cfg_.pass_overhead_cycles;
}

void TopkEngine::copy_to_scratch(const double* values, std::size_t n) {
  scratch_.assign(values, values + n);
  for (double v : scratch_) {
    if (std::isnan(v)) throw std::domain_error("top-k engine: candidate value is NaN");
  }
}

TopkEngine::Selection TopkEngine::quick_select(std::size_t n, std::size_t k, TopkResult& out) {
  double* v = scratch_.data();
  std::size_t lo = 0, hi = n, rank = k, above = 0;
  for (;;) {
    const std::size_t m = hi - lo;
    const double pivot = v[lo + rng_.below(m)];
    std::size_t gt_end = 0, eq_end = 0;
    partition3(v, lo, hi, pivot, &gt_end, &eq_end);
    ++out.passes;
    out.cycles += pass_cycles(m);
    out.comparisons += m;
    const std::size_t g = gt_end - lo, e = eq_end - gt_end;
    if (rank <= g) {
      hi = gt_end;
    } else if (rank <= g + e) {
      return Selection{pivot, above + g};
    } else {
      rank -= g + e;
      above += g + e;
      lo = eq_end;
    }
  }
}

TopkEngine::Selection TopkEngine::network_select(std::size_t n, std::size_t k, TopkResult& out) {
  const std::uint32_t log_n = std::max<std::uint32_t>(1, ceil_log2(n));
  out.passes = log_n * (log_n + 1) / 2;
  out.cycles += network_cycles(n);
  out.comparisons += std::uint64_t{out.passes} << (log_n - 1);
  // Functionally the network's sorted output at position k - 1 (descending) is the k-th largest.
  std::nth_element(scratch_.begin(), scratch_.begin() + (k - 1), scratch_.begin() + n,
                   std::greater<double>());
  const double kth = scratch_[k - 1];
  const auto above =
      std::count_if(scratch_.begin(), scratch_.begin() + (k - 1), [kth](double x) { return x > kth; });
  return Selection{kth, static_cast<std::size_t>(above)};
}

void TopkEngine::filter(const double* values, std::size_t n, std::size_t k, const Selection& sel,
                        TopkResult& out) const {
  std::size_t ties_left = k - sel.above;
  out.kept.reserve(k);
  for (std::size_t i = 0; i < n; ++i) {
    const double x = values[i];
    bool keep = x > sel.threshold;
    if (!keep && x == sel.threshold && ties_left > 0) {
      --ties_left;
      keep = true;
    }
    if (keep) out.kept.push_back(static_cast<std::uint32_t>(i));
  }
  out.cycles += filter_cycles(n);
  out.comparisons += n;
  out.threshold = sel.threshold;
}

void TopkEngine::bypass(const double* values, std::size_t n, std::size_t k, TopkResult& out) const {
  if (k == 0) {
    out.threshold = std::numeric_limits<double>::infinity();
    return;
  }
  out.kept.resize(n);
  for (std::size_t i = 0; i < n; ++i) out.kept[i] = static_cast<std::uint32_t>(i);
  out.threshold = n == 0 ? -std::numeric_limits<double>::infinity() : *std::min_element(values, values + n);
}

void TopkEngine::count(std::size_t n, const TopkResult& out, bool bypassed) {
  ++counters_.calls;
  if (bypassed) ++counters_.bypassed_calls;
  counters_.cycles += out.cycles;
  counters_.passes += out.passes;
  counters_.comparisons += out.comparisons;
  counters_.candidates += n;
  counters_.kept += out.kept.size();
}

}  // namespace savp::spatten
