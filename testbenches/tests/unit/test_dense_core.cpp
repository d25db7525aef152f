// The dense engine core, untimed against a backing store: numerics per datapath against the double
// reference, traffic and cycle accounting, plan-time limits.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "core_runner.hpp"
#include "test_energy.hpp"
#include "models/common/accuracy.hpp"
#include "models/common/attention_reference.hpp"
#include "models/common/job_descriptor.hpp"
#include "models/common/number_format.hpp"
#include "models/common/workload_generator.hpp"
#include "models/dense/dense_core.hpp"

using namespace savp;

namespace {

using test::test_energy;

struct AttentionCase {
  common::AttentionPattern pattern;
  std::uint64_t L = 96, d = 32, dv = 16;
};

// Runs one head through the core; returns the accuracy against the double reference.
common::Accuracy run_attention(const dense::DenseConfig& cfg, const AttentionCase& c,
                               test::CoreRun* run = nullptr) {
  const common::QkvData qkv = common::generate_qkv(common::SyntheticParams{}, c.L, c.d, c.dv, 42);
  memory::BackingStore mem(64 << 20);
  common::JobDescriptor d;
  d.kind = common::JobKind::Attention;
  d.format = cfg.format;
  d.int_bits = cfg.int_bits;
  d.rows = d.cols = c.L;
  d.depth = c.d;
  d.value_dim = c.dv;
  d.softmax_scale = 1.0 / std::sqrt(static_cast<double>(c.d));
  d.addr_a = 0x10000;
  d.addr_b = 0x200000;
  d.addr_c = 0x400000;
  d.addr_out = 0x600000;
  d.causal = c.pattern.causal;
  d.window = c.pattern.window;
  d.dilation = c.pattern.dilation;
  d.grid_h = c.pattern.grid_h;
  d.grid_w = c.pattern.grid_w;
  d.window_h = c.pattern.window_h;
  d.window_w = c.pattern.window_w;
  d.n_globals = c.pattern.global_tokens.size();
  d.addr_globals = 0x1000;
  mem.write(d.addr_globals, reinterpret_cast<const std::uint8_t*>(c.pattern.global_tokens.data()),
            4 * d.n_globals);
  auto put = [&](const common::MatrixD& m, std::uint64_t addr, double& scale) {
    common::QuantParams q;
    q.bits = cfg.int_bits;
    if (cfg.format == common::ElemFormat::INT) q = common::symmetric_params(m.data(), cfg.int_bits);
    scale = q.scale;
    auto bytes = common::pack(m.data(), cfg.format, q);
    mem.write(addr, bytes.data(), bytes.size());
  };
  put(qkv.q, d.addr_a, d.scale_a);
  put(qkv.k, d.addr_b, d.scale_b);
  put(qkv.v, d.addr_c, d.scale_c);
  dense::DenseCore core(cfg, test_energy());
  const test::CoreRun r = test::run_core(core, mem, d);
  if (run) *run = r;
  std::vector<double> got(c.L * c.dv);
  for (std::size_t i = 0; i < got.size(); ++i) {
    float f;
    mem.read(d.addr_out + 4 * i, reinterpret_cast<std::uint8_t*>(&f), 4);
    got[i] = f;
  }
  const common::MatrixD ref = common::reference_attention(qkv.q, qkv.k, qkv.v, c.pattern, d.softmax_scale);
  return common::compare(got.data(), ref.data().data(), got.size());
}

dense::DenseConfig config(common::ElemFormat f, int bits = 8) {
  dense::DenseConfig cfg;
  cfg.array = {8, 8};
  cfg.format = f;
  cfg.int_bits = bits;
  return cfg;
}

}  // namespace

TEST_CASE("dense core: fp32 attention matches the double reference for every pattern", "[dense]") {
  std::vector<std::pair<std::string, AttentionCase>> cases(5);
  cases[0].first = "dense";
  cases[1].first = "causal";
  cases[1].second.pattern.causal = true;
  cases[2].first = "window+dilation+globals";
  cases[2].second.pattern.window = 9;
  cases[2].second.pattern.dilation = 2;
  cases[2].second.pattern.global_tokens = {0, 50};
  cases[3].first = "causal window";
  cases[3].second.pattern.causal = true;
  cases[3].second.pattern.window = 16;
  cases[4].first = "2d window";
  cases[4].second.pattern.grid_h = 8;
  cases[4].second.pattern.grid_w = 12;
  cases[4].second.pattern.window_h = 3;
  cases[4].second.pattern.window_w = 3;
  for (const auto& [name, c] : cases) {
    INFO(name);
    const common::Accuracy a = run_attention(config(common::ElemFormat::FP32), c);
    CHECK(a.rel_l2_err < 1e-5);
    CHECK(a.cosine > 0.99999);
  }
}

