// libFuzzer harness: the SpAtten pruning-trace reader (CSV text), then the per-(iteration, layer)
// lookups the replay uses on every group it reports.
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/spatten/pruning_trace.hpp"
#include "testbenches/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace savp;
  fuzz::expect_input_error([&] {
    const spatten::PruningTrace t =
        spatten::parse_pruning_trace(std::string(reinterpret_cast<const char*>(data), size), "fuzz.csv");
    for (const auto& g : t.groups) {
      const auto rows = t.rows_of(g.iteration, g.layer);
      if (rows.size() != g.count || t.heads_in(g.iteration, g.layer) != g.count) __builtin_trap();
    }
  });
  return 0;
}
