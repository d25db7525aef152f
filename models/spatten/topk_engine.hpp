// SpAtten top-k engine (Wang, Zhang, Han, HPCA 2021; shared/reference/spatten.md "Top-k engines"):
// selects the k largest of n candidate values (token importance scores, head importance scores, or
// the attention probabilities of one query row for local value pruning) and returns the indices of
// the kept candidates IN THEIR ORIGINAL ORDER, with the cycles and comparator operations the
// hardware spends. Pure C++ (no SystemC): a functionally exact model with an analytic cycle count.
//
// Quick-select (the published design, TopkKind::QuickSelect):
//   - A pass streams the m remaining candidates through run_width() = 2 x `parallelism` comparators
//     against a pivot (the authors' RTL: TopK.scala instantiates QuickSelect.Config(..., parallelism
//     * 2, ...), whose StageWidthAdapter packs two input fragments of `parallelism` candidates into
//     one buffer row; mit-han-lab/spatten, spatten_hardware/.../spatten/TopK.scala, QuickSelect.scala):
//     the candidate at position common::Rng::below(m) of the pass's input stream (deterministic
//     given the seed and the call sequence). Larger values go to one FIFO, smaller ones to the other,
//     each in stream order (the next pass streams the chosen FIFO in that order); values equal to the
//     pivot are only counted (they all equal the pivot, so the pivot register represents them). This
//     three-way split makes every pass shrink the problem, also on ties and all-equal inputs.
//   - Pass cost: ceil(m / run_width()) + pass_overhead_cycles cycles and m comparisons (the
//     authors' sim/TopKLatencyModel.scala charges ceil(m / P) + 3 with P = 16, the TopK's input
//     width, not the 2P of the RTL's Run passes; SAVP follows the RTL).
//   - With g larger and e equal candidates and the rank r of the sought value among the remaining
//     ones: r <= g -> next pass on the larger FIFO; r <= g + e -> the pivot is the k-th largest,
//     done; else -> next pass on the smaller FIFO with r -= g + e.
// Sorting network (design option, TopkKind::SortingNetwork): a bitonic sorter over the n values
//   padded to N = next power of two (N >= 2), with `parallelism` compare-exchange units:
//   stages = log2(N) (log2(N) + 1) / 2, cycles = stages * ceil((N / 2) / parallelism),
//   comparisons = stages * N / 2. `passes` reports the network stages.
// Both then run the same order-preserving filter (the drain): a copy of the input (n candidates, the
//   TopK's data FIFO) streams through `parallelism` comparators against the k-th value,
//   ceil(n / parallelism) cycles and n comparisons, into the zero eliminator (prefix sum +
//   log2(parallelism) shifter stages), whose pipeline is ceil(log2(parallelism)) + 1 cycles.
// A lone selection costs select_cycles + filter_cycles + that pipeline (TopkResult::cycles, what the
//   RTL block measures from START to its last output beat). The input's fill (the n candidates
//   arriving at `parallelism` per cycle) is not engine time here: in a stream of selections the TopK
//   overlaps the drain of one with the fill of the next (topk_stream.hpp).
// Ties at the k-th value: exactly k candidates are kept; all candidates larger than the k-th value
//   are kept, and among those equal to it the ones with the lowest indices (the filter knows how
//   many strictly larger candidates exist from the selection passes and admits only k minus that
//   many equal ones, in stream order).
// Bypass: k == 0 keeps nothing and k >= n keeps everything; neither runs the engine (0 cycles,
//   0 passes, 0 comparisons). threshold is then +infinity (k == 0) or the smallest value
//   (k >= n, -infinity when n == 0); otherwise it is the k-th largest value.
// Values must not be NaN (std::domain_error). parallelism must be >= 1 (std::invalid_argument).
// Backend: "model" computes the selection here; "rtl" hands every non-bypassed selection to the
// verilated top-k RTL through a TopkBackend that the co-simulation build registers (testbenches/cosim,
// the models never see SystemC); kept set, threshold, cycles, passes and comparisons come from the
// RTL, the counters and the bypass rule stay here. The model's selection runs alongside as the
// scoreboard: any difference throws std::runtime_error (the run fails with exit code 1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/common/random.hpp"
#include "models/common/rtl_backend_spec.hpp"

