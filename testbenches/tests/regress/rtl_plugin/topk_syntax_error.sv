// savp rtl build refusal test: sources that do not verilate (a missing semicolon).
module topk_syntax_error (input logic clk, output logic q);
  always_ff @(posedge clk) q <= ~q
endmodule
