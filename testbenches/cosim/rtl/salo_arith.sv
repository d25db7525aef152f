// SALO datapath arithmetic, RTL (synthesizable functions), bit-exact with models/salo/fixed_point.*
// and the fixed datapath of models/salo/pe_array.cpp: 5.4 inputs (9-bit codes), 2.7 probabilities,
// 10.8 accumulators (18 bits, saturating), 5-bit signed shared exponents in [-16, 15].
package salo_arith;
  timeunit 1ns; timeprecision 1ps;
  localparam int ACC_MAX = 131071;  // 10.8: 2^17 - 1
  localparam int ACC_MIN = -131072;

  // Saturate a wide signed value to 10.8.
  function automatic logic signed [17:0] sat18(input logic signed [31:0] x);
    if (x > ACC_MAX) return 18'sd131071;
    if (x < ACC_MIN) return -18'sd131072;
    return x[17:0];
  endfunction

  // Stage 1 step: acc + q * k (5.4 x 5.4 = 8 fraction bits), saturated; sat flags a clamp.
  function automatic logic signed [17:0] mac_qk(input logic signed [17:0] acc, input logic signed [8:0] q,
                                                 input logic signed [8:0] k, output logic sat);
    logic signed [31:0] a;
    a = 32'(acc) + 32'(q) * 32'(k);
    sat = (a > ACC_MAX) || (a < ACC_MIN);
    return sat18(a);
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

  // Inverse unit: 1/sum ~= mant * 2^re, mant = round(2^(n+8) / S) in [256, 511], n = bit length of S.
  function automatic void reciprocal(input logic [17:0] s, input logic signed [4:0] se, output logic [9:0] mant,
                                     output logic signed [7:0] re);
    int n;
    logic [31:0] q;
    n = 0;
    for (int b = 0; b < 18; b++) if (s[b]) n = b + 1;
    q = ((32'd1 << (n + 9)) + 32'(s)) / (32'(s) << 1);
    re = 8'(-n) - 8'(se);
    if (q >= 32'd512) begin
      q = q >> 1;
      re = re + 8'sd1;
    end
    mant = q[9:0];
  endfunction

  // Stage 4: probability = exp * reciprocal as a 2.7 code (round to nearest, ties away; saturate).
  function automatic logic [7:0] normalise(input logic [9:0] em, input logic signed [4:0] ee, input logic [9:0] rm,
                                          input logic signed [7:0] re);
    logic [19:0] prod;
    logic signed [8:0] s;
    logic [63:0] r;
    prod = 20'(em) * 20'(rm);
    s = 9'sd1 - 9'(ee) - 9'(re);
    if (s < 0) r = (prod == 0) ? 64'd0 : 64'd255;
    else if (s == 0) r = 64'(prod);
    else r = (64'(prod) + (64'd1 << (s - 9'sd1))) >> s;
    return (r > 64'd255) ? 8'd255 : r[7:0];
  endfunction

  // Stage 5 step: acc + round((p (2.7) * v (5.4)) >> 3), nearest, ties away; saturated to 10.8.
  function automatic logic signed [17:0] mac_pv(input logic signed [17:0] acc, input logic [7:0] p,
                                                 input logic signed [8:0] v);
    logic signed [31:0] y;
    y = 32'($signed({1'b0, p})) * 32'(v);
    y = (y + 32'sd3 + ((y >= 0) ? 32'sd1 : 32'sd0)) >>> 3;
    return sat18(32'(acc) + y);
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
