#include "models/chela/chela_job.hpp"

#include <cmath>
#include <stdexcept>

#include "models/chela/linear_attention.hpp"
#include "models/chela/short_long_conv.hpp"
#include "models/common/job_descriptor.hpp"
#include "models/common/random.hpp"

namespace savp::chela {

std::vector<std::uint8_t> ChelaJobBlock::serialise() const {
  std::vector<std::uint8_t> b(kBytes);
  const std::uint64_t w[5] = {kMagic, short_kernel, long_kernel, u_scratch, z_scratch};
  for (int i = 0; i < 5; ++i) common::store_le64(&b[8 * i], w[i]);
  return b;
}

ChelaJobBlock ChelaJobBlock::deserialise(const std::uint8_t* bytes) {
  if (common::load_le64(bytes) != kMagic) throw std::runtime_error("CHELA job block: bad magic word");
  ChelaJobBlock j;
  j.short_kernel = common::load_le64(bytes + 8);
  j.long_kernel = common::load_le64(bytes + 16);
  j.u_scratch = common::load_le64(bytes + 24);
  j.z_scratch = common::load_le64(bytes + 32);
  return j;
}

ChelaRegions chela_regions(const ChelaConfig& cfg, std::uint64_t base, std::uint64_t L, std::uint64_t dv) {
  auto align = [](std::uint64_t v) { return (v + 4095) & ~std::uint64_t{4095}; };
  const std::uint64_t e = common::elem_bytes(cfg.format);
  ChelaRegions r;
  r.block = align(base);
  r.short_kernel = r.block + 4096;
  r.long_kernel = align(r.short_kernel + dv * cfg.short_kernel * e);
  r.u_scratch = align(r.long_kernel + dv * cfg.long_taps(L) * e);
  const bool fft = cfg.conv_enabled && cfg.conv_mode == LongConvMode::Fft;
  r.z_scratch = r.u_scratch + (fft ? align(L * dv * 4) : 0);
  r.end = r.z_scratch + (fft ? align(L * dv * 4) : 0);
  return r;
}

ChelaKernels generate_kernels(std::size_t dv, std::size_t ks, std::size_t lk, std::uint64_t seed) {
  common::Rng rng(seed);
  ChelaKernels k;
  k.w.resize(dv * ks);
  for (double& x : k.w) x = rng.normal() / std::sqrt(static_cast<double>(ks));
  k.h.resize(dv * lk);
  const double lo = std::log(4.0), hi = std::log(std::max<double>(4.0, static_cast<double>(lk)));
  for (std::size_t c = 0; c < dv; ++c) {
    const double tau = std::exp(lo + (hi - lo) * (dv > 1 ? static_cast<double>(c) / (dv - 1) : 0.0));
    double l1 = 0.0;
    for (std::size_t j = 0; j < lk; ++j) {
      k.h[c * lk + j] = rng.normal() * std::exp(-static_cast<double>(j) / tau);
      l1 += std::fabs(k.h[c * lk + j]);
    }
    for (std::size_t j = 0; j < lk; ++j) k.h[c * lk + j] /= l1 > 0 ? l1 : 1.0;
  }
  return k;
}

std::vector<double> chela_reference(const ChelaConfig& cfg, const std::vector<double>& q, const std::vector<double>& k,
                                    const std::vector<double>& v, const ChelaKernels& kern, std::size_t L,
                                    std::size_t d, std::size_t dv, bool causal) {
  std::vector<double> a = recurrent_linear_attention(q, k, v, L, d, dv, causal, cfg.feature_map, cfg.normalise);
  if (!cfg.conv_enabled) return a;
  const std::size_t ks = cfg.short_kernel, lk = cfg.long_taps(L);
  std::vector<double> u(L * dv), z(L * dv);
  ShortConvSilu<double> sc(dv, ks, kern.w);
  sc.apply(v.data(), L, u.data());
  if (static_cast<double>(L) * std::min(L, lk) <= 4e6) {
    long_conv_direct(u.data(), dv, kern.h.data(), lk, 0, L, z.data());
  } else {
    std::vector<double> uc(L), zc(L);
    for (std::size_t c = 0; c < dv; ++c) {
      for (std::size_t t = 0; t < L; ++t) uc[t] = u[t * dv + c];
      long_conv_fft(uc.data(), L, &kern.h[c * lk], lk, zc.data());
      for (std::size_t t = 0; t < L; ++t) z[t * dv + c] = zc[t];
    }
  }
  for (std::size_t i = 0; i < L * dv; ++i) a[i] = sigmoid(z[i]) * a[i] + v[i];
  return a;
}

}  // namespace savp::chela
