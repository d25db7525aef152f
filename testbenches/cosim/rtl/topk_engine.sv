// SpAtten top-k engine, RTL (synthesizable style; simulation-only checks under translate_off).
// Quick-select over order-preserving 64-bit candidate codes, then the order-preserving filter and the
// zero eliminator, matching models/spatten/topk_engine.hpp (TopkKind::QuickSelect) bit for bit and
// cycle for cycle:
//   - Candidates arrive on a valid/ready stream (one 64-bit code per beat) into the original buffer
//     and working buffer 0. Loading is not engine time (the candidates come from the upstream units).
//   - A pass: PIVOT (index = xoshiro256** next() % m, the model's common::Rng::below(m); the state is
//     loaded through registers), LOAD (pivot read), STREAM (R = 2 P comparators per cycle, as the
//     authors' TopK instantiates its QuickSelect at parallelism * 2, over the m
//     remaining candidates in stream order; larger ones appended in order to one working buffer,
//     smaller ones to another, equal ones counted), DECIDE (rank test), then OVERHEAD - 3 wait
//     cycles: ceil(m / (2 P)) + OVERHEAD cycles, m comparisons.
//   - Filter: the original buffer streams P per cycle against the threshold; equal candidates are
//     admitted in stream order while ties are left (k minus the strictly larger count). Zero
//     eliminator: a prefix-count stage and log2(P) log-shifter stages compact the kept indices of a
//     beat into the low lanes. ceil(n / P) + ceil(log2 P) + 1 cycles, n comparisons.
//   - CYCLES counts every cycle from START to the last output beat (output back-pressure stalls the
//     pipeline and is counted too; the co-simulation backends never stall).
// Register map (64-bit, byte addresses): 0x00 ID (RO "TOPK" | P << 32), 0x08 N (RO, candidates
// loaded), 0x10 K, 0x18 CTRL (WO: bit 0 start, bit 1 clear), 0x20 STATUS (RO: bit 0 done, bit 1
// busy), 0x28 CYCLES, 0x30 PASSES, 0x38 THRESHOLD (code), 0x40 ABOVE, 0x48..0x60 RNG S0..S3,
// 0x68 OVERHEAD (>= 3), 0x70 COMPARISONS.
// Output beat: lane i (kept index) in bits [16 i +: 16], kept count in bits [16 P +: 8]; one beat
// per filter beat, `last` on the final one.
module topk_engine #(
    parameter int P = 16,
    parameter int NMAX = 4096
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
    input  logic [63:0]       in_data,
    input  logic              in_last,
    output logic              out_valid,
    input  logic              out_ready,
    output logic [P*16+7:0]   out_data,
    output logic              out_last
);
  timeunit 1ns; timeprecision 1ps;

  localparam int LP = (P > 1) ? $clog2(P) : 1;  // shift-amount width
  localparam int SH = (P > 1) ? $clog2(P) : 0;  // log-shifter stages
  localparam int L = SH + 1;                    // zero-eliminator pipeline depth
  localparam int R = 2 * P;                     // comparators of a quick-select pass
  localparam int AW = $clog2(NMAX) + 1;

  typedef enum logic [3:0] {IDLE, PIVOT, LOAD, STREAM, DECIDE, WAITS, FILTER, DRAIN} state_t;
  state_t state;

  logic [63:0] orig [NMAX];
  logic [63:0] work [3][NMAX];

  logic [AW-1:0] n, k, m, pos, gcnt, ecnt, scnt, rank, above, ties_left, pidx;
  logic [1:0] cur;
  logic [63:0] pivot, threshold, cycles, passes, comps, s0, s1, s2, s3, overhead, waits;
  logic done;

  // ---- xoshiro256** (common::Rng::next) ----
  function automatic logic [63:0] rotl(input logic [63:0] x, input int r);
    return (x << r) | (x >> (64 - r));
  endfunction
  logic [63:0] rng_out, t17;
  assign rng_out = rotl(s1 * 64'd5, 7) * 64'd9;
  assign t17 = s1 << 17;

  // ---- selection pass: P lanes ----
  logic [1:0] gsel, ssel;
  assign gsel = (cur == 2'd2) ? 2'd0 : cur + 2'd1;
  assign ssel = (gsel == 2'd2) ? 2'd0 : gsel + 2'd1;

  // ---- zero eliminator pipeline ----
  logic              zv [L];          // beat valid per stage
  logic              zl [L];          // last beat
  logic [P-1:0]      zk [L];          // lane holds a kept index
  logic [15:0]       zi [L][P];       // index
  logic [LP-1:0]     zs [L][P];       // remaining shift
  logic [7:0]        zc [L];          // kept count of the beat
  logic [AW-1:0]     fpos;
  logic [7:0]        drain_left;
  logic              adv;
  assign adv = !(zv[L-1] && !out_ready);

  assign out_valid = zv[L-1];
  assign out_last = zl[L-1];
  always_comb begin
    out_data = '0;
    for (int i = 0; i < P; i++) out_data[i*16 +: 16] = zk[L-1][i] ? zi[L-1][i] : 16'd0;
    out_data[P*16 +: 8] = zc[L-1];
  end

  assign in_ready = (state == IDLE) && !done && (n < AW'(NMAX));

  always_ff @(posedge clk) begin
    if (rst) begin
      state <= IDLE;
      n <= '0; k <= '0; done <= 1'b0; reg_ack <= 1'b0; reg_rdata <= '0;
      cycles <= '0; passes <= '0; comps <= '0; overhead <= 64'd3;
      s0 <= '0; s1 <= '0; s2 <= '0; s3 <= '0; threshold <= '0; above <= '0;
      for (int s = 0; s < L; s++) begin zv[s] <= 1'b0; zl[s] <= 1'b0; end
    end else begin
      // ---- register interface ----
      reg_ack <= reg_req;
      if (reg_req && reg_we) begin
        case (reg_addr[7:0])
          8'h10: k <= AW'(reg_wdata);
          8'h18: begin
            if (reg_wdata[1]) begin n <= '0; done <= 1'b0; end
            if (reg_wdata[0] && state == IDLE) begin
              // synthesis translate_off
              if (k == '0 || k >= n || overhead < 64'd3) begin
                $display("topk_engine: START with k=%0d n=%0d overhead=%0d (bypass or unsupported)", k, n, overhead);
                $finish;
              end
              // synthesis translate_on
              state <= PIVOT; m <= n; cur <= 2'd0; rank <= k; above <= '0; done <= 1'b0;
              cycles <= '0; passes <= '0; comps <= '0; pos <= '0; gcnt <= '0; ecnt <= '0; scnt <= '0;
            end
          end
          8'h48: s0 <= reg_wdata;
          8'h50: s1 <= reg_wdata;
          8'h58: s2 <= reg_wdata;
          8'h60: s3 <= reg_wdata;
          8'h68: overhead <= reg_wdata;
          default: ;
        endcase
      end
      if (reg_req && !reg_we) begin
        case (reg_addr[7:0])
          8'h00: reg_rdata <= {32'(P), 32'h544F504B};
          8'h08: reg_rdata <= 64'(n);
          8'h10: reg_rdata <= 64'(k);
          8'h20: reg_rdata <= {62'd0, state != IDLE, done};
          8'h28: reg_rdata <= cycles;
          8'h30: reg_rdata <= passes;
          8'h38: reg_rdata <= threshold;
          8'h40: reg_rdata <= 64'(above);
          8'h48: reg_rdata <= s0;
          8'h50: reg_rdata <= s1;
          8'h58: reg_rdata <= s2;
          8'h60: reg_rdata <= s3;
          8'h68: reg_rdata <= overhead;
          8'h70: reg_rdata <= comps;
          default: reg_rdata <= 64'd0;
        endcase
      end

      // ---- candidate load ----
      if (in_valid && in_ready) begin
        orig[n[AW-2:0]] <= in_data;
        work[0][n[AW-2:0]] <= in_data;
        n <= n + 1'b1;
      end

      if (state != IDLE) cycles <= cycles + 1;

      case (state)
        PIVOT: begin
          pidx <= AW'(rng_out % 64'(m));
          s2 <= s2 ^ s0 ^ t17;
          s3 <= rotl(s3 ^ s1, 45);
          s1 <= s1 ^ s2 ^ s0;
          s0 <= s0 ^ s3 ^ s1;
          state <= LOAD;
        end
        LOAD: begin
          pivot <= work[cur][pidx[AW-2:0]];
          state <= STREAM;
        end
        STREAM: begin
          logic [AW-1:0] g, e, s;
          g = gcnt; e = ecnt; s = scnt;
          for (int i = 0; i < R; i++) begin
            if (pos + AW'(i) < m) begin
              logic [63:0] x;
              logic [AW-1:0] a;
              a = pos + AW'(i);
              x = work[cur][a[AW-2:0]];
              if (x > pivot) begin work[gsel][g[AW-2:0]] <= x; g = g + 1'b1; end
              else if (x < pivot) begin work[ssel][s[AW-2:0]] <= x; s = s + 1'b1; end
              else e = e + 1'b1;
            end
          end
          gcnt <= g; ecnt <= e; scnt <= s;
          comps <= comps + {{(64-AW){1'b0}}, ((m - pos) < AW'(R)) ? (m - pos) : AW'(R)};
          pos <= pos + AW'(R);
          if (pos + AW'(R) >= m) state <= DECIDE;
        end
        DECIDE: begin
          passes <= passes + 1;
          waits <= overhead - 64'd3;
          pos <= '0; gcnt <= '0; ecnt <= '0; scnt <= '0;
          if (rank <= gcnt) begin
            cur <= gsel; m <= gcnt;
          end else if (rank <= gcnt + ecnt) begin
            threshold <= pivot;
            above <= above + gcnt;
            ties_left <= k - (above + gcnt);
            m <= '0;  // selection over: the filter follows the waits
          end else begin
            rank <= rank - gcnt - ecnt;
            above <= above + gcnt + ecnt;
            cur <= ssel; m <= scnt;
          end
          state <= WAITS;
        end
        WAITS: begin
          if (waits <= 64'd1) begin
            if (m == '0) begin state <= FILTER; fpos <= '0; end
            else state <= PIVOT;
          end else waits <= waits - 1;
        end
        default: ;
      endcase
      // WAITS with zero waits: leave immediately (the DECIDE cycle already counted).
      if (state == DECIDE && overhead == 64'd3) begin
        if (rank > gcnt && rank <= gcnt + ecnt) begin state <= FILTER; fpos <= '0; end
        else state <= PIVOT;
      end

      // ---- filter + zero eliminator (advance unless the output stalls) ----
      if (adv) begin
        for (int s = L - 1; s >= 1; s--) begin
          zv[s] <= zv[s-1]; zl[s] <= zl[s-1]; zc[s] <= zc[s-1];
          for (int j = 0; j < P; j++) begin
            // log-shifter stage s: move down by 2^(s-1) when that bit of the shift is set
            logic take_up;
            take_up = (j + (1 << (s - 1)) < P) && zk[s-1][(j + (1 << (s - 1))) % P] &&
                      zs[s-1][(j + (1 << (s - 1))) % P][s-1];
            if (take_up) begin
              zk[s][j] <= 1'b1;
              zi[s][j] <= zi[s-1][(j + (1 << (s - 1))) % P];
              zs[s][j] <= zs[s-1][(j + (1 << (s - 1))) % P];
            end else begin
              zk[s][j] <= zk[s-1][j] && !zs[s-1][j][s-1];
              zi[s][j] <= zi[s-1][j];
              zs[s][j] <= zs[s-1][j];
            end
          end
        end
        zv[0] <= 1'b0; zl[0] <= 1'b0;
        if (state == FILTER) begin
          logic [AW-1:0] tl;
          logic [7:0] zeros, kept;
          tl = ties_left; zeros = '0; kept = '0;
          for (int i = 0; i < P; i++) begin
            logic keep;
            keep = 1'b0;
            if (fpos + AW'(i) < n) begin
              logic [63:0] x;
              logic [AW-1:0] a;
              a = fpos + AW'(i);
              x = orig[a[AW-2:0]];
              if (x > threshold) keep = 1'b1;
              else if (x == threshold && tl != '0) begin keep = 1'b1; tl = tl - 1'b1; end
            end
            zk[0][i] <= keep;
            zi[0][i] <= 16'(fpos) + 16'(i);
            zs[0][i] <= LP'(zeros);
            if (keep) kept = kept + 1'b1; else zeros = zeros + 1'b1;
          end
          ties_left <= tl;
          zv[0] <= 1'b1;
          zc[0] <= kept;
          comps <= comps + {{(64-AW){1'b0}}, ((n - fpos) < AW'(P)) ? (n - fpos) : AW'(P)};
          fpos <= fpos + AW'(P);
          zl[0] <= (fpos + AW'(P) >= n);
          if (fpos + AW'(P) >= n) begin state <= DRAIN; drain_left <= 8'(L - 1); end
        end else if (state == DRAIN) begin
          if (drain_left == 8'd0) begin state <= IDLE; done <= 1'b1; end
          else drain_left <= drain_left - 1'b1;
        end
      end
    end
  end
endmodule
