#include "testbenches/cosim/topk_rtl.hpp"

#include <Vtopk_engine.h>

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace savp::cosim {

namespace reg = topk_reg;

std::string topk_rtl_check(const spatten::TopkConfig& cfg) {
  if (cfg.kind != spatten::TopkKind::QuickSelect) return "the top-k RTL implements kind \"quickselect\" only";
  if (cfg.parallelism != kTopkP) {
    return "the top-k RTL was built with " + std::to_string(kTopkP) + " comparators (topk_parallelism " +
           std::to_string(cfg.parallelism) + " requested; reconfigure with -DSAVP_RTL_TOPK_P)";
  }
  if (cfg.pass_overhead_cycles < 3) {
    return "the top-k RTL needs pass_overhead_cycles >= 3 (pivot draw, pivot read, decision), found " +
           std::to_string(cfg.pass_overhead_cycles);
  }
  return "";
}

TopkRtl::TopkRtl(sc_core::sc_module_name name, const spatten::TopkConfig& cfg, std::uint64_t seed,
                 double period_ns, bool delta, const std::string& vcd_path)
    : RtlBlock(name, period_ns, delta),
      cfg_(cfg),
      seed_(seed),
      rtl_(std::make_unique<Vtopk_engine>("rtl")),
      cand_tx_("cand_tx", clock_),
      kept_rx_("kept_rx", clock_, 0),
      kept_mem_("kept_mem", (kTopkNmax / kTopkP + 1) * beat_bytes<TopkBeat>()) {
  const std::string why = topk_rtl_check(cfg);
  if (!why.empty()) throw std::invalid_argument(why);
  bind_block(*rtl_, in_, cand_tx_, out_, kept_rx_, vcd_path);
  kept_rx_.init_socket.bind(kept_mem_.tgt_socket);
  cand_socket.bind(cand_tx_.tgt_socket);
}

TopkRtl::~TopkRtl() = default;

void TopkRtl::reset_once() {
  if (!reset_pulse()) return;
  if ((reg_read(reg::kId) & 0xFFFFFFFFu) != reg::kIdMagic || (reg_read(reg::kId) >> 32) != kTopkP) {
    throw std::runtime_error(std::string(name()) + ": unexpected top-k RTL ID register");
  }
  const common::Rng rng(seed_);
  for (std::uint32_t i = 0; i < 4; ++i) reg_write(reg::kRng0 + 8 * i, rng.state()[i]);
  reg_write(reg::kOverhead, cfg_.pass_overhead_cycles);
}

void TopkRtl::select(const double* values, std::size_t n, std::size_t k, spatten::TopkResult& out) {
  if (n > kTopkNmax) {
    throw std::runtime_error(std::string(name()) + ": " + std::to_string(n) + " candidates exceed the RTL's " +
                             std::to_string(kTopkNmax) + " (reconfigure with -DSAVP_RTL_TOPK_NMAX)");
  }
  reset_once();
  reg_write(reg::kCtrl, 2);  // clear
  reg_write(reg::kK, k);
  codes_.resize(n);
  for (std::size_t i = 0; i < n; ++i) codes_[i] = topk_encode(values[i]);
  transport(cand_socket, true, 0, codes_.data(), static_cast<unsigned>(n * 8));
  if (reg_read(reg::kN) != n) throw std::runtime_error(std::string(name()) + ": the RTL did not take every candidate");
  kept_rx_.restart(0);
  clock_.hold();
  reg_write(reg::kCtrl, 1);  // start
  while (kept_rx_.packets() == 0) wait_sample(clock_);
  clock_.release();
  if (!kept_rx_.error().empty()) throw std::runtime_error(kept_rx_.error());
  if ((reg_read(reg::kStatus) & 1) == 0) throw std::runtime_error(std::string(name()) + ": RTL not done after its last beat");
  out.cycles = reg_read(reg::kCycles);
  out.passes = static_cast<std::uint32_t>(reg_read(reg::kPasses));
  out.comparisons = reg_read(reg::kComparisons);
  out.threshold = topk_decode(reg_read(reg::kThreshold));
  out.kept.clear();
  const std::size_t bb = beat_bytes<TopkBeat>();
  for (std::uint64_t b = 0; b < kept_rx_.beats(); ++b) {
    const TopkBeat beat = BeatCodec<TopkBeat>::decode(kept_mem_.bytes.data() + b * bb);
    const unsigned count = beat.range(kTopkP * 16 + 7, kTopkP * 16).to_uint();
    for (unsigned i = 0; i < count; ++i) out.kept.push_back(beat.range(16 * i + 15, 16 * i).to_uint());
  }
}

void register_topk_rtl() {
  spatten::register_topk_rtl_check(topk_rtl_check);
  spatten::register_topk_rtl_backend([](const spatten::TopkConfig& cfg, std::uint64_t seed) {
    // Delta clock: the platform's time for the step still comes from the core's compute cycles.
    const std::string inst = sc_core::sc_gen_unique_name("topk_rtl");
    return std::unique_ptr<spatten::TopkBackend>(
        new TopkRtl(inst.c_str(), cfg, seed, 1.0, true, rtl_waves_path(inst)));
  });
}

}  // namespace savp::cosim
