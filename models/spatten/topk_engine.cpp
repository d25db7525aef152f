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

TopkBackendFactory& rtl_factory() {
  static TopkBackendFactory f;
  return f;
}
TopkBackendFactory& plugin_factory() {
  static TopkBackendFactory f;
  return f;
}
TopkRtlCheck& rtl_check() {
  static TopkRtlCheck c;
  return c;
}

}  // namespace

void register_topk_rtl_backend(TopkBackendFactory factory) { rtl_factory() = std::move(factory); }
void register_topk_plugin_backend(TopkBackendFactory factory) { plugin_factory() = std::move(factory); }
bool topk_rtl_backend_available() { return static_cast<bool>(rtl_factory()); }
void register_topk_rtl_check(TopkRtlCheck check) { rtl_check() = std::move(check); }
std::string topk_rtl_refusal(const TopkConfig& cfg) {
  if (!rtl_factory())
    return "this build has no RTL co-simulation (Verilator was not found when it was configured)";
  return rtl_check() ? rtl_check()(cfg) : std::string();
}

TopkEngine::TopkEngine(const TopkConfig& cfg, std::uint64_t seed) : cfg_(cfg), rng_(seed) {
  if (cfg_.parallelism < 1) throw std::invalid_argument("top-k engine: parallelism must be >= 1");
  if (cfg_.backend == TopkBackendKind::Rtl) {
    const std::string why = topk_rtl_refusal(cfg_);
    if (!why.empty()) throw std::invalid_argument("top-k engine: backend rtl: " + why);
    backend_ = rtl_factory()(cfg_, seed);
  }
  if (cfg_.backend == TopkBackendKind::Plugin) {
    if (!plugin_factory()) throw std::invalid_argument("top-k engine: this program cannot load RTL plugins");
    backend_ = plugin_factory()(cfg_, seed);
  }
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
  out.select_cycles = 0;
  out.filter_cycles = 0;
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
  if (backend_) {
    // The RTL's selection is the one used; the model's, computed alongside (it also keeps the pivot
    // stream in step), is its scoreboard.
    TopkResult rtl;
    backend_->select(values, n, k, rtl);
    check_backend(out, rtl, n, k);
    if (backend_->cycle_exact()) {
      rtl.select_cycles = out.select_cycles;  // the RTL reports the total; its split is the model's
      rtl.filter_cycles = out.filter_cycles;
      out = std::move(rtl);
    } else if (backend_->rtl_cycles()) {
      // A plugin's own micro-architecture: its cycles; what is not the model's filter and pipeline
      // counts as selection (so a stream of selections overlaps it as the model's).
      const std::uint64_t rest = out.cycles - out.select_cycles;
      out.select_cycles = rtl.cycles > rest ? rtl.cycles - rest : 0;
      out.cycles = rtl.cycles;
    }
  }
  count(n, out, false);
}

void TopkEngine::check_backend(const TopkResult& model, const TopkResult& rtl, std::size_t n,
                               std::size_t k) const {
  std::string what;
  if (rtl.kept != model.kept) {
    what = "kept sets";
  } else if (!backend_->cycle_exact()) {
    // a plugin: kept set and threshold only
  } else if (rtl.cycles != model.cycles) {
    what = "cycles (rtl " + std::to_string(rtl.cycles) + ", model " + std::to_string(model.cycles) + ")";
  } else if (rtl.passes != model.passes || rtl.comparisons != model.comparisons) {
    what = "passes or comparisons";
  } else if (!(rtl.threshold == model.threshold)) {
    what = "thresholds";
  }
  if (what.empty() && !(rtl.threshold == model.threshold)) what = "thresholds";
  if (!what.empty()) {
    throw std::runtime_error("top-k engine: RTL/model disagreement on a selection of " + std::to_string(k) +
                             " of " + std::to_string(n) + ": " + what + " differ" +
                             backend_->explain_mismatch(model, rtl));
  }
}

std::uint64_t TopkEngine::filter_cycles(std::size_t n) const { return ceil_div(n, cfg_.parallelism); }

std::uint64_t topk_pipeline_cycles(std::uint32_t parallelism) { return ceil_log2(parallelism) + 1; }

std::uint64_t TopkEngine::network_cycles(std::size_t n) const {
  const std::uint32_t log_n = std::max<std::uint32_t>(1, ceil_log2(n));
  const std::uint64_t stages = std::uint64_t{log_n} * (log_n + 1) / 2;
  const std::uint64_t half = std::uint64_t{1} << (log_n - 1);
  return stages * ceil_div(half, cfg_.parallelism);
}

std::uint64_t TopkEngine::pass_cycles(std::size_t m) const {
  return ceil_div(m, run_width()) + cfg_.pass_overhead_cycles;
}

void TopkEngine::copy_to_scratch(const double* values, std::size_t n) {
  scratch_.assign(values, values + n);
  for (double v : scratch_) {
    if (std::isnan(v)) throw std::domain_error("top-k engine: candidate value is NaN");
  }
}

TopkEngine::Selection TopkEngine::quick_select(std::size_t n, std::size_t k, TopkResult& out) {
  // scratch_[0, m) is the pass's input stream; the larger FIFO is compacted in place at its front
  // (in stream order), the smaller FIFO goes to smaller_ (in stream order).
  double* v = scratch_.data();
  smaller_.resize(n);
  std::size_t m = n, rank = k, above = 0;
  for (;;) {
    const double pivot = v[rng_.below(m)];
    std::size_t g = 0, e = 0, s = 0;
    for (std::size_t i = 0; i < m; ++i) {
      const double x = v[i];
      if (x > pivot) {
        v[g++] = x;
      } else if (x < pivot) {
        smaller_[s++] = x;
      } else {
        ++e;
      }
    }
    ++out.passes;
    out.select_cycles += pass_cycles(m);
    out.comparisons += m;
    if (rank <= g) {
      m = g;
    } else if (rank <= g + e) {
      return Selection{pivot, above + g};
    } else {
      rank -= g + e;
      above += g + e;
      std::copy(smaller_.begin(), smaller_.begin() + s, v);
      m = s;
    }
  }
}

TopkEngine::Selection TopkEngine::network_select(std::size_t n, std::size_t k, TopkResult& out) {
  const std::uint32_t log_n = std::max<std::uint32_t>(1, ceil_log2(n));
  out.passes = log_n * (log_n + 1) / 2;
  out.select_cycles = network_cycles(n);
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
  out.filter_cycles = filter_cycles(n);
  out.cycles = out.select_cycles + out.filter_cycles + pipeline_cycles();
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
