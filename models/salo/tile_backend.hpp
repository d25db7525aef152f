// TileBackend: a SALO tile computed elsewhere than in the C++ PE array (the verilated PE-array RTL
// of testbenches/cosim, "backend": "rtl"), and the registry through which the co-simulation build
// provides it (the models never see SystemC). The backend receives the tile, the fixed-point operand
// codes (TileRunner's 5.4 codes and softmax shift) and, per result row, the partial accumulated for
// that row's query before this tile; it returns each row merged with that partial by its
// weighted-sum unit (merge_slices), its cycle count (tile_cycles body, plus the flush when asked)
// and its range events. SaloCore runs the C++ tile alongside as the scoreboard.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/salo/pe_array.hpp"
#include "models/salo/tile.hpp"

namespace savp::salo {

struct BackendTile {
  std::vector<RowPartial> rows;  // TileResult order: local rows, then global queries (raw codes set)
  std::uint64_t cycles = 0;      // body (+ flush)
  std::uint64_t exp_saturated = 0, qk_saturated = 0;
};

class TileBackend {
 public:
  virtual ~TileBackend() = default;
  // prev[i]: the partial of row i's query before this tile (empty partial when none).
  virtual BackendTile run(const SaloTile& tile, TileRunner& codes, const std::vector<RowPartial>& prev,
                          bool flush) = 0;
  virtual std::uint64_t drain() = 0;  // the pipeline drain after the last tile, in cycles
};

// Registered by the co-simulation build: makes a backend for an array configuration (throws
// std::invalid_argument when it cannot), and says why a configuration cannot run (empty: it can).
using TileBackendFactory = std::function<std::unique_ptr<TileBackend>(const ArrayConfig&)>;
using TileRtlCheck = std::function<std::string(const ArrayConfig&)>;
void register_tile_rtl_backend(TileBackendFactory factory, TileRtlCheck check);
// Why the RTL backend cannot run `cfg` ("no RTL co-simulation..." in a build without Verilator).
std::string tile_rtl_refusal(const ArrayConfig& cfg);
std::unique_ptr<TileBackend> make_tile_rtl_backend(const ArrayConfig& cfg);

}  // namespace savp::salo
