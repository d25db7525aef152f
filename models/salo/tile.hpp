// SaloTile: one pass of the SALO PE array, the contract between the data scheduler (which cuts a
// hybrid sparse pattern into tiles) and the PE array (which computes a tile bit-accurately and
// counts its cycles). Indices are token indices of the ORIGINAL sequence; the scheduler has already
// applied any reordering (dilation) by choosing which queries share a tile.
//
// Local array (rows x cols): array row r holds query queries[r] (fewer than `rows` entries = idle
// rows). Keys flow diagonally, so PE(r, c) meets key  queries[r] + key_offset - c * key_stride
// when that index lies in [0, seq_len) and the pattern allows the pair (mask_local[r][c] == 1);
// otherwise the PE idles for that pair. key_stride is 1 for a plain sliding window and the dilation
// for a dilated one. The scheduler always gives queries[r] = queries[0] + r * key_stride, so the key
// of PE(r, c) depends on r - c only (one key per diagonal, injected on the top row / left column).
// A row whose masks are all zero is idle (e.g. a global token's row: the global row computes it).
// Global column: row r also attends global_keys[k] where mask_global[r][k] == 1 (the global PE
// column; more global keys than the hardware has columns take more tiles, decided by the
// scheduler). Global-column-only tiles have cols_used == 0 and an all-zero mask_local.
// Global row: global_queries[g] attends exactly the keys global_row_keys[g] in this tile (a subset
// of keys_streamed; the scheduler assigns each key to one tile so every pair is computed once);
// their partial results are merged across tiles by the weighted-sum unit. Global-row-only tiles
// have no queries: their keys_streamed are injected on the left ports and all reach the global row.
// Reordered tiles (2D windows mapped in column strips, scheduler.hpp): the array's rows hold
// consecutive queries of a REORDERED sequence, so the key of a diagonal is no longer queries[r] +
// key_offset; diagonal_keys then gives the key carried by each diagonal, indexed by r - c +
// diagonal_cols - 1 (rows + cols - 1 entries, -1 = nothing injected). This is the same dataflow
// (one key per diagonal, injected on the top row / left column), only the injected keys differ.
// A tile is one slice of its rows' windows: slice / slices tell the weighted-sum unit how many
// partial results each row will have to merge (slices == 1: no merging).
#pragma once

#include <cstdint>
#include <vector>

namespace savp::salo {

struct SaloTile {
  std::vector<std::uint32_t> queries;                       // per array row
  std::int64_t key_offset = 0;                              // key of PE(r, 0) relative to queries[r]
  std::uint32_t key_stride = 1;                             // key step between adjacent columns
  std::uint32_t cols_used = 0;                              // 1 + last column holding work (<= array cols)
  std::vector<std::vector<std::uint8_t>> mask_local;        // [row][col]: 1 = compute this pair
  std::vector<std::uint32_t> global_keys;                   // global-column keys of this tile
  std::vector<std::vector<std::uint8_t>> mask_global;       // [row][k]: 1 = row attends global_keys[k]
  std::vector<std::uint32_t> global_queries;                // global-row queries of this tile
  std::vector<std::vector<std::uint32_t>> global_row_keys;  // [g]: keys global_queries[g] attends
  std::vector<std::uint32_t> keys_streamed;                 // distinct keys that enter the array (ascending)
  std::uint32_t slice = 0, slices = 1;                      // window slice index and count for these rows
  std::vector<std::int64_t> diagonal_keys;                  // empty: key_offset/key_stride give the keys
  std::uint32_t diagonal_cols = 0;                          // array cols when diagonal_keys is used

  // Key met by PE(r, c), or -1 when outside the sequence.
  std::int64_t key_at(std::size_t r, std::size_t c, std::uint64_t seq_len) const {
    if (!diagonal_keys.empty()) {
      const std::size_t e = r + diagonal_cols - 1 - c;
      const std::int64_t k = e < diagonal_keys.size() ? diagonal_keys[e] : -1;
      return (k >= 0 && static_cast<std::uint64_t>(k) < seq_len) ? k : -1;
    }
    const std::int64_t k = static_cast<std::int64_t>(queries[r]) + key_offset -
                           static_cast<std::int64_t>(c) * static_cast<std::int64_t>(key_stride);
    return (k >= 0 && static_cast<std::uint64_t>(k) < seq_len) ? k : -1;
  }
};

}  // namespace savp::salo
