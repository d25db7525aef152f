// SAVP's CHELA engine core (models/chela/chela_core, chela_timing) driven without SystemC by a flat
// memory: outputs against the double-precision reference (fp32 and fp16 datapaths, causal and
// non-causal, direct and FFT long convolution, the two modes agreeing), DRAM traffic exactly the
// bytes the chunk schedule moves (linear in L), cycle counts from the closed forms of the array,
// vector and FFT units, the chunk size's effect on cycles and buffer need, and the refusals.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include "models/chela/chela_core.hpp"
#include "models/chela/chela_timing.hpp"
#include "models/chela/linear_attention.hpp"
#include "models/common/input_error.hpp"
#include "models/common/job_descriptor.hpp"
#include "models/common/number_format.hpp"
#include "models/common/random.hpp"

using namespace savp::chela;
using savp::common::ElemFormat;

namespace {

savp::common::EnergyTable table() {
  savp::common::Json j = savp::common::load_json_file(std::string(SAVP_SOURCE_DIR) + "/scenarios/energy/default-45nm.json");
  return savp::common::EnergyTable::parse(savp::common::JsonNode(j, "default-45nm.json"));
}

struct Run {
  std::vector<double> out, ref;
  std::uint64_t cycles = 0, bytes_read = 0, bytes_written = 0, steps = 0;
  double rel = 0;
};

// One head on a flat byte memory: the host's layout, the core's steps in order.
Run run(const ChelaConfig& cfg, std::size_t L, std::size_t d, std::size_t dv, bool causal, std::uint64_t seed = 1) {
  savp::common::Rng r(seed);
  std::vector<double> q(L * d), k(L * d), v(L * dv);
  for (double& x : q) x = 0.5 * r.normal();
  for (double& x : k) x = 0.5 * r.normal();
  for (double& x : v) x = r.normal();
  const ChelaKernels kern = generate_kernels(dv, cfg.short_kernel, cfg.long_taps(L), seed + 1);
  const std::size_t e = savp::common::elem_bytes(cfg.format);
  const std::uint64_t A = 4096, Bk = A + L * d * e + 4096, C = Bk + L * d * e + 4096, O = C + L * dv * e + 4096;
  const ChelaRegions reg = chela_regions(cfg, O + L * dv * 4, L, dv);
  std::vector<std::uint8_t> mem(reg.end, 0);
  auto load = [&](std::uint64_t addr, const std::vector<double>& vals) {
    auto b = savp::common::pack(vals, cfg.format, savp::common::QuantParams{});
    std::memcpy(&mem[addr], b.data(), b.size());
  };
  load(A, q);
  load(Bk, k);
  load(C, v);
  load(reg.short_kernel, kern.w);
  load(reg.long_kernel, kern.h);
  ChelaJobBlock blk{reg.short_kernel, reg.long_kernel, reg.u_scratch, reg.z_scratch};
  auto bb = blk.serialise();
  std::memcpy(&mem[reg.block], bb.data(), bb.size());
  savp::common::JobDescriptor jd;
  jd.rows = jd.cols = L;
  jd.depth = d;
  jd.value_dim = dv;
  jd.format = cfg.format;
  jd.addr_a = A;
  jd.addr_b = Bk;
  jd.addr_c = C;
  jd.addr_out = O;
  jd.causal = causal;
  jd.addr_globals = reg.block;
  ChelaCore core(cfg, table());
  core.start(jd);
  Run res;
  savp::common::EngineStep s;
  while (core.next(s)) {
    for (auto& t : s.reads) {
      std::memcpy(t.dst, &mem[t.addr], t.bytes);
      res.bytes_read += t.bytes;
    }
    core.reads_done(s);
    for (auto& t : s.writes) {
      std::memcpy(&mem[t.addr], t.src, t.bytes);
      res.bytes_written += t.bytes;
    }
    res.cycles += s.compute_cycles;
    ++res.steps;
  }
  res.out.resize(L * dv);
  for (std::size_t i = 0; i < L * dv; ++i) {
    float f;
    std::memcpy(&f, &mem[O + 4 * i], 4);
    res.out[i] = f;
  }
  res.ref = chela_reference(cfg, q, k, v, kern, L, d, dv, causal);
  double num = 0, den = 0;
  for (std::size_t i = 0; i < L * dv; ++i) {
    num += (res.out[i] - res.ref[i]) * (res.out[i] - res.ref[i]);
    den += res.ref[i] * res.ref[i];
  }
  res.rel = std::sqrt(num / den);
  return res;
}

ChelaConfig small(LongConvMode mode, ElemFormat f = ElemFormat::FP32) {
  ChelaConfig c;
  c.array = {8, 8};
  c.chunk = 16;
  c.stream_tokens = 64;
  c.format = f;
  c.conv_mode = mode;
  return c;
}

}  // namespace

