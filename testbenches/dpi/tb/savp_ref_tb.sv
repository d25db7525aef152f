// savp_ref_tb: an RTL team's SystemVerilog testbench with SAVP as the reference model. It drives the
// SALO PE array RTL (salo_array.sv) and the SpAtten top-k RTL (topk_engine.sv) through their pins
// (register bus, valid/ready streams) with random tiles and selections, and checks every result
// against libsavp_ref.so over DPI-C (savp_ref_pkg). The first mismatch stops the run with $fatal
// naming the block, the tile or selection, the field, the RTL value and the reference value.
// Plusargs: +seed=S (stimuli and the top-k pivot generator), +tiles=N, +selections=N,
// +no_check (drive the RTL only: no DPI call), +dpi_only=N (N reference calls of each kind, no RTL:
// the DPI cost alone). Verilator 5: verilator --binary --timing (see testbenches/tests/regress/check_dpi_tb.py).
module savp_ref_tb
  import savp_ref_pkg::*;
#(
    parameter int R = 4,
    parameter int C = 4,
    parameter int GR = 1,
    parameter int GC = 1,
    parameter int D = 16,
    parameter int P = 4,
    parameter int NMAX = 256
);
  timeunit 1ns; timeprecision 1ps;

  localparam int NR = R + GR, NS = C + GC, NK = R + C - 1 + GC + GR * C;
  localparam int SW = 64 + 32 * D;  // SALO beat width
  localparam int TW = P * 16 + 8;   // top-k output beat width

  logic clk = 1'b0, rst = 1'b1;
  always #5 clk = ~clk;
  longint unsigned n_cycles = 0;
  always @(posedge clk) n_cycles <= n_cycles + 1;

  // ---- SALO array pins ----
  // One register bus master for both blocks: `sel` (0 SALO, 1 top-k) routes the request and the
  // read data.
  logic sel = 0, req = 0, we = 0;
  logic [31:0] addr = 0;
  logic [63:0] wdata = 0;
  logic s_ack, s_in_valid = 0, s_in_ready, s_in_last = 0, s_out_valid, s_out_last;
  logic [63:0] s_rdata;
  logic [SW-1:0] s_in_data = '0, s_out_data;
  salo_array #(.R(R), .C(C), .GR(GR), .GC(GC), .D(D)) salo (
      .clk, .rst, .reg_req(req && !sel), .reg_we(we), .reg_addr(addr), .reg_wdata(wdata), .reg_ack(s_ack),
      .reg_rdata(s_rdata), .in_valid(s_in_valid), .in_ready(s_in_ready), .in_data(s_in_data),
      .in_last(s_in_last), .out_valid(s_out_valid), .out_ready(1'b1), .out_data(s_out_data),
      .out_last(s_out_last));

  // ---- top-k engine pins ----
  logic t_ack, t_in_valid = 0, t_in_ready, t_in_last = 0, t_out_valid, t_out_last;
  logic [63:0] t_rdata, t_in_data = 0;
  logic [TW-1:0] t_out_data;
  topk_engine #(.P(P), .NMAX(NMAX)) topk (
      .clk, .rst, .reg_req(req && sel), .reg_we(we), .reg_addr(addr), .reg_wdata(wdata), .reg_ack(t_ack),
      .reg_rdata(t_rdata), .in_valid(t_in_valid), .in_ready(t_in_ready), .in_data(t_in_data),
      .in_last(t_in_last), .out_valid(t_out_valid), .out_ready(1'b1), .out_data(t_out_data),
      .out_last(t_out_last));

  // ---- bus tasks: called and returning at a falling edge; the rising edge between samples ----
  task automatic reg_write(input bit block, input logic [31:0] a, input logic [63:0] d);
    sel = block; req = 1; we = 1; addr = a; wdata = d;
    @(negedge clk);
    req = 0; we = 0;
  endtask
  task automatic reg_read(input bit block, input logic [31:0] a, output logic [63:0] d);
    sel = block; req = 1; we = 0; addr = a;
    @(negedge clk);
    req = 0;
    d = block ? t_rdata : s_rdata;
  endtask
  localparam bit SALO = 0, TOPK = 1;
  task automatic s_send(input logic [SW-1:0] beat);
    logic ready;
    s_in_valid = 1; s_in_data = beat;
    forever begin
      ready = s_in_ready;
      @(negedge clk);
      if (ready) break;
    end
    s_in_valid = 0;
  endtask
  task automatic t_send(input logic [63:0] code, input bit last);
    logic ready;
    t_in_valid = 1; t_in_data = code; t_in_last = last;
    forever begin
      ready = t_in_ready;
      @(negedge clk);
      if (ready) break;
    end
    t_in_valid = 0; t_in_last = 0;
  endtask

  // ---- stimulus generator (xorshift64*: deterministic for a seed, simulator independent) ----
  longint unsigned rs;
  function automatic longint unsigned rnd();
    rs = rs ^ (rs >> 12);
    rs = rs ^ (rs << 25);
    rs = rs ^ (rs >> 27);
    return rs * 64'h2545F4914F6CDD1D;
  endfunction
  function automatic int below(input int n);
    return int'(rnd() % 64'(n));
  endfunction

  int dpi_calls = 0;
  bit check = 1;

  task automatic mismatch(input string what, input longint rtl_v, input longint ref_v);
    $display("MISMATCH %s: rtl %0d, reference %0d", what, rtl_v, ref_v);
    $fatal(1, "savp_ref_tb: first mismatch: %s (rtl %0d, reference %0d)", what, rtl_v, ref_v);
  endtask

  // A result register of `block` against the reference's value.
  task automatic check_reg(input bit block, input logic [31:0] a, input longint want, input string what);
    logic [63:0] v;
    reg_read(block, a, v);
    if (v != 64'(want)) mismatch(what, longint'(v), want);
  endtask

  // ---- SALO operands and results (the reference's open arrays) ----
  longint mask [NR];
  shortint q [NR*D];
  shortint kk [NK*D];
  shortint vv [NK*D];
  int pv_valid [NR], pv_sum [NR], pv_exp [NR], pv_out [NR*D];
  int o_valid [NR], o_sum [NR], o_exp [NR], o_out [NR*D];
  longint r_cycles, r_exp_sat, r_qk_sat;

  function automatic shortint code(input int big);
    // 5.4 codes: mostly small (|x| < 2), one vector in eight over the full 9-bit range.
    return shortint'(big != 0 ? below(512) - 256 : below(64) - 32);
  endfunction

  task automatic salo_random_tile(input int t);
    int big, density;
    big = (below(8) == 0) ? 1 : 0;
    density = 1 + below(4);  // of 4: mask bit probability
    for (int i = 0; i < NR; i++) begin
      int slots;
      slots = (i < R) ? NS : C;
      mask[i] = 0;
      if (below(8) != 0)  // one row in eight idle
        for (int j = 0; j < slots; j++) if (below(4) < density) mask[i] |= longint'(1) << j;
      for (int x = 0; x < D; x++) q[i*D+x] = code(big);
    end
    for (int n = 0; n < NK; n++)
      for (int x = 0; x < D; x++) begin
        kk[n*D+x] = code(big);
        vv[n*D+x] = code(0);
      end
    // PREV: the previous tile's result of the row (a later slice of the same query), or none.
    for (int i = 0; i < NR; i++) begin
      pv_valid[i] = (t > 0 && o_valid[i] != 0 && below(2) == 0) ? 1 : 0;
      pv_sum[i] = o_sum[i];
      pv_exp[i] = o_exp[i];
      for (int x = 0; x < D; x++) pv_out[i*D+x] = o_out[i*D+x];
    end
  endtask

  task automatic salo_run_tile(input int t, input int shift, input bit flush);
    logic [SW-1:0] beat;
    logic [SW-1:0] res [NR];
    int nres;
    reg_write(SALO, 32'h08, 64'd8);  // clear masks and PREV
    for (int i = 0; i < NR; i++) if (mask[i] != 0) reg_write(SALO, 32'h1000 + 32'(8 * i), 64'(mask[i]));
    reg_write(SALO, 32'h20, 64'(shift));
    for (int i = 0; i < NR; i++) begin
      beat = '0; beat[15:0] = 16'(i);
      for (int x = 0; x < D; x++) beat[64 + 32 * x +: 32] = 32'(int'(q[i*D+x]));
      s_send(beat);
    end
    for (int n = 0; n < NK; n++) begin
      beat = '0; beat[15:0] = 16'h1000 + 16'(n);
      for (int x = 0; x < D; x++) beat[64 + 32 * x +: 32] = 32'(int'(kk[n*D+x]));
      s_send(beat);
      beat[15:0] = 16'h2000 + 16'(n);
      for (int x = 0; x < D; x++) beat[64 + 32 * x +: 32] = 32'(int'(vv[n*D+x]));
      s_send(beat);
    end
    for (int i = 0; i < NR; i++) begin
      if (pv_valid[i] == 0) continue;
      beat = '0; beat[15:0] = 16'h3000 + 16'(i);
      beat[33:16] = 18'(pv_sum[i]);
      beat[38:34] = 5'(pv_exp[i]);
      for (int x = 0; x < D; x++) beat[64 + 32 * x +: 32] = 32'(pv_out[i*D+x]);
      s_send(beat);
    end
    reg_write(SALO, 32'h08, flush ? 64'd3 : 64'd1);  // start
    nres = 0;
    while (nres < NR) begin
      if (s_out_valid) begin res[nres] = s_out_data; nres++; end
      @(negedge clk);
    end
    if (!check) return;
    void'(savp_ref_salo_tile(R, C, GR, GC, D, shift, flush ? 1 : 0, mask, q, kk, vv, pv_valid, pv_sum, pv_exp,
                             pv_out, o_valid, o_sum, o_exp, o_out, r_cycles, r_exp_sat, r_qk_sat));
    dpi_calls++;
    if (savp_ref_last_error() != "") $fatal(1, "savp_ref_salo_tile: %s", savp_ref_last_error());
    check_reg(SALO, 32'h18, r_cycles, $sformatf("salo tile %0d: CYCLES", t));
    check_reg(SALO, 32'h30, r_exp_sat, $sformatf("salo tile %0d: EXP_SAT", t));
    check_reg(SALO, 32'h38, r_qk_sat, $sformatf("salo tile %0d: QK_SAT", t));
    for (int i = 0; i < NR; i++) begin
      logic [SW-1:0] b;
      b = res[i];
      if (int'(b[15:0]) != i) mismatch($sformatf("salo tile %0d: result beat %0d row", t, i), longint'(b[15:0]), i);
      if (int'(b[16]) != o_valid[i])
        mismatch($sformatf("salo tile %0d row %0d: non-empty", t, i), longint'(b[16]), o_valid[i]);
      if (o_valid[i] == 0) continue;
      if (int'(b[34:17]) != o_sum[i])
        mismatch($sformatf("salo tile %0d row %0d: sum mantissa", t, i), longint'(b[34:17]), o_sum[i]);
      if (int'(signed'(b[39:35])) != o_exp[i])
        mismatch($sformatf("salo tile %0d row %0d: sum exponent", t, i), longint'(signed'(b[39:35])), o_exp[i]);
      for (int x = 0; x < D; x++)
        if (int'(signed'(b[64 + 32 * x +: 32])) != o_out[i*D+x])
          mismatch($sformatf("salo tile %0d row %0d: out[%0d]", t, i, x), longint'(signed'(b[64 + 32 * x +: 32])),
                   o_out[i*D+x]);
    end
  endtask

  // ---- top-k candidates and results ----
  real vals [NMAX];
  int kept_ref [NMAX];
  int kept_rtl [NMAX];
  chandle topk_h;

  task automatic topk_run(input int s, input int n, input int k);
    int nk_rtl, nk_ref, passes;
    longint cy, cmp;
    real thr;
    reg_write(TOPK, 32'h18, 64'd2);  // clear
    reg_write(TOPK, 32'h10, 64'(k));
    for (int i = 0; i < n; i++) t_send(savp_ref_topk_encode(vals[i]), i == n - 1);
    check_reg(TOPK, 32'h08, n, $sformatf("topk selection %0d: N loaded", s));
    reg_write(TOPK, 32'h18, 64'd1);  // start
    nk_rtl = 0;
    forever begin
      if (t_out_valid) begin
        int cnt;
        cnt = int'(t_out_data[P*16 +: 8]);
        for (int i = 0; i < cnt; i++) kept_rtl[nk_rtl + i] = int'(t_out_data[16 * i +: 16]);
        nk_rtl += cnt;
        if (t_out_last) begin @(negedge clk); break; end
      end
      @(negedge clk);
    end
    if (!check) return;
    void'(savp_ref_topk_select(topk_h, vals, n, k, kept_ref, nk_ref, cy, passes, cmp, thr));
    dpi_calls++;
    if (savp_ref_last_error() != "") $fatal(1, "savp_ref_topk_select: %s", savp_ref_last_error());
    if (nk_rtl != nk_ref) mismatch($sformatf("topk selection %0d (n %0d, k %0d): kept count", s, n, k), nk_rtl, nk_ref);
    for (int i = 0; i < nk_ref; i++)
      if (kept_rtl[i] != kept_ref[i])
        mismatch($sformatf("topk selection %0d (n %0d, k %0d): kept[%0d]", s, n, k, i), kept_rtl[i], kept_ref[i]);
    check_reg(TOPK, 32'h28, cy, $sformatf("topk selection %0d: CYCLES", s));
    check_reg(TOPK, 32'h30, passes, $sformatf("topk selection %0d: PASSES", s));
    check_reg(TOPK, 32'h70, cmp, $sformatf("topk selection %0d: COMPARISONS", s));
    check_reg(TOPK, 32'h38, savp_ref_topk_encode(thr), $sformatf("topk selection %0d: THRESHOLD code", s));
  endtask

  initial begin
    longint seed;
    int tiles, selections, dpi_only;
    logic [63:0] v;
    if (!$value$plusargs("seed=%d", seed)) seed = 1;
    if (!$value$plusargs("tiles=%d", tiles)) tiles = 200;
    if (!$value$plusargs("selections=%d", selections)) selections = 200;
    if (!$value$plusargs("dpi_only=%d", dpi_only)) dpi_only = 0;
    if ($test$plusargs("no_check")) check = 0;
    rs = 64'(seed) ^ 64'h9E3779B97F4A7C15;
    if (savp_ref_version() / 10000 != SAVP_REF_VERSION / 10000)
      $fatal(1, "libsavp_ref.so is %s, this testbench needs API major %0d", savp_ref_version_string(),
             SAVP_REF_VERSION / 10000);
    $display("savp_ref_tb: %s; SALO %0dx%0d + %0d/%0d global, d %0d; top-k P %0d, NMAX %0d; seed %0d",
             savp_ref_version_string(), R, C, GR, GC, D, P, NMAX, seed);
    topk_h = savp_ref_topk_new(seed, P, 3);
    if (dpi_only > 0) begin  // the reference alone: dpi_only calls of each function
      salo_random_tile(0);
      for (int i = 0; i < dpi_only; i++)
        void'(savp_ref_salo_tile(R, C, GR, GC, D, 2, 1, mask, q, kk, vv, pv_valid, pv_sum, pv_exp, pv_out, o_valid,
                                 o_sum, o_exp, o_out, r_cycles, r_exp_sat, r_qk_sat));
      for (int i = 0; i < NMAX; i++) vals[i] = real'(below(1000000)) / 1000.0;
      for (int i = 0; i < dpi_only; i++) begin
        int nk, ps;
        longint cy, cmp;
        real thr;
        void'(savp_ref_topk_select(topk_h, vals, NMAX, NMAX / 4, kept_ref, nk, cy, ps, cmp, thr));
      end
      $display("DPI_ONLY salo_tile_calls=%0d topk_select_calls=%0d (n=%0d)", dpi_only, dpi_only, NMAX);
      $finish;
    end
    repeat (3) @(negedge clk);
    rst = 0;
    @(negedge clk);
    reg_read(SALO, 32'h00, v);
    if (v != {8'(GC), 8'(GR), 8'(C), 8'(R), 32'h53414C4F}) $fatal(1, "SALO ID register %h", v);
    reg_read(TOPK, 32'h00, v);
    if (v != {32'(P), 32'h544F504B}) $fatal(1, "top-k ID register %h", v);
    // The RTL's pivot generator starts where the reference's does.
    for (int i = 0; i < 4; i++) reg_write(TOPK, 32'h48 + 32'(8 * i), savp_ref_topk_rng_state(seed, i));
    reg_write(TOPK, 32'h68, 64'd3);
    for (int i = 0; i < NR; i++) o_valid[i] = 0;
    for (int t = 0; t < tiles; t++) begin
      salo_random_tile(t);
      salo_run_tile(t, below(5), t > 0);
    end
    for (int s = 0; s < selections; s++) begin
      int n, k, ties;
      n = 2 + below(NMAX - 1);
      k = 1 + below(n - 1);
      ties = (below(3) == 0) ? 1 : 0;  // one selection in three: few distinct values (ties at the k-th)
      for (int i = 0; i < n; i++)
        vals[i] = ties != 0 ? real'(below(6)) : (real'(below(2000000)) - 1000000.0) / 4096.0;
      topk_run(s, n, k);
    end
    $display("PASS savp_ref_tb: %0d SALO tiles, %0d top-k selections checked; %0d DPI calls; %0d cycles%s",
             tiles, selections, dpi_calls, n_cycles, check ? "" : " (no_check: RTL only)");
    savp_ref_topk_free(topk_h);
    $finish;
  end
endmodule
