// ChelaCore: SAVP's CHELA engine as a pure C++ core (our own hardware form of an algorithm/kernel
// paper, ../reference/chela.md; no ASIC exists). Chunks of B tokens stream from DRAM through a
// double-buffered stream buffer (prefetched up to stream_tokens / B - 1 chunks ahead); the
// d x (d_v + 1) state stays on chip for the whole job. Per chunk (causal): the inter-chunk term
// phi(Q_t) S_{t-1}, the masked intra-chunk phi(Q_t) phi(K_t)^T V'_t and the state update run on the
// systolic array, the feature map and normalisation on the vector unit (linear_attention.hpp).
// Non-causal: a state pass over K, V first, then an output pass over Q. The short-long
// convolution branch over V (short_long_conv.hpp): short convolution + SiLU on the vector unit;
// the long convolution direct (block-Toeplitz passes on the array, the U history and kernel held in
// the convolution buffer) or by FFT (U written to a DRAM scratch channel-major, then one FFT
// convolution per channel on the FFT unit, then a gate pass over the chunks); gate and residual
// o = sigmoid(z) * a + v. Operands arrive in the datapath format; every accumulation is fp32; the
// output is written fp32. Actions are counted for energy. A timing-only job
// (JobDescriptor::timing_only) reads its job block and takes the same steps with no operands: its
// transfers carry no data and nothing is decoded or computed.
// Model form (JobKind::LinearModel, chela_model.hpp; code in chela_core_model.cpp): one layer of a
// model for the query heads sharing one K/V head: the state from memory (decode) or zero (prefill),
// the chunks of the pass's tokens with every head's Q against one read of the K/V rows (causal: the
// heads' outputs, then one state update per chunk; not causal: a state pass, then the outputs), and
// the state written back. No convolution branch (a pretrained transformer has none).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/chela/chela_config.hpp"
#include "models/chela/chela_job.hpp"
#include "models/chela/chela_model.hpp"
#include "models/chela/linear_attention.hpp"
#include "models/chela/short_long_conv.hpp"
#include "models/common/energy_table.hpp"
#include "models/common/engine_step.hpp"

namespace savp::chela {

class ChelaCore : public common::EngineCore {
 public:
  ChelaCore(const ChelaConfig& cfg, const common::EnergyTable& energy);

  // Why a head of this shape cannot run (key relative to the accelerator object), or empty why.
  static common::JobCheck check_job(const ChelaConfig& cfg, std::uint64_t seq_len, std::uint64_t head_dim,
                                    std::uint64_t value_dim);
  // On-chip bytes the job uses: stream buffer (its chunks), work buffer, state, convolution buffer.
  struct BufferNeed {
    std::uint64_t stream = 0, work = 0, state = 0, conv = 0;
  };
  static BufferNeed buffer_need(const ChelaConfig& cfg, std::uint64_t seq_len, std::uint64_t head_dim,
                                std::uint64_t value_dim);

  void start(const common::JobDescriptor& job) override;
  bool next(common::EngineStep& step) override;
  void reads_done(common::EngineStep& step) override;
  common::EngineJobStats job_stats() const override;
  std::vector<std::pair<std::string, common::ActionLedger>> actions() const override;
  std::vector<std::pair<std::string, common::HardwareCost>> hardware() const override;

 private:
  enum class Stage {
    Setup,
    Kernels,
    State,
    Output,
    Fft,
    Gate,
    ModelSetup,
    StateLoad,
    ModelState,
    ModelChunk,
    StateStore,
    Done
  };
  struct Counters {
    std::uint64_t macs = 0, exp = 0, add = 0, mult = 0, recip = 0, compare = 0, fft_mult = 0, fft_add = 0;
    std::uint64_t rd[4] = {}, wr[4] = {};  // bytes: stream, state, work, conv buffers
  };
  enum Buf { Stream = 0, State = 1, Work = 2, Conv = 3 };

  std::uint64_t n_of(std::uint64_t chunk) const;
  void decode(const std::vector<std::uint8_t>& raw, std::size_t n, std::vector<float>& out) const;
  void count_gemm(std::uint64_t M, std::uint64_t N, std::uint64_t K);
  void count_vector(std::uint64_t exp, std::uint64_t add, std::uint64_t mult, std::uint64_t recip);
  Stage after_kernels() const;
  void output_done(common::EngineStep& step);
  void fft_done(common::EngineStep& step);
  void gate_done(common::EngineStep& step);
  void put_output(const std::vector<float>& o, std::uint64_t rows, std::uint64_t addr,
                  common::EngineStep& step);
  // A state-pass step over n tokens (its K/V reads pushed by the caller): cycles and actions.
  void state_chunk_step(std::uint64_t n, common::EngineStep& step);
  // The state absorbs the chunk's K/V; true after the last chunk (then chunk_ is 0 again).
  bool absorb_chunk();
  // Model form (chela_core_model.cpp).
  void model_next(common::EngineStep& step);
  void model_reads_done(common::EngineStep& step);
  void read_kv_rows(std::uint64_t t0, std::uint64_t n, common::EngineStep& step);
  void read_rows(std::uint64_t base, std::uint64_t stride, std::uint64_t n, std::uint64_t row_bytes,
                 std::vector<std::uint8_t>& buf, common::EngineStep& step);

  ChelaConfig cfg_;
  common::EnergyTable energy_;
  common::ActionLedger prices_;
  double mac_pj_ = 0, rd_pj_[4] = {}, wr_pj_[4] = {};
  std::uint64_t stream_bytes_ = 0;  // the largest stream buffer a job has sized (area)
  Counters counters_;
  common::JobDescriptor job_;
  ChelaJobBlock block_;
  std::uint64_t L_ = 0, d_ = 0, dv_ = 0, lk_ = 0, e_ = 0, nchunks_ = 0, chunk_ = 0, channel_ = 0;
  bool causal_ = true, fft_ = false;
  Stage stage_ = Stage::Done;
  std::unique_ptr<ChunkedLinearAttention<float>> attn_;
  std::unique_ptr<ShortConvSilu<float>> sconv_;
  std::vector<float> h_, u_hist_;  // long kernel (dv x lk), U history (direct mode)
  std::vector<std::uint8_t> blk_raw_, w_raw_, h_raw_, q_raw_, k_raw_, v_raw_, a_raw_, c_raw_, hc_raw_;
  std::vector<float> q_, k_, v_, a_, u_, z_, o_;
  std::vector<std::vector<std::uint8_t>> out_bufs_;
  // Model form.
  bool model_ = false;
  ChelaModelBlock mblock_;
  std::vector<std::uint8_t> st_raw_;
  // Job statistics.
  std::uint64_t job_macs_ = 0, job_array_cycles_ = 0, job_fft_cycles_ = 0;
  std::uint64_t job_state_read_ = 0, job_state_written_ = 0;
};

}  // namespace savp::chela
