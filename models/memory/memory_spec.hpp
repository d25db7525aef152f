// MemorySpec: the shared main memory of a platform as a scenario gives it (platform.memory).
// A named preset (scenarios/memory/presets/<name>.json) supplies the defaults, and keys given in
// the scenario override them. This memory kind is "simple": fixed latency and a bandwidth
// limit (0 = unlimited), storing real bytes; "ideal" is the simple kind with zero latency and no
// bandwidth limit, for compute-bound analysis.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/common/json_reader.hpp"
#include "models/memory/dram_spec.hpp"

namespace savp::memory {

struct MemorySpec {
  std::string preset = "simple";
  std::string kind = "simple";
  std::string description;
  std::uint64_t size_bytes = 1ull << 30;
  double latency_ns = 50.0;
  double bandwidth_gbps = 25.6;  // GB/s; 0 = unlimited
  double read_pj_per_bit = 3.9;
  double write_pj_per_bit = 3.9;
  std::string energy_source;
  DramSpec dram;  // kind "dram"

  // node: the scenario's platform.memory object; presets_dir: where named presets live.
  static MemorySpec parse(common::JsonNode node, const std::string& presets_dir);
  // Theoretical peak bandwidth (GB/s); infinity when unlimited.
  double peak_bandwidth_gbps() const;
  static std::vector<std::string> preset_names(const std::string& presets_dir);
};

}  // namespace savp::memory
