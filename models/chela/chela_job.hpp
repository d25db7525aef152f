// The CHELA job as the host sets it up (SAVP's own format; the paper defines no hardware):
// the attention descriptor's Q, K, V and O regions, plus a job block at the descriptor's
// addr_globals (n_globals = 0) with the convolution kernels' addresses and two scratch regions
// the engine uses in FFT mode (U = SiLU(short_conv(V)) and Z = long_conv(U), fp32,
// channel-major). Also the seeded kernels and the double-precision reference of a whole job.
#pragma once

#include <cstdint>
#include <vector>

#include "models/chela/chela_config.hpp"

namespace savp::chela {

struct ChelaJobBlock {
  static constexpr std::uint64_t kMagic = 0x3130414c45484353ull;  // "SCHELA01"
  static constexpr std::size_t kBytes = 5 * 8;
  std::uint64_t short_kernel = 0, long_kernel = 0, u_scratch = 0, z_scratch = 0;
  std::vector<std::uint8_t> serialise() const;
  static ChelaJobBlock deserialise(const std::uint8_t* bytes);  // std::runtime_error on a bad magic
};

// Bytes after the output region a job needs: block, kernels (operand format), scratch (fp32).
struct ChelaRegions {
  std::uint64_t block = 0, short_kernel = 0, long_kernel = 0, u_scratch = 0, z_scratch = 0, end = 0;
};
ChelaRegions chela_regions(const ChelaConfig& cfg, std::uint64_t base, std::uint64_t seq_len, std::uint64_t value_dim);

// Seeded kernels: short w (dv x ks) ~ N(0, 1/ks); long h (dv x lk) = N(0, 1) * exp(-j / tau_c)
// scaled to unit L1 norm, tau_c spread log-uniformly over [4, lk] by channel ("emphasise near,
// neglect far", a decaying global kernel as CHELA's structural re-parameterisation yields).
struct ChelaKernels {
  std::vector<double> w, h;
};
ChelaKernels generate_kernels(std::size_t dv, std::size_t ks, std::size_t lk, std::uint64_t seed);

// The whole job in double: recurrent linear attention a; with the branch, u = SiLU(short(v)),
// z = long(u) (direct when L * lk is small, else FFT in double), o = sigmoid(z) * a + v.
std::vector<double> chela_reference(const ChelaConfig& cfg, const std::vector<double>& q, const std::vector<double>& k,
                                    const std::vector<double>& v, const ChelaKernels& kern, std::size_t L,
                                    std::size_t d, std::size_t dv, bool causal);

}  // namespace savp::chela
