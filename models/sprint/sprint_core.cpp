#include "models/sprint/sprint_core.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "models/common/int_math.hpp"
#include "models/common/number_format.hpp"
#include "models/common/softmax.hpp"
#include "models/spatten/progressive_quant.hpp"

namespace savp::sprint {

using common::ceil_div;
using common::EngineStep;
using common::PimCommand;

SprintCore::SprintCore(const SprintConfig& cfg, const common::EnergyTable& energy) : cfg_(cfg) {
  pj_mac_ = energy.mac_pj("int", cfg.key_bits(), 24);
  pj_add_ = energy.int_add_pj(24);
  pj_exp_ = energy.pj("fp32_exp");
  pj_recip_ = energy.pj("fp32_recip");
  hw_mac_ = energy.mac_hw("int", cfg.key_bits(), 24);
  hw_softmax_lane_ = energy.hardware("fp32_exp") + energy.int_add_hw(24) + energy.hardware("fp32_recip");
  memory::SramSpec s;
  s.name = "kv_buffer";
  s.capacity_bytes = std::uint64_t{cfg.budget_kib} * 1024;
  s.word_bytes = 8;
  s.clock_mhz = cfg.clock_mhz;
  srams_.emplace_back(s, energy);
}

SprintCore::~SprintCore() = default;

SprintCore::JobCheck SprintCore::check_job(const SprintConfig& cfg, std::uint64_t seq_len,
                                           std::uint64_t head_dim, std::uint64_t value_dim) {
  const std::string why = cfg.pim.check_head_dim(head_dim);
  if (cfg.in_memory_pruning && !why.empty()) return {"pim/crossbar_rows", why};
  const std::uint64_t kb = (head_dim * cfg.key_bits() + 7) / 8, vb = (value_dim * cfg.value_bits + 7) / 8;
  const SlotsResult slots = slots_from_budget(std::uint64_t{cfg.budget_kib} * 1024, cfg.corelets, kb, vb);
  if (!slots.ok()) return {"budget_kib", slots.error};
  if (seq_len > (1u << 24)) return {"seq_len", "at most 16M tokens per head"};
  return {};
}

std::uint64_t SprintCore::diag_bytes(std::uint64_t seq_len, std::uint64_t value_dim) {
  return seq_len * ((seq_len + 7) / 8) + seq_len * value_dim * 4;
}

// K/V buffer accesses of `tokens` whole tokens (key and value at their widths), in macro-sized
// pieces: the SRAM model counts the 64-bit words for energy.
void SprintCore::touch_buffer(std::uint64_t tokens, bool write) {
  memory::SramModel& b = srams_[0];
  const std::uint64_t cap = b.spec().capacity_bytes;
  std::uint64_t bytes = tokens * cfg_.token_bytes(job_.depth, job_.value_dim);
  while (bytes > 0) {
    const std::uint64_t n = std::min(bytes, cap);
    b.access_immediate(0, static_cast<std::uint32_t>(n), write, busy_cycles_);
    bytes -= n;
  }
}

void SprintCore::start(const common::JobDescriptor& job) {
  total_.queries += c_.queries;
  total_.qk_macs += c_.qk_macs;
  total_.pv_macs += c_.pv_macs;
  total_.exps += c_.exps;
  total_.recips += c_.recips;
  c_ = Counters{};
  job_ = job;
  job_cycles_ = 0;
  reram_write_bytes_ = 0;
  model_ = job.kind == common::JobKind::PrunedModel;
  if (model_) {
    desc_ = job;
    stage_ = Stage::MBlock;
    return;
  }
  const std::uint64_t L = job.rows;
  keys_ = L;
  q0_ = 0;
  valid_ = job.cols == 0 ? L : std::min<std::uint64_t>(job.cols, L);
  last_ = cfg_.padding_removal ? valid_ : L;
  c_.padded_queries_skipped = L - last_;
  begin_head();
}

void SprintCore::begin_head() {
  const std::uint64_t d = job_.depth, dv = job_.value_dim, L = keys_;
  t_ = 0;
  stage_ = Stage::FirstQ;
  k_row_bytes_ = d;  // baseline: full K codes, one byte each
  lsb_row_bytes_ = spatten::packed_row_bytes(cfg_.key_lsb_bits, d);
  k_full_.assign(L * d, 0.0);
  k_msb_.assign(L * d, 0.0);
  v_.assign(L * dv, 0.0);
  known_.assign(L, 0);
  sld_.begin_head();
  const std::uint64_t kb = (d * cfg_.key_bits() + 7) / 8, vb = (dv * cfg_.value_bits + 7) / 8;
  const SlotsResult slots = slots_from_budget(std::uint64_t{cfg_.budget_kib} * 1024, cfg_.corelets, kb, vb);
  if (!slots.ok()) throw std::runtime_error("SPRINT: " + slots.error);
  buffers_ = std::make_unique<InterleavedKvBuffers>(cfg_.corelets, slots.slots);
}

// Keys query t may attend: causal or all, without the padding when it is removed.
std::uint64_t SprintCore::keys_visible() const {
  const std::uint64_t v = job_.causal ? q0_ + t_ + 1 : keys_;
  return cfg_.padding_removal ? std::min(v, valid_) : v;
}

// The query's codes for the DAC-driven wordlines (dac_bits, the host's per-head scale).
void SprintCore::quantise_query() {
  const std::uint64_t d = job_.depth;
  q_.resize(d);
  common::unpack(q_raw_.data(), d, common::ElemFormat::FP16, common::QuantParams{}, q_.data());
  if (model_) {  // the query's own DAC scale: its codes span its largest |q|
    double qmax = 0;
    for (double x : q_) qmax = std::max(qmax, std::fabs(x));
    job_.scale_a = qmax > 0 ? qmax / cfg_.pim.query_max() : 1.0;
  }
}

bool SprintCore::next(EngineStep& step) {
  step = EngineStep{};
  const std::uint64_t d = job_.depth, L = keys_;
  switch (stage_) {
    case Stage::FirstQ:
      step.phase = "q_fetch";
      step.fence = model_;  // the appended K/V (the array's codes too) are in memory first
      q_raw_.resize(d * 2);
      step.reads.push_back({job_.addr_a, d * 2, q_raw_.data(), nullptr});
      return true;
    case Stage::Prune: {
      step.phase = "prune";
      step.prefetch = true;  // the arrays score the next query while the CORELETs compute
      PimCommand copy;
      copy.kind = PimCommand::Kind::CopyQ;
      copy.array = job_.addr_globals;
      copy.keys = static_cast<std::uint32_t>(L);
      copy.dim = static_cast<std::uint32_t>(d);
      const double lo = cfg_.pim.query_min(), hi = cfg_.pim.query_max();
      for (double x : q_)
        copy.query.push_back(static_cast<std::int32_t>(std::clamp(std::round(x / job_.scale_a), lo, hi)));
      PimCommand thr = copy;
      thr.kind = PimCommand::Kind::Threshold;
      thr.query.clear();
      thr.threshold = model_ ? query_threshold() : job_.pim_threshold;
      PimCommand readp = thr;
      readp.kind = PimCommand::Kind::ReadP;
      pbits_.assign((L + 7) / 8, 0);
      readp.out = pbits_.data();
      step.pim = {copy, thr, readp};
      return true;
    }
    case Stage::Hits: {
      // Q x K on the kept keys already on chip, overlapped by the fetch's reads (next step).
      step.phase = "hits";
      const std::uint64_t per = ceil_div(early_, cfg_.corelets);
      step.compute_cycles = per * ceil_div(d, cfg_.qk_lanes);
      return true;
    }
    case Stage::Fetch:
      plan_fetch(step);
      return true;
    case Stage::Done:
      return false;
    default:
      return model_next(step);
  }
  return false;
}

// What crosses for query t: the MSBs (transposed read) and LSBs of the keys the buffers lack, their
// values, and the next query's Q row. Baseline: full K codes.
void SprintCore::plan_fetch(EngineStep& step) {
  const std::uint64_t d = job_.depth, dv = job_.value_dim, L = keys_;
  step.phase = "fetch";
  // Double-buffered K/V: the reads may start once the previous query's fetch step has started
  // computing (steps since then: this query's prune and hits steps, or just hits).
  step.prefetch = true;
  step.prefetch_depth = cfg_.in_memory_pruning ? 3 : 2;
  auto add_rows = [&](std::uint64_t base, std::uint64_t row, std::vector<std::uint8_t>& buf) {
    buf.resize(fetch_.size() * row);
    for (std::size_t i = 0; i < fetch_.size();) {
      std::size_t j = i + 1;
      while (j < fetch_.size() && fetch_[j] == fetch_[j - 1] + 1) ++j;
      step.reads.push_back({base + fetch_[i] * row, (j - i) * row, buf.data() + i * row, nullptr});
      i = j;
    }
  };
  if (cfg_.in_memory_pruning) {
    if (!fetch_.empty()) {
      PimCommand tr;
      tr.kind = PimCommand::Kind::TransposedRead;
      tr.array = job_.addr_globals;
      tr.keys = static_cast<std::uint32_t>(L);
      tr.dim = static_cast<std::uint32_t>(d);
      tr.columns = fetch_;
      msb_raw_.resize(fetch_.size() * d);
      tr.out = msb_raw_.data();
      step.pim.push_back(tr);
    }
    add_rows(job_.addr_b, lsb_row_bytes_, lsb_raw_);
  } else {
    add_rows(job_.addr_b, k_row_bytes_, lsb_raw_);
  }
  add_rows(job_.addr_c, dv, v_raw_);
  if (t_ + 1 < last_) {
    q_next_raw_.resize(d * 2);
    step.reads.push_back({job_.addr_a + (t_ + 1) * d * 2, d * 2, q_next_raw_.data(), nullptr});
  }
  c_.fetched += fetch_.size();
}

// The kept keys' residency decided: what to fetch, and how many kept keys the pointer can score
// before the fetched ones arrive.
void SprintCore::after_access(const BufferAccess& a) {
  fetch_ = a.fetched;
  c_.hits += a.hits.size();
  if (cfg_.pointer == "rotating" || fetch_.empty()) {
    early_ = a.hits.size();
  } else {
    early_ = static_cast<std::uint64_t>(std::lower_bound(a.hits.begin(), a.hits.end(), fetch_.front()) -
                                        a.hits.begin());
  }
  c_.keys_early += early_;
  stage_ = Stage::Hits;
}

// The next query: its pruning in memory, or (baseline) every visible key.
void SprintCore::next_query() {
  if (cfg_.in_memory_pruning) {
    stage_ = Stage::Prune;
    return;
  }
  const std::uint64_t L = keys_;
  kept_.clear();
  for (std::uint32_t j = 0; j < keys_visible(); ++j) kept_.push_back(j);
  c_.padded_keys_skipped += (job_.causal ? q0_ + t_ + 1 : L) - keys_visible();
  after_access(buffers_->access(kept_));
}

void SprintCore::reads_done(EngineStep& step) {
  const std::uint64_t L = keys_;
  if (stage_ >= Stage::MBlock) {
    model_reads_done(step);
    return;
  }
  if (step.phase == "q_fetch") {
    quantise_query();
    next_query();
    return;
  }
  if (step.phase == "prune") {
    if (model_ && timing_only()) model_keep(pbits_);
    const std::uint64_t vis = keys_visible();
    c_.padded_keys_skipped += (job_.causal ? q0_ + t_ + 1 : L) - vis;
    keep_.assign(L, 0);
    kept_.clear();
    for (std::uint32_t j = 0; j < vis; ++j) {
      keep_[j] = (pbits_[j / 8] >> (j % 8)) & 1;
      if (keep_[j]) kept_.push_back(j);
    }
    if (kept_.empty() && q0_ + t_ < vis) {  // the controller's fallback (sprint_core.hpp): its own key
      keep_[q0_ + t_] = 1;
      kept_.push_back(static_cast<std::uint32_t>(q0_ + t_));
      ++c_.own_key_fallbacks;
    }
    const LocalitySplit split = sld_.next(keep_);
    c_.sld_fetch += split.fetch.size();
    after_access(buffers_->access(split));
    return;
  }
  if (step.phase == "hits") {
    c_.compute_cycles += step.compute_cycles;
    job_cycles_ += step.compute_cycles;
    busy_cycles_ += step.compute_cycles;
    stage_ = Stage::Fetch;
    return;
  }
  compute(step);
  if (++t_ < last_) {
    q_raw_ = q_next_raw_;
    quantise_query();
    next_query();
  } else {
    stage_ = Stage::Done;
    if (model_) model_head_done();
  }
}

// Decode what crossed, then the CORELETs: exact scores on MSB|LSB keys, softmax over the kept
// keys, weighted sum of their values. The output row is written; the keep bits and the output
// without recompute go to the diagnostics region.
void SprintCore::compute(EngineStep& step) {
  const std::uint64_t d = job_.depth, dv = job_.value_dim, L = job_.rows;  // L: the diagnostics' rows
  const int lsb = cfg_.key_lsb_bits;
  std::vector<std::uint32_t> low(d);
  for (std::size_t i = 0; i < fetch_.size(); ++i) {
    const std::uint32_t j = fetch_[i];
    if (cfg_.in_memory_pruning) {
      if (lsb > 0) spatten::unpack_unsigned(&lsb_raw_[i * lsb_row_bytes_], d, lsb, low.data());
      for (std::uint64_t x = 0; x < d; ++x) {
        const std::int32_t m = static_cast<std::int8_t>(msb_raw_[i * d + x]);
        k_msb_[j * d + x] = static_cast<double>(m * (1 << lsb)) * job_.scale_b;
        k_full_[j * d + x] =
            static_cast<double>(m * (1 << lsb) + static_cast<std::int32_t>(low[x])) * job_.scale_b;
      }
    } else {
      for (std::uint64_t x = 0; x < d; ++x) {
        k_full_[j * d + x] = static_cast<std::int8_t>(lsb_raw_[i * d + x]) * job_.scale_b;
        k_msb_[j * d + x] = k_full_[j * d + x];
      }
    }
    for (std::uint64_t x = 0; x < dv; ++x)
      v_[j * dv + x] = static_cast<std::int8_t>(v_raw_[i * dv + x]) * job_.scale_c;
    known_[j] = 1;
  }
  touch_buffer(fetch_.size(), true);  // the crossing keys and values are written
  // Scores: exact (recompute) and from the in-memory codes (no recompute: q at dac_bits x K MSBs).
  const std::size_t n = kept_.size();
  std::vector<double> s(n), s_lp(n), q_dac(d);  // q_dac: the query as the DACs drive it, rescaled
  for (std::uint64_t x = 0; x < d; ++x)
    q_dac[x] = std::clamp(std::round(q_[x] / job_.scale_a), static_cast<double>(cfg_.pim.query_min()),
                          static_cast<double>(cfg_.pim.query_max())) *
               job_.scale_a;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t j = kept_[i];
    if (!known_[j]) throw std::runtime_error("SPRINT: kept key " + std::to_string(j) + " never crossed");
    double a = 0, b = 0;
    for (std::uint64_t x = 0; x < d; ++x) {
      a += q_[x] * k_full_[j * d + x];
      b += q_dac[x] * k_msb_[j * d + x];
    }
    s[i] = a * job_.softmax_scale;
    s_lp[i] = b * job_.softmax_scale;
    if (j >= valid_) {  // a padded key computed without padding removal: masked out
      s[i] = s_lp[i] = -std::numeric_limits<double>::infinity();
      ++c_.padded_keys_computed;
    }
  }
  std::vector<double> o;
  auto softmax_pv = [&](std::vector<double>& sc, std::vector<std::uint8_t>& out) {
    out.assign(dv * 4, 0);
    if (sc.empty()) return;
    const double sum = common::exp_shifted(sc.data(), sc.size());
    if (sum == 0.0) return;  // nothing but padding kept: a zero row
    o.assign(dv, 0.0);       // each o[y] sums over the kept keys in order
    for (std::size_t i = 0; i < n; ++i) {
      const double p = sc[i] / sum;
      const double* v = &v_[kept_[i] * dv];
      for (std::uint64_t y = 0; y < dv; ++y) o[y] += p * v[y];
    }
    for (std::uint64_t y = 0; y < dv; ++y) {
      const float f = static_cast<float>(o[y]);
      std::memcpy(&out[y * 4], &f, 4);
    }
  };
  softmax_pv(s, out_);
  softmax_pv(s_lp, diag_out_);
  step.writes.push_back({job_.addr_out + t_ * dv * 4, dv * 4, nullptr, out_.data()});
  if (!model_) {
    const std::uint64_t diag = job_.addr_out + L * dv * 4, row = (L + 7) / 8;
    pbits_.assign(row, 0);
    for (std::uint32_t j : kept_) pbits_[j / 8] |= static_cast<std::uint8_t>(1u << (j % 8));
    step.debug_writes.push_back({diag + t_ * row, row, nullptr, pbits_.data()});
    step.debug_writes.push_back({diag + L * row + t_ * dv * 4, dv * 4, nullptr, diag_out_.data()});
  }
  // Cycles: keys interleaved over the CORELETs; Q x K, then the softmax over the survivors, then
  // the weighted sum, per query (the next query's pruning and fetch overlap this compute).
  const std::uint64_t per = ceil_div(n, cfg_.corelets),
                      late = ceil_div(n - std::min<std::uint64_t>(early_, n), cfg_.corelets);
  const std::uint64_t cycles = late * ceil_div(d, cfg_.qk_lanes) + ceil_div(per, cfg_.softmax_lanes) +
                               cfg_.softmax_latency + per * ceil_div(dv, cfg_.v_lanes);
  step.compute_cycles = n ? cycles : 0;
  touch_buffer(n, false);  // every kept key and value is read by the CORELETs
  c_.queries += 1;
  c_.visible += keys_visible();
  c_.kept += n;
  c_.qk_macs += n * d;
  c_.pv_macs += n * dv;
  c_.exps += n;
  c_.recips += n ? 1 : 0;
  c_.compute_cycles += step.compute_cycles;
  job_cycles_ += step.compute_cycles;
  busy_cycles_ += step.compute_cycles;
}

