#include "models/salo/salo_core.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "models/common/number_format.hpp"

namespace savp::salo {

using common::EngineStep;

namespace {

bool same_pattern(const common::AttentionPattern& a, const common::AttentionPattern& b) {
  return a.causal == b.causal && a.window == b.window && a.dilation == b.dilation &&
         a.global_tokens == b.global_tokens && a.grid_h == b.grid_h && a.grid_w == b.grid_w &&
         a.window_h == b.window_h && a.window_w == b.window_w;
}

// The last schedule built in this process, with what it was built for. The plan check (check_job)
// builds a run's schedule and the core's first job takes the same one instead of building it again:
// for a Longformer-base layer (L 4096, window 512) the schedule is about a third of a timing-only
// run (callgrind), and it was built twice. A schedule depends on nothing else (pure function).
struct ScheduleCache {
  std::mutex mutex;
  common::AttentionPattern pattern;
  std::uint64_t seq_len = 0, first_query = 0;
  SchedulerConfig config;
  std::shared_ptr<const Schedule> schedule;
};

ScheduleCache& schedule_cache() {
  static ScheduleCache cache;
  return cache;
}

}  // namespace

std::shared_ptr<const Schedule> shared_schedule(const common::AttentionPattern& p, std::uint64_t seq_len,
                                                const SchedulerConfig& cfg, std::uint64_t first_query) {
  ScheduleCache& c = schedule_cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  if (!c.schedule || c.seq_len != seq_len || c.first_query != first_query || !(c.config == cfg) ||
      !same_pattern(c.pattern, p)) {
    c.schedule.reset();  // a schedule that throws leaves no entry behind
    c.schedule = std::make_shared<const Schedule>(schedule(p, seq_len, cfg, first_query));
    c.pattern = p;
    c.seq_len = seq_len;
    c.first_query = first_query;
    c.config = cfg;
  }
  return c.schedule;
}

SaloCore::SaloCore(const SaloConfig& cfg, const common::EnergyTable& energy) : cfg_(cfg), energy_(energy) {
  // The PE's one MAC: 9-bit operands (5.4 inputs, 2.7 probabilities) into an 18-bit (10.8)
  // accumulator in the fixed datapath; fp32 in the float one. Row-sum additions at accumulator
  // width; the inverse unit as two Newton steps of that MAC (4 multiplies + 2 adds).
  const bool fixed = cfg.array.datapath == Datapath::Fixed;
  pj_mac_ = fixed ? energy.mac_pj("int", 9, 18) : energy.mac_pj("fp32", 32, 32);
  pj_add_ = fixed ? energy.int_add_pj(18) : energy.pj("fp32_add");
  pj_recip_ = fixed ? 4 * energy.int_mult_pj(9) + 2 * energy.int_add_pj(18) : energy.pj("fp32_recip");
  pj_operand_reg_ = energy.register_pj(fixed ? 9 : 32);
  pj_acc_reg_ = energy.register_pj(fixed ? 18 : 32);
  // An unbounded buffer (0) gets its size from the first job's schedule (size_unbounded_buffers).
  for (int i = 0; i < 3; ++i) buffers_.emplace_back(buffer_spec(i, buffer_vectors(i)), energy);
  if (cfg.rtl_backend) backend_ = make_tile_rtl_backend(cfg.array);
}

SaloCore::~SaloCore() = default;

SaloCore::JobCheck SaloCore::check_job(const SaloConfig& cfg, std::uint64_t seq_len, std::uint64_t head_dim,
                                       std::uint64_t value_dim, const common::AttentionPattern& p,
                                       std::uint64_t queries) {
  if (head_dim != cfg.array.head_dim) {
    return {"head_dim", "the SALO array is built for head_dim " + std::to_string(cfg.array.head_dim) +
                            ", the workload has " + std::to_string(head_dim)};
  }
  if (value_dim != cfg.array.head_dim) {
    return {"value_dim", "the SALO array's value vectors are head_dim " + std::to_string(cfg.array.head_dim) +
                             " wide, the workload has value_dim " + std::to_string(value_dim)};
  }
  if (p.window > seq_len) {
    return {"pattern/window", "the sliding window (" + std::to_string(p.window) +
                                  ") is wider than the sequence (" + std::to_string(seq_len) + " tokens)"};
  }
  if (p.window_h > 0 && (p.window_h > p.grid_h || p.window_w > p.grid_w)) {
    return {"pattern/window_2d", "the 2D window " + std::to_string(p.window_h) + "x" +
                                     std::to_string(p.window_w) + " is larger than the " +
                                     std::to_string(p.grid_h) + "x" + std::to_string(p.grid_w) + " grid"};
  }
  if (queries > seq_len) {
    return {"seq_len", "a SALO job's " + std::to_string(queries) + " queries exceed its " +
                           std::to_string(seq_len) + " keys"};
  }
  try {
    shared_schedule(p, seq_len, cfg.scheduler, queries == 0 ? 0 : seq_len - queries);
  } catch (const ScheduleError& e) {
    return {e.key, e.what()};
  }
  return {};
}

bool SaloCore::is_accelerator_key(const std::string& key) {
  return key.rfind("array", 0) == 0 || key.rfind("buffers", 0) == 0;
}

common::AttentionPattern SaloCore::pattern_of(const common::JobDescriptor& d) const {
  common::AttentionPattern p;
  p.causal = d.causal != 0;
  p.window = d.window;
  p.dilation = d.dilation;
  p.grid_h = d.grid_h;
  p.grid_w = d.grid_w;
  p.window_h = d.window_h;
  p.window_w = d.window_w;
  for (std::uint64_t g = 0; g < d.n_globals; ++g) {
    std::uint32_t t = 0;
    std::memcpy(&t, globals_raw_.data() + 4 * g, 4);
    p.global_tokens.push_back(t);
  }
  return p;
}

void SaloCore::start(const common::JobDescriptor& job) {
  job_ = job;
  job_counters_ = ArrayCounters{};
  job_cycles_ = 0;
  // Token-indexed buffers over the whole key sequence (a decode step's queries are its last rows).
  seq_ = std::max(job.rows, job.cols);
  first_query_ = seq_ - job.rows;
  const std::uint64_t L = seq_, d = job.depth, eb = common::elem_bytes(cfg_.bus_format());
  const std::uint64_t data = job.timing_only ? 0 : L;  // a timing-only job holds no operands
  q_ = common::MatrixD(data, d);
  k_ = common::MatrixD(data, d);
  v_ = common::MatrixD(data, job.value_dim);
  q_raw_.assign(data * d * eb, 0);
  k_raw_.assign(data * d * eb, 0);
  v_raw_.assign(data * job.value_dim * eb, 0);
  acc_.assign(L, RowPartial{});
  written_.assign(L, 0);
  globals_raw_.assign(job.n_globals * 4, 0);
  tile_ = 0;
  stage_ = Stage::Globals;
}

std::uint32_t SaloCore::buffer_vectors(int which) const {
  const SchedulerConfig& c = cfg_.scheduler;
  return which == 0 ? c.q_buffer_vectors : which == 1 ? c.k_buffer_vectors : c.v_buffer_vectors;
}

memory::SramSpec SaloCore::buffer_spec(int which, std::uint64_t vectors) const {
  static const char* const names[3] = {"q_buffer", "k_buffer", "v_buffer"};
  memory::SramSpec spec;
  spec.name = names[which];
  spec.capacity_bytes =
      std::max<std::uint64_t>(1, vectors) * cfg_.array.head_dim * common::elem_bytes(cfg_.bus_format());
  spec.word_bytes = 8;
  spec.clock_mhz = cfg_.clock_mhz;
  return spec;
}

// An unbounded buffer (0 vectors) never evicts, so it must hold every distinct vector the job
// fetches: that is its capacity, and the SRAM price per access follows from it. The jobs of a run
// share shape and pattern, so the first job sizes it; a later job needing more is a broken invariant.
void SaloCore::size_unbounded_buffers() {
  const std::uint64_t fetched[3] = {schedule_->stats.q_fetched, schedule_->stats.k_fetched,
                                    schedule_->stats.v_fetched};
  for (int i = 0; i < 3; ++i) {
    if (buffer_vectors(i) != 0) continue;
    memory::SramModel& b = buffers_[static_cast<std::size_t>(i)];
    const memory::SramSpec spec = buffer_spec(i, fetched[i]);
    if (spec.capacity_bytes <= b.spec().capacity_bytes && sized_unbounded_) continue;
    if (sized_unbounded_) {
      throw std::logic_error("SALO: the unbounded " + spec.name +
                             " was sized by an earlier job of another shape");
    }
    b = memory::SramModel(spec, energy_);
  }
  sized_unbounded_ = true;
}

void SaloCore::plan() {
  const common::AttentionPattern p = pattern_of(job_);
  const bool same = schedule_ && scheduled_rows_ == seq_ && scheduled_first_ == first_query_ &&
                    same_pattern(p, scheduled_pattern_);
  if (!same) {  // a schedule depends on the pattern and the sequence only (the scheduler's sizes are fixed)
    schedule_ = shared_schedule(p, seq_, cfg_.scheduler, first_query_);
    scheduled_pattern_ = p;
    scheduled_rows_ = seq_;
    scheduled_first_ = first_query_;
  }
  size_unbounded_buffers();
  runner_.reset();
  if (!job_.timing_only) runner_ = std::make_unique<TileRunner>(q_, k_, v_, cfg_.array, job_.softmax_scale);
  stage_ = schedule_->tiles.empty() ? Stage::Tail : Stage::Tiles;
}

void SaloCore::add_reads(const std::vector<std::uint32_t>& idx, std::uint64_t base, std::uint64_t first,
                         std::uint8_t* raw, EngineStep& step) {
  const std::uint64_t vb = job_.depth * common::elem_bytes(cfg_.bus_format());
  std::vector<std::uint32_t> sorted(idx);
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i + 1;
    while (j < sorted.size() && sorted[j] == sorted[j - 1] + 1) ++j;  // coalesce consecutive tokens
    const std::uint64_t off = sorted[i] * vb;
    step.reads.push_back(
        {base + (sorted[i] - first) * vb, (j - i) * vb, raw != nullptr ? raw + off : nullptr, nullptr});
    i = j;
  }
}

