// savp_bench_cosim: what RTL co-simulation costs. Runs the same Longformer tile stream (SALO
// scheduler, sliding window 512 + global token 0, head_dim 64, Longformer-base's synthetic Q/K/V) on
// the verilated 32 x 32 SALO PE array (SaloRtl, delta clock as in the platform) and on the C++ PE
// array the TLM engine runs (TileRunner + merge_slices), checking every merged row bit for bit, and
// reports simulated engine cycles per wall-clock second for each; then the same for the SpAtten
// top-k RTL against TopkEngine on random selections. Built only on request (target
// savp_bench_cosim): verilating the 32 x 32 array takes minutes.
// usage: savp_bench_cosim [--tiles N] [--seq-len L] [--topk-jobs N] [--topk-n N]
#include <systemc>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "models/common/random.hpp"
#include "models/common/workload_generator.hpp"
#include "models/salo/pe_array.hpp"
#include "models/salo/scheduler.hpp"
#include "models/spatten/topk_engine.hpp"
#include "testbenches/cosim/salo_rtl.hpp"
#include "testbenches/cosim/thread_runner.hpp"
#include "testbenches/cosim/topk_rtl.hpp"

using namespace savp;
using Clock = std::chrono::steady_clock;

namespace {

double cpu_since(std::clock_t c0) { return static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC; }
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Options {
  std::size_t tiles = 200, seq_len = 4096, topk_jobs = 200, topk_n = 1024;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::size_t v = std::strtoull(argv[i + 1], nullptr, 10);
    if (!std::strcmp(argv[i], "--tiles"))
      o.tiles = v;
    else if (!std::strcmp(argv[i], "--seq-len"))
      o.seq_len = v;
    else if (!std::strcmp(argv[i], "--topk-jobs"))
      o.topk_jobs = v;
    else if (!std::strcmp(argv[i], "--topk-n"))
      o.topk_n = v;
    else
      throw std::invalid_argument(std::string("unknown option ") + argv[i]);
  }
  return o;
}

bool same(const salo::RowPartial& a, const salo::RowPartial& b) {
  return a.empty == b.empty &&
         (a.empty || (a.sum_raw == b.sum_raw && a.sum_exp == b.sum_exp && a.out_raw == b.out_raw));
}

}  // namespace