TEST_CASE("dense core: reduced-precision datapaths have bounded, ordered error", "[dense]") {
  AttentionCase c;
  const double e16 = run_attention(config(common::ElemFormat::FP16), c).rel_l2_err;
  const double e8 = run_attention(config(common::ElemFormat::INT, 8), c).rel_l2_err;
  const double e12 = run_attention(config(common::ElemFormat::INT, 12), c).rel_l2_err;
  const double e4 = run_attention(config(common::ElemFormat::INT, 4), c).rel_l2_err;
  CHECK(e16 > 1e-6);  // the datapath really rounds
  CHECK(e16 < 5e-3);
  CHECK(e12 < 1e-2);
  CHECK(e8 < 0.08);
  CHECK(e4 > e8);  // fewer bits, more error
  CHECK(e8 > e12);
}

TEST_CASE("dense core: streaming K/V when they do not fit gives the same output and re-reads them",
          "[dense]") {
  AttentionCase c;
  c.L = 128;
  dense::DenseConfig fit = config(common::ElemFormat::FP32);
  fit.output_buffer_bytes = 8 * (128 + 16) * 4;  // one 8-row block at a time: 16 blocks
  dense::DenseConfig stream = fit;
  stream.weight_buffer_bytes = 2 * 16 * 32 * 4;  // 16 keys per half-buffer
  test::CoreRun rf, rs;
  const auto af = run_attention(fit, c, &rf);
  const auto as = run_attention(stream, c, &rs);
  CHECK(af.rel_l2_err < 1e-5);
  CHECK(as.rel_l2_err == Approx(af.rel_l2_err).margin(1e-7));
  const std::uint64_t q = 128 * 32 * 4, k = 128 * 32 * 4, v = 128 * 16 * 4;
  CHECK(rf.bytes_read == q + k + v);
  CHECK(rs.bytes_read == q + 16 * (k + v));  // K and V streamed once per query block
  CHECK(rf.bytes_written == 128 * 16 * 4);
}

TEST_CASE("dense core: GEMM numerics and cycles in the scalesim convention", "[dense]") {
  for (dense::Dataflow df : {dense::Dataflow::OS, dense::Dataflow::WS, dense::Dataflow::IS}) {
    INFO(dense::to_string(df));
    dense::DenseConfig cfg = config(common::ElemFormat::FP32);
    cfg.dataflow = df;
    cfg.timing = dense::TimingConvention::ScaleSim;
    cfg.input_buffer_bytes = cfg.weight_buffer_bytes = 1 << 16;  // blocks, not whole operands
    const std::uint64_t M = 37, N = 21, K = 19;
    common::MatrixD a, b;
    common::generate_gemm(M, N, K, 5, a, b);
    memory::BackingStore mem(1 << 20);
    common::JobDescriptor d;
    d.kind = common::JobKind::Gemm;
    d.format = common::ElemFormat::FP32;
    d.rows = M;
    d.cols = N;
    d.depth = K;
    d.addr_a = 0x1000;
    d.addr_b = 0x10000;
    d.addr_out = 0x20000;
    auto pa = common::pack(a.data(), common::ElemFormat::FP32);
    auto pb = common::pack(b.data(), common::ElemFormat::FP32);
    mem.write(d.addr_a, pa.data(), pa.size());
    mem.write(d.addr_b, pb.data(), pb.size());
    dense::DenseCore core(cfg, test_energy());
    const test::CoreRun r = test::run_core(core, mem, d);
    CHECK(r.compute_cycles == dense::scalesim_total_cycles(cfg.array, {M, N, K}, df));
    CHECK(r.bytes_written == M * N * 4);
    std::vector<double> got(M * N);
    for (std::size_t i = 0; i < got.size(); ++i) {
      float f;
      mem.read(d.addr_out + 4 * i, reinterpret_cast<std::uint8_t*>(&f), 4);
      got[i] = f;
    }
    const common::MatrixD ref = common::reference_gemm(a, b);
    CHECK(common::compare(got.data(), ref.data().data(), got.size()).rel_l2_err < 1e-6);
    // Action counts: exactly M*N*K MACs.
    const auto acts = core.actions();
    CHECK(acts[0].second.at("mac").count == M * N * K);
  }
}

TEST_CASE("dense core: plan-time limits name the buffer to raise", "[dense]") {
  dense::DenseConfig cfg;  // 32x32, 256 KiB output buffer
  CHECK(dense::DenseCore::check_job(cfg, common::JobKind::Attention, 1024, 1024, 64, 64).empty());
  const std::string why =
      dense::DenseCore::check_job(cfg, common::JobKind::Attention, 1 << 16, 1 << 16, 64, 64);
  CHECK_THAT(why, Catch::Contains("buffers.output_kib"));
  cfg.input_buffer_bytes = 1024;
  CHECK_THAT(dense::DenseCore::check_job(cfg, common::JobKind::Gemm, 64, 64, 4096, 0),
             Catch::Contains("buffers.input_kib"));
}
