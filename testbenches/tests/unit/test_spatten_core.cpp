// SpattenCore without SystemC: a job block laid out in a backing store, the core run to completion,
// outputs and the decision log read back. Exactness without pruning, the cascade's nested sets and
// the schedule's counts, and what progressive quantisation's recompute buys.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>

#include "core_runner.hpp"
#include "models/common/energy_table.hpp"
#include "models/common/number_format.hpp"
#include "models/common/random.hpp"
#include "models/common/workload_generator.hpp"
#include "models/spatten/progressive_quant.hpp"
#include "models/spatten/spatten_core.hpp"
#include "test_energy.hpp"

using namespace savp;

namespace {

struct Setup {
  spatten::SpattenJob job;
  std::vector<common::QkvData> data;  // per (layer, head)
  memory::BackingStore mem{1ull << 30};
  std::uint64_t block = 4096;
};

// Lays a job out the way the host does (Q fp16; K MSB/LSB and V packed, or fp32; scales; log).
void lay_out(Setup& s, const spatten::SpattenConfig& cfg) {
  spatten::SpattenJob& j = s.job;
  j.quantised = cfg.quant.enabled;
  j.key_msb = cfg.quant.key.msb_bits;
  j.key_lsb = cfg.quant.key.lsb_bits;
  j.value_bits = cfg.quant.value_bits;
  const std::uint64_t heads = std::uint64_t{j.layers} * j.heads, L = j.seq_len;
  std::uint64_t a = 8192;
  auto take = [&](std::uint64_t bytes) {
    const std::uint64_t at = a;
    a += (bytes + 4095) / 4096 * 4096;
    return at;
  };
  j.scales_addr = take(16 * heads);
  j.q_stride = L * j.q_row_bytes();
  j.k_msb_stride = L * j.k_msb_row_bytes();
  j.k_lsb_stride = L * std::max<std::uint64_t>(1, j.k_lsb_row_bytes());
  j.v_stride = L * j.v_row_bytes();
  j.out_stride = L * j.out_row_bytes();
  j.q_base = take(heads * j.q_stride);
  j.k_msb_base = take(heads * j.k_msb_stride);
  j.k_lsb_base = take(heads * j.k_lsb_stride);
  j.v_base = take(heads * j.v_stride);
  j.out_base = take(heads * j.out_stride);
  j.log_addr = take(j.steps() * j.layers * j.log_entry_bytes());
  for (std::uint32_t l = 0; l < j.layers; ++l) {
    for (std::uint32_t h = 0; h < j.heads; ++h) {
      const std::uint64_t hi = j.head_index(l, h);
      s.data.push_back(common::generate_qkv(common::SyntheticParams{}, L, j.head_dim, j.value_dim,
                                            common::derive_seed(5, l, h)));
      const common::QkvData& d = s.data.back();
      auto q = common::pack(d.q.data(), common::ElemFormat::FP16);
      s.mem.write(j.q_base + hi * j.q_stride, q.data(), q.size());
      double scales[2] = {1.0, 1.0};
      if (j.quantised) {
        auto k = spatten::quantise_split(d.k.data(), L, j.head_dim, cfg.quant.key);
        auto v = spatten::quantise_split(d.v.data(), L, j.value_dim, {cfg.quant.value_bits, 0});
        s.mem.write(j.k_msb_base + hi * j.k_msb_stride, k.msb.data(), k.msb.size());
        if (!k.lsb.empty()) s.mem.write(j.k_lsb_base + hi * j.k_lsb_stride, k.lsb.data(), k.lsb.size());
        s.mem.write(j.v_base + hi * j.v_stride, v.msb.data(), v.msb.size());
        scales[0] = k.scale;
        scales[1] = v.scale;
      } else {
        auto k = common::pack(d.k.data(), common::ElemFormat::FP32);
        auto v = common::pack(d.v.data(), common::ElemFormat::FP32);
        s.mem.write(j.k_msb_base + hi * j.k_msb_stride, k.data(), k.size());
        s.mem.write(j.v_base + hi * j.v_stride, v.data(), v.size());
      }
      s.mem.write(j.scales_addr + 16 * hi, reinterpret_cast<const std::uint8_t*>(scales), 16);
    }
  }
  auto b = j.serialise();
  s.mem.write(s.block, b.data(), b.size());
}

common::JobDescriptor descriptor(const Setup& s) {
  common::JobDescriptor d;
  d.kind = common::JobKind::PrunedModel;
  d.addr_a = s.block;
  return d;
}

// Output row `q` of (layer, head) and the exact causal/non-causal reference over keys [0, ctx).
double row_error(const Setup& s, std::uint32_t l, std::uint32_t h, std::uint32_t q, std::size_t ctx) {
  const common::QkvData& d = s.data[s.job.head_index(l, h)];
  const std::size_t dim = s.job.head_dim, dv = s.job.value_dim;
  std::vector<double> p(ctx);
  double mx = -1e300, sum = 0;
  for (std::size_t j = 0; j < ctx; ++j) {
    double acc = 0;
    for (std::size_t x = 0; x < dim; ++x) acc += d.q(q, x) * d.k(j, x);
    p[j] = acc * s.job.softmax_scale;
    mx = std::max(mx, p[j]);
  }
  for (double& v : p) sum += (v = std::exp(v - mx));
  std::vector<float> got(dv);
  s.mem.read(s.job.out_base + s.job.head_index(l, h) * s.job.out_stride + q * s.job.out_row_bytes(),
             reinterpret_cast<std::uint8_t*>(got.data()), 4 * dv);
  double err = 0, ref = 0;
  for (std::size_t x = 0; x < dv; ++x) {
    double o = 0;
    for (std::size_t j = 0; j < ctx; ++j) o += p[j] / sum * d.v(j, x);
    err += (got[x] - o) * (got[x] - o);
    ref += o * o;
  }
  return std::sqrt(err / ref);
}

std::vector<std::uint32_t> logged_tokens(const Setup& s, std::uint64_t step, std::uint32_t layer) {
  std::vector<std::uint8_t> raw(s.job.log_entry_bytes());
  s.mem.read(s.job.log_addr + (step * s.job.layers + layer) * raw.size(), raw.data(), raw.size());
  std::uint32_t n;
  std::memcpy(&n, raw.data(), 4);
  std::vector<std::uint32_t> t(n);
  std::memcpy(t.data(), &raw[8 + 8 * s.job.log_mask_words()], 4 * std::size_t{n});
  return t;
}

spatten::SpattenConfig exact_config() {
  spatten::SpattenConfig c;
  c.quant.enabled = false;
  return c;
}

}  // namespace

