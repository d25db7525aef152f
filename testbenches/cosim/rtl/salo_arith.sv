// SALO datapath arithmetic, RTL (synthesizable functions), bit-exact with models/salo/fixed_point.*
// and the fixed datapath of models/salo/pe_array.cpp: 5.4 inputs (9-bit codes), 2.7 probabilities,
// 10.8 accumulators (18 bits), 5-bit signed shared exponents in [-16, 15]. The rounding and
// overflow of stages 1, 4 and 5 and the normalise operand widths follow an arith_t (salo::FixedParams,
// scenario key "fixed_arithmetic"): saturate or wrap, round to nearest or truncate, a B-bit
// reciprocal (B in 4..12), the exp mantissa's last bit kept or dropped.
package salo_arith;
  timeunit 1ns; timeprecision 1ps;
  localparam int ACC_MAX = 131071;  // 10.8: 2^17 - 1
  localparam int ACC_MIN = -131072;

  // The arithmetic options (the ARITH register of salo_array.sv, bit for bit).
  typedef struct packed {
    logic [3:0] recip_bits;  // [11:8] B, reciprocal mantissa width
    logic [1:0] unused;      // [7:6]
    logic pv_wrap;           // [5] stage 5 accumulator wraps (else saturates)
    logic pv_trunc;          // [4] stage 5 product shift truncates (else rounds to nearest)
    logic drop_lsb;          // [3] stage 4 drops the exp mantissa's last bit
    logic norm_wrap;         // [2] stage 4 probability wraps to 9 bits (else saturates)
    logic norm_trunc;        // [1] stage 4 shift and reciprocal divide truncate (else nearest)
    logic qk_wrap;           // [0] stage 1 accumulator wraps (else saturates)
  } arith_t;


  // Saturate a wide signed value to 10.8.
  function automatic logic signed [17:0] sat18(input logic signed [31:0] x);
    if (x > ACC_MAX) return 18'sd131071;
    if (x < ACC_MIN) return -18'sd131072;
    return x[17:0];
  endfunction

  // 10.8 result of a wide sum: saturated, or its low 18 bits (two's-complement wrap).
  function automatic logic signed [17:0] fit18(input logic signed [31:0] x, input logic wrap);
    return wrap ? x[17:0] : sat18(x);
  endfunction

  // Stage 1 step: acc + q * k (5.4 x 5.4 = 8 fraction bits), saturated or wrapped; sat flags an
  // update outside 10.8 (clamped or wrapped).
  function automatic logic signed [17:0] mac_qk(input logic signed [17:0] acc, input logic signed [8:0] q,
                                                 input logic signed [8:0] k, input logic wrap, output logic sat);
    logic signed [31:0] a;
    a = 32'(acc) + 32'(q) * 32'(k);
    sat = (a > ACC_MAX) || (a < ACC_MIN);
    return fit18(a, wrap);
  endfunction

  // PWL 2^f, f = frac / 256: intercept (10.8) + ((slope (5.4) * frac) >> 4); the LUTs hold the
  // published constants quantised as fixed_point.cpp does (round to nearest).
  function automatic logic [9:0] pwl(input logic [7:0] frac);
    logic [4:0] slope;
    logic [8:0] icpt;
    case (frac[7:6])
      2'd0: begin slope = 5'd12; icpt = 9'd255; end
      2'd1: begin slope = 5'd14; icpt = 9'd246; end
      2'd2: begin slope = 5'd17; icpt = 9'd225; end
      default: begin slope = 5'd20; icpt = 9'd185; end
    endcase
    return 10'(icpt) + 10'((13'(slope) * 13'(frac)) >> 4);
  endfunction

  // Stage 2: x = acc >>> shift (8 fraction bits), saturated to [-16, 16); exponent = integer part,
  // mantissa = PWL of the fraction. oor: x was outside the range.
  function automatic void exp2_fixed(input logic signed [17:0] acc, input logic [4:0] shift,
                                     output logic [9:0] mant, output logic signed [4:0] e, output logic oor);
    logic signed [17:0] x;
    logic signed [12:0] xc;
    x = acc >>> shift;
    oor = (x < -18'sd4096) || (x > 18'sd4095);
    xc = (x < -18'sd4096) ? -13'sd4096 : (x > 18'sd4095) ? 13'sd4095 : x[12:0];
    e = xc[12:8];
    mant = pwl(xc[7:0]);
  endfunction

  // Stage 3 step (ExpSum::add): exponent-aligned addition (truncating shift of the smaller-exponent
  // operand), saturation, renormalisation when the mantissa reaches 256 (one step suffices: the
  // mantissa is below 2^16 before an addend below 2^10).
  function automatic void sum_add(inout logic [17:0] m, inout logic signed [4:0] e, input logic [17:0] m_in,
                                  input logic signed [4:0] e_in);
    logic [18:0] t;
    logic [17:0] mi;
    if (e_in > e) begin
      m = m >> 6'(6'(e_in) - 6'(e));
      e = e_in;
      mi = m_in;
    end else begin
      mi = m_in >> 6'(6'(e) - 6'(e_in));
    end
    t = 19'(m) + 19'(mi);
    if (t > 19'(ACC_MAX)) t = 19'(ACC_MAX);
    if (t >= 19'd65536 && e < 5'sd15) begin
      t = t >> 1;
      e = e + 5'sd1;
    end
    m = t[17:0];
  endfunction

  // Inverse unit: 1/sum ~= mant * 2^re, mant = 2^(n+B-1) / S in [2^(B-1), 2^B - 1] (rounded to
  // nearest, ties up, or truncated), n = bit length of S.
  function automatic void reciprocal(input logic [17:0] s, input logic signed [4:0] se, input arith_t ar,
                                     output logic [12:0] mant, output logic signed [7:0] re);
    int n, b;
    logic [63:0] q, num;
    n = 0;
    for (int x = 0; x < 18; x++) if (s[x]) n = x + 1;
    b = int'(ar.recip_bits);
    num = 64'd1 << (n + b - 1);
    q = ar.norm_trunc ? num / 64'(s) : ((num << 1) + 64'(s)) / (64'(s) << 1);
    re = 8'(9 - b - n) - 8'(se);
    if (q >= (64'd1 << b)) begin
      q = q >> 1;
      re = re + 8'sd1;
    end
    mant = q[12:0];
  endfunction

  // Stage 4: probability = exp * reciprocal as a 2.7 code (nearest, ties away, or truncate;
  // saturate or wrap to 9 bits; the exp mantissa's last bit dropped first with drop_lsb).
  function automatic logic signed [8:0] normalise(input logic [9:0] em, input logic signed [4:0] ee,
                                                  input logic [12:0] rm, input logic signed [7:0] re,
                                                  input arith_t ar);
    logic [63:0] prod, r;
    logic [9:0] m;
    int s, sh;
    m = ar.drop_lsb ? {1'b0, em[9:1]} : em;
    prod = 64'(m) * 64'(rm);
    s = 1 - int'(ar.drop_lsb) - int'(ee) - int'(re);
    if (s >= 0) begin
      r = (ar.norm_trunc || s == 0) ? prod >> s : (prod + (64'd1 << (s - 1))) >> s;
      if (ar.norm_wrap) return r[8:0];
      return (r > 64'd255) ? 9'sd255 : r[8:0];
    end
    if (prod == 0) return '0;
    sh = -s;
    if (ar.norm_wrap) return (sh >= 9) ? 9'sd0 : 9'(prod << sh);
    if (sh >= 31) return 9'sd255;
    r = prod << sh;
    return (r > 64'd255) ? 9'sd255 : r[8:0];
  endfunction

  // Stage 5 step: acc + ((p (2.7) * v (5.4)) >> 3), nearest (ties away) or truncated; saturated or
  // wrapped to 10.8.
  function automatic logic signed [17:0] mac_pv(input logic signed [17:0] acc, input logic signed [8:0] p,
                                                 input logic signed [8:0] v, input arith_t ar);
    logic signed [31:0] y;
    y = 32'(p) * 32'(v);
    y = ar.pv_trunc ? (y >>> 3) : ((y + 32'sd3 + ((y >= 0) ? 32'sd1 : 32'sd0)) >>> 3);
    return fit18(32'(acc) + y, ar.pv_wrap);
  endfunction

  // Weighted-sum unit output element: round((w1 a + w2 b) / 256), nearest, ties away; saturated.
  function automatic logic signed [17:0] blend(input logic [8:0] w1, input logic signed [17:0] a,
                                               input logic signed [17:0] b);
    logic signed [31:0] x, mag, q;
    x = 32'($signed({1'b0, w1})) * 32'(a) + 32'($signed(10'd256 - {1'b0, w1})) * 32'(b);
    mag = (x < 0) ? -x : x;
    q = (mag + 32'sd128) >>> 8;
    return sat18((x < 0) ? -q : q);
  endfunction
endpackage
