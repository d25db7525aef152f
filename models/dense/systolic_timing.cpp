// Systolic-array GEMM timing: SCALE-Sim v2 compatible and pipelined conventions.
//
// Derivation of the SCALE-Sim v2 closed form (scalesim-project/scale-sim-v2, read for this
// model; described here in our own words, no code taken over):
//
// 1. Mapping (topology_utils.py, operand_matrix.py). A GEMM row "M, N, K" becomes a convolution
//    with ifmap M x K, a 1 x K filter, one channel and N filters, stride 1, so there are M ofmap
//    pixels, a window of K and N filters. The operand matrices are ifmap A (M x K), filter B
//    (K x N) and ofmap C (M x N). Each systolic_compute_*.py takes Sr, Sc, T from their shapes:
//      os: Sr = M, Sc = N, T = K      ws: Sr = K, Sc = N, T = M      is: Sr = K, Sc = M, T = N
//    row folds = ceil(Sr / R), col folds = ceil(Sc / C); folds are generated with the column fold
//    in the outer loop and the row fold in the inner loop.
//
// 2. Demand matrices (systolic_compute_*.py). For every fold each of the three operands gets a
//    block of "demand rows" (one row per cycle, one entry per array port, -1 = no request). A
//    partial fold is padded with -1 to the full array width/height, so partial folds cost exactly
//    as much as full ones. A "skew" turns an r x c block into (r + c - 1) x c by delaying column j
//    by j rows. The ofmap block of one fold is:
//      os: (T - 1) empty rows, then R rows of outputs (row-padded to R, flipped so the bottom row
//          leaves first), skewed over C columns: (T - 1) + R + C - 1 = T + R + C - 2 rows.
//      ws: (2R - 1) empty rows (weight load and fill), then T = M rows of outputs, skewed over C
//          columns: 2R - 1 + T + C - 1 = T + 2R + C - 2 rows.
//      is: the same shape as ws with T = N.
//    The ifmap and filter blocks are built to the same length (the code asserts this); e.g. for os
//    the ifmap block is T rows plus C - 1 empty drain rows skewed over R columns.
//    Hence the fold window W = T + R + C - 2 (os) or T + 2R + C - 2 (ws, is), and folds follow
//    each other without overlap (fill and drain serialised).
//
// 3. Total cycles (double_buffered_scratchpad_mem.py, service_memory_requests; single_layer_sim.py
//    calc_report_data). Demand row i is presented in cycle i + stalls; the reported total is the
//    serviced cycle of the LAST ofmap demand row (some versions take the max over all rows, which
//    is the same when nothing stalls). With ideal memory (no stalls) that is
//        total = (number of demand rows) - 1 = ceil(Sr/R) * ceil(Sc/C) * W - 1.
//    Off-by-one facts:
//      * it is an index, not a count: the elapsed cycles are total + 1 (a single 1x1x1 GEMM on a
//        1x1 array reports 0);
//      * it is the last row of the padded window, not the last real write: when the last fold
//        uses cu < C columns, the trailing C - cu rows carry no write but are still counted;
//      * the last real write of a fold is at offset T + R + cu - 3 (os: the flipped row 0 leaves
//        last, in column cu - 1) or T + 2R + cu - 3 (ws/is: the last streamed row in column
//        cu - 1), independent of the rows used;
//      * "Overall Util %" divides M*N*K by (total * R * C), i.e. by the index, not the count.
//    This closed form was cross-checked against a throwaway re-implementation of the demand matrix
//    construction above on 24654 (R, C, M, N, K, dataflow) combinations, including R or C = 1,
//    M/N/K not multiples of the array, smaller than the array, and K = 1: all equal.
//
// The pipelined convention keeps the per-fold latency of step 2 (minus the padding of partial
// folds) and starts fold f at f * II, II = max(T, R); see systolic_timing.hpp for the hardware
// argument. Its total is max_f (f * II + latency(cu_f)). Only the last column-fold group has
// cu < C, so the maximum is attained by the last fold overall or by the last full-width fold
// (index F - rf - 1), which gives a closed form independent of the number of folds.
#include "models/dense/systolic_timing.hpp"
#include "models/common/int_math.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace savp::dense {

namespace {

std::uint64_t checked_mul(std::uint64_t a, std::uint64_t b, const char* what) {
  std::uint64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) {
    throw std::overflow_error(std::string("systolic timing: ") + what + " overflows 64 bits");
  }
  return r;
}

std::uint64_t checked_add(std::uint64_t a, std::uint64_t b, const char* what) {
  std::uint64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) {
    throw std::overflow_error(std::string("systolic timing: ") + what + " overflows 64 bits");
  }
  return r;
}

using common::ceil_div;

