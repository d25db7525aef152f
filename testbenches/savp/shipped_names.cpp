#include "testbenches/savp/shipped_names.hpp"

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <sstream>

#include "models/common/input_error.hpp"
#include "models/common/json_files.hpp"
#include "models/common/json_reader.hpp"
#include "models/memory/memory_spec.hpp"
#include "tlm/platform/platform.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::tb {

namespace fs = std::filesystem;

ShippedFiles shipped_files(const std::string& data_dir) {
  ShippedFiles out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(data_dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path p = it->path();
    const std::string rel = fs::relative(p, data_dir).string();
    if (p.extension() != ".json") continue;
    bool skip = false;
    for (const char* dir : {"schema", "golden", "energy", "memory/presets", "hardware", "workloads"})
      skip = skip || rel.rfind(dir, 0) == 0;
    // Fragments a scenario includes (models/presets, models/workloads, soc/workloads) are not runnable.
    for (const auto& part : fs::path(rel).parent_path())
      skip = skip || part == "presets" || part == "workloads";
    if (skip) continue;
    (rel.rfind("sweeps", 0) == 0 ? out.sweeps : out.scenarios).push_back(rel);
  }
  std::sort(out.scenarios.begin(), out.scenarios.end());
  std::sort(out.sweeps.begin(), out.sweeps.end());
  return out;
}

std::vector<std::pair<std::string, std::string>> hardware_presets(const std::string& data_dir) {
  const fs::path dir = fs::path(data_dir) / "hardware";
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& name : common::json_file_stems(dir.string())) {
    std::string source;
    try {
      const common::Json j = common::load_json_file((dir / (name + ".json")).string());
      if (j.is_object() && j.contains("source") && j["source"].is_string())
        source = j["source"].get<std::string>();
    } catch (const common::InputError&) {
      source = "(unreadable: savp validate names the problem)";
    }
    out.emplace_back(name, source);
  }
  return out;
}

std::string find_scenario(const std::string& arg, const std::string& data_dir, bool& shipped) {
  shipped = false;
  std::error_code ec;
  if (arg.empty() || fs::exists(fs::symlink_status(arg, ec))) return arg;  // a path (load_scenario checks it)
  const fs::path p(arg);
  bool up = false;
  for (const auto& part : p) up = up || part == "..";
  if (p.is_absolute() || up) {
    throw common::InputError(common::printable(arg), "",
                             "file not found (and not a shipped scenario's name: a name is a path "
                             "inside the data directory, without '..' or a leading '/')");
  }
  std::string rel = p.lexically_normal().generic_string();
  if (p.extension() != ".json") rel += ".json";
  const std::vector<std::string> names = shipped_files(data_dir).scenarios;
  if (std::find(names.begin(), names.end(), rel) == names.end()) {
    throw common::InputError(common::printable(arg), "",
                             "file not found, and no shipped scenario of that name (savp list prints "
                             "them, e.g. salo/small)");
  }
  shipped = true;
  return (fs::path(data_dir) / rel).string();
}

void print_list(std::ostream& out, const std::string& dir) {
  out << "engines:";
  for (const auto& t : sc::engine_types()) out << " " << t;
  out << "\nmemory presets:";
  for (const auto& p : memory::MemorySpec::preset_names((fs::path(dir) / "memory" / "presets").string())) {
    out << " " << p;
  }
  out << "\nenergy tables:";
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(fs::path(dir) / "energy", ec))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  for (const auto& n : names) out << " " << n;
  auto hex = [](std::uint64_t v) {
    std::ostringstream o;
    o << "0x" << std::hex << v;
    return o.str();
  };
  out << "\naddress map: memory " << hex(0) << " (platform.memory size), accelerator i's CSRs "
      << hex(sc::Platform::kCsrBase) << " + i x " << hex(sc::csr::kBlockBytes) << ", pim "
      << hex(sc::Platform::kPimBase) << " (with a sprint engine), sram " << hex(sc::Platform::kSramBase)
      << " (with platform.sram: size_kib KiB)";
  out << "\nworkload kinds: attention (synthetic | npy), gemm, traffic"
      << "\nattention patterns: dense, causal, window, dilation, global_tokens, window_2d"
      << "\nhardware presets (platform.accelerators entries by name, e.g. [\"salo-32x32\"]):\n";
  for (const auto& [name, source] : hardware_presets(dir)) out << "  " << name << "  " << source << "\n";
  const ShippedFiles shipped = shipped_files(dir);
  out << "scenarios (" << dir << "; savp run NAME runs one, .json optional):\n";
  for (const auto& n : shipped.scenarios) out << "  " << n << "\n";
  out << "sweeps:\n";
  for (const auto& n : shipped.sweeps) out << "  " << n << "\n";
}

}  // namespace savp::tb