TEST_CASE("SpAtten generation without pruning or quantisation is exact attention", "[spatten]") {
  Setup s;
  s.job.mode = spatten::SpattenMode::Generate;
  s.job.layers = 2;
  s.job.heads = 2;
  s.job.seq_len = 96;
  s.job.first_query = 88;
  const auto cfg = exact_config();
  lay_out(s, cfg);
  spatten::SpattenCore core(cfg, test::test_energy(), 1);
  test::run_core(core, s.mem, descriptor(s));
  for (std::uint32_t l = 0; l < 2; ++l) {
    for (std::uint32_t h = 0; h < 2; ++h) {
      for (std::uint32_t q = 88; q < 96; ++q) CHECK(row_error(s, l, h, q, q + 1) < 2e-3);  // fp16 Q
    }
  }
  CHECK(logged_tokens(s, 7, 1).size() == 96);
}

TEST_CASE("SpAtten cascade token pruning keeps nested sets of the scheduled sizes", "[spatten]") {
  Setup s;
  s.job.mode = spatten::SpattenMode::Summarise;
  s.job.layers = 6;
  s.job.heads = 3;
  s.job.seq_len = 120;
  auto cfg = exact_config();
  cfg.pruning.tokens.target_ratio = 0.3;
  lay_out(s, cfg);
  spatten::SpattenCore core(cfg, test::test_energy(), 3);
  test::run_core(core, s.mem, descriptor(s));
  std::string err;
  const auto sched = spatten::PruneSchedule::make(cfg.pruning.tokens, 6, err);
  REQUIRE(err.empty());
  std::vector<std::uint32_t> prev = logged_tokens(s, 0, 0);
  CHECK(prev.size() == 120);
  for (std::uint32_t l = 1; l < 6; ++l) {
    const auto cur = logged_tokens(s, 0, l);
    CHECK(cur.size() == sched.keep(l - 1, 120));
    CHECK(std::includes(prev.begin(), prev.end(), cur.begin(), cur.end()));  // nested, ascending
    prev = cur;
  }
  // Layer 0 runs before any pruning: its rows are exact.
  for (std::uint32_t q = 0; q < 120; q += 17) CHECK(row_error(s, 0, 0, q, 120) < 2e-3);
}

TEST_CASE("SpAtten progressive quantisation: the LSB recompute removes most of the MSB-only error",
          "[spatten]") {
  auto run = [](double threshold, double& requant) {
    Setup s;
    s.job.mode = spatten::SpattenMode::Generate;
    s.job.layers = 1;
    s.job.heads = 4;
    s.job.seq_len = 80;
    s.job.first_query = 64;
    spatten::SpattenConfig cfg;  // 6+4-bit K, 6-bit V, no pruning
    cfg.quant.key = {4, 4};
    cfg.quant.value_bits = 12;
    cfg.quant.threshold = threshold;
    lay_out(s, cfg);
    spatten::SpattenCore core(cfg, test::test_energy(), 1);
    test::run_core(core, s.mem, descriptor(s));
    for (const auto& [k, v] : core.job_stats().values) {
      if (k == "requant_fraction") requant = v;
    }
    double e = 0;
    for (std::uint32_t h = 0; h < 4; ++h) {
      for (std::uint32_t q = 64; q < 80; ++q) e += row_error(s, 0, h, q, q + 1);
    }
    return e / 64;
  };
  double never = -1, always = -1;
  const double e_msb = run(1e-9, never);     // max prob is never below: MSBs only
  const double e_full = run(0.999, always);  // always below: every row recomputed with 4+4 bits
  CHECK(never == 0.0);
  CHECK(always == 1.0);
  CHECK(e_full < 0.5 * e_msb);
}