bool SaloCore::next(EngineStep& step) {
  step = EngineStep{};
  switch (stage_) {
    case Stage::Globals:
      step.phase = "schedule";
      if (job_.n_globals)
        step.reads.push_back({job_.addr_globals, job_.n_globals * 4, globals_raw_.data(), nullptr});
      return true;
    case Stage::Tiles: {
      const TileTraffic& tr = schedule_->traffic[tile_];
      step.phase = "tile";
      step.prefetch = true;
      add_reads(tr.q_fetch, job_.addr_a, first_query_, job_.timing_only ? nullptr : q_raw_.data(), step);
      add_reads(tr.k_fetch, job_.addr_b, 0, job_.timing_only ? nullptr : k_raw_.data(), step);
      add_reads(tr.v_fetch, job_.addr_c, 0, job_.timing_only ? nullptr : v_raw_.data(), step);
      touch_buffer(0, tr.q_fetch, tr.q_needed);
      touch_buffer(1, tr.k_fetch, tr.k_needed);
      touch_buffer(2, tr.v_fetch, tr.v_needed);
      return true;
    }
    case Stage::Tail:
      step.phase = "drain";
      step.compute_cycles = drain_cycles(cfg_.array);
      if (backend_ && !job_.timing_only) {
        const std::uint64_t rtl = backend_->drain();
        if (rtl != step.compute_cycles) {
          throw std::runtime_error("SALO RTL/model disagreement: drain takes " + std::to_string(rtl) +
                                   " cycles on the RTL, " + std::to_string(step.compute_cycles) +
                                   " in the model");
        }
      }
      job_cycles_ += step.compute_cycles;
      busy_cycles_ += step.compute_cycles;
      {
        std::vector<std::uint32_t> rest;
        for (std::uint64_t i = first_query_; i < seq_; ++i) {
          if (!written_[i]) rest.push_back(static_cast<std::uint32_t>(i));
        }
        write_rows(rest, step);  // rows no tile completed (fully masked rows: zeros)
      }
      stage_ = Stage::Done;
      return true;
    case Stage::Done:
      return false;
  }
  return false;
}

