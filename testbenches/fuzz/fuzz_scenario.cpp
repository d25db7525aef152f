// libFuzzer harness: the scenario loader as `savp run` uses it (JSON text, includes of other files,
// --set overrides), then the job plan (engine limits, .npy and trace files a scenario names) of
// small workloads (plan_budget.hpp). The input is a container (fuzz_support.hpp): main.json, the
// files it may include, a "set" section.
#include <cstddef>
#include <cstdint>

#include "testbenches/fuzz/fuzz_support.hpp"
#include "testbenches/fuzz/plan_budget.hpp"
#include "testbenches/savp/task_plan.hpp"
#include "tlm/platform/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace savp;
  static fuzz::Sandbox sandbox;
  const auto sections = fuzz::split_sections({reinterpret_cast<const char*>(data), size});
  const std::string main = sandbox.write(sections);
  fuzz::expect_input_error([&] {
    sc::Scenario s = sc::load_scenario(main, fuzz::section_lines(sections, "set"), fuzz::data_dir());
    if (fuzz::cheap_to_plan(s)) tb::check_plan(s);
  });
  return 0;
}
