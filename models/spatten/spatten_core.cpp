#include "models/spatten/spatten_core.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "models/common/dot_rows.hpp"
#include "models/common/number_format.hpp"
#include "models/common/random.hpp"
#include "models/common/softmax.hpp"
#include "models/spatten/progressive_quant.hpp"
#include "models/spatten/spatten_row.hpp"

namespace savp::spatten {

using common::EngineStep;

SpattenCore::SpattenCore(const SpattenConfig& cfg, const common::EnergyTable& energy, std::uint64_t seed)
    : cfg_(cfg), energy_(energy), seed_(seed) {
  pj_mult_ = energy.int_mult_pj(static_cast<int>(cfg.datapath_bits));
  pj_add_ = energy.int_add_pj(2 * static_cast<int>(cfg.datapath_bits));
  pj_cmp_ = energy.int_add_pj(static_cast<int>(cfg.datapath_bits));
  pj_exp_ = energy.pj("fp32_exp");
  pj_recip_ = energy.pj("fp32_recip");
  topk_tokens_ = std::make_unique<TopkEngine>(cfg.topk, common::derive_seed(seed, 1));
  topk_values_ = std::make_unique<TopkEngine>(cfg.topk, common::derive_seed(seed, 2));
  for (const char* name : {"key_sram", "value_sram"}) {
    memory::SramSpec s;
    s.name = name;
    s.capacity_bytes = std::uint64_t{cfg.sram_kib} * 1024;
    s.word_bytes = 8;
    s.clock_mhz = cfg.clock_mhz;
    srams_.emplace_back(s, energy);
  }
}

SpattenCore::~SpattenCore() = default;

SpattenCore::JobCheck SpattenCore::check_job(const SpattenConfig& cfg, std::uint64_t context,
                                             std::uint64_t head_dim, std::uint64_t value_dim,
                                             std::uint32_t layers, std::uint32_t heads) {
  const std::uint64_t lines = cfg.buffer_lines(std::max(head_dim, value_dim));
  if (context > lines) {
    return {"sram_kib", "a context of " + std::to_string(context) + " tokens does not fit one half of the " +
                            std::to_string(cfg.sram_kib) + " KiB key/value SRAM (" + std::to_string(lines) +
                            " lines of " + std::to_string(std::max(head_dim, value_dim)) + " x " +
                            std::to_string(cfg.datapath_bits) + " bits); raise sram_kib"};
  }
  if (heads > 65535 || layers > 65535) return {"heads", "at most 65535 layers and heads"};
  std::string err;
  PruneSchedule::make(cfg.pruning.tokens, layers, err);
  if (!err.empty()) return {"pruning/token_ratio", "token schedule: " + err};
  PruneSchedule::make(cfg.pruning.heads, layers, err);
  if (!err.empty()) return {"pruning/head_ratio", "head schedule: " + err};
  return {};
}

double SpattenCore::k_scale(std::uint32_t l, std::uint32_t h) const {
  double d;
  std::memcpy(&d, &scales_raw_[16 * job_.kv_index(l, h)], 8);
  return d;
}
double SpattenCore::v_scale(std::uint32_t l, std::uint32_t h) const {
  double d;
  std::memcpy(&d, &scales_raw_[16 * job_.kv_index(l, h) + 8], 8);
  return d;
}

void SpattenCore::start(const common::JobDescriptor& job) {
  desc_ = job;
  stage_ = Stage::Block;
  job_cycles_ = 0;
  job_ = SpattenJob{};
  // Energy counts of finished jobs stay in the totals (actions() is cumulative).
  totals_.qk_macs += counters_.qk_macs;
  totals_.pv_macs += counters_.pv_macs;
  totals_.exps += counters_.exps;
  totals_.recips += counters_.recips;
  totals_.importance_adds += counters_.importance_adds;
  totals_.appended_values += counters_.appended_values;
  counters_ = SpattenCounters{};
  cur_.reset();
  prev_.reset();
  values_stream_.reset();
  trace_.clear();
  trace_pos_ = 0;
}

void SpattenCore::add_row_reads(std::uint64_t base, std::uint64_t row_bytes,
                                const std::vector<std::uint32_t>& rows, std::vector<std::uint8_t>& buf,
                                EngineStep& step) const {
  if (!timing_only()) buf.resize(rows.size() * row_bytes);  // a timing-only job's reads carry no data
  if (row_bytes == 0) return;
  // Runs of consecutive tokens are one contiguous request stream.
  for (std::size_t i = 0; i < rows.size();) {
    std::size_t j = i + 1;
    while (j < rows.size() && rows[j] == rows[j - 1] + 1) ++j;
    step.reads.push_back({base + rows[i] * row_bytes, (j - i) * row_bytes,
                          timing_only() ? nullptr : buf.data() + i * row_bytes, nullptr});
    i = j;
  }
}

void SpattenCore::touch_sram(memory::SramModel& s, std::uint64_t lines, bool write) {
  const std::uint64_t line = std::max<std::uint64_t>(1, &s == &srams_[0] ? key_line_ : value_line_);
  const std::uint64_t cap = s.spec().capacity_bytes / line;
  for (std::uint64_t done = 0; done < lines && cap > 0;) {
    const std::uint64_t n = std::min(lines - done, cap);
    s.access_immediate(0, static_cast<std::uint32_t>(n * line), write, busy_cycles_);
    done += n;
  }
}

// ---------------------------------------------------------------- job set-up

void SpattenCore::setup() {
  job_ = SpattenJob::deserialise(block_raw_.data(), block_raw_.size());
  std::string err;
  token_sched_ = PruneSchedule::make(cfg_.pruning.tokens, job_.layers, err);
  if (!err.empty()) throw std::runtime_error("SpAtten token schedule: " + err);
  head_sched_ = PruneSchedule::make(cfg_.pruning.heads, job_.layers, err);
  if (!err.empty()) throw std::runtime_error("SpAtten head schedule: " + err);
  token_importance_.assign(job_.seq_len, 0.0);
  head_importance_.assign(job_.heads, 0.0);
  key_line_ = (std::uint64_t{job_.head_dim} * cfg_.datapath_bits + 7) / 8;
  value_line_ = (std::uint64_t{job_.value_dim} * cfg_.datapath_bits + 7) / 8;
  step_ = 0;
  barrier_ = true;
}

// The context and the full token / head sets at the start of a generation step (or the pass).
void SpattenCore::begin_step() {
  layer_ = 0;
  head_pos_ = 0;
  heads_.clear();
  if (job_.mode == SpattenMode::Trace) {
    const TraceCommand& c = trace_[trace_pos_];
    context_ = c.seq_len;
    // Replay: tokens ranked by one seeded permutation per step, the newest token first.
    std::vector<std::uint32_t> order(context_ - 1);
    for (std::uint32_t i = 0; i + 1 < context_; ++i) order[i] = i;
    common::Rng rng(common::derive_seed(seed_, 7, step_));
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.next() % i]);
    perm_rank_.assign(context_, 0);
    for (std::uint32_t i = 0; i < order.size(); ++i) perm_rank_[order[i]] = i + 1;
    for (std::size_t i = trace_pos_;
         i < trace_.size() && trace_[i].iteration == c.iteration && trace_[i].layer == c.layer; ++i) {
      heads_.push_back(trace_[i].head);
    }
  } else {
    context_ = job_.mode == SpattenMode::Generate ? job_.first_query + step_ + 1 : job_.seq_len;
    for (std::uint32_t h = 0; h < job_.heads; ++h) heads_.push_back(h);
  }
  tokens_.resize(context_);
  for (std::uint32_t i = 0; i < context_; ++i) tokens_[i] = i;
}