TEST_CASE("CHELA core output matches the double reference", "[chela]") {
  for (bool causal : {true, false}) {
    for (LongConvMode m : {LongConvMode::Direct, LongConvMode::Fft}) {
      CAPTURE(causal, m == LongConvMode::Fft);
      const Run r32 = run(small(m), 100, 16, 8, causal);
      CHECK(r32.rel < 1e-5);
      const Run r16 = run(small(m, ElemFormat::FP16), 100, 16, 8, causal);
      CHECK(r16.rel < 5e-3);
      CHECK(r16.rel > r32.rel);  // the fp16 operands cost accuracy: the datapath is modelled
    }
  }
  ChelaConfig plain = small(LongConvMode::Fft);
  plain.conv_enabled = false;
  CHECK(run(plain, 70, 8, 8, true).rel < 1e-5);
  plain.normalise = false;
  plain.feature_map = FeatureMap::None;
  CHECK(run(plain, 70, 8, 8, false).rel < 1e-5);
}

TEST_CASE("direct and FFT long-convolution modes give the same layer output", "[chela]") {
  ChelaConfig d = small(LongConvMode::Direct), f = small(LongConvMode::Fft);
  d.long_kernel = f.long_kernel = 40;
  const Run a = run(d, 96, 8, 8, true), b = run(f, 96, 8, 8, true);
  double num = 0, den = 0;
  for (std::size_t i = 0; i < a.out.size(); ++i) {
    num += (a.out[i] - b.out[i]) * (a.out[i] - b.out[i]);
    den += a.out[i] * a.out[i];
  }
  CHECK(std::sqrt(num / den) < 1e-6);
  CHECK(a.ref == b.ref);
}

TEST_CASE("CHELA DRAM traffic is the chunk schedule's bytes, linear in L", "[chela]") {
  ChelaConfig c = small(LongConvMode::Fft);
  c.conv_enabled = false;
  const std::size_t d = 16, dv = 8;
  for (std::size_t L : {64, 128, 256}) {
    const Run r = run(c, L, d, dv, true);
    CHECK(r.bytes_read == ChelaJobBlock::kBytes + L * (2 * d + dv) * 4);  // Q, K, V once
    CHECK(r.bytes_written == L * dv * 4);                                  // O once, fp32
  }
  // Non-causal without the branch: K, V in the state pass, Q in the output pass.
  CHECK(run(c, 128, d, dv, false).bytes_read == ChelaJobBlock::kBytes + 128 * (2 * d + dv) * 4);
  // FFT branch: + kernels, U written and read, Z written and read, A written and read, V again.
  c.conv_enabled = true;
  const std::size_t L = 128, lk = L, ks = c.short_kernel;
  const Run f = run(c, L, d, dv, true);
  CHECK(f.bytes_read == ChelaJobBlock::kBytes + L * (2 * d + dv) * 4 + dv * ks * 4 + dv * lk * 4 + L * dv * 4 * 4);
  CHECK(f.bytes_written == L * dv * 4 * 4);
  // Direct branch: the kernels once, no scratch.
  const Run g = run(small(LongConvMode::Direct), L, d, dv, true);
  CHECK(g.bytes_read == ChelaJobBlock::kBytes + L * (2 * d + dv) * 4 + dv * ks * 4 + dv * lk * 4);
  CHECK(g.bytes_written == L * dv * 4);
}

TEST_CASE("CHELA cycle counts follow the closed forms", "[chela]") {
  ChelaConfig c;
  c.array = {32, 32};
  // One fold on the output-stationary array: K streaming steps + R + N - 2 elapsed cycles.
  CHECK(array_cycles(c, 32, 32, 64) == 64 + 32 + 32 - 2);
  CHECK(array_cycles(c, 16, 8, 10) == 10 + 32 + 8 - 2);
  // Four folds, pipelined at max(K, R): 3 * 64 + the last fold's latency.
  CHECK(array_cycles(c, 64, 64, 64) == 3 * 64 + 64 + 32 + 32 - 2);
  CHECK(array_cycles(c, 0, 8, 8) == 0);
  CHECK(vector_cycles(c, 100) == 4 + 8);  // ceil(100 / 32) + pipeline
  // A causal chunk, B = 32, d = 32, dv = 31 (+1 normaliser column): four one-fold GEMMs + vector.
  c.chunk = 32;
  const std::uint64_t g = 32 + 32 + 32 - 2;  // each GEMM is 32 x 32 x 32
  CHECK(output_chunk_cycles(c, 32, 32, 31, true) == vector_cycles(c, 2 * 32 * 32) + 4 * g + vector_cycles(c, 32 * 31));
  CHECK(output_chunk_cycles(c, 32, 32, 31, false) == vector_cycles(c, 32 * 32) + g + vector_cycles(c, 32 * 31));
  CHECK(state_update_cycles(c, 32, 32, 31) == vector_cycles(c, 32 * 32) + g);
  // FFT: L = lk = 1024 -> N = 2048, 3 x 1024 x 11 butterflies + 2048 products over 16 units, 3 x 11 stages.
  CHECK(fft_butterflies(1024, 1024) == 3 * 1024 * 11);
  CHECK(fft_channel_cycles(c, 1024, 1024) == (33792 + 2048) / 16 + 33);
  // Direct long convolution: blocks within the kernel's reach.
  c.chunk = 64;
  CHECK(direct_long_conv_blocks(c, 128, 64, 1 << 20) == 3);
  CHECK(direct_long_conv_blocks(c, 128, 64, 64) == 2);
  CHECK(direct_long_conv_blocks(c, 128, 64, 1) == 1);
  CHECK(direct_long_conv_cycles(c, 128, 64, 32, 1 << 20) == 3 * array_cycles(c, 64, 32, 64));
}