common::EngineJobStats SprintCore::job_stats() const {
  common::EngineJobStats s;
  auto put = [&](const char* k, double v) { s.values.emplace_back(k, v); };
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  const double seq = static_cast<double>(keys_) * static_cast<double>(c_.queries);
  put("queries", static_cast<double>(c_.queries));
  put("keys_visible", static_cast<double>(c_.visible));
  put("keys_kept", static_cast<double>(c_.kept));
  put("keep_fraction", ratio(static_cast<double>(c_.kept), static_cast<double>(c_.visible)));
  put("keys_fetched", static_cast<double>(c_.fetched));
  put("sequence_positions", seq);
  put("new_fetch_fraction", ratio(static_cast<double>(c_.fetched), seq));
  put("sld_fetch_fraction", ratio(static_cast<double>(c_.sld_fetch), seq));
  put("buffer_hits", static_cast<double>(c_.hits));
  put("keys_kept_per_query", ratio(static_cast<double>(c_.kept), static_cast<double>(c_.queries)));
  put("ops", 2.0 * static_cast<double>(c_.qk_macs + c_.pv_macs));
  // Multipliers of every CORELET's QK and V units: the engine's peak is 2 x this per cycle.
  put("pe_count", static_cast<double>(cfg_.corelets * (cfg_.qk_lanes + cfg_.v_lanes)));
  put("keys_scored_while_fetching", static_cast<double>(c_.keys_early));
  put("queries_own_key_fallback", static_cast<double>(c_.own_key_fallbacks));
  put("padded_queries_skipped", static_cast<double>(c_.padded_queries_skipped));
  put("padded_keys_skipped", static_cast<double>(c_.padded_keys_skipped));
  put("padded_keys_computed", static_cast<double>(c_.padded_keys_computed));
  put("engine_cycles", static_cast<double>(job_cycles_));
  if (model_) {
    // The model report's view (model_report.cpp): the cache positions the layer holds, keys kept
    // per query, K/V bytes fetched (K MSBs by transposed read, LSBs and V codes from DRAM) against
    // every visible key's at fp32 and in the engine's own format, the ReRAM bytes written.
    const std::uint64_t d = mj_.head_dim;
    const double per_key = static_cast<double>(lsb_row_bytes_ + d + (d * cfg_.pim.msb_bits + 7) / 8);
    put("tokens_in", static_cast<double>(keys_));
    put("tokens_kept", ratio(static_cast<double>(c_.kept), static_cast<double>(c_.queries)));
    put("heads_kept", static_cast<double>(mj_.heads));
    put("kv_bytes_fetched", static_cast<double>(c_.fetched) * per_key);
    put("kv_bytes_unpruned", static_cast<double>(c_.visible) * per_key);
    put("kv_bytes_unpruned_fp32", static_cast<double>(c_.visible) * static_cast<double>(2 * d * 4));
    put("reram_write_bytes", static_cast<double>(reram_write_bytes_));
  }
  return s;
}

