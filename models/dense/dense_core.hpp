// DenseCore: the dense systolic-array attention/GEMM baseline as a pure C++ engine core.
// Structure: an R x C systolic array (os/ws/is dataflow, timing from systolic_timing), a vector
// unit for the softmax (lanes wide, pipelined), and input/weight/output SRAM buffers.
// Attention runs per head as blocks of query rows: S_b = Q_b K^T on the array (K streamed in
// chunks through the double-buffered weight buffer unless K and V fit whole), masked softmax on the
// vector unit, O_b = P_b V on the array, O_b written back at fp32. GEMMs run fold by fold in the
// array's fold order with operand blocks cached in the buffers. Numerics follow the configured
// datapath (fp32; fp16 operands with fp32 accumulation; int operands with integer accumulation and
// per-tensor symmetric scales); every value is computed from the bytes the core was given.
//
// Vector jobs (JobKind::Vector; fields in models/common/job_descriptor.hpp; code in dense_vector.cpp)
// run a transformer's row-wise ops on the vector unit. Rows stream in blocks through the
// double-buffered halves of the input buffer (operands, rope positions) and of the output buffer
// (results); a norm's gamma/beta are loaded once into the weight buffer. Inputs are read in the
// job's format (fp32/fp16), arithmetic is fp32 as in the softmax, results are written in
// out_format. A lane takes one element per cycle through its pipeline whatever the element's ops (as
// the softmax's exp+sum pass); the scalar stage takes one cycle per row for an rsqrt (as the
// softmax's per-row reciprocal). Per row of n = cols elements:
//   op        fp32 arithmetic                                       passes  actions per element
//   layernorm mean, var = mean((x-mean)^2), (x-mean) rstd g + b        3    add 5, mult 3
//   rmsnorm   x rstd g, rstd = 1/sqrt(mean(x^2) + eps)                 2    mult 3, add 1
//   gelu      x / (1 + exp(-2k x (1 + 0.044715 x^2))), k = sqrt(2/pi)  1    mult 5, add 2, exp, recip
//             (= 0.5 x (1 + tanh(k (x + 0.044715 x^3))))
//   silu_mul  g / (1 + exp(-g)) u                                      1    mult 2, add 1, exp, recip
//   add       a + b                                                    1    add 1
//   rope      per head of d, (x_i, x_i+d/2) rotated by p theta^(-2i/d) 1    mult 2, add 1
//   copy      rows gathered depth elements apart, format converted     1    none
// Per row, norms: rstd = rsqrt(var + eps) with var = sum * (1/n): mult 2 (layernorm; rmsnorm 1),
// add 1, rsqrt 1; per job 1/n: recip 1. Rope: the row's d/2 angles p * theta^(-2i/d) and their cos
// and sin are evaluated on the lanes (mult 1, sincos 2 per angle) and shared by the row's heads;
// per job theta^(-2i/d) = exp(-(2i/d) ln theta): exp d/2 + 1 (ln theta), mult d/2.
// Block of rb rows: passes * ceil(rb n / lanes) + rb (norms) + pipeline cycles; rope adds
// ceil(rb d / lanes) for the cos/sin and, in the first block, ceil(d/2 / lanes) + 1.
// rsqrt and sincos are priced from the table in dense_vector.cpp (vector_prices).
// A timing-only job (JobDescriptor::timing_only) takes the same steps (reads, cycles, writes,
// actions) with no operand buffers: its transfers carry no data and nothing is decoded or computed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/common/energy_table.hpp"
#include "models/common/engine_step.hpp"
#include "models/dense/dense_config.hpp"

namespace savp::dense {

class DenseCore : public common::EngineCore {
 public:
  DenseCore(const DenseConfig& cfg, const common::EnergyTable& energy);

  // Returns an empty string when the job fits this engine, else why not (used at plan time, so a
  // bad scenario is refused before simulation).
  static std::string check_job(const DenseConfig& cfg, common::JobKind kind, std::uint64_t rows,
                               std::uint64_t cols, std::uint64_t depth, std::uint64_t value_dim);
  // The same for a Vector job (op, shape, formats; addresses unused): why empty when it fits.
  static common::JobCheck check_vector_job(const DenseConfig& cfg, const common::JobDescriptor& job);

  void start(const common::JobDescriptor& job) override;
  bool next(common::EngineStep& step) override;
  void reads_done(common::EngineStep& step) override;
  common::EngineJobStats job_stats() const override;
  std::vector<std::pair<std::string, common::ActionLedger>> actions() const override;
  std::vector<std::pair<std::string, common::HardwareCost>> hardware() const override;
  double job_fraction_done() const override;

  // Attention tiling as planned for the current job (exposed for tests and reports).
  std::uint64_t block_rows() const { return block_rows_; }
  std::uint64_t chunk_keys() const { return chunk_keys_; }
  bool kv_resident() const { return kv_resident_; }

