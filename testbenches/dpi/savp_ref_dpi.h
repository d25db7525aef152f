/* savp_ref_dpi.h: the DPI-C face of libsavp_ref.so, as a SystemVerilog simulator calls it through
 * savp_ref_pkg.sv (open arrays as svOpenArrayHandle; int = int32, shortint = int16, longint = int64,
 * real = double, chandle = void*). Argument meanings, formats and ranges: savp_ref.h (the plain C
 * API the wrappers call). Each function returns 0, or -1 with savp_ref_last_error() set (also when
 * an open array is shorter than the call needs). svGetArrayPtr/svSize come from the simulator. */
#ifndef SAVP_REF_DPI_H
#define SAVP_REF_DPI_H

#include <svdpi.h>

#include "savp_ref.h"

#ifdef __cplusplus
extern "C" {
#endif

/* mask: longint[NR]; q: shortint[NR * d]; k, v: shortint[NK * d]; prev_valid, prev_sum, prev_exp:
 * int[NR]; prev_out: int[NR * d]; outputs likewise. */
SAVP_REF_API int savp_ref_salo_tile(int r, int c, int gr, int gc, int d, int shift, int flush,
                                    const svOpenArrayHandle mask, const svOpenArrayHandle q,
                                    const svOpenArrayHandle k, const svOpenArrayHandle v,
                                    const svOpenArrayHandle prev_valid, const svOpenArrayHandle prev_sum,
                                    const svOpenArrayHandle prev_exp, const svOpenArrayHandle prev_out,
                                    const svOpenArrayHandle out_valid, const svOpenArrayHandle out_sum,
                                    const svOpenArrayHandle out_exp, const svOpenArrayHandle out,
                                    long long* cycles, long long* exp_sat, long long* qk_sat);
/* values: real[n]; kept: int[>= k]. */
SAVP_REF_API int savp_ref_topk_select(void* h, const svOpenArrayHandle values, int n, int k,
                                      const svOpenArrayHandle kept, int* n_kept, long long* cycles,
                                      int* passes, long long* comparisons, double* threshold);
/* msb, lsb, codes: int[dim]; with_lsb 0: MSB only (lsb unread). */
SAVP_REF_API int savp_ref_pq_decode(int msb_bits, int lsb_bits, int dim, const svOpenArrayHandle msb,
                                    const svOpenArrayHandle lsb, int with_lsb, const svOpenArrayHandle codes);
/* probs: real[n]. */
SAVP_REF_API int savp_ref_pq_needs_lsb(const svOpenArrayHandle probs, int n, double threshold, int* needs);
/* keys: int[n * d]; q: int[d]; keep: int[n]; current: real[n]. */
SAVP_REF_API int savp_ref_sprint_score(long long seed, int noise, int msb_bits, int dac_bits, int n, int d,
                                       const svOpenArrayHandle keys, const svOpenArrayHandle q,
                                       double threshold, const svOpenArrayHandle keep,
                                       const svOpenArrayHandle current);
/* a: int[m * k]; b: int[k * n]; c_fp32: int[m * n]; c_int: longint[m * n]. */
SAVP_REF_API int savp_ref_dense_gemm(int format, int acc_bits, int m, int n, int k, const svOpenArrayHandle a,
                                     const svOpenArrayHandle b, const svOpenArrayHandle c_fp32,
                                     const svOpenArrayHandle c_int, int rows, int cols, int dataflow,
                                     long long* cycles);

#ifdef __cplusplus
}
#endif

#endif /* SAVP_REF_DPI_H */
