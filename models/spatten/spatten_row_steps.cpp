// SpattenCore's row steps: a generation or replay row, a summarisation head and the requant step,
// each charged as the stage pipeline overlaps them (spatten_timing.hpp): per row the slowest of
// Q x K, softmax, the value top-k's occupancy in its selection stream (topk_stream.hpp) and the
// previous row's P x V. Split from spatten_core.cpp, which sequences the job's steps.
#include <algorithm>
#include <utility>

#include "models/spatten/spatten_core.hpp"
#include "models/spatten/spatten_row.hpp"

namespace savp::spatten {

using common::EngineStep;

// The value top-k's occupancy for a selection over n candidates that the softmax streams in
// (softmax_cycles for the row).
std::uint64_t SpattenCore::topk_occupancy(const TopkResult& res, std::size_t n,
                                          std::uint64_t softmax_cycles) {
  return values_stream_.next(res, TopkStream::fill_cycles(n, cfg_.topk.parallelism, softmax_cycles));
}

// A row's interval, counted against the stage that set it.
std::uint64_t SpattenCore::charge(const RowCycles& c) {
  counters_.bound_cycles[static_cast<std::size_t>(c.bound())] += c.interval();
  return c.interval();
}

// Summarisation: the queries qs (indices into the head's queries, ascending) scored, pruned and
// multiplied by V, a block at a time. On the first pass (may_requant) a query whose MSB-only
// probabilities are too flat is marked for the requant step and left there. Returns the cycles:
// per query the slowest of Q x K, softmax, top-k (its occupancy in the selection stream) and (first
// pass) P x V, as they overlap.
std::uint64_t SpattenCore::run_queries(Row& r, const std::vector<std::uint32_t>& qs, bool may_requant) {
  constexpr std::size_t kBlock = 16;
  const std::size_t n = r.keys.size();
  std::uint64_t cycles = 0;
  std::vector<TopkResult> res(kBlock);
  std::vector<PvQuery> pv;
  for (std::size_t b0 = 0; b0 < qs.size(); b0 += kBlock) {
    const std::size_t m = std::min(kBlock, qs.size() - b0);
    score_queries(r, &qs[b0], m);
    pv.clear();
    for (std::size_t i = 0; i < m; ++i) {
      const std::uint32_t q = qs[b0 + i];
      const double* p = &r.probs[i * n];
      if (may_requant && needs_requant(r, p)) {
        r.requant[q] = 1;
        r.any_requant = true;
        ++counters_.requant_rows;
        cycles += charge(RowCycles{r.cyc.qk, r.cyc.softmax, 0, 0});
        continue;
      }
      prune_values(r, p, res[i]);
      const std::uint64_t pv_cycles =
          may_requant ? dot_cycles(res[i].kept.size(), job_.value_dim, cfg_.pv_multipliers) : 0;
      cycles +=
          charge(RowCycles{r.cyc.qk, r.cyc.softmax, topk_occupancy(res[i], n, r.cyc.softmax), pv_cycles});
      pv.push_back(PvQuery{q, p, &res[i].kept});
    }
    pv_queries(r, pv);
  }
  return cycles;
}

// Replay: the row's cycles from the trace's counts (no data).
void SpattenCore::replay_cycles(Row& r) {
  const std::uint64_t nk = r.keys.size(), nv = r.values.size();
  r.cyc.qk = dot_cycles(nk, job_.head_dim, cfg_.qk_multipliers);
  r.cyc.softmax = softmax_cycles(nk, cfg_.softmax);
  r.cyc.pv = dot_cycles(nv, job_.value_dim, cfg_.pv_multipliers);
  if (nv < nk) {
    scratch_.resize(nk);
    for (std::size_t j = 0; j < nk; ++j) scratch_[j] = -static_cast<double>(perm_rank_[r.keys[j]]);
    TopkResult res;
    topk_values_->select_into(scratch_.data(), nk, nv, res);
    r.cyc.topk = topk_occupancy(res, nk, r.cyc.softmax);
  }
  const std::uint64_t passes = r.any_requant ? 2 : 1;
  counters_.qk_macs += passes * nk * job_.head_dim;
  counters_.exps += passes * nk;
  counters_.recips += passes;
  counters_.pv_macs += nv * job_.value_dim;
  counters_.importance_adds += nk + job_.value_dim;
  touch_sram(srams_[0], passes * nk, false);
  touch_sram(srams_[1], nv, false);
}

// Generation / replay row: the previous row's P x V (its values arrived) and this row's
// Q x K, softmax and value top-k, overlapped.
void SpattenCore::row_done(EngineStep& step) {
  std::uint64_t pv = 0;
  if (prev_) {
    if (job_.mode != SpattenMode::Trace) finish_pv(*prev_, step);
    pv = prev_->cyc.pv;
    retired_ = std::move(prev_);  // its output rows stay alive until the shell has copied them
  }
  Row& r = *cur_;
  ++counters_.rows;
  ++counters_.heads_run;
  if (job_.mode == SpattenMode::Trace) {
    replay_cycles(r);
    if (r.any_requant) {
      ++counters_.requant_rows;
      ++counters_.heads_requant;
    }
    count_row(r, 1);
    step.compute_cycles = charge(RowCycles{r.cyc.qk, r.cyc.softmax, r.any_requant ? 0 : r.cyc.topk, pv});
    return;
  }
  const std::size_t n = r.keys.size();
  const std::uint32_t first = 0;
  decode_keys(r, false);
  score_queries(r, &first, 1);
  r.any_requant = needs_requant(r, r.probs.data());
  r.cyc.qk = dot_cycles(n, job_.head_dim, cfg_.qk_multipliers);
  r.cyc.softmax = softmax_cycles(n, cfg_.softmax);
  if (!r.any_requant) {
    keep_row_values(r);
    count_row(r, 1);
  } else {
    ++counters_.requant_rows;
    ++counters_.heads_requant;
  }
  step.compute_cycles = charge(RowCycles{r.cyc.qk, r.cyc.softmax, r.cyc.topk, pv});
}

// A generation row's value top-k: the kept values are fetched with the next step.
void SpattenCore::keep_row_values(Row& r) {
  TopkResult res;
  prune_values(r, r.probs.data(), res);
  r.cyc.topk = topk_occupancy(res, r.keys.size(), r.cyc.softmax);
  r.kept = std::move(res.kept);
  for (std::uint32_t j : r.kept) r.values.push_back(r.keys[j]);
  r.cyc.pv = dot_cycles(r.values.size(), job_.value_dim, cfg_.pv_multipliers);
}

// The K LSBs arrived: recompute the requantised queries with full-precision keys.
void SpattenCore::requant_done(EngineStep& step) {
  Row& r = *cur_;
  r.lsb_done = true;
  if (job_.mode == SpattenMode::Trace) {
    step.compute_cycles = charge(RowCycles{r.cyc.qk, r.cyc.softmax, r.cyc.topk, 0});
    return;
  }
  decode_keys(r, true);
  std::uint64_t cycles = 0;
  if (!summarising()) {
    const std::uint32_t first = 0;
    score_queries(r, &first, 1);
    keep_row_values(r);
    cycles = charge(RowCycles{r.cyc.qk, r.cyc.softmax, r.cyc.topk, 0});
    count_row(r, 1);
  } else {
    std::vector<std::uint32_t> qs;
    for (std::uint32_t q = 0; q < r.queries.size(); ++q) {
      if (r.requant[q]) qs.push_back(q);
    }
    cycles = run_queries(r, qs, false);
    write_rows(r, step);
    count_row(r, context_);
  }
  step.compute_cycles = cycles;
}

// Summarisation head: every surviving query against the head's keys and values in the SRAMs; the
// queries whose flat rows need LSBs finish after the requant step.
void SpattenCore::head_done(EngineStep& step) {
  Row& r = *cur_;
  const std::size_t n = r.keys.size(), nq = r.queries.size();
  ++counters_.heads_run;
  counters_.rows += nq;
  r.requant.assign(nq, 0);
  r.any_requant = false;
  decode_keys(r, false);
  decode_values(r);
  r.cyc.qk = dot_cycles(n, job_.head_dim, cfg_.qk_multipliers);
  r.cyc.softmax = softmax_cycles(n, cfg_.softmax);
  std::vector<std::uint32_t> qs(nq);
  for (std::uint32_t q = 0; q < nq; ++q) qs[q] = q;
  step.compute_cycles = run_queries(r, qs, true);
  if (r.any_requant) {
    ++counters_.heads_requant;
  } else {
    r.lsb_done = true;
    write_rows(r, step);
    count_row(r, context_);
  }
}

}  // namespace savp::spatten
