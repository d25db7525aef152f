// Cycle counts of SAVP's CHELA engine, from its structure (our own hardware form; the paper has no
// ASIC). Every GEMM runs on the R x C output-stationary systolic array with the dense baseline's
// pipelined fold timing (models/dense/systolic_timing; elapsed cycles = index + 1); element-wise
// work (feature map, normalisation, short convolution, SiLU, gate) streams through a vector unit of
// `lanes` lanes, one element per lane per cycle, plus its pipeline depth; the FFT unit does
// `fft_butterflies` radix-2 butterflies per cycle. Phases within a step run back to back.
#pragma once

#include <cstdint>

#include "models/chela/chela_config.hpp"

namespace savp::chela {

// Elapsed cycles of C(MxN) = A(MxK) B(KxN) on the array (0 when any dimension is 0).
std::uint64_t array_cycles(const ChelaConfig& cfg, std::uint64_t M, std::uint64_t N, std::uint64_t K);
// Elapsed cycles of `elements` element operations on the vector unit (0 when none).
std::uint64_t vector_cycles(const ChelaConfig& cfg, std::uint64_t elements);

// State update phi(K_c)^T V'_c of n tokens: (d x n) (n x dw), dw = dv (+1 when normalising).
std::uint64_t state_update_cycles(const ChelaConfig& cfg, std::uint64_t n, std::uint64_t d, std::uint64_t dv);
// Output rows of one chunk: phi(Q) S (n x dw x d) and, when causal, the masked intra-chunk
// phi(Q) phi(K)^T (n x n x d) and P V' (n x dw x n) and the state update; feature maps and
// normalisation on the vector unit.
std::uint64_t output_chunk_cycles(const ChelaConfig& cfg, std::uint64_t n, std::uint64_t d, std::uint64_t dv,
                                  bool causal);
// The same for `heads` query heads sharing one K/V head's state (the model form): the feature maps
// of every head's Q (and of K once), every head's phi(Q) S (and intra-chunk terms), one state update.
std::uint64_t group_chunk_cycles(const ChelaConfig& cfg, std::uint64_t n, std::uint64_t d, std::uint64_t dv,
                                 std::uint64_t heads, bool causal);
// Short convolution (ks MACs per element) + SiLU, and the gate + residual, on the vector unit.
std::uint64_t short_conv_cycles(const ChelaConfig& cfg, std::uint64_t n, std::uint64_t dv);
std::uint64_t gate_cycles(const ChelaConfig& cfg, std::uint64_t n, std::uint64_t dv);
// Direct long convolution of rows [t0, t0 + n) as block-Toeplitz GEMMs on the array: for every
// earlier chunk j within the kernel's reach, an (n x dv x n_j) pass (rows = output tokens,
// columns = channels, the taps streaming; both operands flow down the columns).
std::uint64_t direct_long_conv_cycles(const ChelaConfig& cfg, std::uint64_t t0, std::uint64_t n,
                                      std::uint64_t dv, std::uint64_t lk);
// Blocks (earlier chunks, the current one included) the direct long convolution visits.
std::uint64_t direct_long_conv_blocks(const ChelaConfig& cfg, std::uint64_t t0, std::uint64_t n,
                                      std::uint64_t lk);
// One channel's FFT convolution: 3 transforms of N = fft_size(L, lk) points ((N / 2) log2 N
// butterflies each) and N pointwise products on the FFT unit, plus log2 N pipeline stages per
// transform.
std::uint64_t fft_butterflies(std::uint64_t L, std::uint64_t lk);
std::uint64_t fft_channel_cycles(const ChelaConfig& cfg, std::uint64_t L, std::uint64_t lk);

}  // namespace savp::chela
