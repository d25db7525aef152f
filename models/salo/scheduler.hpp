// SALO data scheduler: turns a hybrid sparse attention pattern (sliding / dilated / 2D local window,
// global tokens, causal or not) into the ordered list of PE-array tiles (SaloTile) and plans the
// DRAM -> on-chip-buffer traffic of every tile. Compile-time, as in the SALO paper (Shen et al.,
// DAC 2022, "data scheduler": reordering and splitting); pure C++, no SystemC.
//
// Mapping (tested in testbenches/tests/unit/test_salo_scheduler.cpp):
//  - Reordering. With dilation d the queries are grouped by residue class i mod d; inside a class
//    the dilated window is a plain sliding window with key stride d. Without dilation there is one
//    class. Each class is cut into row bands of `rows` consecutive (reordered) queries.
//  - Slices. The relative key positions a query needs ("steps" j - i in units of d) form a set S:
//    [-w/2, w/2] (non-causal window), [-(w-1), 0] (causal), the union over grid-row offsets dr of
//    [dr*W - ww/2, dr*W + ww/2] for a 2D window on an H x W grid (tokens row-major; clipped to rel<=0
//    when causal), everything for a dense pattern. S is covered greedily (optimal for a set of
//    integers) by intervals of `cols` consecutive steps; each interval is one slice: key_offset =
//    hi*d, column c meets step hi - c. A 2D window therefore becomes window_h row segments of
//    window_w keys, two segments sharing a slice when the gap W - window_w between them is small.
//    Tiles of a band whose masks would be all zero (sequence edges) are not emitted.
//  - 2D windows, column strips (mapping_2d = ColumnStrips; default Raster, the mapping above).
//    In raster order a tile row can use at most u = q*w + min(rho, w) of its `cols` diagonals
//    (q = cols / W, rho = cols % W: a run of consecutive steps meets the window's w-long runs once
//    per image row W), e.g. 15 of 32 for a 15 x 15 window on a 56-wide image. Reordering the
//    tokens strip by strip (strips of b image columns, raster inside a strip, strips one after the
//    other; the same reordering the paper's data scheduler applies for dilation) turns a window
//    row inside one strip into b consecutive positions and the window's part in one strip into
//    one run of up to window_h * b positions. Queries and keys take the same order; each band of
//    `rows` consecutive positions gets the greedy cover of its own needed steps; the strip width
//    is the b in 1..W that gives the fewest local tiles (ties: the wider strip). The tiles carry
//    their keys per diagonal (SaloTile::diagonal_keys). Outputs are the same attention (float
//    datapath: equal to the reference to rounding); the fixed datapath's result moves within its
//    error because the keys fall into different slices (each slice's softmax partial is rounded
//    before the weighted-sum merge).
//  - Ownership (each allowed pair computed exactly once): pairs (g, j) with g global are computed
//    by the global row; pairs (i, g) with i not global and g global by the global column; pairs of
//    two non-global tokens by the local array. A global token's row in the local array is idle.
//  - Global column: the band's global keys are handed out in chunks of global_cols to the band's
//    tiles in order; chunks beyond the band's tile count get extra global-column-only tiles.
//  - Global row: a global query meets only the keys leaving the bottom of the array (PE(rows-1, c)).
//    Each needed key is assigned to the first tile whose bottom stream carries it and that has a
//    free global-row slot (global_rows slots per tile, greedy by most keys gained); keys left over
//    get extra global-row-only tiles (more globals than global rows take more passes).
//  - Order: class by class, band by band, slices in ascending step order, then the band's
//    global-column-only tiles; global-row-only tiles last.
//  - Memory plan: Q, K and V buffers of a fixed number of vectors, filled on demand before each tile
//    and managed with Belady's optimal replacement (the schedule is static, so the farthest next use
//    is known): adjacent slices and adjacent bands reuse the overlapping keys instead of refetching.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "models/common/attention_pattern.hpp"
#include "models/salo/tile.hpp"

