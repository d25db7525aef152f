// CHELA numerics (models/chela): the chunked linear attention equals the recurrent form up to
// rounding (chunked in double against the recurrent double reference to 1e-12; the engine's fp32
// chunked form within fp32 rounding), causal and non-causal, with and without the elu+1 feature
// map and normalisation, chunk sizes that do and do not divide the sequence; the short convolution
// streamed in chunks equals one pass; the direct and FFT long convolutions agree (kernel shorter
// than, equal to and, for FFT, longer than the sequence); the reference branch against a hand sum.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "models/chela/chela_job.hpp"
#include "models/chela/linear_attention.hpp"
#include "models/chela/short_long_conv.hpp"
#include "models/common/random.hpp"

using namespace savp::chela;

namespace {

std::vector<double> randn(std::size_t n, std::uint64_t seed, double scale = 1.0) {
  savp::common::Rng r(seed);
  std::vector<double> v(n);
  for (double& x : v) x = r.normal() * scale;
  return v;
}

double rel_l2(const std::vector<double>& a, const std::vector<double>& b) {
  double num = 0, den = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    num += (a[i] - b[i]) * (a[i] - b[i]);
    den += b[i] * b[i];
  }
  return std::sqrt(num / den);
}

template <typename T>
std::vector<double> chunked(const std::vector<double>& q, const std::vector<double>& k, const std::vector<double>& v,
                            std::size_t L, std::size_t d, std::size_t dv, std::size_t B, bool causal, FeatureMap f,
                            bool norm) {
  ChunkedLinearAttention<T> a(d, dv, f, norm);
  std::vector<T> qt(q.begin(), q.end()), kt(k.begin(), k.end()), vt(v.begin(), v.end()), o(L * dv);
  if (!causal) {
    for (std::size_t t0 = 0; t0 < L; t0 += B) a.update_state(&kt[t0 * d], &vt[t0 * dv], std::min(B, L - t0));
  }
  for (std::size_t t0 = 0; t0 < L; t0 += B)
    a.output_chunk(&qt[t0 * d], &kt[t0 * d], &vt[t0 * dv], std::min(B, L - t0), causal, &o[t0 * dv]);
  return std::vector<double>(o.begin(), o.end());
}

}  // namespace

TEST_CASE("chunked linear attention equals the recurrent form", "[chela]") {
  const std::size_t L = 200, d = 16, dv = 12;
  const auto q = randn(L * d, 1, 0.5), k = randn(L * d, 2, 0.5), v = randn(L * dv, 3);
  for (bool causal : {true, false}) {
    for (FeatureMap f : {FeatureMap::Elu1, FeatureMap::None}) {
      for (bool norm : {true, false}) {
        if (f == FeatureMap::None && norm) continue;  // denominators of either sign: ill-posed
        const auto ref = recurrent_linear_attention(q, k, v, L, d, dv, causal, f, norm);
        for (std::size_t B : {1, 7, 32, 64, 200, 256}) {
          CAPTURE(causal, f == FeatureMap::Elu1, norm, B);
          CHECK(rel_l2(chunked<double>(q, k, v, L, d, dv, B, causal, f, norm), ref) < 1e-12);
          CHECK(rel_l2(chunked<float>(q, k, v, L, d, dv, B, causal, f, norm), ref) < 2e-6);
        }
      }
    }
  }
}

TEST_CASE("causal and non-causal linear attention differ, and the recurrent form is causal", "[chela]") {
  const std::size_t L = 50, d = 8, dv = 4;
  const auto q = randn(L * d, 4), k = randn(L * d, 5), v = randn(L * dv, 6);
  const auto c = recurrent_linear_attention(q, k, v, L, d, dv, true, FeatureMap::Elu1, true);
  const auto n = recurrent_linear_attention(q, k, v, L, d, dv, false, FeatureMap::Elu1, true);
  CHECK(rel_l2(c, n) > 1e-2);
  // Row 0 of the causal form sees only token 0: with normalisation the output is v_0 exactly.
  for (std::size_t x = 0; x < dv; ++x) CHECK(c[x] == Approx(v[x]).epsilon(1e-12));
  // The last row of both forms sees every token.
  for (std::size_t x = 0; x < dv; ++x) CHECK(c[(L - 1) * dv + x] == Approx(n[(L - 1) * dv + x]).epsilon(1e-12));
}

