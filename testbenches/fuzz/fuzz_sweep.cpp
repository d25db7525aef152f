// libFuzzer harness: the sweep loader (savp sweep/validate): main.json is the sweep, other container
// sections are files it may name as its base (or the base's includes); shipped scenarios are reachable
// as in the source tree ("../default.json"). Every point is loaded and planned, as savp does.
#include <cstddef>
#include <cstdint>

#include "testbenches/fuzz/fuzz_support.hpp"
#include "testbenches/savp/sweep_spec.hpp"

namespace {
// Points a fuzzed sweep may have: keeps one input well under libFuzzer's -timeout (the loader's own
// limit, kMaxSweepPoints, is tested by the regression suite).
constexpr std::size_t kFuzzMaxPoints = 64;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace savp;
  static fuzz::Sandbox sandbox;
  const auto sections = fuzz::split_sections({reinterpret_cast<const char*>(data), size});
  const std::string main = sandbox.write(sections);
  fuzz::expect_input_error([&] { tb::load_sweep(main, fuzz::data_dir(), kFuzzMaxPoints); });
  return 0;
}