namespace savp::salo {

// How a 2D window is laid onto the array (see the mapping notes above).
enum class Mapping2d { Raster, ColumnStrips };

struct SchedulerConfig {
  std::uint32_t rows = 32;        // local array rows (queries per tile)
  std::uint32_t cols = 32;        // local array columns (key diagonals per row per tile)
  std::uint32_t global_rows = 1;  // global PE rows (global queries per tile)
  std::uint32_t global_cols = 1;  // global PE columns (global keys per tile)
  // On-chip buffer capacities in vectors (one token's head-dim vector each). Modelling assumption:
  // the paper does not specify the buffer hierarchy. 0 = unbounded.
  std::uint32_t q_buffer_vectors = 64;
  std::uint32_t k_buffer_vectors = 1024;
  std::uint32_t v_buffer_vectors = 1024;
  Mapping2d mapping_2d = Mapping2d::Raster;  // 2D windows only
};

// Every field: two configs that compare equal give the same schedule (a field added above is added here).
inline bool operator==(const SchedulerConfig& a, const SchedulerConfig& b) {
  return a.rows == b.rows && a.cols == b.cols && a.global_rows == b.global_rows &&
         a.global_cols == b.global_cols && a.q_buffer_vectors == b.q_buffer_vectors &&
         a.k_buffer_vectors == b.k_buffer_vectors && a.v_buffer_vectors == b.v_buffer_vectors &&
         a.mapping_2d == b.mapping_2d;
}

// DRAM traffic planned for one tile (token indices of the original sequence, ascending).
struct TileTraffic {
  std::vector<std::uint32_t> q_fetch, k_fetch, v_fetch;    // read from DRAM before the tile
  std::vector<std::uint32_t> q_evict, k_evict, v_evict;    // dropped from the buffer to make room
  std::uint32_t q_needed = 0, k_needed = 0, v_needed = 0;  // distinct vectors the tile reads
  std::uint32_t q_reused = 0, k_reused = 0, v_reused = 0;  // of those, already on chip
  std::vector<std::uint32_t> out_write;                    // queries whose output is complete after this tile
};

struct ScheduleStats {
  std::uint64_t tiles = 0;
  std::uint64_t local_tiles = 0;        // tiles with local-array work
  std::uint64_t global_col_tiles = 0;   // extra tiles for global keys beyond the band's tiles
  std::uint64_t global_row_tiles = 0;   // extra tiles for global queries beyond the main tiles
  std::uint64_t bands = 0;              // row bands (all classes)
  std::uint64_t slices = 0;             // slices (column intervals) per band in the steady state
  std::uint64_t passes = 0;             // most tiles any band needs (its rows' partials to merge)
  std::uint64_t global_row_passes = 0;  // ceil(global tokens / global_rows)
  std::uint64_t global_col_passes = 0;  // ceil(global tokens / global_cols)
  std::uint64_t local_pairs = 0, global_col_pairs = 0, global_row_pairs = 0;
  double utilisation = 0;          // local_pairs / (tiles * rows * cols)
  double utilisation_all_pes = 0;  // all pairs / (tiles * (rows*cols + global_rows*cols + global_cols*rows))
  std::uint64_t q_fetched = 0, k_fetched = 0, v_fetched = 0;  // with on-chip reuse
  // Sum of per-tile needs = traffic without inter-tile reuse (for Q: its no-reuse count).
  std::uint64_t q_needed = 0, k_needed = 0, v_needed = 0;
  std::uint64_t kv_no_reuse = 0;  // one K (and one V) read per computed pair: rows * w
  std::uint64_t strip_width = 0;  // 2D column strips: image columns per strip (0: raster order)
};

struct Schedule {
  std::uint64_t seq_len = 0;
  std::uint64_t first_query = 0;  // queries before it are not scheduled (decode)
  SchedulerConfig config;
  std::vector<SaloTile> tiles;       // in execution order
  std::vector<TileTraffic> traffic;  // traffic[t] is planned before tiles[t]
  ScheduleStats stats;
  std::string mapping;  // human-readable summary of the mapping chosen
};

// What schedule() throws for an impossible configuration: what() says what is wrong, key names the
// setting at fault, an accelerator key ("buffers/k_vectors", "array/global_rows", "array") or a
// workload key ("seq_len", "pattern").
struct ScheduleError : std::invalid_argument {
  ScheduleError(std::string key_, const std::string& what)
      : std::invalid_argument(what), key(std::move(key_)) {}
  std::string key;
};

// Throws ScheduleError for impossible configurations. first_query > 0: only the queries
// first_query .. seq_len-1 are scheduled (a decode step's new tokens against the whole cache: one
// band of seq_len - first_query rows, the array's other rows idle); allowed without dilation and
// global tokens only.
Schedule schedule(const common::AttentionPattern& pattern, std::uint64_t seq_len,
                  const SchedulerConfig& config = {}, std::uint64_t first_query = 0);

// Independent check that the tiles compute every allowed pair exactly once and nothing else.
// Returns "" when exact, else the first discrepancy. O(seq_len^2) memory bits: for tests/debug.
// first_query: as for schedule() (pairs of earlier queries must not be computed).
std::string check_coverage(const Schedule& s, const common::AttentionPattern& pattern,
                           std::uint64_t first_query = 0);

}  // namespace savp::salo