std::vector<std::pair<std::string, common::ActionLedger>> SprintCore::actions() const {
  Counters c = total_;
  c.qk_macs += c_.qk_macs;
  c.pv_macs += c_.pv_macs;
  c.exps += c_.exps;
  c.recips += c_.recips;
  std::vector<std::pair<std::string, common::ActionLedger>> out;
  out.push_back({"qk_units", {{"mac", {c.qk_macs, pj_mac_, "MAC"}}}});
  out.push_back({"softmax_units",
                 {{"exp", {c.exps, pj_exp_, "op"}},
                  {"accumulate", {c.exps, pj_add_, "op"}},
                  {"reciprocal", {c.recips, pj_recip_, "op"}}}});
  out.push_back({"v_units", {{"mac", {c.pv_macs, pj_mac_, "MAC"}}}});
  for (const auto& b : srams_) out.push_back({b.spec().name, b.actions()});
  return out;
}

std::vector<std::pair<std::string, common::HardwareCost>> SprintCore::hardware() const {
  // One MAC (key_bits operands, 24-bit accumulator) per Q x K and per V lane; per softmax lane an
  // exp, an accumulate adder and a reciprocal; the K/V buffer. The ReRAM arrays are the memory's.
  const common::HardwareCost mac = hw_mac_;
  std::vector<std::pair<std::string, common::HardwareCost>> out;
  out.push_back({"qk_units", mac * static_cast<double>(cfg_.qk_lanes)});
  out.push_back({"softmax_units", hw_softmax_lane_ * static_cast<double>(cfg_.softmax_lanes)});
  out.push_back({"v_units", mac * static_cast<double>(cfg_.v_lanes)});
  for (const auto& b : srams_) out.push_back({b.spec().name, b.hardware()});
  return out;
}

}  // namespace savp::sprint
