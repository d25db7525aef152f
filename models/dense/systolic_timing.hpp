// Systolic-array GEMM timing of the dense baseline engine (pure C++, no SystemC).
//
// Models how long an R x C systolic array of MAC units takes to compute C(MxN) = A(MxK) * B(KxN)
// under ideal (never stalling) memory, for the three classic dataflows, in two conventions:
//
//  * ScaleSim  - reproduces SCALE-Sim v2's cycle accounting for GEMMs exactly (Samajdar et al.,
//                "A Systematic Methodology for Characterizing Scalability of DNN Accelerators
//                using SCALE-Sim", ISPASS 2020; github.com/scalesim-project/scale-sim-v2, files
//                scalesim/compute/systolic_compute_{os,ws,is}.py, scalesim/memory/
//                double_buffered_scratchpad_mem.py). Folds are serialised: every fold is padded to
//                the full array and pays its own fill and drain. total_cycles is the value SCALE-Sim
//                prints as "Total Cycles" in COMPUTE_REPORT.csv with zero stall cycles.
//  * Pipelined - our model of real hardware: each fold has the same latency structure as in
//                SCALE-Sim (fill skew, K/M/N streaming steps, drain), but the next fold starts as
//                soon as the array's ports allow instead of after the previous fold has drained.
//
// Mapping of the GEMM onto the array (SCALE-Sim's Sr / Sc / T: spatial rows, spatial columns,
// temporal steps; a GEMM enters SCALE-Sim as a 1-row convolution, topology_utils.py, with ifmap
// operand A (M x K), filter operand B (K x N), ofmap C (M x N), operand_matrix.py):
//    OS (output stationary): rows <- M, cols <- N, K streams   (PE(i,j) accumulates C[i][j])
//    WS (weight stationary): rows <- K, cols <- N, M streams   (PE(k,j) holds B[k][j])
//    IS (input stationary):  rows <- K, cols <- M, N streams   (PE(k,m) holds A[m][k])
// Folds are visited column fold outer, row fold inner (SCALE-Sim's loop order).
//
// Time axis (both conventions, SCALE-Sim's): cycle 0 is the first cycle in which an operand is
// read; an output counts as written in the cycle SCALE-Sim's ofmap demand puts it; total_cycles is
// the index of the last cycle of the schedule (SCALE-Sim's "total cycles" is an index, not a count:
// the elapsed cycle count is total_cycles + 1).
//
// Per-fold latency (offset of the fold's last output write from the fold's first cycle), with
// R x C the array, cu the columns the fold uses and T the streamed dimension:
//    OS: T + R + cu - 3        WS / IS: T + 2R + cu - 3   (WS/IS include R cycles of weight load)
//
// Pipelined convention (our hardware model), fold f starts at f * II, where
//    OS: II = max(K, R)   - K cycles of operand streaming per fold; the finished accumulators are
//                           swapped into a double-buffered drain chain whose R rows leave through
//                           the bottom edge one row per cycle, so a fold's outputs occupy the
//                           output port for R cycles. Fold f+1's operand wavefront enters while
//                           fold f drains (fill overlaps drain).
//    WS: II = max(M, R)   - M input rows stream per fold; the next fold's weights (R rows, loaded
//                           top-down with the same column skew as the data) go into the shadow
//                           half of double-buffered weight registers while the current fold
//                           streams, and each PE swaps when the first datum of the next fold
//                           reaches it. R <= II keeps the load port free and guarantees a PE's
//                           shadow is only overwritten after it swapped; M <= II keeps the input
//                           and output ports (M partial-sum rows per column) conflict free.
//    IS: II = max(N, R)   - as WS with the stationary A tile and N streamed columns of B.
//  The pipelined total is max_f (f * II + latency(cu_f)); it is never above the ScaleSim total
//  (II <= the ScaleSim fold window) and its elapsed count (total + 1) is never below the ideal MAC
//  bound ceil(M*N*K / (R*C)) (II >= the streamed dimension of every fold).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace savp::dense {

// Dataflow and TimingConvention: which operand stays in the PEs (SCALE-Sim's "os", "ws", "is"
// dataflow names, scale_config.py) and which cycle accounting is used (see the file comment).
enum class Dataflow { OS, WS, IS };
enum class TimingConvention { Pipelined, ScaleSim };

const char* to_string(Dataflow df);                   // "os", "ws", "is"
Dataflow dataflow_from_string(const std::string& s);  // std::invalid_argument on anything else
const char* to_string(TimingConvention c);            // "pipelined", "scalesim"
TimingConvention timing_convention_from_string(const std::string& s);  // std::invalid_argument