TEST_CASE("chunk size trades cycles against buffer need", "[chela]") {
  ChelaConfig c = small(LongConvMode::Fft);
  c.conv_enabled = false;
  std::uint64_t prev_work = 0;
  for (std::uint32_t B : {8u, 16u, 32u}) {
    c.chunk = B;
    c.stream_tokens = 2 * B;
    const auto need = ChelaCore::buffer_need(c, 256, 16, 16);
    CHECK(need.work == B * B * 4 + B * 17 * 4);
    CHECK(need.work > prev_work);
    prev_work = need.work;
  }
  // Larger chunks: more intra-chunk work per token, fewer state passes; the run's cycles change.
  c.chunk = 8;
  c.stream_tokens = 16;
  const Run r8 = run(c, 256, 16, 16, true);
  c.chunk = 32;
  c.stream_tokens = 64;
  const Run r32 = run(c, 256, 16, 16, true);
  CHECK(r8.cycles != r32.cycles);
  CHECK(r8.bytes_read == r32.bytes_read);  // traffic independent of B
  CHECK(std::fabs(r8.rel) < 1e-5);
  CHECK(std::fabs(r32.rel) < 1e-5);
}

TEST_CASE("CHELA refuses jobs that do not fit", "[chela]") {
  ChelaConfig c;
  CHECK(ChelaCore::check_job(c, 4096, 64, 64).why.empty());
  c.state_bytes = 1024;
  CHECK(ChelaCore::check_job(c, 4096, 64, 64).key == "buffers/state_kib");
  c = ChelaConfig{};
  c.work_bytes = 4096;
  CHECK(ChelaCore::check_job(c, 4096, 64, 64).key == "buffers/work_kib");
  c = ChelaConfig{};
  c.conv_mode = LongConvMode::Direct;
  c.long_kernel = 5000;
  CHECK(ChelaCore::check_job(c, 4096, 64, 64).key == "conv/long_kernel");
  c.conv_mode = LongConvMode::Fft;  // FFT takes a kernel longer than the sequence (bigger transform)
  CHECK(ChelaCore::check_job(c, 4096, 64, 64).why.empty());
  c.long_kernel = 0;
  c.conv_mode = LongConvMode::Direct;
  CHECK(ChelaCore::check_job(c, 65536, 64, 64).key == "buffers/conv_kib");  // 16 MiB history
  c.conv_mode = LongConvMode::Fft;
  CHECK(ChelaCore::check_job(c, 65536, 64, 64).why.empty());  // 128K-point FFT: 2 MiB
  CHECK(ChelaCore::check_job(c, 131072, 64, 64).key == "buffers/conv_kib");
  c.short_kernel = 8;
  CHECK(ChelaCore::check_job(c, 4, 64, 64).key == "conv/short_kernel");
}

TEST_CASE("CHELA refuses normalisation without a positive feature map", "[chela][hardening]") {
  // Why: with feature_map none the denominator is q . sum k, which changes sign across rows on
  // ordinary data (and so passes near zero); elu + 1 keeps it positive.
  savp::common::Rng r(3);
  const std::size_t L = 256, d = 16;
  const FeatureMap maps[2] = {FeatureMap::None, FeatureMap::Elu1};
  std::vector<double> z[2] = {std::vector<double>(d, 0.0), std::vector<double>(d, 0.0)};  // sum phi(k)
  std::size_t negative[2] = {0, 0};
  for (std::size_t t = 0; t < L; ++t) {
    std::vector<double> q(d), k(d);
    for (double& x : q) x = r.normal();
    for (double& x : k) x = r.normal();
    for (int f = 0; f < 2; ++f) {
      double den = 0;
      for (std::size_t a = 0; a < d; ++a) {
        z[f][a] += feature(k[a], maps[f]);
        den += feature(q[a], maps[f]) * z[f][a];
      }
      if (den <= 0) ++negative[f];
    }
  }
  CHECK(negative[0] > L / 10);
  CHECK(negative[1] == 0);
  auto parse = [](const char* text) {
    savp::common::Json j = savp::common::Json::parse(text);
    return ChelaConfig::parse(savp::common::JsonNode(j, "chela.json"));
  };
  try {
    parse(R"({"type": "chela", "feature_map": "none"})");
    FAIL("feature_map none with normalisation was accepted");
  } catch (const savp::common::InputError& e) {
    CHECK(e.path() == "/feature_map");
    CHECK_THAT(e.message(), Catch::Contains("cannot be normalised"));
  }
  CHECK_THROWS_AS(parse(R"({"type": "chela", "feature_map": "none", "normalise": true})"), savp::common::InputError);
  CHECK_FALSE(parse(R"({"type": "chela", "feature_map": "none", "normalise": false})").normalise);
  CHECK(parse(R"({"type": "chela", "feature_map": "elu1", "normalise": true})").normalise);
}
