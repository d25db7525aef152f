// SaloCore: the SALO accelerator as an engine core. On a job it fetches the global-token list,
// builds the tile schedule of the hybrid pattern (scheduler.hpp), then runs one step per tile: the
// Q/K/V vectors the memory plan says are missing are read from DRAM into the Q/K/V buffers, the
// PE array computes the tile bit-accurately (pe_array.hpp) in the cycles of its five-stage
// schedule (plus the flush between tiles and the final drain), the weighted-sum units merge each
// query's partials, and the rows the plan marks complete are written back at fp32. Counts MACs by
// stage, exp/reciprocal/merge operations and buffer accesses for energy. With the RTL backend the
// tiles' results, merges and cycles come from the verilated array (tile_backend.hpp) and the C++
// array runs alongside as its scoreboard: any difference ends the job with an error (exit code 1).
// A timing-only job (JobDescriptor::timing_only) fetches the global-token list (the schedule depends
// on it) and takes the same steps with no operand buffers: tile_timing counts each tile, the
// weighted-sum units count their merges, and the transfers carry no data.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/common/energy_table.hpp"
#include "models/common/engine_step.hpp"
#include "models/common/tensor.hpp"
#include "models/memory/sram_model.hpp"
#include "models/salo/pe_array.hpp"
#include "models/salo/salo_config.hpp"
#include "models/salo/scheduler.hpp"
#include "models/salo/tile_backend.hpp"

namespace savp::salo {

// The schedule for (pattern, seq_len, scheduler, first_query), shared: the last one built in this
// process is kept and handed out again while the same arguments are asked for (the run's plan check
// and its jobs); schedule() itself otherwise (it throws ScheduleError the same way).
std::shared_ptr<const Schedule> shared_schedule(const common::AttentionPattern& pattern,
                                                std::uint64_t seq_len, const SchedulerConfig& cfg,
                                                std::uint64_t first_query);

class SaloCore : public common::EngineCore {
 public:
  SaloCore(const SaloConfig& cfg, const common::EnergyTable& energy);
  ~SaloCore() override;

  // Why the job does not fit this engine (empty when it does) and the key at fault: a workload key
  // ("head_dim", "value_dim", "seq_len", "pattern/window", "pattern/window_2d", "pattern") or an
  // accelerator key ("array", "array/global_rows", "array/global_cols", "buffers/q_vectors", ...).
  using JobCheck = common::JobCheck;
  // queries < seq_len: a decode step's job, its queries the last `queries` positions of the keys
  // (0: every position, a prefill).
  static JobCheck check_job(const SaloConfig& cfg, std::uint64_t seq_len, std::uint64_t head_dim,
                            std::uint64_t value_dim, const common::AttentionPattern& pattern,
                            std::uint64_t queries = 0);
  // Whether a check_job key is the accelerator's (else the workload's).
  static bool is_accelerator_key(const std::string& key);

  void start(const common::JobDescriptor& job) override;
  bool next(common::EngineStep& step) override;
  void reads_done(common::EngineStep& step) override;
  common::EngineJobStats job_stats() const override;
  std::vector<std::pair<std::string, common::ActionLedger>> actions() const override;
  std::vector<std::pair<std::string, common::HardwareCost>> hardware() const override;
  double job_fraction_done() const override;

 private:
  enum class Stage { Globals, Tiles, Tail, Done };
  common::AttentionPattern pattern_of(const common::JobDescriptor& d) const;
  void plan();
  // Reads the vectors of tokens idx: token t at base + (t - first) vectors, into raw + t vectors.
  void add_reads(const std::vector<std::uint32_t>& idx, std::uint64_t base, std::uint64_t first,
                 std::uint8_t* raw, common::EngineStep& step);
  void decode(const std::vector<std::uint32_t>& idx, const std::uint8_t* raw, common::MatrixD& m);
  void write_rows(const std::vector<std::uint32_t>& rows, common::EngineStep& step);

  SaloConfig cfg_;
  double pj_mac_ = 0, pj_add_ = 0, pj_recip_ = 0, pj_operand_reg_ = 0, pj_acc_reg_ = 0;
  // The Q, K and V buffers as SRAM macros (memory-system SRAM model: words, banks, energy by
  // capacity, leakage); the vectors the memory plan fetches are written, those a tile uses read.
  // An unbounded buffer (0 vectors) is sized by the first job: every vector it fetches (never evicted).
  std::vector<memory::SramModel> buffers_;
  common::EnergyTable energy_;  // prices the unbounded buffers once sized
  bool sized_unbounded_ = false;
  std::uint32_t buffer_vectors(int which) const;
  memory::SramSpec buffer_spec(int which, std::uint64_t vectors) const;
  void size_unbounded_buffers();
  std::uint64_t busy_cycles_ = 0;  // all jobs: the time leakage is charged over
  void touch_buffer(int which, const std::vector<std::uint32_t>& tokens, std::uint32_t reads);
  common::JobDescriptor job_;
  // A job's keys (its sequence) and its first query: rows == cols is a prefill (first 0); a decode
  // step's job has rows < cols queries, the last positions of the keys (Q and the outputs hold
  // only those rows).
  std::uint64_t seq_ = 0, first_query_ = 0;
  Stage stage_ = Stage::Done;
  std::vector<std::uint8_t> globals_raw_;
  std::shared_ptr<const Schedule> schedule_;
  // What schedule_ was built for: the jobs of a run share their pattern, so it is built once.
  common::AttentionPattern scheduled_pattern_;
  std::uint64_t scheduled_rows_ = 0, scheduled_first_ = 0;
  std::size_t tile_ = 0;
  common::MatrixD q_, k_, v_;
  std::vector<std::uint8_t> q_raw_, k_raw_, v_raw_;  // bus images of the fetched vectors
  std::unique_ptr<TileRunner> runner_;
  std::unique_ptr<TileBackend> backend_;  // "backend": "rtl": the verilated array
  void run_backend(const TileResult& model, common::EngineStep& step);
  std::vector<RowPartial> acc_;
  std::vector<std::uint8_t> written_;
  std::vector<std::uint8_t> out_buf_;
  // Counters: this job and cumulative.
  ArrayCounters job_counters_, counters_;
  std::uint64_t job_cycles_ = 0;
};

}  // namespace savp::salo