void SaloCore::touch_buffer(int which, const std::vector<std::uint32_t>& tokens, std::uint32_t reads) {
  memory::SramModel& b = buffers_[static_cast<std::size_t>(which)];
  const std::uint64_t vb = job_.depth * common::elem_bytes(cfg_.bus_format());
  const std::uint64_t slots = b.spec().capacity_bytes / vb;
  const std::uint32_t n = static_cast<std::uint32_t>(vb);
  for (std::uint32_t t : tokens) b.access_immediate((t % slots) * vb, n, true, busy_cycles_);
  for (std::uint32_t r = 0; r < reads; ++r) b.access_immediate((r % slots) * vb, n, false, busy_cycles_);
}

void SaloCore::decode(const std::vector<std::uint32_t>& idx, const std::uint8_t* raw, common::MatrixD& m) {
  const std::size_t d = m.cols();
  const std::size_t eb = common::elem_bytes(cfg_.bus_format());
  for (std::uint32_t i : idx) {
    common::unpack(raw + static_cast<std::size_t>(i) * d * eb, d, cfg_.bus_format(), common::QuantParams{},
                   m.row(i));
  }
}

void SaloCore::write_rows(const std::vector<std::uint32_t>& rows, EngineStep& step) {
  if (rows.empty()) return;
  const std::size_t dv = job_.value_dim;
  std::vector<std::uint32_t> sorted(rows);
  std::sort(sorted.begin(), sorted.end());
  out_buf_.assign(job_.timing_only ? 0 : sorted.size() * dv * 4, 0);  // a timing-only job's rows: no data
  for (std::size_t n = 0; n < sorted.size(); ++n) {
    written_[sorted[n]] = 1;
    if (job_.timing_only) continue;
    const RowPartial& p = acc_[sorted[n]];
    for (std::size_t t = 0; t < dv; ++t) {
      const float f = p.empty ? 0.0f : static_cast<float>(p.out[t]);
      std::memcpy(&out_buf_[(n * dv + t) * 4], &f, 4);
    }
  }
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i + 1;
    while (j < sorted.size() && sorted[j] == sorted[j - 1] + 1) ++j;
    const std::uint8_t* src = job_.timing_only ? nullptr : &out_buf_[i * dv * 4];
    step.writes.push_back(
        {job_.addr_out + (sorted[i] - first_query_) * dv * 4, (j - i) * dv * 4, nullptr, src});
    i = j;
  }
}

