// SALO PE array, RTL (synthesizable style; simulation-only checks under translate_off): the R x C
// local array, GR global PE rows, GC global PE columns, one inverse unit per row and the weighted-sum
// unit, computing one tile (models/salo/tile.hpp) bit for bit and cycle for cycle like
// models/salo/pe_array.* (compute_tile, merge_slices, tile_cycles, drain_cycles; fixed datapath,
// pwl_slope_frac_bits = 4; the rounding, overflow and normalise widths of the ARITH register).
// Rows and slots: row i < R is local array row i, row R + g is global row g (NR = R + GR rows).
// Slot j of a local row is PE column j (j < C), then global column j - C (NS = C + GC slots); slot j
// of a global row is its j-th key (j < C). The row sum passes the slots in order 0..NS-1 (the model's
// row-sum order); a slot whose MASK bit is clear idles.
// Operand memories: QMEM[i] (row i's query, D 5.4 codes), KMEM/VMEM[n] with n = kidx(i, j): the key
// diagonal i - j + C - 1 of the local array (keys flow diagonally: one key per diagonal), then the
// GC global-column keys, then GR * C global-row key slots. Operands are broadcast along rows and
// diagonals (no per-hop skew inside a stage: the skew is the drain, a separate command, as in the
// model).
// Schedule of START (CYCLES counts every cycle from START to the end of stage 5):
//   [FLUSH 1 if CTRL.flush] QK D | EXP 1 | ROWSUM C + GC (1 cycle per slot, left to right) |
//   RECIP 1 (inverse unit) | NORM 1 | PV D (one output element per cycle: a row's slots chained) |
// then OUT streams NR result beats through the weighted-sum unit (merge with the PREV partial loaded
// for that row; loading and unloading are the double-buffered neighbours of the compute and are not
// counted, as the model's tile time does not count them). DRAIN (CTRL.drain) counts
// C + GR + GC - 1 cycles, the wavefront skew after the last tile.
// Register map (64-bit, byte addresses): 0x00 ID (RO "SALO" | R << 32 | C << 40 | GR << 48 | GC << 56),
// 0x08 CTRL (WO: bit 0 start, bit 1 flush cycle first, bit 2 drain, bit 3 clear masks and PREV),
// 0x10 STATUS (RO: bit 0 done, bit 1 busy), 0x18 CYCLES, 0x20 SHIFT (softmax 2^-shift, 0..30),
// 0x28 D (RO), 0x30 EXP_SAT (pairs whose exp argument was clamped), 0x38 QK_SAT (pairs whose Q.K
// accumulator saturated or wrapped), 0x40 ARITH (RW, salo_arith::arith_t: bit 0 Q.K wraps, 1 normalise
// truncates, 2 probability wraps, 3 exp mantissa's last bit dropped, 4 P.V truncates, 5 P.V wraps,
// [11:8] reciprocal bits B in 4..12; reset value from the parameters below, whose defaults are
// SAVP's arithmetic: round to nearest, saturate, B = 9; the SALO authors' Verilog: QK_WRAP,
// NORM_TRUNC, NORM_WRAP, DROP_EXP_LSB, PV_TRUNC, PV_WRAP = 1, RECIP_BITS = 8),
// 0x1000 + 8 i: MASK[i] (NS slot bits of row i).
// Input beat (in_data): [15:0] address (0x0000 + i: QMEM[i]; 0x1000 + n: KMEM[n]; 0x2000 + n:
// VMEM[n]; 0x3000 + i: PREV[i]), [33:16] PREV sum mantissa, [38:34] PREV sum exponent, lanes of 32
// bits from bit 64 (codes in their low 9 bits, PREV outputs in their low 18).
// Output beat (out_data): [15:0] row, [16] non-empty, [34:17] sum mantissa (10.8), [39:35] sum
// exponent, lanes of 32 bits (10.8 outputs, sign-extended) from bit 64; `last` on row NR - 1.
module salo_array
  import salo_arith::*;
