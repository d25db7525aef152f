// savp_ref_pkg: SystemVerilog imports of libsavp_ref.so, SAVP's engine cores as reference models.
// Argument meanings, formats and ranges: savp_ref.h; C prototypes: savp_ref_dpi.h. Open arrays take
// fixed-size unpacked arrays of the element type shown (at least as long as the call needs). Every
// int-returning function returns 0, or -1 with savp_ref_last_error() saying why.
package savp_ref_pkg;
  // API version: major * 10000 + minor * 100 + patch; a testbench checks the major it was written for.
  localparam int SAVP_REF_VERSION = 10000;
  import "DPI-C" function int savp_ref_version();
  import "DPI-C" function string savp_ref_version_string();
  import "DPI-C" function string savp_ref_last_error();

  // SALO PE array tile in salo_array.sv's slot form (NR = r + gr rows, NK = r + c - 1 + gc + gr * c
  // operand slots): mask[NR] slot bits; q[NR * d], k[NK * d], v[NK * d] 5.4 codes; PREV partials
  // (sum: 10.8 mantissa, exp: -16..15, out: 10.8 codes); merged rows out; cycles include the flush.
  import "DPI-C" function int savp_ref_salo_tile(
      input int r, input int c, input int gr, input int gc, input int d, input int shift, input int flush,
      input longint mask[], input shortint q[], input shortint k[], input shortint v[],
      input int prev_valid[], input int prev_sum[], input int prev_exp[], input int prev_out[],
      output int out_valid[], output int out_sum[], output int out_exp[], output int out[],
      output longint cycles, output longint exp_sat, output longint qk_sat);
  import "DPI-C" function longint savp_ref_salo_drain_cycles(input int r, input int c, input int gr, input int gc);

  // SpAtten top-k (quick-select): a handle per engine instance (its pivot generator persists).
  import "DPI-C" function chandle savp_ref_topk_new(input longint seed, input int parallelism,
                                                    input int pass_overhead_cycles);
  import "DPI-C" function void savp_ref_topk_free(input chandle h);
  import "DPI-C" function int savp_ref_topk_select(
      input chandle h, input real values[], input int n, input int k, output int kept[], output int n_kept,
      output longint cycles, output int passes, output longint comparisons, output real threshold);
  import "DPI-C" function longint savp_ref_topk_rng_state(input longint seed, input int i);
  import "DPI-C" function longint savp_ref_topk_encode(input real x);
  import "DPI-C" function real savp_ref_topk_decode(input longint code);

  // SpAtten progressive quantisation: bit-width converter codes and the LSB-fetch decision.
  import "DPI-C" function int savp_ref_pq_decode(input int msb_bits, input int lsb_bits, input int dim,
                                                 input int msb[], input int lsb[], input int with_lsb,
                                                 output int codes[]);
  import "DPI-C" function int savp_ref_pq_needs_lsb(input real probs[], input int n, input real threshold,
                                                    output int needs);

  // SPRINT in-ReRAM scoring of one query against n stored keys (noise seeded by seed).
  import "DPI-C" function int savp_ref_sprint_score(
      input longint seed, input int noise, input int msb_bits, input int dac_bits, input int n, input int d,
      input int keys[], input int q[], input real threshold, output int keep[], output real current[]);

  // Dense array GEMM: format 0 fp32, 1 fp16 (bit patterns), 2 int (codes); dataflow 0 os, 1 ws, 2 is.
  import "DPI-C" function int savp_ref_dense_gemm(
      input int format, input int acc_bits, input int m, input int n, input int k, input int a[], input int b[],
      output int c_fp32[], output longint c_int[], input int rows, input int cols, input int dataflow,
      output longint cycles);
endpackage
