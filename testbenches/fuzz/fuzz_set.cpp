// libFuzzer harness: --set overrides (savp run SCENARIO --set PATH=VALUE...) on the shipped scenarios,
// where a fuzzed container scenario rarely gets: the first byte picks a shipped scenario, every
// following line is one --set argument; then the job plan of small workloads (plan_budget.hpp).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "testbenches/fuzz/fuzz_support.hpp"
#include "testbenches/fuzz/plan_budget.hpp"
#include "testbenches/savp/task_plan.hpp"
#include "tlm/platform/scenario.hpp"

namespace {

// Every shipped scenario: default.json and the engine/memory folders (files with an "id").
std::vector<std::string> shipped_scenarios() {
  namespace fs = std::filesystem;
  std::vector<std::string> out{savp::fuzz::data_dir() + "/default.json"};
  std::vector<std::string> dirs = savp::sc::engine_types();  // scenarios/<type>/ where it exists
  dirs.push_back("memory");
  for (const std::string& dir : dirs) {
    if (!fs::is_directory(fs::path(savp::fuzz::data_dir()) / dir)) continue;
    for (const auto& e : fs::directory_iterator(fs::path(savp::fuzz::data_dir()) / dir)) {
      if (e.path().extension() == ".json") out.push_back(e.path().string());
    }
  }
  std::sort(out.begin() + 1, out.end());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace savp;
  static const std::vector<std::string> scenarios = shipped_scenarios();
  if (size == 0) return 0;
  const std::string& base = scenarios[data[0] % scenarios.size()];
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto sets = fuzz::section_lines({{"set", text}}, "set");
  fuzz::expect_input_error([&] {
    sc::Scenario s = sc::load_scenario(base, sets, fuzz::data_dir());
    if (fuzz::cheap_to_plan(s)) tb::check_plan(s);
  });
  return 0;
}