void SaloCore::reads_done(EngineStep& step) {
  if (stage_ == Stage::Globals) {
    plan();
    return;
  }
  if (stage_ != Stage::Tiles) return;
  const TileTraffic& tr = schedule_->traffic[tile_];
  if (!job_.timing_only) {
    decode(tr.q_fetch, q_raw_.data(), q_);
    decode(tr.k_fetch, k_raw_.data(), k_);
    decode(tr.v_fetch, v_raw_.data(), v_);
  }
  TileResult r = job_.timing_only ? tile_timing(schedule_->tiles[tile_], cfg_.array, seq_, job_.value_dim)
                                  : runner_->run(schedule_->tiles[tile_]);
  std::uint64_t cycles = r.cycles.body() + (tile_ > 0 ? r.cycles.flush : 0);
  step.compute_cycles = cycles;
  job_cycles_ += cycles;
  busy_cycles_ += cycles;
  job_counters_.add(r.counters);
  counters_.add(r.counters);
  if (job_.timing_only) {
    // The weighted-sum unit merges two non-empty partials of a query (merge_slices), whatever their values.
    for (const auto& p : r.rows) {
      RowPartial& a = acc_[p.query];
      if (p.empty) continue;
      if (!a.empty) {
        ++job_counters_.weighted_sum_merges;
        ++counters_.weighted_sum_merges;
      }
      a.query = p.query;
      a.empty = false;
      a.keys += p.keys;
    }
  } else if (backend_) {
    run_backend(r, step);
  } else {
    for (auto& p : r.rows) {
      std::uint64_t merges = 0;
      acc_[p.query] = merge_slices(acc_[p.query], p, cfg_.array, &merges);
      job_counters_.weighted_sum_merges += merges;
      counters_.weighted_sum_merges += merges;
    }
  }
  write_rows(tr.out_write, step);
  if (++tile_ == schedule_->tiles.size()) stage_ = Stage::Tail;
}