TEST_CASE("short convolution streamed in chunks equals one pass and SiLU is applied", "[chela]") {
  const std::size_t L = 37, dv = 5, ks = 4;
  const auto v = randn(L * dv, 7), w = randn(dv * ks, 8);
  ShortConvSilu<double> one(dv, ks, w), chunks(dv, ks, w);
  std::vector<double> a(L * dv), b(L * dv);
  one.apply(v.data(), L, a.data());
  for (std::size_t t0 = 0; t0 < L; t0 += 3) chunks.apply(&v[t0 * dv], std::min<std::size_t>(3, L - t0), &b[t0 * dv]);
  CHECK(a == b);
  // Hand sum for row 10, channel 2.
  double s = 0;
  for (std::size_t j = 0; j < ks; ++j) s += w[2 * ks + j] * v[(10 - j) * dv + 2];
  CHECK(a[10 * dv + 2] == Approx(s / (1 + std::exp(-s))).epsilon(1e-14));
}

TEST_CASE("direct and FFT long convolutions agree", "[chela]") {
  const std::size_t L = 300;
  const auto u = randn(L, 9);
  for (std::size_t lk : {1, 17, 300, 450}) {
    const auto h = randn(lk, 10 + lk);
    std::vector<double> zd(L), zf(L);
    long_conv_direct(u.data(), 1, h.data(), lk, 0, L, zd.data());
    long_conv_fft(u.data(), L, h.data(), lk, zf.data());
    CAPTURE(lk);
    CHECK(rel_l2(zf, zd) < 1e-12);
    std::vector<float> uf(u.begin(), u.end()), hf(h.begin(), h.end()), zff(L);
    long_conv_fft(uf.data(), L, hf.data(), lk, zff.data());
    CHECK(rel_l2(std::vector<double>(zff.begin(), zff.end()), zd) < 1e-5);
  }
  CHECK(fft_size(300, 300) == 1024);
  CHECK(fft_size(256, 257) == 512);
}

TEST_CASE("the reference layer gates the attention with the branch and adds the residual", "[chela]") {
  ChelaConfig cfg;
  cfg.short_kernel = 3;
  cfg.long_kernel = 0;
  const std::size_t L = 20, d = 4, dv = 3;
  const auto q = randn(L * d, 11), k = randn(L * d, 12), v = randn(L * dv, 13);
  const ChelaKernels kern = generate_kernels(dv, 3, L, 14);
  const auto out = chela_reference(cfg, q, k, v, kern, L, d, dv, true);
  const auto a = recurrent_linear_attention(q, k, v, L, d, dv, true, cfg.feature_map, cfg.normalise);
  // Row 5, channel 1 by hand.
  std::vector<double> u(L);
  for (std::size_t t = 0; t < L; ++t) {
    double s = 0;
    for (std::size_t j = 0; j < 3 && j <= t; ++j) s += kern.w[1 * 3 + j] * v[(t - j) * dv + 1];
    u[t] = s / (1 + std::exp(-s));
  }
  double z = 0;
  for (std::size_t j = 0; j <= 5; ++j) z += kern.h[1 * L + j] * u[5 - j];
  CHECK(out[5 * dv + 1] == Approx(a[5 * dv + 1] / (1 + std::exp(-z)) + v[5 * dv + 1]).epsilon(1e-12));
  // Long kernels decay: channel 0 (shortest time constant) puts most of its L1 mass on the first taps.
  double head = 0, all = 0;
  for (std::size_t j = 0; j < L; ++j) (j < 8 ? head : all) += std::fabs(kern.h[j]);
  CHECK(head > all);
}