#(
    parameter int R = 8,
    parameter int C = 8,
    parameter int GR = 1,
    parameter int GC = 1,
    parameter int D = 64,
    parameter bit QK_WRAP = 1'b0,
    parameter bit NORM_TRUNC = 1'b0,
    parameter bit NORM_WRAP = 1'b0,
    parameter bit DROP_EXP_LSB = 1'b0,
    parameter bit PV_TRUNC = 1'b0,
    parameter bit PV_WRAP = 1'b0,
    parameter int RECIP_BITS = 9
) (
    input  logic              clk,
    input  logic              rst,
    input  logic              reg_req,
    input  logic              reg_we,
    input  logic [31:0]       reg_addr,
    input  logic [63:0]       reg_wdata,
    output logic              reg_ack,
    output logic [63:0]       reg_rdata,
    input  logic              in_valid,
    output logic              in_ready,
    input  logic [64+32*D-1:0] in_data,
    input  logic              in_last,
    output logic              out_valid,
    input  logic              out_ready,
    output logic [64+32*D-1:0] out_data,
    output logic              out_last
);
  timeunit 1ns; timeprecision 1ps;

  localparam int NR = R + GR;
  localparam int NS = C + GC;
  localparam int NK = R + C - 1 + GC + GR * C;
  localparam int TW = $clog2(D > NS ? D : NS) + 1;  // stage counter width (bits)
  localparam int DB = D > 1 ? $clog2(D) : 1;        // index widths
  localparam int SB = NS > 1 ? $clog2(NS) : 1;
  localparam int RB = NR > 1 ? $clog2(NR) : 1;
  localparam int KB = NK > 1 ? $clog2(NK) : 1;
  localparam arith_t ARITH_RESET = '{recip_bits: 4'(RECIP_BITS), unused: 2'b0, pv_wrap: PV_WRAP,
                                     pv_trunc: PV_TRUNC, drop_lsb: DROP_EXP_LSB, norm_wrap: NORM_WRAP,
                                     norm_trunc: NORM_TRUNC, qk_wrap: QK_WRAP};

  function automatic int kidx(input int i, input int j);
    if (i < R) return (j < C) ? i - j + C - 1 : R + C - 1 + (j - C);
    return R + C - 1 + GC + (i - R) * C + j;
  endfunction

  // The lanes of an input beat: codes in the low 9 bits, PREV outputs in the low 18.
  function automatic logic [D-1:0][8:0] lanes9(input logic [64+32*D-1:0] b);
    for (int x = 0; x < D; x++) lanes9[x] = b[64 + 32 * x +: 9];
  endfunction
  function automatic logic [D-1:0][17:0] lanes18(input logic [64+32*D-1:0] b);
    for (int x = 0; x < D; x++) lanes18[x] = b[64 + 32 * x +: 18];
  endfunction

  typedef enum logic [3:0] {IDLE, FLUSH, QK, EXP, ROWSUM, RECIP, NORM, PV, OUT, DRAIN} state_t;
  state_t state;

  logic [D-1:0][8:0]  qmem [NR];      // 5.4 codes
  logic [D-1:0][8:0]  kmem [NK];
  logic [D-1:0][8:0]  vmem [NK];
  logic [NR-1:0][NS-1:0] mask;         // slot enables per row
  // Per-row results (driven by the row blocks below): row sum, stage 5 outputs, range events.
  logic [17:0]        sm   [NR];       // row sum mantissa (10.8)
  logic signed [4:0]  se   [NR];       // row sum exponent
  logic signed [17:0] outv [NR][D];    // stage 5 outputs (10.8)
  logic [7:0]         n_oor [NR];      // pairs of the row whose exp argument was clamped
  logic [7:0]         n_qks [NR];      // pairs of the row whose Q.K accumulator saturated
  logic [NR-1:0]      pv_valid;        // PREV loaded for the row
  logic [D-1:0][17:0] pv_out [NR];
  logic [17:0]        pv_sm [NR];
  logic signed [4:0]  pv_se [NR];
  logic [TW-1:0] step;
  logic [RB-1:0] orow;
  logic [4:0] shift;
  arith_t arith;
  logic [63:0] cycles, exp_sat, qk_sat;
  always_comb begin
    exp_sat = '0;
    qk_sat = '0;
    for (int i = 0; i < NR; i++) begin
      exp_sat = exp_sat + 64'(n_oor[i]);
      qk_sat = qk_sat + 64'(n_qks[i]);
    end
  end
  logic done;

  assign in_ready = (state == IDLE);

  // ---- weighted-sum unit on the output row (merge_slices, fixed datapath) ----
  logic              a_v, b_v, y_v;
  logic [17:0]       y_sm;
  logic signed [4:0] y_se;
  logic signed [17:0] y_out [D];
  always_comb begin
    logic [17:0] sa, sb;
    logic signed [4:0] e;
    logic [18:0] w, t;
    logic [31:0] w1;
    logic [RB-1:0] r;
    logic take_a, take_b;
    r = orow;
    a_v = pv_valid[r];
    b_v = (mask[r] != '0);
    e = (pv_se[r] > se[r]) ? pv_se[r] : se[r];
    sa = pv_sm[r] >> 6'(6'(e) - 6'(pv_se[r]));
    sb = sm[r] >> 6'(6'(e) - 6'(se[r]));
    w = 19'(sa) + 19'(sb);
    take_a = a_v && (!b_v || (w == 0 && pv_se[r] >= se[r]));
    take_b = b_v && (!a_v || (w == 0 && pv_se[r] < se[r]));
    w1 = (w == 0) ? 32'd0 : ((32'(sa) << 9) + 32'(w)) / (32'(w) << 1);
    t = (w > 19'(ACC_MAX)) ? 19'(ACC_MAX) : w;
    y_se = e;
    if (t >= 19'd65536 && e < 5'sd15) begin
      t = t >> 1;
      y_se = e + 5'sd1;
    end
    y_sm = t[17:0];
    y_v = a_v || b_v;
    for (int x = 0; x < D; x++) y_out[x] = blend(w1[8:0], pv_out[r][x], outv[r][x]);
    if (take_a) begin
      y_sm = pv_sm[r]; y_se = pv_se[r];
      for (int x = 0; x < D; x++) y_out[x] = pv_out[r][x];
    end else if (take_b) begin
      y_sm = sm[r]; y_se = se[r];
      for (int x = 0; x < D; x++) y_out[x] = outv[r][x];
    end else if (!y_v) begin
      y_sm = '0; y_se = '0;
      for (int x = 0; x < D; x++) y_out[x] = '0;
    end
  end

  assign out_valid = (state == OUT);
  assign out_last = (state == OUT) && (32'(orow) == NR - 1);
  always_comb begin
    out_data = '0;
    out_data[15:0] = 16'(orow);
    out_data[16] = y_v;
    out_data[34:17] = y_sm;
    out_data[39:35] = y_se;
    for (int x = 0; x < D; x++) out_data[64 + 32 * x +: 32] = 32'(y_out[x]);
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      state <= IDLE;
      done <= 1'b0; reg_ack <= 1'b0; reg_rdata <= '0; shift <= '0; arith <= ARITH_RESET;
      cycles <= '0; orow <= '0; step <= '0;
      mask <= '0; pv_valid <= '0;
    end else begin
      // ---- register interface ----
      reg_ack <= reg_req;
      if (reg_req && reg_we) begin
        if (reg_addr[15:12] == 4'h1) begin
          if (32'(reg_addr[11:3]) < NR) mask[reg_addr[RB+2:3]] <= reg_wdata[NS-1:0];
        end else begin
          case (reg_addr[7:0])
            8'h08: begin
              if (reg_wdata[3] && state == IDLE) begin
                mask <= '0; pv_valid <= '0;
                done <= 1'b0;
              end
              if (reg_wdata[0] && state == IDLE) begin
                state <= reg_wdata[1] ? FLUSH : QK;
                cycles <= '0; step <= '0; done <= 1'b0;
              end else if (reg_wdata[2] && state == IDLE) begin
                state <= DRAIN; cycles <= '0; step <= '0; done <= 1'b0;
              end
              // synthesis translate_off
              if ((reg_wdata[0] || reg_wdata[2]) && state != IDLE) begin
                $display("salo_array: command while busy (state %0d)", state);
                $finish;
              end
              // synthesis translate_on
            end
            8'h20: shift <= reg_wdata[4:0];
            8'h40: if (state == IDLE) arith <= arith_t'(reg_wdata[11:0]);
            default: ;
          endcase
        end
      end
      if (reg_req && !reg_we) begin
        case (reg_addr[7:0])
          8'h00: reg_rdata <= {8'(GC), 8'(GR), 8'(C), 8'(R), 32'h53414C4F};
          8'h10: reg_rdata <= {62'd0, state != IDLE, done};
          8'h18: reg_rdata <= cycles;
          8'h20: reg_rdata <= 64'(shift);
          8'h28: reg_rdata <= 64'(D);
          8'h30: reg_rdata <= exp_sat;
          8'h38: reg_rdata <= qk_sat;
          8'h40: reg_rdata <= 64'(arith);
          default: reg_rdata <= 64'd0;
        endcase
      end

      // ---- operand and PREV load ----
      if (in_valid && in_ready) begin
        logic [11:0] a;
        a = in_data[11:0];
        case (in_data[15:12])
          4'h0: if (32'(a) < NR) qmem[a[RB-1:0]] <= lanes9(in_data);
          4'h1: if (32'(a) < NK) kmem[a[KB-1:0]] <= lanes9(in_data);
          4'h2: if (32'(a) < NK) vmem[a[KB-1:0]] <= lanes9(in_data);
          4'h3: if (32'(a) < NR) begin
            pv_valid[a[RB-1:0]] <= 1'b1;
            pv_sm[a[RB-1:0]] <= in_data[33:16];
            pv_se[a[RB-1:0]] <= in_data[38:34];
            pv_out[a[RB-1:0]] <= lanes18(in_data);
          end
          default: begin
            // synthesis translate_off
            $display("salo_array: input beat to unknown address %h", in_data[15:0]);
            $finish;
            // synthesis translate_on
          end
        endcase
      end

      if (state != IDLE && state != OUT) cycles <= cycles + 1;

      case (state)
        FLUSH: state <= QK;
        QK: begin  // stage 1 (row blocks): element `step` of Q and K
          step <= step + 1'b1;
          if (32'(step) == D - 1) begin step <= '0; state <= EXP; end
        end
        EXP: state <= ROWSUM;  // stage 2 (row blocks)
        ROWSUM: begin  // stage 3 (row blocks): slot `step`
          step <= step + 1'b1;
          if (32'(step) == NS - 1) begin step <= '0; state <= RECIP; end
        end
        RECIP: state <= NORM;  // inverse units (row blocks)
        NORM: state <= PV;     // stage 4 (row blocks)
        PV: begin  // stage 5 (row blocks): output element `step`
          step <= step + 1'b1;
          if (32'(step) == D - 1) begin step <= '0; orow <= '0; state <= OUT; end
        end
        OUT: if (out_ready) begin
          orow <= orow + 1'b1;
          if (32'(orow) == NR - 1) begin state <= IDLE; done <= 1'b1; end
        end
        DRAIN: begin
          step <= step + 1'b1;
          if (32'(step) == C + GR + GC - 2) begin step <= '0; state <= IDLE; done <= 1'b1; end
        end
        default: ;
      endcase
    end
  end
  // ---- one block per row: its PEs (slots), row sum, inverse unit and output chain ----
  for (genvar gi = 0; gi < NR; gi++) begin : row
    logic signed [17:0] acc  [NS];  // stage 1 accumulators
    logic               qsat [NS];  // an accumulator update saturated
    logic [9:0]         em   [NS];  // exp mantissa (10.8)
    logic signed [4:0]  ee   [NS];  // exp exponent
    logic signed [8:0]  prob [NS];  // 2.7 probability
    logic [12:0]        rm;         // reciprocal mantissa (B <= 12 bits)
    logic signed [7:0]  re;         // reciprocal exponent
    // The PEs' registers are read only here: they are updated with blocking assignments in this
    // block's loops (each is read before it is written in a cycle, so each is still a flip-flop).
    always_ff @(posedge clk) begin
      case (state)
        QK: for (int j = 0; j < NS; j++)
          if (mask[gi][j]) begin
            logic s;
            acc[j] = mac_qk((step == '0) ? 18'sd0 : acc[j], qmem[gi][step[DB-1:0]],
                            kmem[KB'(kidx(gi, j))][step[DB-1:0]], arith.qk_wrap, s);
            qsat[j] = s || (step != '0 && qsat[j]);
          end
        EXP: begin
          logic [7:0] no, nq;
          no = '0; nq = '0;
          for (int j = 0; j < NS; j++)
            if (mask[gi][j]) begin
              logic [9:0] m; logic signed [4:0] e; logic o;
              exp2_fixed(acc[j], shift, m, e, o);
              em[j] = m; ee[j] = e;
              no = no + 8'(o);
              nq = nq + 8'(qsat[j]);
            end
          n_oor[gi] <= no; n_qks[gi] <= nq;
          sm[gi] <= '0; se[gi] <= -5'sd16;
        end
        ROWSUM: if (mask[gi][step[SB-1:0]]) begin
          logic [17:0] m; logic signed [4:0] e;
          m = sm[gi]; e = se[gi];
          sum_add(m, e, 18'(em[step[SB-1:0]]), ee[step[SB-1:0]]);
          sm[gi] <= m; se[gi] <= e;
        end
        RECIP: if (mask[gi] != '0) reciprocal(sm[gi], se[gi], arith, rm, re);
        NORM: for (int j = 0; j < NS; j++)
          if (mask[gi][j]) prob[j] = normalise(em[j], ee[j], rm, re, arith);
        PV: begin
          logic signed [17:0] a;
          a = '0;
          for (int j = 0; j < NS; j++)
            if (mask[gi][j]) a = mac_pv(a, prob[j], vmem[KB'(kidx(gi, j))][step[DB-1:0]], arith);
          outv[gi][step[DB-1:0]] <= a;
        end
        default: ;
      endcase
      if (rst) begin n_oor[gi] <= '0; n_qks[gi] <= '0; end
    end
  end
endmodule
