// libFuzzer harness: each configuration reader on its own (what a preset or include file holds), so
// the fuzzer reaches deep into one schema without building a whole scenario around it. The first
// byte picks the reader, the rest is the JSON text; includes resolve from the sandbox like a file
// next to a scenario (fuzz_support.hpp).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "models/common/dma_spec.hpp"
#include "models/common/energy_table.hpp"
#include "models/common/workload_spec.hpp"
#include "models/chela/chela_config.hpp"
#include "models/dense/dense_config.hpp"
#include "models/memory/dram_spec.hpp"
#include "models/memory/memory_spec.hpp"
#include "models/memory/reram_spec.hpp"
#include "models/memory/sram_model.hpp"
#include "models/memory/traffic_core.hpp"
#include "models/salo/salo_config.hpp"
#include "models/spatten/spatten_config.hpp"
#include "models/sprint/sprint_config.hpp"
#include "testbenches/fuzz/fuzz_support.hpp"

namespace {

// The readers, in the order the selector byte indexes them (the seed corpus relies on it).
void parse_with(unsigned selector, savp::common::JsonNode node, const std::string& presets) {
  using namespace savp;
  switch (selector % 13) {
    case 0: common::EnergyTable::parse(node); break;
    case 1: common::WorkloadSpec::parse(node); break;
    case 2: common::DmaSpec::parse(node); break;
    case 3: memory::MemorySpec::parse(node, presets); break;
    case 4: memory::DramSpec::parse(node); break;
    case 5: memory::ReramSpec::parse(node); break;
    case 6: memory::SramSpec::parse(node); break;
    case 7: memory::TrafficConfig::parse(node); break;
    case 8: dense::DenseConfig::parse(node); break;
    case 9: salo::SaloConfig::parse(node); break;
    case 10: spatten::SpattenConfig::parse(node); break;
    case 11: sprint::SprintConfig::parse(node); break;
    default: chela::ChelaConfig::parse(node); break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace savp;
  static fuzz::Sandbox sandbox;
  static const std::string file = sandbox.dir() + "/config.json";
  static const std::string presets = fuzz::data_dir() + "/memory/presets";
  if (size == 0) return 0;
  // The reader's own refusals (syntax, NUL, depth, duplicate keys) are covered by the scenario
  // harness; a document savp would refuse never reaches the config parsers.
  common::Json json;
  try {
    json = common::parse_json_text(std::string(reinterpret_cast<const char*>(data) + 1, size - 1), file);
  } catch (const common::InputError&) {
    return 0;
  }
  fuzz::expect_input_error([&] { parse_with(data[0], common::JsonNode(json, file).as_object(), presets); });
  return 0;
}