// ---------------------------------------------------------------- steps

bool SpattenCore::next(EngineStep& step) {
  step = EngineStep{};
  switch (stage_) {
    case Stage::Block:
      step.phase = "job_fetch";
      block_raw_.resize(SpattenJob::kBytes);
      step.reads.push_back({desc_.addr_a, SpattenJob::kBytes, block_raw_.data(), nullptr});
      return true;
    case Stage::Setup:
      if (model()) {
        model_setup_step(step);
        return true;
      }
      // The per-head scales (data modes) or the replayed trace's commands.
      step.phase = "job_fetch";
      if (job_.mode == SpattenMode::Trace) {
        trace_raw_.resize(job_.trace_rows * TraceCommand::kBytes);
        step.reads.push_back({job_.trace_addr, trace_raw_.size(), trace_raw_.data(), nullptr});
      } else {
        scales_raw_.resize(16 * std::uint64_t{job_.layers} * job_.heads);
        step.reads.push_back({job_.scales_addr, scales_raw_.size(), scales_raw_.data(), nullptr});
      }
      return true;
    case Stage::State:
      model_state_step(step);
      return true;
    case Stage::Append:
      model_append_step(step);
      return true;
    case Stage::Run: {
      const bool more = summarising() ? next_summary_step(step) : next_row_step(step);
      if (fence_) {  // the first reads after the append read what it wrote
        step.fence = true;
        fence_ = false;
      }
      return more;
    }
    case Stage::Drain:
      step.phase = "drain";
      // The last selection's filter drains, then the pipelines empty.
      step.compute_cycles = values_stream_.pending_drain() + pipeline_fill_cycles(cfg_, job_.head_dim);
      stage_ = Stage::Done;
      return true;
    case Stage::Done:
      return false;
  }
  return false;
}

