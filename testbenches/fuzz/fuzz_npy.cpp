// libFuzzer harness: the .npy reader on raw bytes (magic, version, header dict, dtype, shape, data),
// then the per-head matrix view the workload loader takes of a valid array.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/common/npy.hpp"
#include "testbenches/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace savp;
  fuzz::expect_input_error([&] {
    const common::NpyArray a = common::parse_npy(data, size, "fuzz.npy");
    if (a.ndim() >= 2) {
      const std::vector<std::size_t> first(a.ndim() - 2, 0), last(a.shape.begin(), a.shape.end() - 2);
      common::npy_matrix(a, first);
      std::vector<std::size_t> back = last;
      for (auto& i : back) i -= 1;
      common::npy_matrix(a, back);
    }
  });
  return 0;
}