// ArrayShape, GemmShape, SpatioTemporal: the PE grid (rows x cols), the GEMM C(MxN) = A(MxK) *
// B(KxN), and the GEMM's mapping onto SCALE-Sim's spatial rows Sr, spatial cols Sc and temporal
// steps T for one dataflow (topology_utils.py / systolic_compute_*.py set_params).
struct ArrayShape {
  std::uint32_t rows;
  std::uint32_t cols;
};

struct GemmShape {
  std::uint64_t M;
  std::uint64_t N;
  std::uint64_t K;
};

struct SpatioTemporal {
  std::uint64_t spatial_rows;  // Sr: OS M, WS K, IS K
  std::uint64_t spatial_cols;  // Sc: OS N, WS N, IS M
  std::uint64_t temporal;      // T:  OS K, WS M, IS N
};

SpatioTemporal map_gemm(const GemmShape& gemm, Dataflow df);

// Fold and GemmTiming: one tile of the GEMM on the array and the timing of the whole GEMM, in
// execution order (column fold outer, row fold inner, as SCALE-Sim's systolic_compute_*.py).
struct Fold {
  std::uint64_t row_fold;                // index along the spatial rows (Sr)
  std::uint64_t col_fold;                // index along the spatial cols (Sc)
  std::uint64_t m0, m1, n0, n1, k0, k1;  // half-open GEMM index ranges covered by this fold
  std::uint64_t rows_used;               // array rows holding real work (<= ArrayShape::rows)
  std::uint64_t cols_used;               // array cols holding real work (<= ArrayShape::cols)
  std::uint64_t start_cycle;             // first cycle of the fold (operands start entering)
  std::uint64_t end_cycle;               // last cycle of the fold (inclusive). ScaleSim: end of the
                                         // full-array padded window; Pipelined: last_output_cycle
  std::uint64_t last_output_cycle;       // cycle of the fold's last real output write
};

struct GemmTiming {
  std::uint64_t total_cycles;      // max_f end_cycle; ScaleSim: SCALE-Sim's "Total Cycles"
  std::uint64_t row_folds;         // ceil(Sr / rows)
  std::uint64_t col_folds;         // ceil(Sc / cols)
  std::uint64_t fold_interval;     // cycles between consecutive fold starts
  std::uint64_t macs;              // M * N * K
  std::uint64_t mac_bound_cycles;  // ceil(macs / (rows * cols))
  double utilisation;              // macs / (rows * cols * (total_cycles + 1)), elapsed cycles
  double scalesim_utilisation;     // macs / (rows * cols * total_cycles): SCALE-Sim's "Overall
                                   // Util %" / 100 (0 when total_cycles == 0)
  std::vector<Fold> folds;         // empty when not materialised
};

// Most folds gemm_timing materialises; beyond it (with with_folds) it throws std::length_error.
constexpr std::uint64_t kMaxMaterialisedFolds = std::uint64_t{1} << 24;

// Timing of one GEMM. Throws std::invalid_argument for a zero array or GEMM dimension and
// std::overflow_error when a cycle or MAC count does not fit in 64 bits. with_folds = false skips
// the per-fold list (use it for huge GEMMs); all other fields are identical.
GemmTiming gemm_timing(ArrayShape array, GemmShape gemm, Dataflow df, TimingConvention conv,
                       bool with_folds = true);

// Closed forms of GemmTiming::total_cycles (same errors as gemm_timing):
//   scalesim:  ceil(Sr/R) * ceil(Sc/C) * W - 1, W = T + R + C - 2 (OS) or T + 2R + C - 2 (WS, IS)
//   pipelined: max over folds of f * II + fold_latency(cu_f)
std::uint64_t scalesim_total_cycles(ArrayShape array, GemmShape gemm, Dataflow df);
std::uint64_t pipelined_total_cycles(ArrayShape array, GemmShape gemm, Dataflow df);

// ceil(M*N*K / (rows*cols)): cycles a perfectly used array would need.
std::uint64_t mac_bound_cycles(ArrayShape array, GemmShape gemm);

// Offset from a fold's first cycle to its last output write when it uses cols_used columns
// (1 <= cols_used <= array.cols): OS T + R + cols_used - 3, WS/IS T + 2R + cols_used - 3.
std::uint64_t fold_latency(ArrayShape array, GemmShape gemm, Dataflow df, std::uint64_t cols_used);

// Cycles between consecutive fold starts: ScaleSim fold_latency(cols) + 1, Pipelined max(T, R).
std::uint64_t fold_interval(ArrayShape array, GemmShape gemm, Dataflow df, TimingConvention conv);

}  // namespace savp::dense