// How many rows ahead the fetcher may run: the key SRAM (both halves) holds this many rows of the
// current size, one of which is being computed on.
std::uint32_t SpattenCore::prefetch_depth(std::size_t keys) const {
  const std::uint64_t lines = 2 * cfg_.buffer_lines(job_.head_dim);
  const std::uint64_t slots = lines / std::max<std::size_t>(1, keys);
  return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(slots, 2, 33) - 1);
}

// The next surviving head's row of the layer, or nullptr at the layer's end (the step is then the
// layer's top-k).
std::unique_ptr<SpattenCore::Row> SpattenCore::next_head_row(EngineStep& step) {
  if (head_pos_ >= heads_.size()) {
    layer_end(step);
    return nullptr;
  }
  auto r = std::make_unique<Row>();
  r->layer = layer_;
  r->head = heads_[head_pos_++];
  return r;
}

// A data-mode row's query rows (fp16) and key MSBs.
void SpattenCore::add_qk_reads(Row& r, EngineStep& step) {
  const std::uint64_t hi = job_.head_index(r.layer, r.head), ki = job_.kv_index(r.layer, r.head);
  std::vector<std::uint32_t> q_rows(r.queries);
  for (std::uint32_t& q : q_rows) q = static_cast<std::uint32_t>(job_.query_row(q));
  add_row_reads(job_.q_base + hi * job_.q_stride, job_.q_row_bytes(), q_rows, r.q_raw, step);
  add_row_reads(job_.k_msb_base + ki * job_.k_msb_stride, job_.k_msb_row_bytes(), r.keys, r.k_raw, step);
}

// A requant of the row (or head) in flight: its K LSBs, then Q x K and softmax once more.
bool SpattenCore::requant_step(EngineStep& step) {
  if (!cur_ || !cur_->any_requant || cur_->lsb_done) return false;
  step.phase = "requant";
  add_row_reads(job_.k_lsb_base + job_.kv_index(cur_->layer, cur_->head) * job_.k_lsb_stride,
                cur_->lsb_row_bytes, cur_->keys, cur_->lsb_raw, step);
  return true;
}

// The step that fetches a new row (or head): prefetched as far ahead as the SRAM allows, unless a
// top-k result must come first.
void SpattenCore::launch(std::unique_ptr<Row> r, const char* phase, EngineStep& step) {
  step.phase = phase;
  step.prefetch = !barrier_;
  step.prefetch_depth = prefetch_depth(r->keys.size());
  barrier_ = false;
  cur_ = std::move(r);
}