int sc_main(int argc, char** argv) {
  const Options opt = parse(argc, argv);
  const salo::ArrayConfig cfg = cosim::salo_rtl_config();
  salo::SchedulerConfig sch;
  sch.rows = cfg.rows;
  sch.cols = cfg.cols;
  sch.global_rows = cfg.global_rows;
  sch.global_cols = cfg.global_cols;
  common::AttentionPattern pat;
  pat.window = 512;
  pat.global_tokens = {0};
  const salo::Schedule s = salo::schedule(pat, opt.seq_len, sch);
  const std::size_t n_tiles = std::min(opt.tiles, s.tiles.size());
  const common::QkvData qkv =
      common::generate_qkv(common::SyntheticParams{}, opt.seq_len, cfg.head_dim, cfg.head_dim, 1);
  const double scale = 0.125;

  cosim::SaloRtl rtl("salo_rtl", cfg, 1.0, true);
  spatten::TopkConfig tcfg;
  tcfg.parallelism = cosim::kTopkP;
  cosim::TopkRtl topk("topk_rtl", tcfg, 7, 1.0, true);
  cosim::ThreadRunner r("runner");
  std::uint64_t model_cycles = 0, rtl_cycles = 0, rtl_clock = 0, mismatches = 0;
  double model_s = 0, rtl_s = 0, topk_model_s = 0, topk_rtl_s = 0, model_cpu = 0, rtl_cpu = 0,
         topk_rtl_cpu = 0;
  std::uint64_t topk_model_cycles = 0, topk_rtl_cycles = 0, topk_mismatches = 0;
  r.body = [&] {
    // C++ PE array (what the TLM engine runs per tile), then the RTL, on the same tiles.
    std::vector<std::vector<salo::RowPartial>> want(n_tiles);
    {
      salo::TileRunner model(qkv.q, qkv.k, qkv.v, cfg, scale);
      std::vector<salo::RowPartial> acc(opt.seq_len);
      const auto t0 = Clock::now();
      const std::clock_t c0 = std::clock();
      for (std::size_t t = 0; t < n_tiles; ++t) {
        const salo::TileResult res = model.run(s.tiles[t]);
        model_cycles += res.cycles.body() + (t > 0 ? res.cycles.flush : 0);
        for (const auto& p : res.rows) {
          acc[p.query] = salo::merge_slices(acc[p.query], p, cfg);
          want[t].push_back(acc[p.query]);
        }
      }
      model_s = seconds_since(t0);
      model_cpu = cpu_since(c0);
    }
    {
      salo::TileRunner codes(qkv.q, qkv.k, qkv.v, cfg, scale);
      std::vector<salo::RowPartial> acc(opt.seq_len);
      const std::uint64_t clock0 = rtl.clock().cycles();
      const auto t0 = Clock::now();
      const std::clock_t c0 = std::clock();
      for (std::size_t t = 0; t < n_tiles; ++t) {
        const salo::SaloTile& tile = s.tiles[t];
        std::vector<salo::RowPartial> prev;
        for (auto q : tile.queries) prev.push_back(acc[q]);
        for (auto q : tile.global_queries) prev.push_back(acc[q]);
        salo::BackendTile b = rtl.run(tile, codes, prev, t > 0);
        rtl_cycles += b.cycles;
        for (std::size_t i = 0; i < b.rows.size(); ++i) {
          mismatches += !same(b.rows[i], want[t][i]);
          if (!b.rows[i].empty) acc[b.rows[i].query] = b.rows[i];
        }
      }
      rtl_s = seconds_since(t0);
      rtl_cpu = cpu_since(c0);
      rtl_clock = rtl.clock().cycles() - clock0;
    }
    // Top-k: the same selections on TopkEngine and the RTL.
    common::Rng rng(5);
    std::vector<std::vector<double>> jobs(opt.topk_jobs, std::vector<double>(opt.topk_n));
    for (auto& j : jobs)
      for (auto& x : j) x = rng.normal();
    std::vector<spatten::TopkResult> tw(jobs.size());
    spatten::TopkEngine engine(tcfg, 7);
    auto t0 = Clock::now();
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      tw[i] = engine.select(jobs[i], opt.topk_n / 2);
      topk_model_cycles += tw[i].cycles;
    }
    topk_model_s = seconds_since(t0);
    t0 = Clock::now();
    const std::clock_t c0 = std::clock();
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      spatten::TopkResult got;
      topk.select(jobs[i].data(), jobs[i].size(), opt.topk_n / 2, got);
      topk_rtl_cycles += got.cycles;
      topk_mismatches += got.kept != tw[i].kept || got.cycles != tw[i].cycles;
    }
    topk_rtl_s = seconds_since(t0);
    topk_rtl_cpu = cpu_since(c0);
  };
  sc_core::sc_start();
  if (!r.failure.empty()) {
    std::fprintf(stderr, "savp_bench_cosim: %s\n", r.failure.c_str());
    return 1;
  }
  std::printf(
      "SALO %ux%u (+%u global row, %u global col), Longformer window 512 + 1 global, L=%zu: %zu of %zu "
      "tiles\n",
      cfg.rows, cfg.cols, cfg.global_rows, cfg.global_cols, opt.seq_len, n_tiles, s.tiles.size());
  std::printf(
      "  C++ PE array (TLM engine core): %llu engine cycles in %.4f s wall (%.4f s CPU) = %.3g cycles/s\n",
      static_cast<unsigned long long>(model_cycles), model_s, model_cpu, model_cycles / model_s);
  std::printf(
      "  RTL array (co-simulation):      %llu engine cycles in %.4f s wall (%.4f s CPU) = %.3g cycles/s\n",
      static_cast<unsigned long long>(rtl_cycles), rtl_s, rtl_cpu, rtl_cycles / rtl_s);
  std::printf("  RTL clock cycles incl. operand load and result unload: %llu = %.3g/s\n",
              static_cast<unsigned long long>(rtl_clock), rtl_clock / rtl_s);
  std::printf(
      "  co-simulation cost: %.0fx the C++ array's wall time (%.0fx its CPU time); row mismatches %llu\n",
      rtl_s / model_s, rtl_cpu / model_cpu, static_cast<unsigned long long>(mismatches));
  std::printf("Top-k (P=%u), %zu selections of %zu from %zu:\n", cosim::kTopkP, opt.topk_jobs, opt.topk_n / 2,
              opt.topk_n);
  std::printf("  C++ TopkEngine: %llu cycles in %.4f s = %.3g cycles/s\n",
              static_cast<unsigned long long>(topk_model_cycles), topk_model_s,
              topk_model_cycles / topk_model_s);
  std::printf("  top-k RTL:      %llu cycles in %.4f s wall (%.4f s CPU) = %.3g cycles/s; mismatches %llu\n",
              static_cast<unsigned long long>(topk_rtl_cycles), topk_rtl_s, topk_rtl_cpu,
              topk_rtl_cycles / topk_rtl_s, static_cast<unsigned long long>(topk_mismatches));
  return (mismatches || topk_mismatches || rtl_cycles != model_cycles) ? 1 : 0;
}
