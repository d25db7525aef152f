// The "backend" key of an engine part that can run on RTL: "model" (the C++ model), "rtl" (the RTL
// verilated into this savp) or an RTL plugin written by `savp rtl build`:
//   {"rtl": "path/BLOCK.so"}  or
//   {"rtl": {"path": "path/BLOCK.so", "cycles": "model" | "rtl", "budget_cycles": N}}
// (path relative to the scenario file; cycles: whose cycle count the platform uses, default
// "model"; budget_cycles: the cycles one tile or selection may take before the run stops as hung,
// 0 = the protocol's default). The plugin is checked when the scenario is read (it loads, serves the
// expected protocol and version, exports every symbol) through a check the program registers (the
// models never load a library themselves).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace savp::common {

class JsonNode;

enum class BackendChoice { Model, Rtl, Plugin };

struct RtlPluginSpec {
  std::string path;                 // the plugin, resolved against the scenario file
  bool rtl_cycles = false;          // "cycles": "rtl"
  std::uint64_t budget_cycles = 0;  // 0: the protocol's default
};

// Parses node[key] as above (absent: Model); `protocol` is what the plugin must serve ("topk-v1").
// A plugin that the registered check refuses is refused at node[key]/rtl.
BackendChoice parse_backend(JsonNode& node, const std::string& key, const std::string& protocol,
                            RtlPluginSpec& plugin);

// Why the plugin at `path` cannot serve `protocol` (empty when it can).
using RtlPluginCheck = std::function<std::string(const std::string& path, const std::string& protocol)>;
void register_rtl_plugin_check(RtlPluginCheck check);

}  // namespace savp::common
