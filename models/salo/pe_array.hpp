// SALO PE array: the R x C local PE array plus the global PE row and column, with one inverse unit
// and one weighted-sum unit per row, computing one SaloTile bit-accurately ("fixed" datapath, the
// RTL's number formats, see fixed_point.hpp) or in double precision ("float" datapath), and
// counting the tile's cycles from the five-stage PE schedule and its actions for energy.
// Source: reference/salo.md "Hardware" and "Dataflow" (Shen et al., DAC 2022). Abstraction: each
// PE pair (query row, key) is evaluated functionally; time comes from the stage schedule, not from
// stepping the wavefront cycle by cycle.
//
// Datapath of one row (local array row, or one global query in the global row):
//   1. Q.K^T: s = sum_t q_t k_t. Fixed: Q, K in 5.4, exact products accumulated in 10.8 with
//      saturation (or wrap: FixedParams, the scenario's "fixed_arithmetic"). The exp is base 2, so the
//      exponent argument is x = s * scale * log2(e): with scale = r * 2^-sh (sh = floor(log2(1/scale)) >= 0,
//      r in (0.5, 1]) the PE applies 2^-sh as a right shift (the RTL's "shift by 3" for d = 64) and r *
//      log2(e) is folded into Q before quantisation (e.g. into W_Q). Float: x in double.
//   2. exp: 2^x. Fixed: x with 8 fraction bits split into a 5-bit exponent and a fraction, PWL.
//      Float: exp2 with the row's exponent E = floor(max x) factored out.
//   3. row sum: (sum, exponent) passes left to right through the row's PEs with exponent alignment
//      (local columns 0..cols_used-1, then the global column), then the inverse unit at the row end
//      returns one reciprocal for the row.
//   4. normalise: p = exp * reciprocal (fixed: 2.7 probabilities; rounding, overflow, reciprocal
//      width and the exp mantissa's dropped bit from FixedParams).
//   5. P.V: out_t = sum_j p_j v_jt (fixed: V in 5.4, products rounded or truncated to 10.8,
//      accumulated in 10.8, saturating or wrapping).
// The row's partial result is therefore NORMALISED by its own exp-sum W = sum_mant * 2^sum_exp,
// which it keeps for the weighted-sum unit: merging two slices is out = (W1 o1 + W2 o2)/(W1 + W2).
//
// Cycle model (one tile; d = head_dim for Q.K^T, dv = value dim for P.V; C = physical cols,
// Gc = global cols, Gr = global rows), each term from reference/salo.md "Dataflow":
//   qk = d                      stage 1 "Q.K^T, output stationary: d cycles"
//   exp = 1                     stage 2 "exp: 1 cycle"
//   row_sum = C + Gc            stage 3 "1 cycle per PE; (sum, exponent) passes left to right"
//                               through every PE of the row (the global column PE last)
//   reciprocal = 1              stage 3 "the reciprocal to come back": inverse unit at the row end,
//                               one cycle, broadcast to the row on a wire
//   normalise = 1               stage 4 "normalise: 1 cycle"
//   pv = dv                     stage 5 "one output element per cycle at the row end: d cycles"
//   flush = 1                   "One flush cycle between consecutive tiles"
//   body = 2d + C + Gc + 3 (d = dv); 164 for the 32 x 32 array with d = 64 and one global column.
// A schedule of N tiles takes sum(body) + (N - 1) flushes + drain, drain = C + Gr + Gc - 1 (the
// wavefront skew of the last tile, "the pipeline drains in about cols + globals - 1 cycles",
// globals = global rows + global columns). Idle rows/columns do not shorten a tile: the stage code
// travels through the physical array.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/common/tensor.hpp"
#include "models/salo/fixed_point.hpp"
#include "models/salo/tile.hpp"

