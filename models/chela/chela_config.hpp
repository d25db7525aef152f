// ChelaConfig: the parameters of SAVP's CHELA engine (platform.accelerators[i] with "type":
// "chela"; ../reference/chela.md). CHELA is an algorithm/kernel paper with no ASIC: the hardware
// form (an R x C output-stationary systolic array for the chunk GEMMs, a vector unit for the
// feature map / SiLU / gate / normalisation, an FFT unit for the long convolution, and on-chip
// stream, state, work and convolution buffers) is SAVP's own design, documented as such.
// Defaults live here; validation names the JSON path of any impossible value.
#pragma once

#include <cstdint>
#include <string>

#include "models/common/dma_spec.hpp"
#include "models/common/json_reader.hpp"
#include "models/common/number_format.hpp"
#include "models/dense/systolic_timing.hpp"

namespace savp::chela {

enum class FeatureMap { None, Elu1 };      // phi(x) = x, or elu(x) + 1 (positive, Katharopoulos et al.)
enum class LongConvMode { Direct, Fft };  // block-Toeplitz on the array, or per-channel FFT

struct ChelaConfig {
  std::string name = "chela0";
  double clock_mhz = 1000.0;
  dense::ArrayShape array{32, 32};
  std::uint32_t chunk = 64;  // B: tokens per chunk
  // Datapath: operands on the bus and into the array in this format; products and every
  // accumulator (state, scores, outputs, convolutions) in fp32.
  common::ElemFormat format = common::ElemFormat::FP16;
  FeatureMap feature_map = FeatureMap::Elu1;
  bool normalise = true;  // divide by phi(q) . sum phi(k) (a ones column appended to V)
  std::uint32_t vector_lanes = 32;
  std::uint32_t vector_pipeline_cycles = 8;
  // Short-long convolution branch over the value stream (channels = value_dim).
  bool conv_enabled = true;
  std::uint32_t short_kernel = 4;
  std::uint32_t long_kernel = 0;  // taps; 0 = as long as the sequence
  LongConvMode conv_mode = LongConvMode::Fft;
  std::uint32_t fft_butterflies = 16;  // radix-2 butterflies per cycle
  // On-chip buffers: the Q/K/V stream buffer in tokens (whole chunks, at least two for double
  // buffering), the d x (d_v + 1) state, the work buffer (B x B scores + B x (d_v + 1)
  // accumulators, fp32) and the convolution buffer (direct: U history + kernel; fft: the
  // transforms of one channel).
  std::uint32_t stream_tokens = 256;
  std::uint64_t state_bytes = 32 * 1024;
  std::uint64_t work_bytes = 64 * 1024;
  std::uint64_t conv_bytes = 2048 * 1024;
  common::DmaSpec dma;
  double tolerance_rel_l2 = -1.0;  // scoreboard limit (by format when negative)

  std::uint32_t long_taps(std::uint64_t seq_len) const {
    return long_kernel ? long_kernel : static_cast<std::uint32_t>(seq_len);
  }
  double default_tolerance() const { return format == common::ElemFormat::FP32 ? 1e-4 : 1e-2; }
  double effective_tolerance() const { return tolerance_rel_l2 >= 0 ? tolerance_rel_l2 : default_tolerance(); }
  double clock_period_ns() const { return 1000.0 / clock_mhz; }

  static ChelaConfig parse(common::JsonNode node);
};

}  // namespace savp::chela
