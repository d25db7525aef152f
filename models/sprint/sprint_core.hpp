// SprintCore: SPRINT's on-chip accelerator as an engine core (../reference/sprint.md), one attention
// head per job. Per query t:
//  - "prune": the query's low-precision codes go to the ReRAM (CopyQ), the transposable arrays score
//    every stored key in place and threshold it (Threshold), the pruning bit vector comes back
//    (ReadP); the next query's step overlaps the current query's compute.
//  - "fetch": spatial-locality detection against the previous query's vector (fetch = P(t) AND NOT
//    P(t-1), reuse = P(t) AND P(t-1)) and the K/V buffers (the truth: a reused key evicted earlier
//    is fetched again) decide what crosses: the MSBs of those keys by a transposed read, their LSBs
//    and values from standard ReRAM, and the next query's Q row; the CORELETs (tokens interleaved)
//    recompute the kept scores exactly on MSB|LSB keys, softmax over the survivors, weighted sum of
//    the values; the output row is written.
// Empty pruning vector (ASSUMPTION: the paper does not say; shared/reference/sprint.md): when ReadP
// returns no visible key for a query (a short causal context, all its scores under the threshold),
// the controller, which reads P before it issues any fetch, keeps the query's own key (the diagonal:
// for causal attention the most recent key, the one every query sees), so the softmax is over a
// non-empty set; one zero-detect over P, no extra memory command. Counted per job as
// queries_own_key_fallback.
// With in_memory_pruning off the same engine is the baseline: every key (and value) the query may
// see crosses from the same ReRAM (full K codes) unless the buffers hold it.
// Diagnostics (debug writes right after the output, at addr_out + L x value_dim x 4; not traffic):
// each query's keep bits (L rows of ceil(L/8) bytes) and the output computed without recompute
// (softmax of the low-precision in-memory scores over the kept keys), for the host's accuracy report.
// The rotating pointer: while a query's new keys are fetched the CORELETs already score the kept
// keys the buffers hold (all of them when rotating; in order, only those before the first missing
// key): a "hits" step whose compute the fetch's reads overlap.
// Padded batches: descriptor cols = the valid tokens; with padding removal the padded queries are
// not run and the padded keys are dropped from every keep vector; without it they are fetched and
// computed, and masked out of the softmax.
// Memory layout the host provides: Q fp16 at addr_a; addr_b: K LSB codes packed (pruning) or full
// K codes one byte each (baseline); addr_c: V codes one byte each; MSB codes one byte each in the
// PIM window at addr_globals; scales in scale_a/b/c (Q dac scale, K scale, V scale); the pruning
// threshold in pim_threshold.
// Model form (JobKind::PrunedModel, sprint_model_job.hpp; sprint_model_layer.cpp): one job per
// (sequence, layer, pass) over every head: per K/V head the pass's new K/V rows are appended in the
// engine's format (the K MSB codes written into the ReRAM array: a timed write the PIM target prices
// per cell bit), then each query head of the group runs the per-query steps above against the same
// array, queries at positions context .. context + tokens - 1 over the keys 0 .. position (causal) or
// all. The query DAC scale is per query (its largest |q|, known when its row arrives) and the
// threshold per (layer, head) in real score units, converted per query. With numerics off (timing-
// only) a query keeps the max(1, round(keep_ratio x visible)) keys nearest its position (the stated
// model of sprint_flow.cpp) in place of the comparators' bits.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/common/energy_table.hpp"
#include "models/common/engine_step.hpp"
#include "models/memory/sram_model.hpp"
#include "models/sprint/kv_buffer.hpp"
#include "models/sprint/locality.hpp"
#include "models/sprint/sprint_config.hpp"
#include "models/sprint/sprint_model_job.hpp"

namespace savp::sprint {

class SprintCore : public common::EngineCore {
 public:
  SprintCore(const SprintConfig& cfg, const common::EnergyTable& energy);
  ~SprintCore() override;

  // Why a head of this shape cannot run (empty when it can) and the key at fault.
  using JobCheck = common::JobCheck;
  static JobCheck check_job(const SprintConfig& cfg, std::uint64_t seq_len, std::uint64_t head_dim,
                            std::uint64_t value_dim);
  // Bytes of the diagnostics region for a head.
  static std::uint64_t diag_bytes(std::uint64_t seq_len, std::uint64_t value_dim);