namespace savp::salo {

enum class Datapath { Fixed, Float };

struct ArrayConfig {
  std::uint32_t rows = 32;
  std::uint32_t cols = 32;
  std::uint32_t head_dim = 64;
  Datapath datapath = Datapath::Fixed;
  std::uint32_t global_rows = 1;  // global queries per tile (PE rows under the array)
  std::uint32_t global_cols = 1;  // global keys per tile (PE columns right of the array)
  FixedParams fixed;              // fixed-datapath options (PWL slope precision, rounding, overflow)
};

// Empty string when the configuration is usable, else why not.
std::string check_config(const ArrayConfig& cfg);

// One row's partial attention over the keys of one tile (or several merged tiles).
struct RowPartial {
  std::uint32_t query = 0;
  bool global_row = false;            // computed by the global PE row
  bool empty = true;                  // no key attended: out = 0, W = 0
  std::uint32_t keys = 0;             // keys attended (merged partials: summed)
  std::vector<double> out;            // dv values, normalised by this partial's own exp-sum
  std::vector<std::int64_t> out_raw;  // fixed: out as 10.8 raw codes (empty in float mode)
  std::int64_t sum_raw = 0;           // fixed: exp-sum mantissa, 10.8 raw code
  double sum_mant = 0.0;              // exp-sum mantissa (fixed: sum_raw / 256)
  int sum_exp = 0;                    // exp-sum W = sum_mant * 2^sum_exp (fixed: 5-bit exponent)
  double weight() const;              // W as a double
};

struct TileCycles {
  std::uint64_t qk = 0, exp = 0, row_sum = 0, reciprocal = 0, normalise = 0, pv = 0, flush = 0;
  std::uint64_t body() const { return qk + exp + row_sum + reciprocal + normalise + pv; }
};

// Action counts for energy (a PE's single MAC is counted per stage that uses it).
struct ArrayCounters {
  std::uint64_t macs_qk = 0;              // stage 1 MACs (input x input -> accumulator)
  std::uint64_t macs_exp = 0;             // stage 2 MACs (PWL slope x fraction + intercept)
  std::uint64_t adds_row_sum = 0;         // stage 3 aligned additions
  std::uint64_t macs_normalise = 0;       // stage 4 multiplications by the reciprocal
  std::uint64_t macs_pv = 0;              // stage 5 MACs (probability x value -> accumulator)
  std::uint64_t exp_evals = 0;            // exp evaluations (= pairs computed)
  std::uint64_t reciprocals = 0;          // inverse-unit operations (one per non-empty row)
  std::uint64_t weighted_sum_merges = 0;  // weighted-sum unit merges of two non-empty partials
  std::uint64_t pairs_local = 0, pairs_global_col = 0, pairs_global_row = 0;  // (query, key) pairs
  std::uint64_t pe_slots = 0;  // (rows*cols + rows*Gc + Gr*cols) per tile: capacity for utilisation
  // Fixed datapath range events (diagnostics, not energy): exp arguments outside the 5-bit
  // exponent's range [-16, 16) (clamped), and Q.K^T accumulators that saturated at 10.8.
  std::uint64_t exp_saturated = 0, qk_saturated = 0;
  void add(const ArrayCounters& o);
};

struct TileResult {
  std::vector<RowPartial> rows;  // local rows (array order, one per tile query), then global queries
  TileCycles cycles;
  ArrayCounters counters;
};

// Computes one tile. q, k (L x head_dim) and v (L x dv) are the full sequence matrices;
// softmax_scale multiplies Q.K^T (1/sqrt(d) usually). Throws std::invalid_argument when the tile
// does not fit the array (more queries than rows, cols_used > cols, more global keys/queries than
// global columns/rows, mask shapes) or the shapes disagree. Lenient defaults: an empty mask_local
// or mask_global means all ones; empty global_row_keys means every global query attends
// keys_streamed. Row order of the row sum: local columns 0..cols_used-1, then global_keys in order.
TileResult compute_tile(const SaloTile& tile, const common::MatrixD& q, const common::MatrixD& k,
                        const common::MatrixD& v, const ArrayConfig& cfg, double softmax_scale);

// One tile without operands (timing-only jobs): the cycles and action counts compute_tile gives
// for the same tile, whatever the data (the range events exp_saturated and qk_saturated excepted:
// they stay 0), and one row per tile row with query, global_row, empty and keys set (no values).
TileResult tile_timing(const SaloTile& tile, const ArrayConfig& cfg, std::uint64_t seq_len, std::uint64_t dv);

// Cycle terms of one tile (depends on the configuration only); dv = value dimension.
TileCycles tile_cycles(const ArrayConfig& cfg, std::uint64_t dv);
// Drain of the pipeline after the last tile: cols + global_rows + global_cols - 1.
std::uint64_t drain_cycles(const ArrayConfig& cfg);
// Cycles of a schedule of n_tiles tiles: n * body + (n - 1) flushes + drain (0 when n == 0).
std::uint64_t schedule_cycles(const ArrayConfig& cfg, std::uint64_t dv, std::uint64_t n_tiles);

// The weighted-sum unit: merges two partials of the same query (exponent-aligned exp-sums,
// out = (W1 o1 + W2 o2) / (W1 + W2)). Fixed: bit-accurate (weights w1 = round(256 W1/W),
// w2 = 256 - w1 in 0.8, out = round((w1 o1 + w2 o2) / 256) in 10.8). An empty partial is the
// identity. `merges` (optional) is incremented when both are non-empty.
RowPartial merge_slices(const RowPartial& a, const RowPartial& b, const ArrayConfig& cfg,
                        std::uint64_t* merges = nullptr);

class Operands;

// TileRunner: computes a schedule's tiles one at a time against operand matrices that fill in as
// the engine fetches them (a token's vectors must be present before the first tile that uses it);
// fixed-point operands are quantised once, on first use, as in run_schedule.
class TileRunner {
 public:
  TileRunner(const common::MatrixD& q, const common::MatrixD& k, const common::MatrixD& v,
             const ArrayConfig& cfg, double softmax_scale);
  ~TileRunner();
  TileResult run(const SaloTile& tile);
  // Fixed datapath: the operand codes the array loads (5.4, Q with the softmax scale's mantissa and
  // log2(e) folded in), quantised on first use, and the softmax right shift (co-simulation backends).
  const std::int16_t* q_codes(std::uint32_t token);
  const std::int16_t* k_codes(std::uint32_t token);
  const std::int16_t* v_codes(std::uint32_t token);
  int softmax_shift() const;
  std::uint64_t seq_len() const;

 private:
  std::unique_ptr<Operands> ops_;
};

struct ScheduleResult {
  common::MatrixD out;       // L x dv; rows no partial covered stay zero
  std::uint64_t cycles = 0;  // schedule_cycles(cfg, dv, tiles.size())
  ArrayCounters counters;    // summed over tiles, weighted-sum merges included
  std::vector<TileCycles> tile_cycles;
};

// Runs the tiles in order and merges every query's partials (local rows, all slices, global row)
// with the weighted-sum unit, in tile order. Operands are quantised once for the whole schedule.
ScheduleResult run_schedule(const std::vector<SaloTile>& tiles, const common::MatrixD& q,
                            const common::MatrixD& k, const common::MatrixD& v, const ArrayConfig& cfg,
                            double softmax_scale);
// Same with softmax_scale = 1/sqrt(cfg.head_dim).
ScheduleResult run_schedule(const std::vector<SaloTile>& tiles, const common::MatrixD& q,
                            const common::MatrixD& k, const common::MatrixD& v, const ArrayConfig& cfg);

}  // namespace savp::salo