bool SpattenCore::next_row_step(EngineStep& step) {
  if (requant_step(step)) return true;
  if (cur_) prev_ = std::move(cur_);
  if (prev_) {  // the previous row's kept values arrive with this step
    add_row_reads(job_.v_base + job_.kv_index(prev_->layer, prev_->head) * job_.v_stride, prev_->v_row_bytes,
                  prev_->values, prev_->v_raw, step);
  }
  std::unique_ptr<Row> r = next_head_row(step);
  if (!r) return true;  // the layer's end: the step is its top-k
  if (job_.mode == SpattenMode::Trace) {
    const TraceCommand& c = trace_[trace_pos_++];
    for (std::uint32_t t = 0; t < context_; ++t) {
      if (perm_rank_[t] < c.keys) r->keys.push_back(t);
      if (perm_rank_[t] < c.values) r->values.push_back(t);
    }
    r->key_bits = c.key_bits < 0 ? SpattenConfig::kUnquantisedBits : c.key_bits;
    r->value_bits = c.value_bits < 0 ? SpattenConfig::kUnquantisedBits : c.value_bits;
    r->lsb_bits = c.requant ? c.extra_bits : 0;
    r->any_requant = c.requant;
    // Rows at the replayed widths (the host lays the regions out for 32-bit rows, the widest).
    const std::uint64_t k_row = (std::uint64_t{job_.head_dim} * r->key_bits + 7) / 8;
    r->lsb_row_bytes = (std::uint64_t{job_.head_dim} * r->lsb_bits + 7) / 8;
    r->v_row_bytes = (std::uint64_t{job_.value_dim} * r->value_bits + 7) / 8;
    add_row_reads(job_.k_msb_base + job_.head_index(r->layer, r->head) * job_.k_msb_stride, k_row, r->keys,
                  r->k_raw, step);
    r->queries.push_back(static_cast<std::uint32_t>(context_ - 1));  // the newest token's query (fp16)
    add_row_reads(job_.q_base + job_.head_index(r->layer, r->head) * job_.q_stride, job_.q_row_bytes(),
                  r->queries, r->q_raw, step);
  } else {
    r->lsb_row_bytes = job_.k_lsb_row_bytes();
    r->v_row_bytes = job_.v_row_bytes();
    r->queries.push_back(static_cast<std::uint32_t>(job_.first_query + step_));
    r->keys = tokens_;
    add_qk_reads(*r, step);
  }
  launch(std::move(r), "row", step);
  return true;
}

bool SpattenCore::next_summary_step(EngineStep& step) {
  if (requant_step(step)) return true;
  cur_.reset();
  std::unique_ptr<Row> r = next_head_row(step);
  if (!r) return true;  // the layer's end: the step is its top-k
  r->queries = tokens_;
  r->keys = tokens_;
  r->lsb_row_bytes = job_.k_lsb_row_bytes();
  r->v_row_bytes = job_.v_row_bytes();
  r->values = tokens_;  // V reused from the value SRAM by every query: fetched once for all survivors
  add_qk_reads(*r, step);
  add_row_reads(job_.v_base + job_.kv_index(r->layer, r->head) * job_.v_stride, job_.v_row_bytes(), r->values,
                r->v_raw, step);
  launch(std::move(r), "head", step);
  return true;
}

// End of a layer: the token and head top-k engines pick the survivors for the next layer; the
// layer's sets go to the decision log.
void SpattenCore::layer_end(EngineStep& step) {
  step.phase = "layer_topk";
  barrier_ = true;
}

// ---------------------------------------------------------------- numerics

void SpattenCore::decode_keys(Row& r, bool full) {
  if (timing_only()) return;  // no operands: proxy_probs stands in for the scores
  const std::size_t d = job_.head_dim, n = r.keys.size();
  r.k.resize(n * d);
  const BitSplit split{static_cast<int>(job_.key_msb), static_cast<int>(job_.key_lsb)};
  const double scale = k_scale(r.layer, r.head);
  const std::uint64_t mb = job_.k_msb_row_bytes(), lb = job_.k_lsb_row_bytes();
  for (std::size_t i = 0; i < n; ++i) {
    if (!job_.quantised) {
      common::unpack(&r.k_raw[i * mb], d, common::ElemFormat::FP32, common::QuantParams{}, &r.k[i * d]);
    } else if (full) {
      decode_full_row(&r.k_raw[i * mb], lb ? &r.lsb_raw[i * lb] : nullptr, d, split, scale, &r.k[i * d]);
    } else {
      decode_msb_row(&r.k_raw[i * mb], d, split, scale, &r.k[i * d]);
    }
  }
}

