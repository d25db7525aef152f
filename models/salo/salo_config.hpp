// SaloConfig: the SALO accelerator as a scenario gives it (platform.accelerators[i] with
// "type": "salo"): clock, local array and global row/column sizes, the head dimension the array is
// built for, the datapath ("fixed": the RTL's number formats, "float"), on-chip Q/K/V buffer sizes
// in vectors (a modelling assumption: the paper leaves the buffer hierarchy open), the DMA, and the
// scoreboard tolerance, and the tile backend (C++ model or verilated RTL). Defaults follow
// ../reference/salo.md: 32 x 32 + one global row and column, head dimension 64, 1 GHz (the authors'
// performance model; 500 MHz is the other synthesised point).
#pragma once

#include <cstdint>
#include <string>

#include "models/common/dma_spec.hpp"
#include "models/common/json_reader.hpp"
#include "models/common/number_format.hpp"
#include "models/salo/pe_array.hpp"
#include "models/salo/scheduler.hpp"

namespace savp::salo {

struct SaloConfig {
  std::string name = "salo0";
  double clock_mhz = 1000.0;
  ArrayConfig array;          // rows, cols, head_dim, datapath, global rows/cols
  SchedulerConfig scheduler;  // the same array sizes plus buffer capacities
  common::DmaSpec dma;
  double tolerance_rel_l2 = -1.0;  // < 0: the datapath's default
  // "model": tiles on the C++ PE array; "rtl": on the verilated PE-array RTL (tile_backend.hpp),
  // the C++ array running alongside as the scoreboard.
  bool rtl_backend = false;

  double clock_period_ns() const { return 1000.0 / clock_mhz; }
  // Operands on the bus: fp16 for the fixed datapath (every 5.4 value is exact in fp16), fp32 for
  // the float datapath.
  common::ElemFormat bus_format() const {
    return array.datapath == Datapath::Fixed ? common::ElemFormat::FP16 : common::ElemFormat::FP32;
  }
  // Float: 1e-5 (it computes the reference exactly up to rounding). Fixed: 0.2, the bound the PE
  // array tests measure on the synthetic generator's default data (0.11-0.15; heavy "sink" tokens
  // overflow the 5-bit exponent); about 0.03 on milder data.
  double effective_tolerance() const {
    return tolerance_rel_l2 >= 0 ? tolerance_rel_l2 : (array.datapath == Datapath::Float ? 1e-5 : 0.2);
  }
  static SaloConfig parse(common::JsonNode node);
};

// "fixed_arithmetic": per-stage rounding and overflow and the normalise operand widths of the fixed
// datapath ({"qk": {"overflow"}, "normalise": {"rounding", "overflow", "reciprocal_bits",
// "drop_exp_lsb"}, "pv": {"rounding", "overflow"}}); every key defaults to FixedParams{}.
FixedParams parse_fixed_arithmetic(common::JsonNode node);

}  // namespace savp::salo
