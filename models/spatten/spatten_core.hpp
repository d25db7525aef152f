// SpattenCore: the SpAtten accelerator as an engine core (models/common/engine_step.hpp). One job is
// a whole multi-layer, multi-head pass (spatten_job.hpp), run one query row of one head at a time
// through the pipelined units:
// - Summarisation (BERT): per surviving head, the surviving tokens' Q, K (MSB part) and V are
//   fetched into the double-buffered key/value SRAMs and reused by every surviving query; rows
//   whose max probability is below the threshold fetch the K LSBs (once per head) and recompute.
// - Generation (GPT-2): per step and surviving head, one query; K streamed (MSBs, then LSBs on a
//   requant), V fetched only for the values local V pruning keeps. A row's P x V overlaps the next
//   row's fetch and Q x K (software-pipelined steps: row i's V arrive with row i+1's K).
// - Trace replay: the same row pipeline driven by a recorded pruning trace's counts, bit widths and
//   decisions (no numerics: the trace holds no data); kept tokens are nested prefixes of one seeded
//   permutation per step, so successive layers' sets nest as cascade pruning does.
// After each layer the token top-k engine keeps the tokens with the largest cumulative importance
// (column sums of probabilities over heads, layers and steps) and the head top-k the heads with the
// largest accumulated |attention_out|; pruned tokens and heads are never fetched again in that pass.
// The surviving sets of every layer are written to the job's decision log.
// - Model layer (ModelLayer, spatten_model_layer.cpp): one layer of a whole model for one sequence
//   in one pass. It reads the sequence's cascade state (spatten_model_state.hpp), appends the pass's
//   new K/V rows to the cache in its own format (quantised; a prefill fixes the per-head scales),
//   runs every surviving head (a prefill as summarisation with a causal mask, a decode step as one
//   generation row per head), prunes by the schedule of its layer, writes zero rows for what it
//   pruned before the layer, and writes the state back. A timing-only job (no operand data) takes
//   its decisions from a stated model of the probabilities (proxy_probs).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/common/energy_table.hpp"
#include "models/common/engine_step.hpp"
#include "models/memory/sram_model.hpp"
#include "models/spatten/pruning_schedule.hpp"
#include "models/spatten/spatten_config.hpp"
#include "models/spatten/spatten_job.hpp"
#include "models/spatten/spatten_model_state.hpp"
#include "models/spatten/spatten_timing.hpp"
#include "models/spatten/topk_engine.hpp"
#include "models/spatten/topk_stream.hpp"

namespace savp::spatten {

// Per-job counters (summed over jobs into the totals of the stats). K/V traffic is counted at
// each pruning effect in turn, in fp32 bytes, so the report can split the reduction: every head
// and token (unpruned) -> + token pruning -> + head pruning -> + local value pruning -> the bytes
// actually fetched at the quantised widths (+ LSB refetches).
struct SpattenCounters {
  std::uint64_t rows = 0, requant_rows = 0, heads_run = 0, heads_requant = 0;
  std::uint64_t qk_macs = 0, pv_macs = 0, exps = 0, recips = 0, importance_adds = 0;
  double macs_unpruned = 0;
  double k_rows_all = 0, k_rows_fetched = 0, v_rows_all = 0, v_rows_fetched = 0;
  double kv_bytes_all = 0, kv_bytes_token = 0, kv_bytes_head = 0, kv_bytes_value = 0, kv_bytes_actual = 0;
  std::uint64_t tokens_pruned = 0, heads_pruned = 0, token_topk_runs = 0;
  std::uint64_t appended_values = 0;  // model layer: K and V elements quantised into the cache
  double value_mass_dropped = 0;      // probability mass local V pruning dropped, summed over rows
  // Compute cycles of the row steps whose interval each pipeline stage set (PipeStage order).
  std::uint64_t bound_cycles[kPipeStages] = {};
};

class SpattenCore : public common::EngineCore {
 public:
  SpattenCore(const SpattenConfig& cfg, const common::EnergyTable& energy, std::uint64_t seed);
  ~SpattenCore() override;

  using JobCheck = common::JobCheck;
  // Why a job of this shape cannot run (empty when it can): the context must fit one SRAM half
  // (K MSBs are kept for a requant), the schedules must be feasible for the layer/head counts.
  static JobCheck check_job(const SpattenConfig& cfg, std::uint64_t context, std::uint64_t head_dim,
                            std::uint64_t value_dim, std::uint32_t layers, std::uint32_t heads);

  void start(const common::JobDescriptor& job) override;
  bool next(common::EngineStep& step) override;
  void reads_done(common::EngineStep& step) override;
  common::EngineJobStats job_stats() const override;
  std::vector<std::pair<std::string, common::ActionLedger>> actions() const override;
  std::vector<std::pair<std::string, common::HardwareCost>> hardware() const override;

