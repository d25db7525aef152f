// SpattenConfig: the SpAtten accelerator as a scenario gives it (platform.accelerators[i] with
// "type": "spatten"). Hardware (../reference/spatten.md): clock, the Q x K and P x V multiplier
// arrays, the softmax unit (parallelism and pipeline depths of the released latency model), the two
// top-k engines, the key and value SRAMs, the Q-K-V fetcher's request size, the DMA. Algorithm
// registers the host programs: cascade token / head pruning schedules, local value pruning, the
// progressive-quantisation bit split and threshold. Two presets: "full" (512 + 512 multipliers,
// 16-channel HBM2 at 512 GB/s) and "eighth" (SpAtten_1/8: 128 multipliers, 64 GB/s); keys given
// beside the preset override it.
#pragma once

#include <cstdint>
#include <string>

#include "models/common/dma_spec.hpp"
#include "models/common/json_reader.hpp"
#include "models/spatten/progressive_quant.hpp"
#include "models/spatten/pruning_schedule.hpp"
#include "models/spatten/topk_engine.hpp"

namespace savp::spatten {

struct SoftmaxSpec {
  std::uint32_t parallelism = 8;
  // Pipeline depths of the released latency model: dequantise, exp, accumulate, divide, requantise.
  std::uint32_t dequant = 7, exp = 21, accumulate = 23, divide = 29, requant = 7;
  std::uint32_t depth() const { return dequant + exp + accumulate + divide + requant; }
};

struct PruningSpec {
  ScheduleSpec tokens{0.0, 0.15, {}};
  ScheduleSpec heads{0.0, 0.30, {}};
  double value_ratio = 0.0;  // fraction of the smallest probabilities whose V is skipped
};

struct QuantSpec {
  bool enabled = true;     // false: K and V stored unquantised (fp32), no progressive step
  BitSplit key{6, 4};      // K: MSB + LSB bits (LSBs fetched on a requant)
  int value_bits = 6;      // V: static width
  double threshold = 0.1;  // max-probability threshold for fetching the LSBs
};

struct SpattenConfig {
  std::string name = "spatten0";
  std::string preset = "full";
  double clock_mhz = 1000.0;
  std::uint32_t qk_multipliers = 512, pv_multipliers = 512;
  std::uint32_t datapath_bits = 12;  // the on-chip fixed-point word the converter produces
  SoftmaxSpec softmax;
  TopkConfig topk;               // both engines; topk_parallelism knob
  std::uint32_t sram_kib = 196;  // key SRAM and value SRAM, each (double-buffered)
  // The Q-K-V fetcher: its 32-byte requests go out in pairs, one 64-byte HBM2 burst (BL4 on a
  // 128-bit legacy-mode channel); its 16 ports x 64-deep FIFOs bound what is in flight.
  common::DmaSpec dma{64, 1024, 0};
  PruningSpec pruning;
  QuantSpec quant;
  // Scoreboard bound on the final layer's output error against the exact, unpruned reference. Pruning
  // by design moves the output; 1.0 (no better than a zero output) catches a broken engine, while the
  // error itself is reported per layer; set it lower to hold a configuration to an accuracy target.
  double tolerance_rel_l2 = 1.0;

  double clock_period_ns() const { return 1000.0 / clock_mhz; }
  // Key (or value) lines of one SRAM half at the on-chip width, for vectors of `dim` elements.
  std::uint64_t buffer_lines(std::uint64_t dim) const;
  // Bits a K or V element occupies in DRAM when unquantised (fp32).
  static constexpr int kUnquantisedBits = 32;
  static SpattenConfig parse(common::JsonNode node);
};

}  // namespace savp::spatten