// Scores of the queries qs[0 .. m) (indices into the row's queries) against the fetched keys
// (fp16 Q x decoded K, scaled), then softmax: r.probs holds m rows of one probability per key. A
// summarisation head's queries go in blocks through the keys together (dot_block), each score
// summed as the scalar loop would.
void SpattenCore::score_queries(Row& r, const std::uint32_t* qs, std::size_t m) {
  const std::size_t d = job_.head_dim, n = r.keys.size();
  if (timing_only()) {
    proxy_probs(r, qs, m);
    for (std::size_t i = 0; i < m; ++i) {
      counters_.qk_macs += n * d;
      counters_.exps += n;
      counters_.recips += 1;
      touch_sram(srams_[0], n, false);
    }
    return;
  }
  scratch_.resize(m * d);
  for (std::size_t i = 0; i < m; ++i) {
    common::unpack(&r.q_raw[qs[i] * job_.q_row_bytes()], d, common::ElemFormat::FP16, common::QuantParams{},
                   &scratch_[i * d]);
  }
  r.probs.resize(m * n);
  common::dot_block<double>(
      m, [&](std::size_t i) { return &scratch_[i * d]; }, [n](std::size_t) { return n; }, d,
      [&](std::size_t, std::size_t j) { return &r.k[j * d]; },
      [&](std::size_t i) { return &r.probs[i * n]; });
  const bool causal = model() && job_.causal;
  for (std::size_t i = 0; i < m; ++i) {
    double* p = &r.probs[i * n];
    for (std::size_t j = 0; j < n; ++j) p[j] *= job_.softmax_scale;
    if (causal) {  // a prefill's query sees the keys up to its own position
      const std::uint32_t pos = r.queries[qs[i]];
      for (std::size_t j = 0; j < n; ++j)
        if (r.keys[j] > pos) p[j] = -std::numeric_limits<double>::infinity();
    }
    const double sum = common::exp_shifted(p, n);
    for (std::size_t j = 0; j < n; ++j) p[j] /= sum;
    counters_.qk_macs += n * d;
    counters_.exps += n;
    counters_.recips += 1;
    touch_sram(srams_[0], n, false);
  }
}

// Numerics off: a stated model of one probability row in place of Q x K and softmax, so that the
// decisions that need data (local value pruning, the progressive-quantisation threshold, token
// importance) can still be taken: attention decays with distance, p_j proportional to 1 / (1 +
// |q - j|) over the keys the query may see (the recency bias measured in LLM attention, e.g.
// StreamingLLM, Xiao et al. 2023; not SpAtten's data). Head importance gets no contribution (no
// outputs): the head top-k chooses among equal scores as its quick-select does.
void SpattenCore::proxy_probs(Row& r, const std::uint32_t* qs, std::size_t m) {
  const std::size_t n = r.keys.size();
  std::vector<double>& probs = r.probs;
  probs.resize(m * n);
  const bool causal = model() && job_.causal;
  for (std::size_t i = 0; i < m; ++i) {
    const double pos = r.queries[qs[i]];
    double* p = &probs[i * n];
    double sum = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const double k = r.keys[j];
      p[j] = causal && k > pos ? 0.0 : 1.0 / (1.0 + std::fabs(pos - k));
      sum += p[j];
    }
    for (std::size_t j = 0; j < n; ++j) p[j] /= sum;
  }
}

// The progressive-quantisation decision for one query's probabilities (only when LSBs exist).
bool SpattenCore::needs_requant(const Row& r, const double* p) const {
  if (!job_.quantised || job_.key_lsb == 0) return false;
  return needs_lsb(p, r.keys.size(), cfg_.quant.threshold);
}

// Local value pruning of one query (the value top-k engine) and its importance.
void SpattenCore::prune_values(const Row& r, const double* p, TopkResult& res) {
  const std::size_t n = r.keys.size();
  topk_values_->select_into(p, n, keep_count(static_cast<std::uint32_t>(n), cfg_.pruning.value_ratio), res);
  double kept = 0;
  for (std::uint32_t j : res.kept) kept += p[j];
  counters_.value_mass_dropped += 1.0 - kept;
  for (std::size_t j = 0; j < n; ++j) token_importance_[r.keys[j]] += p[j];
  counters_.importance_adds += n;
}

// The fetched values, decoded (once per row or head, when they have arrived).
void SpattenCore::decode_values(Row& r) {
  if (timing_only()) return;
  const std::size_t dv = job_.value_dim, nv = r.values.size();
  r.v.resize(nv * dv);
  const BitSplit split{static_cast<int>(job_.value_bits), 0};
  const double scale = v_scale(r.layer, r.head);
  const std::uint64_t vb = job_.v_row_bytes();
  for (std::size_t i = 0; i < nv; ++i) {
    if (job_.quantised) {
      decode_full_row(&r.v_raw[i * vb], nullptr, dv, split, scale, &r.v[i * dv]);
    } else {
      common::unpack(&r.v_raw[i * vb], dv, common::ElemFormat::FP32, common::QuantParams{}, &r.v[i * dv]);
    }
  }
}