namespace savp::spatten {

enum class TopkKind { QuickSelect, SortingNetwork };
enum class TopkBackendKind { Model, Rtl, Plugin };

struct TopkConfig {
  TopkKind kind = TopkKind::QuickSelect;
  TopkBackendKind backend = TopkBackendKind::Model;
  std::uint32_t parallelism = 16;          // comparators (compare-exchange units for the network)
  std::uint32_t pass_overhead_cycles = 3;  // per quick-select pass (the published latency model)
  common::RtlPluginSpec plugin;            // TopkBackendKind::Plugin: the topk-v1 plugin
};

struct TopkResult {
  std::vector<std::uint32_t> kept;  // indices of the kept candidates, ascending (original order)
  std::uint64_t cycles = 0;         // a lone selection: select + filter + zero-eliminator pipeline
  std::uint64_t select_cycles = 0;  // the quick-select passes (or the sorting network)
  std::uint64_t filter_cycles = 0;  // the drain: ceil(n / parallelism), without the pipeline term
  std::uint32_t passes = 0;         // quick-select passes, or sorting-network stages
  std::uint64_t comparisons = 0;    // comparator operations, selection and filter (for energy)
  double threshold = 0;             // the k-th largest value (see the bypass rule above)
};

// Cumulative over every select() call since construction or reset_counters() (for energy/stats).
struct TopkCounters {
  std::uint64_t calls = 0;
  std::uint64_t bypassed_calls = 0;  // k == 0 or k >= n
  std::uint64_t cycles = 0;
  std::uint64_t passes = 0;
  std::uint64_t comparisons = 0;
  std::uint64_t candidates = 0;  // sum of n
  std::uint64_t kept = 0;        // sum of kept counts
};

// A selection computed elsewhere (the RTL): fills kept, cycles, passes, comparisons and threshold
// for 0 < k < n. Called from the thread that runs the engine's core.
class TopkBackend {
 public:
  virtual ~TopkBackend() = default;
  virtual void select(const double* values, std::size_t n, std::size_t k, TopkResult& out) = 0;
  // The built-in RTL is cycle-exact: the scoreboard compares everything and its result is used. A
  // plugin (another micro-architecture) is compared on the kept set and threshold only; the
  // result is the model's, with the RTL's cycles when rtl_cycles().
  virtual bool cycle_exact() const { return true; }
  virtual bool rtl_cycles() const { return true; }
  // Appended to a disagreement report (the first differing output beat, the waves written).
  virtual std::string explain_mismatch(const TopkResult& /*model*/, const TopkResult& /*rtl*/) { return ""; }
};
// The co-simulation build registers how to make an RTL backend for a configuration and seed; it
// throws std::invalid_argument (with the reason) when the RTL cannot run that configuration.
using TopkBackendFactory = std::function<std::unique_ptr<TopkBackend>(const TopkConfig&, std::uint64_t seed)>;
void register_topk_rtl_backend(TopkBackendFactory factory);
// How to make a backend on a topk-v1 RTL plugin (cfg.plugin), registered by the savp program.
void register_topk_plugin_backend(TopkBackendFactory factory);
bool topk_rtl_backend_available();
// Why the registered RTL cannot run `cfg` (empty when it can; "no RTL..." without Verilator).
std::string topk_rtl_refusal(const TopkConfig& cfg);
using TopkRtlCheck = std::function<std::string(const TopkConfig&)>;
void register_topk_rtl_check(TopkRtlCheck check);

// The zero eliminator's pipeline depth (prefix-count stage + log2 shifter stages), paid once per
// pipeline fill: ceil(log2(parallelism)) + 1.
std::uint64_t topk_pipeline_cycles(std::uint32_t parallelism);

class TopkEngine {
 public:
  TopkEngine(const TopkConfig& cfg, std::uint64_t seed);

  TopkResult select(const double* values, std::size_t n, std::size_t k);
  TopkResult select(const std::vector<double>& values, std::size_t k);
  // Same as select(), reusing out.kept's storage (no allocation once its capacity suffices).
  void select_into(const double* values, std::size_t n, std::size_t k, TopkResult& out);

  const TopkConfig& config() const { return cfg_; }
  const TopkCounters& counters() const { return counters_; }
  void reset_counters() { counters_ = TopkCounters{}; }

  // Cycles of the order-preserving filter streaming n candidates (the drain).
  std::uint64_t filter_cycles(std::size_t n) const;
  std::uint64_t pipeline_cycles() const { return topk_pipeline_cycles(cfg_.parallelism); }
  // Comparators of a quick-select Run pass: 2 x parallelism (QuickSelect.Config in TopK.scala).
  std::uint64_t run_width() const { return std::uint64_t{2} * cfg_.parallelism; }
  // Cycles of the sorting network over n candidates (n >= 1), without the filter.
  std::uint64_t network_cycles(std::size_t n) const;

 private:
  struct Selection {
    double threshold = 0;
    std::size_t above = 0;  // candidates strictly larger than the threshold
  };

  Selection quick_select(std::size_t n, std::size_t k, TopkResult& out);
  Selection network_select(std::size_t n, std::size_t k, TopkResult& out);
  void copy_to_scratch(const double* values, std::size_t n);
  void check_backend(const TopkResult& model, const TopkResult& rtl, std::size_t n, std::size_t k) const;
  void filter(const double* values, std::size_t n, std::size_t k, const Selection& sel,
              TopkResult& out) const;
  void bypass(const double* values, std::size_t n, std::size_t k, TopkResult& out) const;
  std::uint64_t pass_cycles(std::size_t m) const;
  void count(std::size_t n, const TopkResult& out, bool bypassed);

  TopkConfig cfg_;
  common::Rng rng_;
  std::vector<double> scratch_;  // the pass's input stream
  std::vector<double> smaller_;  // the smaller FIFO of a pass
  std::unique_ptr<TopkBackend> backend_;
  TopkCounters counters_;
};

}  // namespace savp::spatten
