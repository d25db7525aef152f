// JobDescriptor: the in-memory job record the host writes to DRAM and an accelerator fetches over
// the bus when its doorbell is rung (the same role as a DMA descriptor in real hardware). Fixed
// little-endian layout of 64-bit words, versioned by a magic word, so an RTL testbench can read the
// same bytes. Global-token indices live in a separate array the descriptor points to.
#pragma once

#include <cstdint>
#include <vector>

#include "models/common/attention_pattern.hpp"
#include "models/common/number_format.hpp"

namespace savp::common {

// PrunedModel: a whole multi-layer, multi-head job for an engine that prunes across heads and layers
// (SpAtten); addr_a points to the engine's own job block (models/spatten/spatten_job.hpp).
// LinearModel: one layer of a model's linear attention for the query heads that share one K/V head,
// for an engine that keeps a recurrent state instead of a KV cache (CHELA); addr_a points to the
// engine's own job block (models/chela/chela_model.hpp).
// Vector: a row-wise op of a transformer layer on an engine's vector unit (the dense engine's), one
// of VectorOp; its fields are in the table below.
enum class JobKind : std::uint32_t {
  Attention = 0,
  Gemm = 1,
  Traffic = 2,
  PrunedModel = 3,
  Vector = 4,
  LinearModel = 5
};

// The ops of a Vector job, per row of `cols` elements (models/dense/dense_core.hpp gives their
// arithmetic): layer norm, RMS norm, GELU (tanh form), SiLU(g) * u (SwiGLU), residual add, rotary
// positions (rotate-half), and the gather-copy of a KV-cache append.
enum class VectorOp : std::uint32_t {
  LayerNorm = 0,
  RmsNorm = 1,
  Gelu = 2,
  SiluMul = 3,
  Add = 4,
  Rope = 5,
  Copy = 6
};
const char* vector_op_name(VectorOp op);  // "layernorm", "rmsnorm", ... ("?" for an unknown code)

// Little-endian 64-bit words of in-memory job records.
void store_le64(std::uint8_t* p, std::uint64_t v);
std::uint64_t load_le64(const std::uint8_t* p);
// The bit pattern of a double as a 64-bit word, and back.
std::uint64_t double_bits(double d);
double bits_double(std::uint64_t u);

// Vector jobs use these fields (the others are ignored); word = 64-bit word of the serialised form:
//   field          word  meaning for a Vector job
//   kind, format   1     Vector; format of the inputs at addr_a and addr_b (FP32 or FP16)
//   rows, cols     3, 4  rows (tokens), elements per row
//   depth          5     rope: head_dim d (even, divides cols); copy: source row stride in elements
//                        (>= cols); other ops: unused
//   addr_a         7     x (silu_mul: g; copy: the source), rows x cols in `format`
//   addr_b         8     add: b; silu_mul: u (rows x cols in `format`); other ops: unused
//   addr_c         9     layernorm: gamma[cols] then beta[cols], fp32; rmsnorm: gamma[cols], fp32;
//                        rope: one uint32 position per row; other ops: unused
//   addr_out       10    results, rows x cols contiguous in out_format
//   softmax_scale  14    norms: eps; rope: theta (e.g. 10000); other ops: unused
//   vector_op      21 lo the op (the word's low half is traffic_pattern for Traffic jobs)
//   out_format     21 hi format of the results (FP32 or FP16; the high half is read_permille for
//                        Traffic jobs)
struct JobDescriptor {
  static constexpr std::uint64_t kMagic = 0x3130425044564153ull;  // "SAVPDB01"
  JobKind kind = JobKind::Attention;
  ElemFormat format = ElemFormat::FP32;  // operand format on the bus
  std::uint32_t int_bits = 8;
  // Timing-only job (workload numerics "off"): the engine issues the same transactions with the
  // same sizes, addresses and timing and counts the same actions, but decodes no operand, computes
  // no value and moves no operand bytes (its DMA transfers carry no data pointer). Control data
  // (this descriptor, the global-token list, an engine's job block) still move for real. Stored as
  // bit 0 of word 2's upper half (int_bits takes the lower half), so the bytes of a job with
  // numerics on are those of earlier versions.
  bool timing_only = false;
  // Attention: rows = queries (L), cols = keys (S), depth = head_dim, value_dim.
  // GEMM: M, N, K in rows, cols, depth.
  std::uint64_t rows = 0, cols = 0, depth = 0, value_dim = 0;
  // Operand addresses: attention Q, K, V, O; GEMM A, B, -, C.
  std::uint64_t addr_a = 0, addr_b = 0, addr_c = 0, addr_out = 0;
  // Quantisation scales of the three operands (INT format), the softmax scale.
  double scale_a = 1.0, scale_b = 1.0, scale_c = 1.0, softmax_scale = 1.0;
  // Attention pattern.
  std::uint32_t causal = 0, window = 0, dilation = 1;
  std::uint32_t grid_h = 0, grid_w = 0, window_h = 0, window_w = 0;
  std::uint64_t addr_globals = 0, n_globals = 0;  // uint32 token indices
  // Traffic jobs: rows = requests, cols = request bytes, depth = stride bytes, value_dim = region
  // bytes, addr_a = region base; pattern 0 sequential, 1 strided, 2 random; reads per mille; seed.
  std::uint32_t traffic_pattern = 0, read_permille = 1000;
  std::uint64_t traffic_seed = 0;
  // Processing-in-memory engines (SPRINT): the pruning threshold. Their array in the PIM window is
  // given in addr_globals (they run no global tokens).
  double pim_threshold = 0.0;
  // Vector jobs (table above): the op and the format its results are written in.
  VectorOp vector_op = VectorOp::LayerNorm;
  ElemFormat out_format = ElemFormat::FP32;

  // The attention pattern's fields (causal, window, dilation, 2D window, the global tokens' count),
  // with the global-token list at globals_addr.
  void set_pattern(const AttentionPattern& p, std::uint64_t globals_addr);

  static constexpr std::size_t kBytes = 24 * 8;
  std::vector<std::uint8_t> serialise() const;
  // Throws std::runtime_error on a bad magic word (a protocol error, not user input).
  static JobDescriptor deserialise(const std::uint8_t* bytes, std::size_t n);
};

}  // namespace savp::common