  void start(const common::JobDescriptor& job) override;
  bool next(common::EngineStep& step) override;
  void reads_done(common::EngineStep& step) override;
  common::EngineJobStats job_stats() const override;
  std::vector<std::pair<std::string, common::ActionLedger>> actions() const override;
  std::vector<std::pair<std::string, common::HardwareCost>> hardware() const override;

 private:
  enum class Stage { FirstQ, Prune, Hits, Fetch, Done, MBlock, MState, MAppend, MCalib, MStateWrite };
  // Per-head set-up of the query loop (keys_, q0_ and job_ set).
  void begin_head();
  // Model form (sprint_model_layer.cpp).
  bool model_next(common::EngineStep& step);
  void model_reads_done(common::EngineStep& step);
  void model_head_done();  // the query loop of head h_ finished
  void start_model_head();
  double query_threshold() const;
  void model_keep(std::vector<std::uint8_t>& pbits) const;  // numerics off: the stated model
  bool timing_only() const { return job_.timing_only; }
  void quantise_query();
  void plan_fetch(common::EngineStep& step);
  void after_access(const BufferAccess& a);  // hits and fetches of the query decided
  void next_query();
  void compute(common::EngineStep& step);
  std::uint64_t keys_visible() const;
  void touch_buffer(std::uint64_t tokens, bool write);

  SprintConfig cfg_;
  double pj_mac_ = 0, pj_add_ = 0, pj_exp_ = 0, pj_recip_ = 0;
  common::HardwareCost hw_mac_, hw_softmax_lane_;
  std::vector<memory::SramModel> srams_;  // K and V buffers
  std::uint64_t busy_cycles_ = 0;
  common::JobDescriptor job_;
  Stage stage_ = Stage::Done;
  std::uint64_t t_ = 0;      // the query
  std::uint64_t valid_ = 0;  // valid tokens of the padded sequence (descriptor cols)
  std::uint64_t last_ = 0;   // queries processed: valid_ with padding removal, all rows otherwise
  std::uint64_t keys_ = 0;   // keys stored (single head: rows; model: context + tokens)
  std::uint64_t q0_ = 0;     // position of query 0 (model decode: the context)
  // Model form: the job, its descriptor, the current K/V head and query head, the layer's scales
  // (K, V per K/V head) and thresholds (per head), the group's K MSB codes (calibration).
  bool model_ = false;
  common::JobDescriptor desc_;
  SprintModelJob mj_;
  std::uint32_t g_ = 0, h_ = 0;
  std::vector<double> k_scale_, v_scale_, thresholds_;
  std::vector<std::uint8_t> block_raw_, state_raw_, knew_raw_, vnew_raw_, msb_new_, lsb_new_, v_new_;
  std::vector<std::int8_t> msb_codes_;
  std::vector<std::uint32_t> calib_pos_;
  std::uint64_t reram_write_bytes_ = 0;
  std::uint64_t k_row_bytes_ = 0, lsb_row_bytes_ = 0;
  std::vector<std::uint8_t> q_raw_, q_next_raw_;
  std::vector<double> q_;
  std::vector<std::uint8_t> pbits_;
  std::vector<std::uint8_t> keep_;  // this query's keep vector over the visible keys
  std::vector<std::uint32_t> kept_, fetch_;
  std::uint64_t early_ = 0;  // kept keys the CORELETs score while the fetched ones arrive
  std::vector<std::uint8_t> msb_raw_, lsb_raw_, v_raw_;
  // Decoded K (full precision and MSB-only) and V of every token that ever crossed (the buffers'
  // contents are a subset; the model keeps the values, the buffer model decides residency).
  std::vector<double> k_full_, k_msb_, v_;
  std::vector<std::uint8_t> known_;
  std::vector<std::uint8_t> out_, diag_out_;
  LocalityDetector sld_;
  std::unique_ptr<InterleavedKvBuffers> buffers_;
  // This job's counters.
  struct Counters {
    std::uint64_t queries = 0, visible = 0, kept = 0, fetched = 0, sld_fetch = 0, hits = 0;
    std::uint64_t qk_macs = 0, pv_macs = 0, exps = 0, recips = 0, compute_cycles = 0;
    std::uint64_t padded_queries_skipped = 0, padded_keys_skipped = 0, padded_keys_computed = 0;
    std::uint64_t keys_early = 0;
    std::uint64_t own_key_fallbacks = 0;  // queries whose pruning vector came back empty
  } c_, total_;
  std::uint64_t job_cycles_ = 0;
};

}  // namespace savp::sprint