// The tile on the RTL: its merged rows replace the model's; rows, cycles and range events must agree.
void SaloCore::run_backend(const TileResult& model, EngineStep& step) {
  const SaloTile& tile = schedule_->tiles[tile_];
  std::vector<RowPartial> prev;
  prev.reserve(model.rows.size());
  for (const auto& p : model.rows) prev.push_back(acc_[p.query]);
  BackendTile rtl = backend_->run(tile, *runner_, prev, tile_ > 0);
  auto fail = [&](const std::string& what) {
    throw std::runtime_error("SALO RTL/model disagreement on tile " + std::to_string(tile_) + ": " + what);
  };
  if (rtl.cycles != step.compute_cycles) {
    fail("the RTL takes " + std::to_string(rtl.cycles) + " cycles, the model " +
         std::to_string(step.compute_cycles));
  }
  if (rtl.exp_saturated != model.counters.exp_saturated || rtl.qk_saturated != model.counters.qk_saturated) {
    fail("range events differ (exp clamped: rtl " + std::to_string(rtl.exp_saturated) + ", model " +
         std::to_string(model.counters.exp_saturated) + ")");
  }
  if (rtl.rows.size() != model.rows.size()) fail("row count differs");
  for (std::size_t i = 0; i < model.rows.size(); ++i) {
    std::uint64_t merges = 0;
    const RowPartial want = merge_slices(prev[i], model.rows[i], cfg_.array, &merges);
    RowPartial& got = rtl.rows[i];
    const bool same = got.empty == want.empty &&
                      (want.empty || (got.sum_raw == want.sum_raw && got.sum_exp == want.sum_exp &&
                                      got.out_raw == want.out_raw));
    if (!same) fail("row " + std::to_string(i) + " (query " + std::to_string(want.query) + ") differs");
    job_counters_.weighted_sum_merges += merges;
    counters_.weighted_sum_merges += merges;
    got.keys = want.keys;
    acc_[want.query] = want.empty ? want : std::move(got);
  }
}

double SaloCore::job_fraction_done() const {
  switch (stage_) {
    case Stage::Globals:
      return 0.0;
    case Stage::Tiles:
      return schedule_->traffic.empty()
                 ? 0.0
                 : static_cast<double>(tile_) / static_cast<double>(schedule_->traffic.size());
    case Stage::Tail:
    case Stage::Done:
      return 1.0;
  }
  return -1.0;
}

common::EngineJobStats SaloCore::job_stats() const {
  common::EngineJobStats s;
  const ArrayCounters& c = job_counters_;
  static const Schedule kNone;  // before any job
  const Schedule& sched = schedule_ ? *schedule_ : kNone;
  const std::uint64_t pes = std::uint64_t{cfg_.array.rows} * cfg_.array.cols +
                            std::uint64_t{cfg_.array.global_rows} * cfg_.array.cols +
                            std::uint64_t{cfg_.array.global_cols} * cfg_.array.rows;
  const double useful = static_cast<double>(c.macs_qk + c.macs_pv);
  s.values.emplace_back("tiles", static_cast<double>(sched.tiles.size()));
  s.values.emplace_back("useful_macs", useful);
  s.values.emplace_back("pe_count", static_cast<double>(pes));
  s.values.emplace_back("array_busy_cycles", static_cast<double>(job_cycles_));
  s.values.emplace_back("array_utilisation",
                        job_cycles_ ? useful / (static_cast<double>(pes) * job_cycles_) : 0.0);
  s.values.emplace_back("spatial_utilisation", sched.stats.utilisation_all_pes);
  s.values.emplace_back("pairs",
                        static_cast<double>(c.pairs_local + c.pairs_global_col + c.pairs_global_row));
  s.values.emplace_back("weighted_sum_merges", static_cast<double>(c.weighted_sum_merges));
  s.values.emplace_back("k_fetched", static_cast<double>(sched.stats.k_fetched));
  s.values.emplace_back("k_needed_no_reuse", static_cast<double>(sched.stats.k_needed));
  // A range event of the data: not known without it.
  if (!job_.timing_only) s.values.emplace_back("exp_saturated", static_cast<double>(c.exp_saturated));
  return s;
}

