// A second, independent top-k block written to the topk-v1 protocol (docs/cosim.md), with another
// micro-architecture than SAVP's quick-select engine (../rtl/topk_engine.sv): a bitonic sorting
// network. It proves that an RTL plugin need not be SAVP's own RTL: savp builds it with
// `savp rtl build ... --protocol topk-v1` and runs SpAtten's selections on it, the C++ model beside
// it as scoreboard (kept sets and thresholds equal, cycles differ).
//   - Candidates (64-bit order-preserving codes) arrive on the input stream into ORIG and SORT.
//   - START pads SORT to M = the next power of two >= max(N, 2) with code 0 (below every candidate
//     code; P entries a cycle), then sorts it descending with the bitonic network (Batcher 1968): log2 M (log2 M + 1) / 2
//     stages of M / 2 compare-exchanges, P units per cycle: ceil(M / 2 / P) cycles a stage.
//   - THRESHOLD = SORT[K - 1] (one cycle); ABOVE = candidates strictly larger, counted over ORIG, P per
//     cycle; then the filter streams ORIG P per cycle: larger candidates kept, equal ones while
//     K - ABOVE ties are left, in stream order; each beat's kept indices compacted into the low lanes
//     in the same cycle (a prefix count), one output register (back-pressure holds it).
// Registers (topk-v1): 0x00 ID ("TOPK" | P << 32), 0x08 N, 0x10 K, 0x18 CTRL (bit 0 start, bit 1
// clear), 0x20 STATUS (bit 0 done, bit 1 busy), 0x28 CYCLES (START to the last beat accepted),
// 0x30 PASSES (network stages), 0x38 THRESHOLD, 0x70 COMPARISONS; RNG and OVERHEAD writes ignored.
module topk_bitonic #(
    parameter int P = 8,       // compare-exchange units and output lanes
    parameter int NMAX = 4096  // candidate capacity
) (
    input  logic            clk,
    input  logic            rst,
    input  logic            reg_req,
    input  logic            reg_we,
    input  logic [31:0]     reg_addr,
    input  logic [63:0]     reg_wdata,
    output logic            reg_ack,
    output logic [63:0]     reg_rdata,
    input  logic            in_valid,
    output logic            in_ready,
    input  logic [63:0]     in_data,
    input  logic            in_last,
    output logic            out_valid,
    input  logic            out_ready,
    output logic [P*16+7:0] out_data,
    output logic            out_last
);
  localparam int LM = $clog2(NMAX);
  localparam int NM2 = 1 << LM;  // sort buffer: NMAX rounded up to a power of two
  localparam int AW = LM + 2;

  typedef enum logic [2:0] {IDLE, PAD, SORT, THRESH, COUNT, FILTER, FLUSH} state_t;
  state_t state;

  logic [63:0] orig [NMAX];
  logic [63:0] srt [NM2];
  logic [AW-1:0] n, k, m, base, above, ties_left, fpos;
  logic [5:0] lm, lk, lj;  // log2 of M, of the merge size and of the compare distance
  logic [63:0] threshold, cycles, passes, comps;
  logic done;

  function automatic logic [AW-1:0] upto_p(input logic [AW-1:0] left);  // min(left, P)
    return (left < AW'(P)) ? left : AW'(P);
  endfunction

  assign in_ready = (state == IDLE) && (n < AW'(NMAX));

  always_ff @(posedge clk) begin
    if (rst) begin
      state <= IDLE; n <= '0; k <= '0; done <= 1'b0; reg_ack <= 1'b0; reg_rdata <= '0;
      cycles <= '0; passes <= '0; comps <= '0; threshold <= '0;
      out_valid <= 1'b0; out_last <= 1'b0; out_data <= '0;
    end else begin
      reg_ack <= reg_req;
      if (reg_req && reg_we) begin
        case (reg_addr[7:0])
          8'h10: k <= AW'(reg_wdata);
          8'h18: begin
            if (reg_wdata[1]) begin n <= '0; done <= 1'b0; end
            if (reg_wdata[0] && state == IDLE) begin
              logic [5:0] l;
              l = 6'd1;
              while (l < 6'(LM) && (AW'(1) << l) < n) l = l + 6'd1;
              lm <= l; lk <= 6'd1; lj <= 6'd0; base <= '0; m <= AW'(1) << l; fpos <= n;
              state <= PAD; done <= 1'b0; cycles <= '0; passes <= '0; comps <= '0; above <= '0;
            end
          end
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
          8'h70: reg_rdata <= comps;
          default: reg_rdata <= 64'd0;
        endcase
      end

      if (in_valid && in_ready) begin
        orig[n[LM-1:0]] <= in_data;
        srt[n[LM-1:0]] <= in_data;
        n <= n + 1'b1;
      end

      if (state != IDLE) cycles <= cycles + 1;

      case (state)
        PAD: begin  // SORT[N .. M) = 0, P entries a cycle
          for (int u = 0; u < P; u++) begin
            logic [AW-1:0] a;
            a = fpos + AW'(u);
            if (a < m) srt[a[LM-1:0]] <= 64'd0;
          end
          fpos <= fpos + AW'(P);
          if (fpos + AW'(P) >= m) state <= SORT;
        end
        SORT: begin
          // P compare-exchanges of the stage (merge size 2^lk, distance 2^lj), descending overall
          for (int u = 0; u < P; u++) begin
            logic [AW-1:0] p, i, l;
            p = base + AW'(u);
            if (p < (m >> 1)) begin
              i = ((p >> lj) << (lj + 1)) | (p & ((AW'(1) << lj) - 1'b1));
              l = i | (AW'(1) << lj);
              if ((((i >> lk) & AW'(1)) == '0) ? (srt[i[LM-1:0]] < srt[l[LM-1:0]])
                                            : (srt[i[LM-1:0]] > srt[l[LM-1:0]])) begin
                srt[i[LM-1:0]] <= srt[l[LM-1:0]];
                srt[l[LM-1:0]] <= srt[i[LM-1:0]];
              end
            end
          end
          comps <= comps + {{(64-AW){1'b0}}, upto_p((m >> 1) - base)};
          if (base + AW'(P) >= (m >> 1)) begin
            base <= '0;
            passes <= passes + 1;
            if (lj != 6'd0) lj <= lj - 6'd1;
            else if (lk == lm) state <= THRESH;
            else begin lk <= lk + 6'd1; lj <= lk; end
          end else base <= base + AW'(P);
        end
        THRESH: begin
          threshold <= srt[k[LM-1:0] - 1'b1];
          fpos <= '0;
          state <= COUNT;
        end
        COUNT: begin
          logic [AW-1:0] a;
          a = above;
          for (int u = 0; u < P; u++) begin
            if (fpos + AW'(u) < n && orig[LM'(fpos + AW'(u))] > threshold) a = a + 1'b1;
          end
          above <= a;
          comps <= comps + {{(64-AW){1'b0}}, upto_p(n - fpos)};
          if (fpos + AW'(P) >= n) begin
            fpos <= '0; ties_left <= k - a; state <= FILTER;
          end else fpos <= fpos + AW'(P);
        end
        FILTER: begin
          if (!out_valid || out_ready) begin
            logic [AW-1:0] tl;
            logic [7:0] cnt;
            logic [P*16+7:0] beat;
            tl = ties_left; cnt = '0; beat = '0;
            for (int u = 0; u < P; u++) begin
              if (fpos + AW'(u) < n) begin
                logic [63:0] x;
                logic keep;
                x = orig[LM'(fpos + AW'(u))];
                keep = x > threshold;
                if (!keep && x == threshold && tl != '0) begin keep = 1'b1; tl = tl - 1'b1; end
                if (keep) begin
`ifdef TOPK_BITONIC_BROKEN  // a deliberately broken variant for the test suite: the last lane's index
                  beat[cnt * 16 +: 16] = 16'(32'(fpos) + u + ((u == P - 1) ? 1 : 0));
`else
                  beat[cnt * 16 +: 16] = 16'(32'(fpos) + u);
`endif
                  cnt = cnt + 8'd1;
                end
              end
            end
            beat[P*16 +: 8] = cnt;
            out_data <= beat; out_valid <= 1'b1; out_last <= (fpos + AW'(P) >= n);
            ties_left <= tl;
            comps <= comps + {{(64-AW){1'b0}}, upto_p(n - fpos)};
            fpos <= fpos + AW'(P);
            if (fpos + AW'(P) >= n) state <= FLUSH;
          end
        end
        FLUSH: begin
          if (out_ready) begin
            out_valid <= 1'b0; out_last <= 1'b0; state <= IDLE; done <= 1'b1;
          end
        end
        default: ;
      endcase
    end
  end
endmodule
