// libFuzzer harness: the sweep loader (savp sweep/validate): main.json is the sweep, other container
// sections are files it may name as its base (or the base's includes); shipped scenarios are reachable
// as in the source tree ("../default.json"). load_sweep loads and plans every point, so (as the other
// harnesses, plan_budget.hpp) sweeps whose base is a large workload or whose values hold numbers
// above kPlanMaxSweepValue are not fuzzed: they would only report planning time as a timeout.
#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "testbenches/fuzz/fuzz_support.hpp"
#include "testbenches/fuzz/plan_budget.hpp"
#include "testbenches/savp/sweep_spec.hpp"

namespace {

// Points a fuzzed sweep may have: keeps one input well under libFuzzer's -timeout (the loader's own
// limit, kMaxSweepPoints, is checked by a regression test).
constexpr std::size_t kFuzzMaxPoints = 64;
constexpr double kPlanMaxSweepValue = 1024;

bool small_numbers(const savp::common::Json& j) {
  if (j.is_number()) return j.get<double>() <= kPlanMaxSweepValue;
  if (j.is_structured()) {
    for (const auto& v : j) {
      if (!small_numbers(v)) return false;
    }
  }
  return true;
}

// True when the sweep's base scenario loads and is small, and its values are small numbers (or
// when the sweep is too broken to get that far: load_sweep refuses it before planning).
bool cheap_sweep(const std::string& path) {
  using namespace savp;
  common::Json sweep;
  try {
    sweep = common::load_json_file(path);  // refused as load_sweep refuses it (depth, NUL, duplicates)
  } catch (const common::InputError&) {
    return true;
  }
  if (!sweep.is_object() || !sweep.contains("base") || !sweep["base"].is_string()) return true;
  for (const char* key : {"grid", "zip", "points"}) {
    if (sweep.contains(key) && !small_numbers(sweep[key])) return false;
  }
  std::filesystem::path base = sweep["base"].get<std::string>();
  if (base.is_relative()) base = std::filesystem::path(path).parent_path() / base;
  try {
    return fuzz::cheap_to_plan(sc::load_scenario(base.string(), {}, fuzz::data_dir()));
  } catch (const common::InputError&) {
    return true;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace savp;
  static fuzz::Sandbox sandbox;
  const auto sections = fuzz::split_sections({reinterpret_cast<const char*>(data), size});
  const std::string main = sandbox.write(sections);
  if (!cheap_sweep(main)) return 0;
  fuzz::expect_input_error([&] { tb::load_sweep(main, fuzz::data_dir(), kFuzzMaxPoints); });
  return 0;
}
