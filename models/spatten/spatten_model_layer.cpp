// SpattenCore's model-layer mode (spatten_core.hpp): one layer of a model for one sequence in one
// pass. Steps: the cascade state (header, then the surviving tokens and their importance) and the
// kv heads' scales; the append of the pass's new K/V rows to the cache in the progressive-quantisation
// format; the heads (spatten_core.cpp); at the layer's end the state back and zero rows for what the
// cascade had pruned before this layer.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <stdexcept>

#include "models/common/number_format.hpp"
#include "models/spatten/progressive_quant.hpp"
#include "models/spatten/spatten_core.hpp"

namespace savp::spatten {

using common::EngineStep;

void SpattenCore::model_setup_step(EngineStep& step) {
  step.phase = "state_fetch";
  if (job_.first_query > 0) {  // a decode step: the scales the prefill (or the host's cache load) fixed
    scales_raw_.assign(16 * std::uint64_t{kv_heads()}, 0);
    step.reads.push_back({job_.scales_addr, scales_raw_.size(), operand(scales_raw_), nullptr});
  }
  if (!job_.fresh) {  // control data: read with its bytes even in a timing-only job
    state_raw_.resize(SpattenModelState::header_bytes(job_.heads));
    step.reads.push_back({job_.state_addr, state_raw_.size(), state_raw_.data(), nullptr});
  }
}

void SpattenCore::model_setup_done() {
  if (job_.fresh) {  // the sequence's first layer: every token and head, no importance yet
    state_.tokens.resize(job_.seq_len);
    std::iota(state_.tokens.begin(), state_.tokens.end(), 0u);
    state_.token_importance.assign(job_.seq_len, 0.0);
    state_.heads.resize(job_.heads);
    std::iota(state_.heads.begin(), state_.heads.end(), 0u);
    state_.head_importance.assign(job_.heads, 0.0);
    stage_ = Stage::Append;
    return;
  }
  state_tokens_ = state_.deserialise_header(state_raw_.data(), job_.heads, job_.state_tokens);
  stage_ = Stage::State;
}

void SpattenCore::model_state_step(EngineStep& step) {
  step.phase = "state_fetch";
  state_tok_raw_.resize(4 * std::uint64_t{state_tokens_});
  state_imp_raw_.resize(8 * std::uint64_t{state_tokens_});
  if (state_tokens_ == 0) return;
  step.reads.push_back({job_.state_addr + SpattenModelState::tokens_offset(job_.heads), state_tok_raw_.size(),
                        state_tok_raw_.data(), nullptr});
  step.reads.push_back({job_.state_addr + SpattenModelState::importance_offset(job_.heads, job_.state_tokens),
                        state_imp_raw_.size(), state_imp_raw_.data(), nullptr});
}

void SpattenCore::model_state_done() {
  state_.deserialise_tokens(state_tok_raw_.data(), state_imp_raw_.data(), state_tokens_);
  if (job_.model_layer == 0) {  // a new decode step: its tokens join the surviving ones
    for (std::uint64_t p = job_.first_query; p < job_.seq_len; ++p) {
      state_.tokens.push_back(static_cast<std::uint32_t>(p));
      state_.token_importance.push_back(0.0);
    }
  }
  stage_ = Stage::Append;
}

// The pass's new K and V rows (fp16, every kv head of a token in one row), as the projections wrote
// them.
void SpattenCore::model_append_step(EngineStep& step) {
  step.phase = "append";
  const std::uint64_t bytes = (job_.seq_len - job_.first_query) * job_.new_row_stride;
  const std::uint64_t base[2] = {job_.knew_base, job_.vnew_base};
  for (int kv = 0; kv < 2; ++kv) {
    if (!timing_only()) new_raw_[kv].resize(bytes);
    step.reads.push_back({base[kv], bytes, operand(new_raw_[kv]), nullptr});
  }
}

// Quantise the new rows of every kv head into the cache (a prefill fixes each head's K and V scale
// from its prompt rows and writes them; a decode step uses them, saturating outliers), then start
// the heads on the state's surviving sets.
void SpattenCore::model_append_done(EngineStep& step) {
  const std::uint64_t n = job_.seq_len - job_.first_query, d = job_.head_dim, dv = job_.value_dim;
  const std::uint32_t G = kv_heads();
  const bool prefill = job_.first_query == 0;
  if (prefill) scales_raw_.assign(16 * std::uint64_t{G}, 0);
  out_bufs_.clear();
  auto write = [&](std::uint64_t addr, std::vector<std::uint8_t> bytes) {
    const std::uint64_t size = bytes.size();
    out_bufs_.push_back(std::move(bytes));
    step.writes.push_back({addr, size, nullptr, timing_only() ? nullptr : out_bufs_.back().data()});
  };
  const BitSplit ksplit{static_cast<int>(job_.key_msb), static_cast<int>(job_.key_lsb)};
  const BitSplit vsplit{static_cast<int>(job_.value_bits), 0};
  std::vector<double> rows;
  for (std::uint32_t g = 0; g < G; ++g) {
    for (int kv = 0; kv < 2; ++kv) {
      const std::uint64_t dim = kv ? dv : d;
      const BitSplit& split = kv ? vsplit : ksplit;
      double scale = 1;
      QuantisedTensor t;
      if (!timing_only()) {
        rows.resize(n * dim);
        for (std::uint64_t i = 0; i < n; ++i)
          common::unpack(&new_raw_[kv][i * job_.new_row_stride + g * dim * 2], dim, common::ElemFormat::FP16,
                         common::QuantParams{}, &rows[i * dim]);
        if (job_.quantised) {
          if (prefill) {
            scale = common::symmetric_params(rows.data(), rows.size(), split.total()).scale;
            std::memcpy(&scales_raw_[16 * g + 8 * kv], &scale, 8);
          } else {
            std::memcpy(&scale, &scales_raw_[16 * g + 8 * kv], 8);
          }
          t = quantise_split_scaled(rows.data(), n, dim, split, scale);
        } else {
          t.msb = common::pack(rows, common::ElemFormat::FP32);
        }
      }
      const std::uint64_t row = kv ? job_.v_row_bytes() : job_.k_msb_row_bytes();
      t.msb.resize(n * row);
      const std::uint64_t base =
          kv ? job_.v_base + g * job_.v_stride : job_.k_msb_base + g * job_.k_msb_stride;
      write(base + job_.first_query * row, std::move(t.msb));
      if (!kv && job_.k_lsb_row_bytes() > 0) {
        t.lsb.resize(n * job_.k_lsb_row_bytes());
        write(job_.k_lsb_base + g * job_.k_lsb_stride + job_.first_query * job_.k_lsb_row_bytes(),
              std::move(t.lsb));
      }
    }
  }
  if (prefill && job_.quantised) write(job_.scales_addr, scales_raw_);
  counters_.appended_values += n * G * (d + dv);
  // The converter's own rate is not published: one element per Q x K multiplier lane per cycle.
  step.compute_cycles = (n * G * (d + dv) + cfg_.qk_multipliers - 1) / cfg_.qk_multipliers;

  token_importance_.assign(job_.seq_len, 0.0);
  for (std::size_t i = 0; i < state_.tokens.size(); ++i)
    token_importance_[state_.tokens[i]] = state_.token_importance[i];
  head_importance_ = state_.head_importance;
  head_importance_.resize(job_.heads, 0.0);
  tokens_ = state_.tokens;
  heads_ = state_.heads;
  start_tokens_ = tokens_;
  start_heads_ = heads_;
  context_ = job_.seq_len;
  layer_ = 0;
  head_pos_ = 0;
  step_ = 0;
  barrier_ = true;
  fence_ = true;
  stage_ = Stage::Run;
}

// The end of the layer (after the top-k): the state for the next layer or step, and zero output
// rows for the heads and queries the cascade had pruned before this layer (the next op reads every
// head's rows).
void SpattenCore::model_layer_done(EngineStep& step) {
  state_.tokens = tokens_;
  state_.token_importance.resize(tokens_.size());
  for (std::size_t i = 0; i < tokens_.size(); ++i) state_.token_importance[i] = token_importance_[tokens_[i]];
  state_.heads = heads_;
  state_.head_importance = head_importance_;
  out_bufs_.clear();
  out_bufs_.reserve(4);
  auto write = [&](std::uint64_t addr, std::vector<std::uint8_t> bytes, bool control) {
    const std::uint64_t size = bytes.size();
    out_bufs_.push_back(std::move(bytes));
    step.writes.push_back(
        {addr, size, nullptr, control || !timing_only() ? out_bufs_.back().data() : nullptr});
  };
  write(job_.state_addr, state_.serialise_header(job_.heads), true);
  write(job_.state_addr + SpattenModelState::tokens_offset(job_.heads), state_.serialise_tokens(), true);
  write(job_.state_addr + SpattenModelState::importance_offset(job_.heads, job_.state_tokens),
        state_.serialise_importance(), true);
  const std::uint64_t n = job_.seq_len - job_.first_query, ob = job_.out_row_bytes();
  out_bufs_.emplace_back(timing_only() ? 0 : n * ob, 0);
  const std::uint8_t* zeros = timing_only() ? nullptr : out_bufs_.back().data();
  for (std::uint32_t h = 0; h < job_.heads; ++h) {
    const std::uint64_t base = job_.out_base + job_.head_index(0, h) * job_.out_stride;
    if (!std::binary_search(start_heads_.begin(), start_heads_.end(), h)) {
      step.writes.push_back({base, n * ob, nullptr, zeros});
      continue;
    }
    for (std::uint64_t p = job_.first_query; p < job_.seq_len;) {  // runs of pruned queries
      if (std::binary_search(start_tokens_.begin(), start_tokens_.end(), static_cast<std::uint32_t>(p))) {
        ++p;
        continue;
      }
      std::uint64_t e = p + 1;
      while (e < job_.seq_len &&
             !std::binary_search(start_tokens_.begin(), start_tokens_.end(), static_cast<std::uint32_t>(e)))
        ++e;
      step.writes.push_back({base + job_.query_row(p) * ob, (e - p) * ob, nullptr, zeros});
      p = e;
    }
  }
  stage_ = Stage::Drain;
}

}  // namespace savp::spatten
