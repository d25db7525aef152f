/* savp_ref.h: SAVP's engine cores as reference models, plain C API of libsavp_ref.so (arrays as
 * pointers; no SystemVerilog types). savp_ref_dpi.h declares the same functions for DPI-C
 * (open arrays); savp_ref_pkg.sv imports those into SystemVerilog.
 *
 * Every function returns 0 on success and -1 when an argument is refused; savp_ref_last_error()
 * then says why (the message of the thread's last failure, "" after a success). No function keeps
 * state between calls except the top-k handle (its pivot generator advances as the RTL's does).
 * Pure C++ model cores (models/): no SystemC inside the library.
 */
#ifndef SAVP_REF_H
#define SAVP_REF_H

#include <stdint.h>

/* The library exports these functions only (built with hidden visibility). */
#if defined(__GNUC__)
#define SAVP_REF_API __attribute__((visibility("default")))
#else
#define SAVP_REF_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Version of this API: major * 10000 + minor * 100 + patch (1.0.0 = 10000). A change of an
 * argument list or of a format bumps the major. */
#define SAVP_REF_VERSION 10000
SAVP_REF_API int savp_ref_version(void);
SAVP_REF_API const char* savp_ref_version_string(void); /* "savp_ref 1.0.0 (savp X.Y.Z)" */
SAVP_REF_API const char* savp_ref_last_error(void);

/* SALO PE array, one tile (models/salo/pe_array.hpp compute_tile + merge_slices + tile_cycles, fixed
 * datapath, pwl_slope_frac_bits 4), in the slot form of testbenches/cosim/rtl/salo_array.sv:
 *   r, c, gr, gc, d: array rows, columns, global rows, global columns, head dimension;
 *   NR = r + gr rows, NS = c + gc slots, NK = r + c - 1 + gc + gr * c operand slots.
 *   shift: softmax right shift (0..30); flush: 1 adds the inter-tile flush cycle.
 *   mask[NR]: slot bits of each row (bit j < c: local column j / global-row key j; bit c + g: global
 *     column g; global rows use bits < c only).
 *   q[NR * d], k[NK * d], v[NK * d]: 5.4 codes (-256..255), operand slot n of kidx(i, j).
 *   prev_valid[NR], prev_sum[NR] (10.8 mantissa, 0..2^18-1), prev_exp[NR] (-16..15), prev_out[NR * d]
 *     (10.8 codes): the partial merged into each row by the weighted-sum unit (valid 0: none).
 *   out: out_valid[NR] (row non-empty), out_sum[NR], out_exp[NR], out[NR * d] (10.8 codes; zero when
 *     the row is empty), *cycles (the tile's compute cycles, flush included), *exp_sat and *qk_sat
 *     (pairs whose exp argument was clamped / whose Q.K accumulator saturated). */
SAVP_REF_API int savp_ref_salo_tile_p(int r, int c, int gr, int gc, int d, int shift, int flush,
                                      const uint64_t* mask, const int16_t* q, const int16_t* k,
                                      const int16_t* v, const int32_t* prev_valid, const int32_t* prev_sum,
                                      const int32_t* prev_exp, const int32_t* prev_out, int32_t* out_valid,
                                      int32_t* out_sum, int32_t* out_exp, int32_t* out, int64_t* cycles,
                                      int64_t* exp_sat, int64_t* qk_sat);
/* Drain cycles after the last tile (c + gr + gc - 1). */
SAVP_REF_API int64_t savp_ref_salo_drain_cycles(int r, int c, int gr, int gc);

/* SpAtten top-k engine, quick-select (models/spatten/topk_engine.hpp). A handle holds the engine and
 * its pivot generator (common::Rng(seed)); select() keeps the k largest of n values, bypass rule
 * included (k == 0 or k >= n: 0 cycles, generator untouched). kept[] receives the kept indices
 * ascending (room for k), threshold the k-th largest value. */
SAVP_REF_API void* savp_ref_topk_new(uint64_t seed, int parallelism, int pass_overhead_cycles);
SAVP_REF_API void savp_ref_topk_free(void* h);
SAVP_REF_API int savp_ref_topk_select_p(void* h, const double* values, int n, int k, int32_t* kept,
                                        int32_t* n_kept, int64_t* cycles, int32_t* passes,
                                        int64_t* comparisons, double* threshold);
/* The generator state word i (0..3) of common::Rng(seed): the RTL's RNG S0..S3 registers. */
SAVP_REF_API uint64_t savp_ref_topk_rng_state(uint64_t seed, int i);
/* A value as the RTL's 64-bit order-preserving candidate code (-0.0 and +0.0 share one code). */
SAVP_REF_API uint64_t savp_ref_topk_encode(double x);
SAVP_REF_API double savp_ref_topk_decode(uint64_t code);

/* SpAtten progressive quantisation (models/spatten/progressive_quant.hpp): the bit-width
 * converter's on-chip codes of one row from its MSB fields (signed, msb_bits) and LSB fields
 * (unsigned, lsb_bits; lsb == NULL: MSB only, the converter appends 100..0), and the decision
 * needs_lsb (max(probs) < threshold; 1 = fetch the LSBs). */
SAVP_REF_API int savp_ref_pq_decode_p(int msb_bits, int lsb_bits, int dim, const int32_t* msb,
                                      const int32_t* lsb, int32_t* codes);
SAVP_REF_API int savp_ref_pq_needs_lsb_p(const double* probs, int n, double threshold, int32_t* needs);

/* SPRINT in-ReRAM scoring (models/memory/reram_crossbar.hpp, the ReramSpec defaults otherwise): n
 * keys of d signed msb_bits MSB codes (keys[n * d]) written into the crossbar of seed `seed`, one
 * query of d signed dac_bits codes scored against them (one CopyQ + threshold step + ReadP):
 * keep[j] = current[j] >= threshold (currents in query-step x key-step units; noise 0: exact dot
 * products; noise 1: the seeded conductance variation, read noise and comparator offsets). */
SAVP_REF_API int savp_ref_sprint_score_p(uint64_t seed, int noise, int msb_bits, int dac_bits, int n, int d,
                                         const int32_t* keys, const int32_t* q, double threshold,
                                         int32_t* keep, double* current);

/* Dense systolic array GEMM C[m x n] = A[m x k] B[k x n] in a datapath format (models/dense):
 * format 0 fp32 (elements: IEEE single bit patterns), 1 fp16 (binary16 patterns in the low 16 bits),
 * 2 int (signed codes, accumulated in acc_bits with saturation). c[] receives fp32 bit patterns (float
 * formats) or the accumulator (int, in c_int). *cycles: the array's cycles for an rows x cols array,
 * dataflow 0 os, 1 ws, 2 is (systolic_timing, pipelined convention). */
SAVP_REF_API int savp_ref_dense_gemm_p(int format, int acc_bits, int m, int n, int k, const int32_t* a,
                                       const int32_t* b, int32_t* c_fp32, int64_t* c_int, int rows, int cols,
                                       int dataflow, int64_t* cycles);

#ifdef __cplusplus
}
#endif

#endif /* SAVP_REF_H */