// P x V of queries over their kept values (ascending indices into the row's keys), into their rows
// of r.o. A summarisation head has V of every key in the value SRAM (V row = key index); a
// generation row fetched only the kept ones, in order (V row = position in the kept list). The
// values go in tiles of 32 rows that every query of the block uses in turn; each output element
// is summed over its kept values in order.
void SpattenCore::pv_queries(Row& r, const std::vector<PvQuery>& qs) {
  constexpr std::size_t kTile = 32;
  const std::size_t dv = job_.value_dim;
  const bool all_values = r.values.size() == r.keys.size();
  r.o.resize(r.queries.size() * dv);
  cursor_.assign(qs.size(), 0);
  std::size_t rows = 0;
  for (const PvQuery& q : qs) {
    std::fill(&r.o[q.index * dv], &r.o[q.index * dv] + dv, 0.0);
    if (!q.kept->empty())
      rows = std::max<std::size_t>(rows, all_values ? q.kept->back() + 1 : q.kept->size());
  }
  for (std::size_t v0 = 0; v0 < (timing_only() ? 0 : rows); v0 += kTile) {  // no operands: counts only
    for (std::size_t i = 0; i < qs.size(); ++i) {
      const std::vector<std::uint32_t>& kept = *qs[i].kept;
      double* o = &r.o[qs[i].index * dv];
      std::size_t& c = cursor_[i];
      for (; c < kept.size(); ++c) {
        const std::size_t row = all_values ? kept[c] : c;
        if (row >= v0 + kTile) break;
        const double pj = qs[i].p[kept[c]];
        const double* vr = &r.v[row * dv];
        for (std::size_t x = 0; x < dv; ++x) o[x] += pj * vr[x];
      }
    }
  }
  for (const PvQuery& q : qs) {
    counters_.pv_macs += q.kept->size() * dv;
    counters_.importance_adds += dv;
    touch_sram(srams_[1], q.kept->size(), false);
  }
}

// The finished output rows at fp32, the head's importance (|O| summed in query order), and the
// writes: runs of consecutive query positions are one write.
void SpattenCore::write_rows(Row& r, EngineStep& step) {
  const std::size_t dv = job_.value_dim;
  r.out.assign(timing_only() ? 0 : r.queries.size() * dv * 4, 0);
  double head_abs = 0;
  for (std::size_t i = 0; i < (timing_only() ? 0 : r.queries.size() * dv); ++i) {
    const float f = static_cast<float>(r.o[i]);
    std::memcpy(&r.out[i * 4], &f, 4);
    head_abs += std::fabs(r.o[i]);
  }
  head_importance_[r.head] += head_abs;
  const std::uint64_t base = job_.out_base + job_.head_index(r.layer, r.head) * job_.out_stride;
  const std::uint64_t ob = job_.out_row_bytes();
  for (std::size_t i = 0; i < r.queries.size();) {
    std::size_t j = i + 1;
    while (j < r.queries.size() && r.queries[j] == r.queries[j - 1] + 1) ++j;
    step.writes.push_back({base + job_.query_row(r.queries[i]) * ob, (j - i) * ob, nullptr,
                           timing_only() ? nullptr : &r.out[i * ob]});
    i = j;
  }
}

// A generation row's P x V once its kept values arrived.
void SpattenCore::finish_pv(Row& r, EngineStep& step) {
  decode_values(r);
  pv_queries(r, {PvQuery{0, r.probs.data(), &r.kept}});
  write_rows(r, step);
}