std::vector<std::pair<std::string, common::ActionLedger>> SaloCore::actions() const {
  const ArrayCounters& c = counters_;
  const std::uint64_t dv = cfg_.array.head_dim;
  std::vector<std::pair<std::string, common::ActionLedger>> out;
  out.push_back({"pe_array",
                 {{"mac_qk", {c.macs_qk, pj_mac_, "MAC"}},
                  {"mac_exp", {c.macs_exp, pj_mac_, "MAC"}},
                  {"add_row_sum", {c.adds_row_sum, pj_add_, "op"}},
                  {"mac_normalise", {c.macs_normalise, pj_mac_, "MAC"}},
                  {"mac_pv", {c.macs_pv, pj_mac_, "MAC"}}}});
  // PE registers, priced per write (a pipeline register spends its energy when clocked in): every
  // MAC shifts its two operands in (Q horizontally, K/V diagonally) and updates its accumulator; a
  // row-sum addition updates it too.
  const std::uint64_t macs = c.macs_qk + c.macs_exp + c.macs_normalise + c.macs_pv;
  out.push_back({"pe_registers",
                 {{"operand_write", {2 * macs, pj_operand_reg_, "write"}},
                  {"accumulator_write", {macs + c.adds_row_sum, pj_acc_reg_, "write"}}}});
  out.push_back({"inverse_units", {{"reciprocal", {c.reciprocals, pj_recip_, "op"}}}});
  out.push_back({"weighted_sum_units", {{"merge_mac", {c.weighted_sum_merges * 2 * dv, pj_mac_, "MAC"}}}});
  for (const auto& b : buffers_) out.push_back({b.spec().name, b.actions()});
  return out;
}

std::vector<std::pair<std::string, common::HardwareCost>> SaloCore::hardware() const {
  // One MAC and its operand and accumulator registers per PE (local array plus the global row and
  // column); one inverse unit (two Newton steps on a MAC: 4 multipliers + 2 adders in the fixed
  // datapath, fp32_recip in the float one) and one weighted-sum MAC per PE row, an assumption: the
  // reciprocal and the merge are per query row.
  const ArrayConfig& a = cfg_.array;
  const bool fixed = a.datapath == Datapath::Fixed;
  const double pes =
      static_cast<double>(std::uint64_t{a.rows} * a.cols + std::uint64_t{a.global_rows} * a.cols +
                          std::uint64_t{a.global_cols} * a.rows);
  const double pe_rows = static_cast<double>(a.rows + a.global_rows);
  const common::HardwareCost mac = fixed ? energy_.mac_hw("int", 9, 18) : energy_.mac_hw("fp32", 32, 32);
  const common::HardwareCost regs =
      energy_.register_hw(fixed ? 9 : 32) * 2.0 + energy_.register_hw(fixed ? 18 : 32);
  const common::HardwareCost inverse =
      fixed ? energy_.int_mult_hw(9) * 4.0 + energy_.int_add_hw(18) * 2.0 : energy_.hardware("fp32_recip");
  std::vector<std::pair<std::string, common::HardwareCost>> out;
  out.push_back({"pe_array", mac * pes});
  out.push_back({"pe_registers", regs * pes});
  out.push_back({"inverse_units", inverse * pe_rows});
  out.push_back({"weighted_sum_units", mac * pe_rows});
  for (const auto& b : buffers_) out.push_back({b.spec().name, b.hardware()});
  return out;
}

}  // namespace savp::salo