void validate(ArrayShape array, const GemmShape& gemm) {
  if (array.rows == 0 || array.cols == 0) {
    throw std::invalid_argument("systolic timing: array dimensions must be >= 1, got " +
                                std::to_string(array.rows) + " x " + std::to_string(array.cols));
  }
  if (gemm.M == 0 || gemm.N == 0 || gemm.K == 0) {
    throw std::invalid_argument(
        "systolic timing: GEMM dimensions must be >= 1, got M=" + std::to_string(gemm.M) +
        " N=" + std::to_string(gemm.N) + " K=" + std::to_string(gemm.K));
  }
}

// Fold counts and the columns used by the last column fold.
struct FoldGrid {
  SpatioTemporal st;
  std::uint64_t row_folds;
  std::uint64_t col_folds;
  std::uint64_t folds;
  std::uint64_t last_cols_used;
};

FoldGrid fold_grid(ArrayShape array, const GemmShape& gemm, Dataflow df) {
  FoldGrid g{};
  g.st = map_gemm(gemm, df);
  g.row_folds = ceil_div(g.st.spatial_rows, array.rows);
  g.col_folds = ceil_div(g.st.spatial_cols, array.cols);
  g.folds = checked_mul(g.row_folds, g.col_folds, "fold count");
  g.last_cols_used = g.st.spatial_cols - (g.col_folds - 1) * array.cols;
  return g;
}

std::uint64_t latency_of(ArrayShape array, const SpatioTemporal& st, Dataflow df, std::uint64_t cols_used) {
  const std::uint64_t r = array.rows;
  const std::uint64_t fill = (df == Dataflow::OS) ? r : checked_mul(2, r, "fold latency");
  // T + fill + cu >= 3 because every term is >= 1.
  return checked_add(checked_add(st.temporal, fill, "fold latency"), cols_used, "fold latency") - 3;
}

std::uint64_t interval_of(ArrayShape array, const SpatioTemporal& st, Dataflow df, TimingConvention conv) {
  if (conv == TimingConvention::ScaleSim) {
    return checked_add(latency_of(array, st, df, array.cols), 1, "fold window");
  }
  return std::max<std::uint64_t>(st.temporal, array.rows);
}

}  // namespace

const char* to_string(Dataflow df) {
  switch (df) {
    case Dataflow::OS:
      return "os";
    case Dataflow::WS:
      return "ws";
    case Dataflow::IS:
      return "is";
  }
  return "?";
}

Dataflow dataflow_from_string(const std::string& s) {
  if (s == "os") return Dataflow::OS;
  if (s == "ws") return Dataflow::WS;
  if (s == "is") return Dataflow::IS;
  throw std::invalid_argument("unknown dataflow '" + s + "' (expected os, ws or is)");
}

const char* to_string(TimingConvention c) {
  switch (c) {
    case TimingConvention::Pipelined:
      return "pipelined";
    case TimingConvention::ScaleSim:
      return "scalesim";
  }
  return "?";
}

TimingConvention timing_convention_from_string(const std::string& s) {
  if (s == "pipelined") return TimingConvention::Pipelined;
  if (s == "scalesim") return TimingConvention::ScaleSim;
  throw std::invalid_argument("unknown timing convention '" + s + "' (expected pipelined or scalesim)");
}

SpatioTemporal map_gemm(const GemmShape& gemm, Dataflow df) {
  switch (df) {
    case Dataflow::OS:
      return SpatioTemporal{gemm.M, gemm.N, gemm.K};
    case Dataflow::WS:
      return SpatioTemporal{gemm.K, gemm.N, gemm.M};
    case Dataflow::IS:
      return SpatioTemporal{gemm.K, gemm.M, gemm.N};
  }
  throw std::invalid_argument("map_gemm: invalid dataflow");
}

std::uint64_t fold_latency(ArrayShape array, GemmShape gemm, Dataflow df, std::uint64_t cols_used) {
  validate(array, gemm);
  if (cols_used == 0 || cols_used > array.cols) {
    throw std::invalid_argument("fold_latency: cols_used must be in [1, " + std::to_string(array.cols) +
                                "], got " + std::to_string(cols_used));
  }
  return latency_of(array, map_gemm(gemm, df), df, cols_used);
}

std::uint64_t fold_interval(ArrayShape array, GemmShape gemm, Dataflow df, TimingConvention conv) {
  validate(array, gemm);
  return interval_of(array, map_gemm(gemm, df), df, conv);
}

std::uint64_t mac_bound_cycles(ArrayShape array, GemmShape gemm) {
  validate(array, gemm);
  const std::uint64_t macs = checked_mul(checked_mul(gemm.M, gemm.N, "MAC count"), gemm.K, "MAC count");
  const std::uint64_t pes = std::uint64_t{array.rows} * array.cols;  // < 2^64
  return ceil_div(macs, pes);
}

