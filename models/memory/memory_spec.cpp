#include "models/memory/memory_spec.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>

namespace savp::memory {

namespace fs = std::filesystem;

std::vector<std::string> MemorySpec::preset_names(const std::string& presets_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(presets_dir, ec)) {
    if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

double MemorySpec::peak_bandwidth_gbps() const {
  return bandwidth_gbps > 0 ? bandwidth_gbps : std::numeric_limits<double>::infinity();
}

namespace {

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
  if (std::find(names.begin(), names.end(), m.preset) == names.end()) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : "|") + n;
    node.child("preset").fail_expected("a memory preset (" + list + ")");
  }
  const std::string preset_file = (fs::path(presets_dir) / (m.preset + ".json")).string();
  common::Json preset = common::load_json_file(preset_file);
  common::JsonNode p(preset, preset_file);
  p.as_object();
  read_fields(p, m);
  p.finish();
  read_fields(node, m);
  node.finish();
  return m;
}

}  // namespace savp::memory
