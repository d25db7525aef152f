// topk-v1 refusal test: out_data is 16 P + 4 bits (the protocol needs 16 P + 8): savp rtl build
// must refuse it naming out_data.
module topk_bad_width #(parameter int P = 4) (
    input  logic clk, input logic rst,
    input  logic reg_req, input logic reg_we, input logic [31:0] reg_addr, input logic [63:0] reg_wdata,
    output logic reg_ack, output logic [63:0] reg_rdata,
    input  logic in_valid, output logic in_ready, input logic [63:0] in_data, input logic in_last,
    output logic out_valid, input logic out_ready, output logic [P*16+3:0] out_data, output logic out_last
);
  assign reg_rdata = '0;
  assign in_ready = 1'b0;
  assign out_valid = 1'b0;
  assign out_data = '0;
  assign out_last = 1'b0;
  always_ff @(posedge clk) reg_ack <= reg_req;
endmodule