std::uint64_t scalesim_total_cycles(ArrayShape array, GemmShape gemm, Dataflow df) {
  validate(array, gemm);
  const FoldGrid g = fold_grid(array, gemm, df);
  const std::uint64_t window = interval_of(array, g.st, df, TimingConvention::ScaleSim);
  return checked_mul(g.folds, window, "ScaleSim total cycles") - 1;
}

std::uint64_t pipelined_total_cycles(ArrayShape array, GemmShape gemm, Dataflow df) {
  validate(array, gemm);
  const FoldGrid g = fold_grid(array, gemm, df);
  const std::uint64_t ii = interval_of(array, g.st, df, TimingConvention::Pipelined);
  const char* what = "pipelined total cycles";
  // Last fold overall (uses last_cols_used columns).
  std::uint64_t total =
      checked_add(checked_mul(g.folds - 1, ii, what), latency_of(array, g.st, df, g.last_cols_used), what);
  // Last full-width fold (the last fold of the second-to-last column group).
  if (g.col_folds >= 2) {
    const std::uint64_t idx = g.folds - g.row_folds - 1;
    total = std::max(total,
                     checked_add(checked_mul(idx, ii, what), latency_of(array, g.st, df, array.cols), what));
  }
  return total;
}

GemmTiming gemm_timing(ArrayShape array, GemmShape gemm, Dataflow df, TimingConvention conv,
                       bool with_folds) {
  validate(array, gemm);
  const FoldGrid g = fold_grid(array, gemm, df);

  GemmTiming t{};
  t.row_folds = g.row_folds;
  t.col_folds = g.col_folds;
  t.fold_interval = interval_of(array, g.st, df, conv);
  t.macs = checked_mul(checked_mul(gemm.M, gemm.N, "MAC count"), gemm.K, "MAC count");
  t.mac_bound_cycles = mac_bound_cycles(array, gemm);
  t.total_cycles = (conv == TimingConvention::ScaleSim) ? scalesim_total_cycles(array, gemm, df)
                                                        : pipelined_total_cycles(array, gemm, df);

  const double pes = static_cast<double>(array.rows) * static_cast<double>(array.cols);
  const double macs = static_cast<double>(t.macs);
  t.utilisation = macs / (pes * (static_cast<double>(t.total_cycles) + 1.0));
  t.scalesim_utilisation = t.total_cycles == 0 ? 0.0 : macs / (pes * static_cast<double>(t.total_cycles));

  if (!with_folds) return t;
  if (g.folds > kMaxMaterialisedFolds) {
    throw std::length_error("gemm_timing: " + std::to_string(g.folds) +
                            " folds exceed kMaxMaterialisedFolds; call with with_folds = false");
  }

  const std::uint64_t window_end = latency_of(array, g.st, df, array.cols);  // padded window - 1
  t.folds.reserve(static_cast<std::size_t>(g.folds));
  std::uint64_t f = 0;
  for (std::uint64_t fc = 0; fc < g.col_folds; ++fc) {
    const std::uint64_t c0 = fc * array.cols;
    const std::uint64_t c1 = std::min(c0 + array.cols, g.st.spatial_cols);
    for (std::uint64_t fr = 0; fr < g.row_folds; ++fr, ++f) {
      const std::uint64_t r0 = fr * array.rows;
      const std::uint64_t r1 = std::min(r0 + array.rows, g.st.spatial_rows);
      Fold fold{};
      fold.row_fold = fr;
      fold.col_fold = fc;
      switch (df) {
        case Dataflow::OS:
          fold.m0 = r0;
          fold.m1 = r1;
          fold.n0 = c0;
          fold.n1 = c1;
          fold.k0 = 0;
          fold.k1 = gemm.K;
          break;
        case Dataflow::WS:
          fold.k0 = r0;
          fold.k1 = r1;
          fold.n0 = c0;
          fold.n1 = c1;
          fold.m0 = 0;
          fold.m1 = gemm.M;
          break;
        case Dataflow::IS:
          fold.k0 = r0;
          fold.k1 = r1;
          fold.m0 = c0;
          fold.m1 = c1;
          fold.n0 = 0;
          fold.n1 = gemm.N;
          break;
      }
      fold.rows_used = r1 - r0;
      fold.cols_used = c1 - c0;
      fold.start_cycle = f * t.fold_interval;  // <= total_cycles, so no overflow
      fold.last_output_cycle = fold.start_cycle + latency_of(array, g.st, df, fold.cols_used);
      fold.end_cycle =
          (conv == TimingConvention::ScaleSim) ? fold.start_cycle + window_end : fold.last_output_cycle;
      t.folds.push_back(fold);
    }
  }
  return t;
}

}  // namespace savp::dense
