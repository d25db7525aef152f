#include "models/chela/chela_timing.hpp"

#include <algorithm>

#include "models/chela/short_long_conv.hpp"
#include "models/common/int_math.hpp"

namespace savp::chela {

using common::ceil_div;

std::uint64_t array_cycles(const ChelaConfig& cfg, std::uint64_t M, std::uint64_t N, std::uint64_t K) {
  if (M == 0 || N == 0 || K == 0) return 0;
  return dense::pipelined_total_cycles(cfg.array, dense::GemmShape{M, N, K}, dense::Dataflow::OS) + 1;
}

std::uint64_t vector_cycles(const ChelaConfig& cfg, std::uint64_t elements) {
  return elements == 0 ? 0 : ceil_div(elements, cfg.vector_lanes) + cfg.vector_pipeline_cycles;
}

namespace {
std::uint64_t width(const ChelaConfig& cfg, std::uint64_t dv) { return dv + (cfg.normalise ? 1 : 0); }
std::uint64_t fmap_elements(const ChelaConfig& cfg, std::uint64_t n) {
  return cfg.feature_map == FeatureMap::Elu1 ? n : 0;
}
}  // namespace

std::uint64_t state_update_cycles(const ChelaConfig& cfg, std::uint64_t n, std::uint64_t d,
                                  std::uint64_t dv) {
  return vector_cycles(cfg, fmap_elements(cfg, n * d)) + array_cycles(cfg, d, width(cfg, dv), n);
}

std::uint64_t output_chunk_cycles(const ChelaConfig& cfg, std::uint64_t n, std::uint64_t d, std::uint64_t dv,
                                  bool causal) {
  return group_chunk_cycles(cfg, n, d, dv, 1, causal);
}

std::uint64_t group_chunk_cycles(const ChelaConfig& cfg, std::uint64_t n, std::uint64_t d, std::uint64_t dv,
                                 std::uint64_t heads, bool causal) {
  const std::uint64_t dw = width(cfg, dv);
  std::uint64_t c = vector_cycles(cfg, fmap_elements(cfg, n * d * (heads + (causal ? 1 : 0))));
  c += heads * array_cycles(cfg, n, dw, d);
  if (causal)
    c += heads * (array_cycles(cfg, n, n, d) + array_cycles(cfg, n, dw, n)) + array_cycles(cfg, d, dw, n);
  if (cfg.normalise) c += vector_cycles(cfg, heads * n * dv);
  return c;
}

std::uint64_t short_conv_cycles(const ChelaConfig& cfg, std::uint64_t n, std::uint64_t dv) {
  return vector_cycles(cfg, n * dv * (cfg.short_kernel + 1));
}

std::uint64_t gate_cycles(const ChelaConfig& cfg, std::uint64_t n, std::uint64_t dv) {
  return vector_cycles(cfg, n * dv);
}

std::uint64_t direct_long_conv_blocks(const ChelaConfig& cfg, std::uint64_t t0, std::uint64_t n,
                                      std::uint64_t lk) {
  const std::uint64_t B = cfg.chunk;
  const std::uint64_t first_src = t0 + 1 > lk ? t0 + 1 - lk : 0;  // earliest source row reached
  return (t0 + n - 1) / B - first_src / B + 1;
}

std::uint64_t direct_long_conv_cycles(const ChelaConfig& cfg, std::uint64_t t0, std::uint64_t n,
                                      std::uint64_t dv, std::uint64_t lk) {
  const std::uint64_t B = cfg.chunk;
  const std::uint64_t last = (t0 + n - 1) / B;
  const std::uint64_t first = last + 1 - direct_long_conv_blocks(cfg, t0, n, lk);
  std::uint64_t c = 0;
  for (std::uint64_t j = first; j <= last; ++j) {
    const std::uint64_t nj = j == last ? t0 + n - j * B : B;
    c += array_cycles(cfg, n, dv, nj);
  }
  return c;
}

std::uint64_t fft_butterflies(std::uint64_t L, std::uint64_t lk) {
  const std::uint64_t N = fft_size(L, lk);
  return 3 * (N / 2) * common::ceil_log2(N);
}

std::uint64_t fft_channel_cycles(const ChelaConfig& cfg, std::uint64_t L, std::uint64_t lk) {
  const std::uint64_t N = fft_size(L, lk);
  return ceil_div(fft_butterflies(L, lk) + N, cfg.fft_butterflies) + 3 * common::ceil_log2(N);
}

}  // namespace savp::chela