// Traffic of a finished row (or head) at each pruning effect, and the unpruned work.
void SpattenCore::count_row(const Row& r, std::uint64_t unpruned_queries) {
  const double d = job_.head_dim, dv = job_.value_dim, ctx = static_cast<double>(context_);
  const double nk = static_cast<double>(r.keys.size()), nv = static_cast<double>(r.values.size());
  counters_.k_rows_all += ctx;
  counters_.v_rows_all += ctx;
  counters_.k_rows_fetched += nk;
  counters_.v_rows_fetched += nv;
  counters_.kv_bytes_all += ctx * (d + dv) * 4;
  counters_.kv_bytes_token += nk * (d + dv) * 4;
  counters_.kv_bytes_head += nk * (d + dv) * 4;
  counters_.kv_bytes_value += nk * d * 4 + nv * dv * 4;
  const double kb = job_.mode == SpattenMode::Trace ? r.key_bits : (job_.quantised ? job_.key_msb : 32);
  const double vb = job_.mode == SpattenMode::Trace ? r.value_bits : (job_.quantised ? job_.value_bits : 32);
  const double lb = job_.mode == SpattenMode::Trace ? r.lsb_bits : job_.key_lsb;
  counters_.kv_bytes_actual += std::ceil(d * kb / 8) * nk + std::ceil(dv * vb / 8) * nv;
  if (r.any_requant) counters_.kv_bytes_actual += std::ceil(d * lb / 8) * nk;
  counters_.macs_unpruned += static_cast<double>(unpruned_queries) * ctx * (d + dv);
  touch_sram(srams_[0], r.keys.size() * (r.any_requant ? 2 : 1), true);
  touch_sram(srams_[1], r.values.size(), true);
}

// ---------------------------------------------------------------- reads arrived

void SpattenCore::reads_done(EngineStep& step) {
  if (stage_ == Stage::Block) {
    setup();
    stage_ = Stage::Setup;
    return;
  }
  if (stage_ == Stage::Setup && model()) {
    model_setup_done();
    return;
  }
  if (stage_ == Stage::State) {
    model_state_done();
    return;
  }
  if (stage_ == Stage::Append) {
    model_append_done(step);
    job_cycles_ += step.compute_cycles;
    busy_cycles_ += step.compute_cycles;
    return;
  }
  if (stage_ == Stage::Setup) {
    if (job_.mode == SpattenMode::Trace) {
      trace_.resize(job_.trace_rows);
      for (std::size_t i = 0; i < trace_.size(); ++i) {
        trace_[i] = TraceCommand::deserialise(&trace_raw_[i * TraceCommand::kBytes]);
      }
      if (trace_.empty()) throw std::runtime_error("SpAtten replay: empty trace");
    }
    begin_step();
    stage_ = Stage::Run;
    return;
  }
  if (step.phase == "row") {
    row_done(step);
  } else if (step.phase == "requant") {
    requant_done(step);
  } else if (step.phase == "head") {
    head_done(step);
  } else if (step.phase == "layer_topk") {
    layer_done(step);
  }
  job_cycles_ += step.compute_cycles;
  busy_cycles_ += step.compute_cycles;
}