 private:
  struct Row;  // one query row of one head in flight
  enum class Stage { Block, Setup, State, Append, Run, Drain, Done };
  void setup();
  bool requant_step(common::EngineStep& step);
  void launch(std::unique_ptr<Row> r, const char* phase, common::EngineStep& step);
  bool next_row_step(common::EngineStep& step);
  bool next_summary_step(common::EngineStep& step);
  void layer_end(common::EngineStep& step);
  void begin_step();
  std::unique_ptr<Row> next_head_row(common::EngineStep& step);  // nullptr at the layer's end
  void add_qk_reads(Row& r, common::EngineStep& step);
  std::uint32_t prefetch_depth(
      std::size_t keys) const;  // to the next surviving head of the layer; false at the layer's end
  // Memory helpers.
  void add_row_reads(std::uint64_t base, std::uint64_t row_bytes, const std::vector<std::uint32_t>& rows,
                     std::vector<std::uint8_t>& buf, common::EngineStep& step) const;
  void row_done(common::EngineStep& step);
  void requant_done(common::EngineStep& step);
  void head_done(common::EngineStep& step);
  void layer_done(common::EngineStep& step);
  void replay_cycles(Row& r);
  void decode_keys(Row& r, bool full);
  struct PvQuery {  // one query's P x V: its row, probabilities and kept values
    std::size_t index;
    const double* p;
    const std::vector<std::uint32_t>* kept;
  };
  void score_queries(Row& r, const std::uint32_t* qs, std::size_t m);
  bool needs_requant(const Row& r, const double* p) const;
  void prune_values(const Row& r, const double* p, TopkResult& res);
  void keep_row_values(Row& r);
  void decode_values(Row& r);
  void pv_queries(Row& r, const std::vector<PvQuery>& qs);
  std::uint64_t run_queries(Row& r, const std::vector<std::uint32_t>& qs, bool may_requant);
  std::uint64_t topk_occupancy(const TopkResult& res, std::size_t n, std::uint64_t softmax_cycles);
  std::uint64_t charge(const RowCycles& c);
  void write_rows(Row& r, common::EngineStep& step);
  void finish_pv(Row& r, common::EngineStep& step);
  void count_row(const Row& r, std::uint64_t unpruned_queries);
  double k_scale(std::uint32_t layer, std::uint32_t head) const;
  double v_scale(std::uint32_t layer, std::uint32_t head) const;
  void touch_sram(memory::SramModel& s, std::uint64_t lines, bool write);
  // Model layer (spatten_model_layer.cpp).
  bool model() const { return job_.mode == SpattenMode::ModelLayer; }
  bool timing_only() const { return desc_.timing_only; }
  // Every query of a head at once (summarisation, a model's prefill), else one row per head and step.
  bool summarising() const {
    return job_.mode == SpattenMode::Summarise || (model() && job_.first_query == 0);
  }
  std::uint32_t sched_layer() const { return model() ? job_.model_layer : layer_; }
  std::uint32_t kv_heads() const { return job_.heads / std::max<std::uint32_t>(1, job_.kv_group); }
  void model_setup_step(common::EngineStep& step);
  void model_setup_done();
  void model_state_step(common::EngineStep& step);
  void model_state_done();
  void model_append_step(common::EngineStep& step);
  void model_append_done(common::EngineStep& step);
  void model_layer_done(common::EngineStep& step);
  void proxy_probs(Row& r, const std::uint32_t* qs, std::size_t m);
  std::uint8_t* operand(std::vector<std::uint8_t>& buf) const { return timing_only() ? nullptr : buf.data(); }

  SpattenConfig cfg_;
  common::EnergyTable energy_;  // prices the hardware() units
  std::uint64_t seed_;
  double pj_mult_ = 0, pj_add_ = 0, pj_exp_ = 0, pj_recip_ = 0, pj_cmp_ = 0;
  std::unique_ptr<TopkEngine> topk_tokens_, topk_values_;
  TopkStream values_stream_;              // the value top-k's selections, one per query row, back to back
  std::vector<memory::SramModel> srams_;  // key SRAM, value SRAM
  std::uint64_t key_line_ = 0, value_line_ = 0;
  std::uint64_t busy_cycles_ = 0;

  common::JobDescriptor desc_;
  SpattenJob job_;
  Stage stage_ = Stage::Done;
  std::vector<std::uint8_t> block_raw_, scales_raw_, trace_raw_;
  std::vector<TraceCommand> trace_;
  std::size_t trace_pos_ = 0;
  PruneSchedule token_sched_, head_sched_;
  // Cascade state.
  std::uint64_t step_ = 0, context_ = 0;  // generation step, tokens in the context
  std::uint32_t layer_ = 0;
  std::vector<std::uint32_t> tokens_;  // surviving tokens of this layer (ascending)
  std::vector<std::uint32_t> heads_;   // surviving heads of this layer (ascending)
  std::size_t head_pos_ = 0;
  std::vector<double> token_importance_, head_importance_;
  std::vector<std::uint32_t> perm_rank_;       // trace replay: a token's rank in this step's permutation
  bool barrier_ = true;                        // the next fetch waits for a top-k result
  std::unique_ptr<Row> cur_, prev_, retired_;  // rows in flight; the last one finished
  std::vector<std::uint8_t> log_buf_;
  std::vector<double> scratch_;
  std::vector<std::size_t> cursor_;    // pv_queries: per query, the next kept value
  SpattenCounters counters_, totals_;  // this job; energy counts of the jobs before it
  std::uint64_t job_cycles_ = 0;
  // Model layer.
  SpattenModelState state_;
  bool fence_ = false;  // the next Run step waits for the append's writes
  std::uint32_t state_tokens_ = 0;
  std::vector<std::uint8_t> state_raw_, state_tok_raw_, state_imp_raw_, new_raw_[2];
  std::vector<std::vector<std::uint8_t>> out_bufs_;        // the append's and the end's writes
  std::vector<std::uint32_t> start_heads_, start_tokens_;  // the sets the layer started with
};

}  // namespace savp::spatten
