// TopkPlugin: SpAtten's top-k selections on a topk-v1 RTL plugin (topk_protocol.hpp), driven at the
// pins from plain C++ (RtlPluginBlock), with models/spatten's TopkEngine beside it as scoreboard
// (kept set and threshold; the plugin may be another micro-architecture, so its cycles are reported
// and used only with "cycles": "rtl"). A selection: CTRL.clear, K, the candidate codes on the input
// stream (last on the final one), N read back, CTRL.start, the output beats collected until last,
// STATUS read until done, then CYCLES, PASSES, COMPARISONS, THRESHOLD. Every selection has a cycle budget
// (budget_cycles, or 1000 + n (ceil(log2 n) + 1)^2 by default, enough for a sorting network with one
// compare-exchange unit); a block that exceeds it stops the run (std::runtime_error, exit 1) with
// what it was waiting for and the handshake pins. On a disagreement the first differing output beat
// is named and the selection is replayed on a fresh instance (same RNG state) with waves into
// rtl_<instance>.fst in the plugin waves directory (set_plugin_waves_dir).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/spatten/topk_engine.hpp"
#include "testbenches/cosim/plugin/rtl_plugin.hpp"

namespace savp::cosim {

class TopkPlugin : public spatten::TopkBackend {
 public:
  TopkPlugin(std::string instance, const spatten::TopkConfig& cfg, std::uint64_t seed);
  ~TopkPlugin() override;

  void select(const double* values, std::size_t n, std::size_t k, spatten::TopkResult& out) override;
  bool cycle_exact() const override { return false; }
  bool rtl_cycles() const override { return cfg_.plugin.rtl_cycles; }
  std::string explain_mismatch(const spatten::TopkResult& model, const spatten::TopkResult& rtl) override;

  std::uint64_t selections() const { return selections_; }

 private:
  struct Driver;
  struct Run {
    std::vector<std::vector<std::uint32_t>> beats;  // kept indices per output beat
  };
  // One selection on `d` (its RNG registers loaded with `rng` first when `load_rng`).
  void run(Driver& d, std::size_t n, std::size_t k, spatten::TopkResult& out, Run& beats);

  std::string instance_;
  spatten::TopkConfig cfg_;
  std::shared_ptr<const RtlPlugin> plugin_;
  std::unique_ptr<Driver> driver_;
  std::array<std::uint64_t, 4> rng_{};  // RNG registers before the current selection
  std::vector<std::uint64_t> codes_;    // the current selection's candidates
  std::size_t n_ = 0, k_ = 0;
  Run last_;
  std::uint64_t selections_ = 0;
};

// Where disagreement waves go (the run's output directory; empty: none written).
void set_plugin_waves_dir(const std::string& dir);

// Registers the plugin check with the scenario loader and the topk-v1 backend with models/spatten.
void register_rtl_plugins();

}  // namespace savp::cosim
