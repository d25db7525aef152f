// SprintConfig: the SPRINT accelerator as a scenario gives it (platform.accelerators[i] with "type":
// "sprint"; ../reference/sprint.md). The on-chip part: S/M/L configurations (16/32/64 KB of K/V
// buffer, 1/2/4 CORELETs), each CORELET's QK and V units, the clock, the DMA; the in-memory part:
// the transposable ReRAM arrays (models/memory/reram_spec.hpp: crossbar, cells, DAC, non-ideality,
// timing, energy); the K split (MSBs in the transposable arrays, LSBs in standard ReRAM), V width;
// the threshold policy; and "in_memory_pruning": false turns the same engine into the like-for-like
// baseline that fetches every key and value from the same ReRAM.
// Most of SPRINT's parameters are not in the public record: every default below says where it
// comes from, or that it is an assumption.
#pragma once

#include <cstdint>
#include <string>

#include "models/common/dma_spec.hpp"
#include "models/common/json_reader.hpp"
#include "models/memory/reram_spec.hpp"

namespace savp::sprint {

struct ThresholdPolicy {
  std::string kind = "calibrated";         // "fixed" | "calibrated"
  double value = 0.0;                      // fixed: threshold as a fraction of the largest possible score
  double keep_ratio = 0.1;                 // calibrated: target fraction of the keys kept per query
  std::uint32_t calibration_queries = 64;  // queries of each head used to calibrate (spread over the sequence)
};

struct SprintConfig {
  std::string name = "sprint0";
  std::string config = "M";       // S | M | L (sprint.md: 16/32/64 KB, 1/2/4 CORELETs)
  std::uint32_t budget_kib = 32;  // on-chip K/V buffer, total
  std::uint32_t corelets = 2;
  double clock_mhz = 1000.0;  // sprint.md: 1 GHz
  // Per CORELET (assumption, not in the record): a QK unit of 64 multipliers (one key of a 64-wide
  // head per cycle), a softmax unit of 1 element per cycle, a V unit of 64 multipliers.
  std::uint32_t qk_lanes = 64, v_lanes = 64, softmax_lanes = 1;
  std::uint32_t softmax_latency = 16;  // assumption: exp + divide pipeline depth per query
  int key_lsb_bits = 4;                // K = MSB (in the transposable arrays) | LSB (standard ReRAM)
  int value_bits = 8;
  bool in_memory_pruning = true;  // false: the baseline (every K/V fetched, same hardware)
  // Padded batches: skip the padded queries and keys (both dimensions of the attention matrix);
  // false: they are fetched and computed, and masked out of the softmax, as a naive engine would.
  bool padding_removal = true;
  // The CORELETs' pointer over a query's kept keys: "rotating" moves on to a key that is present
  // instead of waiting for a missing one; "in_order" stops at the first missing key.
  std::string pointer = "rotating";
  ThresholdPolicy threshold;
  memory::ReramSpec pim;
  common::DmaSpec dma{64, 64, 1};
  double tolerance_rel_l2 = 1.0;  // scoreboard bound (pruning moves the output; reported per job)

  double clock_period_ns() const { return 1000.0 / clock_mhz; }
  int key_bits() const { return pim.msb_bits + key_lsb_bits; }
  // Bytes one token occupies on chip (K at key_bits, V at value_bits, packed).
  std::uint64_t token_bytes(std::uint64_t head_dim, std::uint64_t value_dim) const {
    return (head_dim * key_bits() + 7) / 8 + (value_dim * value_bits + 7) / 8;
  }
  static SprintConfig parse(common::JsonNode node);
};

}  // namespace savp::sprint