// End of a layer: the previous row's P x V, then the token and head top-k engines; the layer's
// surviving sets to the decision log; on to the next layer, step, or the drain.
void SpattenCore::layer_done(EngineStep& step) {
  std::uint64_t cycles = 0;
  if (prev_) {
    if (job_.mode != SpattenMode::Trace) finish_pv(*prev_, step);
    cycles = prev_->cyc.pv;
    retired_ = std::move(prev_);
  }
  const std::uint32_t total_heads = job_.heads;
  // Heads the cascade removed still count in the unpruned baseline.
  const double missing = static_cast<double>(total_heads - heads_.size());
  const double ctx = static_cast<double>(context_), d = job_.head_dim, dv = job_.value_dim;
  const double nk = job_.mode == SpattenMode::Trace ? trace_[trace_pos_ - 1].keys : tokens_.size();
  counters_.k_rows_all += missing * ctx;
  counters_.v_rows_all += missing * ctx;
  counters_.kv_bytes_all += missing * ctx * (d + dv) * 4;
  counters_.kv_bytes_token += missing * nk * (d + dv) * 4;
  counters_.macs_unpruned += missing * (summarising() ? ctx : 1.0) * ctx * (d + dv);

  if (job_.mode == SpattenMode::Trace) {
    // The trace's own decisions: a flagged top-k, or a smaller key count in the next layer.
    const TraceCommand& last = trace_[trace_pos_ - 1];
    const bool more = trace_pos_ < trace_.size() && trace_[trace_pos_].iteration == last.iteration;
    std::uint32_t k = last.keys;
    if (last.topk)
      k = last.topk_k;
    else if (more && trace_[trace_pos_].keys < last.keys)
      k = trace_[trace_pos_].keys;
    if (k < last.keys) {
      scratch_.resize(last.keys);
      for (std::uint32_t j = 0; j < last.keys; ++j) scratch_[j] = -static_cast<double>(j);
      TopkResult res;
      topk_tokens_->select_into(scratch_.data(), last.keys, k, res);
      cycles += res.cycles;
      ++counters_.token_topk_runs;
    }
    if (!more) {
      ++step_;
      if (trace_pos_ == trace_.size()) {
        stage_ = Stage::Drain;
      } else {
        begin_step();
      }
    } else {
      ++layer_;
      heads_.clear();
      head_pos_ = 0;
      const TraceCommand& c = trace_[trace_pos_];
      for (std::size_t i = trace_pos_;
           i < trace_.size() && trace_[i].iteration == c.iteration && trace_[i].layer == c.layer; ++i) {
        heads_.push_back(trace_[i].head);
      }
    }
    step.compute_cycles = cycles;
    return;
  }

  // The decision log entry of (step, layer): the sets this layer ran on.
  if (job_.log_addr) {
    const std::uint64_t mw = job_.log_mask_words();
    log_buf_.assign(8 + 8 * mw + 4 * tokens_.size(), 0);
    const std::uint32_t nt = static_cast<std::uint32_t>(tokens_.size());
    const std::uint32_t nh = static_cast<std::uint32_t>(heads_.size());
    std::memcpy(&log_buf_[0], &nt, 4);
    std::memcpy(&log_buf_[4], &nh, 4);
    for (std::uint32_t h : heads_) log_buf_[8 + h / 8] |= static_cast<std::uint8_t>(1u << (h % 8));
    std::memcpy(&log_buf_[8 + 8 * mw], tokens_.data(), 4 * tokens_.size());
    const std::uint64_t entry = (step_ * job_.layers + layer_) * job_.log_entry_bytes();
    step.writes.push_back({job_.log_addr + entry, log_buf_.size(), nullptr, log_buf_.data()});
  }
  // Token top-k on cumulative importance (the generated token itself always survives).
  const std::uint32_t keep_t =
      std::min<std::uint32_t>(static_cast<std::uint32_t>(tokens_.size()),
                              token_sched_.keep(sched_layer(), static_cast<std::uint32_t>(context_)));
  if (keep_t < tokens_.size()) {
    scratch_.resize(tokens_.size());
    for (std::size_t i = 0; i < tokens_.size(); ++i) scratch_[i] = token_importance_[tokens_[i]];
    // The generated token always survives (a model's decode step: the newest, last in the list).
    if (job_.mode == SpattenMode::Generate || (model() && !summarising()))
      scratch_.back() = std::numeric_limits<double>::infinity();
    TopkResult res;
    topk_tokens_->select_into(scratch_.data(), tokens_.size(), keep_t, res);
    std::vector<std::uint32_t> kept;
    for (std::uint32_t i : res.kept) kept.push_back(tokens_[i]);
    counters_.tokens_pruned += tokens_.size() - kept.size();
    tokens_ = std::move(kept);
    cycles += res.cycles;
    ++counters_.token_topk_runs;
  }
  const std::uint32_t keep_h = std::min<std::uint32_t>(static_cast<std::uint32_t>(heads_.size()),
                                                       head_sched_.keep(sched_layer(), total_heads));
  if (keep_h < heads_.size()) {
    scratch_.resize(heads_.size());
    for (std::size_t i = 0; i < heads_.size(); ++i) scratch_[i] = head_importance_[heads_[i]];
    TopkResult res;
    topk_tokens_->select_into(scratch_.data(), heads_.size(), keep_h, res);
    std::vector<std::uint32_t> kept;
    for (std::uint32_t i : res.kept) kept.push_back(heads_[i]);
    counters_.heads_pruned += heads_.size() - kept.size();
    heads_ = std::move(kept);
    cycles += res.cycles;
  }
  head_pos_ = 0;
  step.compute_cycles = cycles;
  if (model()) {  // one layer per job: the state back to memory, then the drain
    model_layer_done(step);
    return;
  }
  if (++layer_ == job_.layers) {
    if (++step_ == job_.steps()) {
      stage_ = Stage::Drain;
    } else {
      begin_step();
    }
  }
  step.compute_cycles = cycles;
}

}  // namespace savp::spatten