 private:
  enum class Stage { QkChunk, Softmax, PvChunk, GemmFold, VectorBlock, Done };
  struct Counters {
    std::uint64_t macs = 0, exp = 0, compare = 0, add = 0, mult = 0, recip = 0, rsqrt = 0, sincos = 0;
    std::uint64_t input_rd = 0, input_wr = 0, weight_rd = 0, weight_wr = 0, output_rd = 0,
                  output_wr = 0;  // bytes
  };

  std::size_t eb() const;
  // Where a transfer's bytes go in `buf` at `offset`; nowhere (null) in a timing-only job.
  std::uint8_t* data_at(std::vector<std::uint8_t>& buf, std::uint64_t offset) const;
  // Bus bytes to operand values (fp formats) or integer codes (int format).
  void decode(const std::uint8_t* bytes, std::size_t n, double* out) const;
  std::uint64_t gemm_cycles(std::uint64_t M, std::uint64_t N, std::uint64_t K);
  void count_gemm(std::uint64_t M, std::uint64_t N, std::uint64_t K, std::size_t a_bytes, std::size_t b_bytes,
                  bool a_in_output_buffer);
  // Attention.
  void plan_attention();
  void next_attention(common::EngineStep& step);
  void qk_chunk_done();
  void softmax_block();
  void pv_chunk_done(common::EngineStep& step);
  // GEMM.
  void plan_gemm();
  void next_gemm(common::EngineStep& step);
  void gemm_fold_done(common::EngineStep& step);
  // Vector jobs (dense_vector.cpp).
  static common::ActionLedger vector_prices(const common::EnergyTable& energy);
  void plan_vector();
  void next_vector(common::EngineStep& step);
  void vector_block_done(common::EngineStep& step);
  void vector_job_stats(common::EngineJobStats& s) const;
  void vector_actions(common::ActionLedger& vec) const;

  DenseConfig cfg_;
  common::ActionLedger prices_;  // action -> price (count filled from counters_)
  std::vector<std::pair<std::string, common::HardwareCost>> hw_;  // hardware(), fixed by the config
  double mac_pj_ = 0, operand_reg_pj_ = 0, acc_reg_pj_ = 0, rd_pj_[3] = {}, wr_pj_[3] = {};
  common::JobDescriptor job_;
  Counters counters_;  // cumulative over all jobs
  std::uint64_t job_macs_ = 0, job_array_cycles_ = 0;
  Stage stage_ = Stage::Done;

  // Attention state.
  std::vector<std::uint8_t> q_raw_, k_raw_, v_raw_, out_raw_;
  std::vector<double> q_val_, k_val_, v_val_;      // decoded operands (values or integer codes)
  std::vector<std::uint8_t> k_loaded_, v_loaded_;  // per chunk: already in the buffer (resident)
  std::vector<std::uint8_t> v_finite_;             // per chunk: every decoded V value finite
  std::vector<float> scores_;                      // block_rows x S (score buffer, fp32)
  std::vector<double> p_val_;                      // probabilities as the array sees them (values or codes)
  std::vector<double> o_acc_;                      // block_rows x dv accumulators
  std::vector<float> pv_acc_;                      // block_rows x dv fp32 P x V sums
  std::vector<std::uint8_t> globals_raw_;
  std::vector<std::uint8_t> global_flags_;
  std::uint64_t block_rows_ = 0, chunk_keys_ = 0, block_ = 0, nblocks_ = 0, chunk_ = 0, nchunks_ = 0;
  bool kv_resident_ = false;
  bool need_globals_ = false;

  // GEMM state.
  std::vector<Fold> folds_;
  std::size_t fold_ = 0;
  std::uint64_t prev_fold_end_ = 0;
  std::vector<std::uint8_t> a_raw_, b_raw_;
  std::vector<double> a_val_, b_val_;
  std::vector<double> c_acc_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint64_t> k_folds_left_;
  bool a_whole_ = false, b_whole_ = false, a_loaded_ = false, b_loaded_ = false;
  std::pair<std::uint64_t, std::uint64_t> a_block_{~0ull, ~0ull}, b_block_{~0ull, ~0ull};
  std::vector<std::vector<std::uint8_t>> pending_writes_;  // C tiles of the current step, until issued

  // Vector job state.
  struct VectorState {
    common::ActionLedger prices;  // rsqrt, sincos (reported once a vector job has run)
    bool ran = false;
    std::uint64_t block_rows = 0, block = 0, nblocks = 0, busy_cycles = 0;
    std::vector<std::uint8_t> a_raw, b_raw, pos_raw, param_raw, out_raw;
    std::vector<double> a_val, b_val;  // decoded inputs of the block
    std::vector<float> params, inv_freq, cos, sin, y;
  };
  VectorState vec_;
};

}  // namespace savp::dense
