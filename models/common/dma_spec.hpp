// DmaSpec: an engine's DMA port as a scenario gives it (the "dma" object of an accelerator): the
// largest bus request, how many requests may be in flight, and the cycles between request issues
// (0 = unlimited issue rate, an ideal DMA for compute-bound studies).
#pragma once

#include <cstdint>

#include "models/common/json_reader.hpp"

namespace savp::common {

struct DmaSpec {
  std::uint32_t max_burst_bytes = 64;
  std::uint32_t outstanding = 16;
  std::uint32_t issue_interval_cycles = 1;
  // Reads node's keys over `defaults`; refuses unknown keys and a burst that is not a power of two.
  static DmaSpec parse(JsonNode node, const DmaSpec& defaults);
  static DmaSpec parse(JsonNode node);
};

}  // namespace savp::common
