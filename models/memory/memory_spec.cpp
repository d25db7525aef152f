#include "models/memory/memory_spec.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>

#include "models/common/json_files.hpp"

namespace savp::memory {

namespace fs = std::filesystem;

std::vector<std::string> MemorySpec::preset_names(const std::string& presets_dir) {
  return common::json_file_stems(presets_dir);
}

double MemorySpec::peak_bandwidth_gbps() const {
  if (kind == "dram") return dram.peak_bandwidth_gbps();
  return bandwidth_gbps > 0 ? bandwidth_gbps : std::numeric_limits<double>::infinity();
}

namespace {

// Overrides from the scenario replace the preset's values; objects merge key by key.
void merge_into(common::Json& base, const common::Json& over) {
  for (auto it = over.begin(); it != over.end(); ++it) {
    if (it.value().is_object() && base.contains(it.key()) && base[it.key()].is_object()) {
      merge_into(base[it.key()], it.value());
    } else {
      base[it.key()] = it.value();
    }
  }
}

// Keys of a "dram" memory besides the DRAM's own (DramSpec::parse reads those).
void read_dram_fields(common::JsonNode& n, MemorySpec& m) {
  n.get_choice("kind", {"dram"});
  m.description = n.get_string("description", m.description);
  m.dram = DramSpec::parse(n);
  for (const auto& k : DramSpec::json_keys()) n.accept(k);  // parse() reads a copy of the node
  const std::uint64_t capacity = m.dram.geometry.capacity_bytes();
  const std::int64_t cap_mib = static_cast<std::int64_t>(std::max<std::uint64_t>(1, capacity >> 20));
  m.size_bytes = static_cast<std::uint64_t>(n.get_int("size_mib", cap_mib, 1, cap_mib)) << 20;
  m.read_pj_per_bit = m.dram.energy.read_pj_per_bit;
  m.write_pj_per_bit = m.dram.energy.write_pj_per_bit;
  m.energy_source = m.dram.energy_source;
  m.latency_ns = 0;
  m.bandwidth_gbps = m.dram.peak_bandwidth_gbps();
}

void read_fields(common::JsonNode& n, MemorySpec& m) {
  m.kind = n.get_choice("kind", {"simple"}, m.kind);
  m.description = n.get_string("description", m.description);
  m.size_bytes = static_cast<std::uint64_t>(
                     n.get_int("size_mib", static_cast<std::int64_t>(m.size_bytes >> 20), 1, 1 << 24))
                 << 20;
  m.latency_ns = n.get_number_in("latency_ns", m.latency_ns, 0, 1e6);
  m.bandwidth_gbps = n.get_number_in("bandwidth_gbps", m.bandwidth_gbps, 0, 1e6);
  m.read_pj_per_bit = n.get_number_in("read_pj_per_bit", m.read_pj_per_bit, 0, 1e6);
  m.write_pj_per_bit = n.get_number_in("write_pj_per_bit", m.write_pj_per_bit, 0, 1e6);
  m.energy_source = n.get_string("energy_source", m.energy_source);
}

}  // namespace

MemorySpec MemorySpec::parse(common::JsonNode node, const std::string& presets_dir) {
  MemorySpec m;
  m.preset = node.get_string("preset", m.preset);
  const std::vector<std::string> names = preset_names(presets_dir);
  if (names.empty()) {
    // A data directory without presets ($SAVP_DATA_DIR naming the wrong tree) is not the scenario's fault.
    throw common::InputError(
        presets_dir, "",
        "no memory presets (*.json) here; expected the memory/presets of the scenarios/ tree");
  }
  if (std::find(names.begin(), names.end(), m.preset) == names.end()) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : "|") + n;
    node.child("preset").fail_expected("a memory preset (" + list + ")");
  }
  const std::string preset_file = (fs::path(presets_dir) / (m.preset + ".json")).string();
  common::Json preset = common::load_json_file(preset_file);
  common::JsonNode p(preset, preset_file);
  p.as_object();
  if (preset.value("kind", "simple") == "dram") {
    m.kind = "dram";
    // The preset alone first (its errors name the preset file), then with the scenario's
    // overrides merged in (errors name the scenario's path).
    read_dram_fields(p, m);
    p.finish();
    common::Json merged = preset;
    merge_into(merged, node.value());
    common::JsonNode mn(merged, node.file(), node.pointer());
    mn.accept("preset");
    read_dram_fields(mn, m);
    mn.finish();
    return m;
  }
  read_fields(p, m);
  p.finish();
  read_fields(node, m);
  node.finish();
  return m;
}

}  // namespace savp::memory
