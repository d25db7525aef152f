// ChelaCore's model form (chela_core.hpp, chela_model.hpp): one layer of a model's linear attention
// for the query heads sharing one K/V head, in one pass (a prefill or a decode step). Steps: the job
// block; the state from memory (a decode step: the d x (d_v + 1) fp32 state the earlier passes
// left); not causal: a state pass over the K/V chunks; the chunks, each reading its K and V rows
// once (rows of the projections' output, strided: every K/V head of a token in one row) and every
// head's Q, computing the heads' outputs and then one state update; the state written back.
#include <algorithm>
#include <cstring>

#include "models/chela/chela_core.hpp"
#include "models/chela/chela_timing.hpp"
#include "models/common/int_math.hpp"

namespace savp::chela {

using common::EngineStep;

void ChelaCore::read_rows(std::uint64_t base, std::uint64_t stride, std::uint64_t n, std::uint64_t row_bytes,
                          std::vector<std::uint8_t>& buf, EngineStep& step) {
  if (!job_.timing_only) buf.resize(n * row_bytes);  // a timing-only job's reads carry no data
  counters_.wr[Stream] += n * row_bytes;
  if (stride == row_bytes) {
    step.reads.push_back({base, n * row_bytes, job_.timing_only ? nullptr : buf.data(), nullptr});
    return;
  }
  for (std::uint64_t r = 0; r < n; ++r)
    step.reads.push_back(
        {base + r * stride, row_bytes, job_.timing_only ? nullptr : buf.data() + r * row_bytes, nullptr});
}

void ChelaCore::read_kv_rows(std::uint64_t t0, std::uint64_t n, EngineStep& step) {
  const std::uint64_t stride = mblock_.kv_row_stride;
  read_rows(mblock_.k_base + t0 * stride, stride, n, d_ * e_, k_raw_, step);
  read_rows(mblock_.v_base + t0 * stride, stride, n, dv_ * e_, v_raw_, step);
}

void ChelaCore::model_next(EngineStep& step) {
  const std::uint64_t B = cfg_.chunk, t0 = chunk_ * B;
  const std::uint64_t dw = dv_ + (cfg_.normalise ? 1 : 0), state = d_ * dw * 4;
  const bool elu = cfg_.feature_map == FeatureMap::Elu1;
  const std::uint64_t H = mblock_.heads;
  switch (stage_) {
    case Stage::ModelSetup:  // control data: read with its bytes even in a timing-only job
      step.phase = "setup";
      blk_raw_.resize(ChelaModelBlock::kBytes);
      step.reads.push_back({job_.addr_a, ChelaModelBlock::kBytes, blk_raw_.data(), nullptr});
      break;
    case Stage::StateLoad:
      step.phase = "state_load";
      if (!job_.timing_only) st_raw_.resize(state);
      step.reads.push_back({mblock_.state_addr, state, job_.timing_only ? nullptr : st_raw_.data(), nullptr});
      counters_.wr[State] += state;
      job_state_read_ += state;
      break;
    case Stage::ModelState:
      read_kv_rows(t0, n_of(chunk_), step);
      state_chunk_step(n_of(chunk_), step);
      break;
    case Stage::ModelChunk: {
      const std::uint64_t n = n_of(chunk_);
      step.phase = "chunk";
      step.prefetch = true;
      step.prefetch_depth = cfg_.stream_tokens / B - 1;
      if (!job_.timing_only) q_raw_.resize(H * n * d_ * e_);
      for (std::uint64_t h = 0; h < H; ++h) {
        step.reads.push_back({mblock_.q_base + h * mblock_.q_head_stride + t0 * d_ * e_, n * d_ * e_,
                              job_.timing_only ? nullptr : q_raw_.data() + h * n * d_ * e_, nullptr});
      }
      counters_.wr[Stream] += H * n * d_ * e_;
      if (causal_) read_kv_rows(t0, n, step);
      // Operand uses from the stream buffer: each head's Q in phi(Q)S (and its scores); K in every
      // head's scores and the update; V in every head's P V' and the update.
      counters_.rd[Stream] +=
          H * n * d_ * e_ * (causal_ ? 2 : 1) + (causal_ ? (H + 1) * n * (d_ + dv_) * e_ : 0);
      step.compute_cycles = group_chunk_cycles(cfg_, n, d_, dv_, H, causal_);
      for (std::uint64_t h = 0; h < H; ++h) {
        count_gemm(n, dw, d_);
        counters_.rd[State] += state;
        counters_.rd[Work] += n * dw * 4;
        counters_.wr[Work] += n * dw * 4;
        if (causal_) {
          count_gemm(n, n, d_);
          count_gemm(n, dw, n);
          counters_.compare += n * n;  // the causal mask
          counters_.rd[Work] += n * n * 4 + n * dw * 4;
          counters_.wr[Work] += n * n * 4 + n * dw * 4;
        }
      }
      if (causal_) {  // one state update for the group
        count_gemm(d_, dw, n);
        counters_.rd[State] += state;
        counters_.wr[State] += state;
      }
      const std::uint64_t fmap = n * d_ * (H + (causal_ ? 1 : 0));
      if (elu) count_vector(fmap, fmap, 0, 0);
      if (cfg_.normalise) count_vector(0, 0, H * n * dv_, H * n);
      break;
    }
    case Stage::StateStore:
      step.phase = "state_store";  // the write follows in reads_done
      break;
    default:
      break;
  }
}

void ChelaCore::model_reads_done(EngineStep& step) {
  const std::uint64_t dw = dv_ + (cfg_.normalise ? 1 : 0), state = d_ * dw * 4;
  auto after_state = [&] { return causal_ ? Stage::ModelChunk : Stage::ModelState; };
  switch (stage_) {
    case Stage::ModelSetup: {
      mblock_ = ChelaModelBlock::deserialise(blk_raw_.data());
      causal_ = mblock_.causal != 0;
      // The stream buffer holds every head's Q beside the K/V rows.
      const double stream = static_cast<double>(cfg_.stream_tokens * ((mblock_.heads + 1) * d_ + dv_) * e_);
      stream_bytes_ = std::max<std::uint64_t>(stream_bytes_, static_cast<std::uint64_t>(stream));
      rd_pj_[Stream] = energy_.sram_pj_per_64b(stream, false);
      wr_pj_[Stream] = energy_.sram_pj_per_64b(stream, true);
      stage_ = mblock_.load_state ? Stage::StateLoad : after_state();
      break;
    }
    case Stage::StateLoad:
      if (!job_.timing_only) {
        std::vector<float> s(d_ * dw);
        std::memcpy(s.data(), st_raw_.data(), state);  // fp32, little-endian host
        attn_->set_state(std::move(s));
      }
      stage_ = after_state();
      break;
    case Stage::ModelState:
      if (absorb_chunk()) stage_ = Stage::ModelChunk;
      break;
    case Stage::ModelChunk: {
      const std::uint64_t n = n_of(chunk_), t0 = chunk_ * cfg_.chunk, H = mblock_.heads;
      if (!job_.timing_only) {
        if (causal_) {
          decode(k_raw_, n * d_, k_);
          decode(v_raw_, n * dv_, v_);
        }
        std::vector<std::uint8_t> qh;
        for (std::uint64_t h = 0; h < H; ++h) {
          qh.assign(q_raw_.begin() + static_cast<std::ptrdiff_t>(h * n * d_ * e_),
                    q_raw_.begin() + static_cast<std::ptrdiff_t>((h + 1) * n * d_ * e_));
          decode(qh, n * d_, q_);
          a_.resize(n * dv_);
          attn_->output_chunk(q_.data(), k_.data(), v_.data(), n, causal_, a_.data(), false);
          put_output(a_, n, mblock_.out_base + h * mblock_.out_head_stride + t0 * dv_ * 4, step);
        }
        if (causal_) attn_->update_state(k_.data(), v_.data(), n);
      } else {
        for (std::uint64_t h = 0; h < H; ++h)
          step.writes.push_back(
              {mblock_.out_base + h * mblock_.out_head_stride + t0 * dv_ * 4, n * dv_ * 4, nullptr, nullptr});
      }
      if (++chunk_ == nchunks_) stage_ = Stage::StateStore;
      break;
    }
    case Stage::StateStore: {
      const std::uint8_t* data = nullptr;
      if (!job_.timing_only) {
        out_bufs_.emplace_back(state);
        std::memcpy(out_bufs_.back().data(), attn_->state().data(), state);
        data = out_bufs_.back().data();
      }
      step.writes.push_back({mblock_.state_addr, state, nullptr, data});
      counters_.rd[State] += state;
      job_state_written_ += state;
      stage_ = Stage::Done;
      break;
    }
    default:
      break;
  }
}

}  // namespace savp::chela
