#include "models/chela/chela_core.hpp"

#include <algorithm>
#include <cstring>

#include "models/chela/chela_timing.hpp"
#include "models/common/int_math.hpp"
#include "models/common/number_format.hpp"

namespace savp::chela {

using common::ceil_div;
using common::EngineStep;

namespace {

void put_f32(std::uint8_t* p, float f) { std::memcpy(p, &f, 4); }  // host is little-endian
float get_f32(const std::uint8_t* p) {
  float f;
  std::memcpy(&f, p, 4);
  return f;
}

}  // namespace

ChelaCore::ChelaCore(const ChelaConfig& cfg, const common::EnergyTable& energy) : cfg_(cfg), energy_(energy) {
  const bool fp32 = cfg.format == common::ElemFormat::FP32;
  mac_pj_ = energy.mac_pj(fp32 ? "fp32" : "fp16", fp32 ? 32 : 16, 32);
  // The stream buffer's capacity follows the head's width (stream_tokens x (2d + d_v)): priced in
  // start(); the others are sized in the configuration.
  const double caps[4] = {0.0, static_cast<double>(cfg.state_bytes), static_cast<double>(cfg.work_bytes),
                          static_cast<double>(cfg.conv_bytes)};
  for (int i = 1; i < 4; ++i) {
    rd_pj_[i] = energy.sram_pj_per_64b(caps[i], false);
    wr_pj_[i] = energy.sram_pj_per_64b(caps[i], true);
  }
  for (const char* a : {"exp", "add", "mult", "recip", "compare"})
    prices_[a] = {0, energy.pj(std::string("fp32_") + a), "op"};
}

ChelaCore::BufferNeed ChelaCore::buffer_need(const ChelaConfig& cfg, std::uint64_t L, std::uint64_t d,
                                             std::uint64_t dv) {
  const std::uint64_t e = common::elem_bytes(cfg.format), dw = dv + (cfg.normalise ? 1 : 0);
  const std::uint64_t B = std::min<std::uint64_t>(cfg.chunk, L);
  BufferNeed n;
  n.stream = cfg.stream_tokens * (2 * d + dv) * e;
  n.work = B * B * 4 + B * dw * 4;
  n.state = d * dw * 4;
  if (cfg.conv_enabled) {
    const std::uint64_t lk = cfg.long_taps(L);
    // The short kernel's dv x ks taps sit in the vector unit's coefficient registers.
    n.conv = cfg.conv_mode == LongConvMode::Direct ? (L * dv + dv * lk) * 4 : 16 * fft_size(L, lk);
  }
  return n;
}

common::JobCheck ChelaCore::check_job(const ChelaConfig& cfg, std::uint64_t L, std::uint64_t d,
                                      std::uint64_t dv) {
  auto kib = [](std::uint64_t b) { return std::to_string(ceil_div(b, 1024)) + " KiB"; };
  const BufferNeed n = buffer_need(cfg, L, d, dv);
  if (n.state > cfg.state_bytes) {
    return {"buffers/state_kib", "the d x (d_v + 1) state needs " + kib(n.state) +
                                     " at fp32, the state buffer has " + kib(cfg.state_bytes)};
  }
  if (n.work > cfg.work_bytes) {
    return {"buffers/work_kib",
            "a chunk of " + std::to_string(cfg.chunk) + " tokens needs " + kib(n.work) +
                " of work buffer (B x B scores + B x (d_v + 1) accumulators, fp32), the engine has " +
                kib(cfg.work_bytes)};
  }
  if (!cfg.conv_enabled) return {};
  if (cfg.short_kernel > L) {
    return {"conv/short_kernel", "a short kernel of " + std::to_string(cfg.short_kernel) +
                                     " taps is longer than the sequence (" + std::to_string(L) + " tokens)"};
  }
  const std::uint64_t lk = cfg.long_taps(L);
  if (cfg.conv_mode == LongConvMode::Direct && lk > L) {
    return {"conv/long_kernel",
            "a long kernel of " + std::to_string(lk) + " taps is longer than the sequence (" +
                std::to_string(L) +
                " tokens); the direct mode's Toeplitz blocks need it at most as long (use mode "
                "\"fft\" or a shorter kernel)"};
  }
  if (n.conv > cfg.conv_bytes) {
    return {"buffers/conv_kib",
            cfg.conv_mode == LongConvMode::Direct
                ? "the direct long convolution holds the U history and the kernels on chip: " + kib(n.conv) +
                      " for " + std::to_string(L) + " tokens, the convolution buffer has " +
                      kib(cfg.conv_bytes) + " (raise buffers.conv_kib or use conv.mode \"fft\")"
                : "one channel's FFT convolution (" + std::to_string(fft_size(L, lk)) +
                      " points, two complex fp32 "
                      "transforms) needs " +
                      kib(n.conv) + ", the convolution buffer has " + kib(cfg.conv_bytes) +
                      " (raise buffers.conv_kib)"};
  }
  return {};
}

std::uint64_t ChelaCore::n_of(std::uint64_t chunk) const {
  return std::min<std::uint64_t>(cfg_.chunk, L_ - chunk * cfg_.chunk);
}

void ChelaCore::decode(const std::vector<std::uint8_t>& raw, std::size_t n, std::vector<float>& out) const {
  out.resize(n);
  if (cfg_.format == common::ElemFormat::FP32) {
    for (std::size_t i = 0; i < n; ++i) out[i] = get_f32(&raw[4 * i]);
  } else {
    for (std::size_t i = 0; i < n; ++i)
      out[i] = common::half_to_float(static_cast<std::uint16_t>(raw[2 * i] | (raw[2 * i + 1] << 8)));
  }
}

void ChelaCore::count_gemm(std::uint64_t M, std::uint64_t N, std::uint64_t K) {
  counters_.macs += M * N * K;
  job_macs_ += M * N * K;
  job_array_cycles_ += array_cycles(cfg_, M, N, K);
}

void ChelaCore::count_vector(std::uint64_t exp, std::uint64_t add, std::uint64_t mult, std::uint64_t recip) {
  counters_.exp += exp;
  counters_.add += add;
  counters_.mult += mult;
  counters_.recip += recip;
}

void ChelaCore::start(const common::JobDescriptor& job) {
  job_ = job;
  model_ = job.kind == common::JobKind::LinearModel;
  L_ = job.rows;
  d_ = job.depth;
  dv_ = job.value_dim;
  causal_ = job.causal != 0;
  lk_ = cfg_.long_taps(L_);
  e_ = common::elem_bytes(cfg_.format);
  fft_ = !model_ && cfg_.conv_enabled && cfg_.conv_mode == LongConvMode::Fft;
  nchunks_ = ceil_div(L_, cfg_.chunk);
  chunk_ = channel_ = 0;
  attn_ = std::make_unique<ChunkedLinearAttention<float>>(d_, dv_, cfg_.feature_map, cfg_.normalise);
  u_hist_.clear();
  const double stream_bytes = static_cast<double>(buffer_need(cfg_, L_, d_, dv_).stream);
  stream_bytes_ = std::max<std::uint64_t>(stream_bytes_, static_cast<std::uint64_t>(stream_bytes));
  rd_pj_[Stream] = energy_.sram_pj_per_64b(stream_bytes, false);
  wr_pj_[Stream] = energy_.sram_pj_per_64b(stream_bytes, true);
  job_macs_ = job_array_cycles_ = job_fft_cycles_ = job_state_read_ = job_state_written_ = 0;
  stage_ = model_ ? Stage::ModelSetup : Stage::Setup;
}

ChelaCore::Stage ChelaCore::after_kernels() const { return causal_ ? Stage::Output : Stage::State; }

bool ChelaCore::next(EngineStep& step) {
  step = EngineStep{};
  if (stage_ == Stage::Done) return false;
  if (model_) {
    model_next(step);
    return true;
  }
  const std::uint64_t B = cfg_.chunk, t0 = chunk_ * B;
  const std::uint64_t dw = dv_ + (cfg_.normalise ? 1 : 0);
  const bool elu = cfg_.feature_map == FeatureMap::Elu1;
  auto read = [&](std::uint64_t addr, std::uint64_t bytes, std::vector<std::uint8_t>& buf, int into) {
    if (!job_.timing_only) buf.resize(bytes);  // a timing-only job's reads carry no data
    step.reads.push_back({addr, bytes, job_.timing_only ? nullptr : buf.data(), nullptr});
    counters_.wr[into] += bytes;
  };
  switch (stage_) {
    case Stage::Setup:
      step.phase = "setup";
      blk_raw_.resize(ChelaJobBlock::kBytes);
      step.reads.push_back({job_.addr_globals, ChelaJobBlock::kBytes, blk_raw_.data(), nullptr});
      break;
    case Stage::Kernels:
      step.phase = "kernels";
      read(block_.short_kernel, dv_ * cfg_.short_kernel * e_, w_raw_, Conv);  // passes to the vector unit
      if (!fft_) read(block_.long_kernel, dv_ * lk_ * e_, h_raw_, Conv);
      break;
    case Stage::State: {
      const std::uint64_t n = n_of(chunk_);
      read(job_.addr_b + t0 * d_ * e_, n * d_ * e_, k_raw_, Stream);
      read(job_.addr_c + t0 * dv_ * e_, n * dv_ * e_, v_raw_, Stream);
      state_chunk_step(n, step);
      break;
    }
    case Stage::Output: {
      const std::uint64_t n = n_of(chunk_);
      const bool need_v = causal_ || cfg_.conv_enabled;
      step.phase = "chunk";
      step.prefetch = true;
      step.prefetch_depth = cfg_.stream_tokens / B - 1;
      read(job_.addr_a + t0 * d_ * e_, n * d_ * e_, q_raw_, Stream);
      if (causal_) read(job_.addr_b + t0 * d_ * e_, n * d_ * e_, k_raw_, Stream);
      if (need_v) read(job_.addr_c + t0 * dv_ * e_, n * dv_ * e_, v_raw_, Stream);
      // Operand uses from the stream buffer: Q in phi(Q)S (and the intra scores); K in the scores
      // and the update; V in P V' and the update; with the branch V twice more (short conv, residual).
      counters_.rd[Stream] += n * d_ * e_ * (causal_ ? 2 : 1) + (causal_ ? 2 * n * d_ * e_ : 0) +
                              n * dv_ * e_ * ((causal_ ? 2 : 0) + (cfg_.conv_enabled ? 2 : 0));
      step.compute_cycles = output_chunk_cycles(cfg_, n, d_, dv_, causal_);
      count_gemm(n, dw, d_);
      counters_.rd[State] += d_ * dw * 4;
      counters_.rd[Work] += n * dw * 4;
      counters_.wr[Work] += n * dw * 4;
      if (causal_) {
        count_gemm(n, n, d_);
        count_gemm(n, dw, n);
        count_gemm(d_, dw, n);
        counters_.compare += n * n;  // the causal mask
        counters_.rd[State] += d_ * dw * 4;
        counters_.wr[State] += d_ * dw * 4;
        counters_.rd[Work] += n * n * 4 + n * dw * 4;
        counters_.wr[Work] += n * n * 4 + n * dw * 4;
      }
      if (elu) count_vector(n * d_ * (causal_ ? 2 : 1), n * d_ * (causal_ ? 2 : 1), 0, 0);
      if (cfg_.normalise) count_vector(0, 0, n * dv_, n);
      if (cfg_.conv_enabled) {
        const std::uint64_t el = n * dv_, ks = cfg_.short_kernel;
        step.compute_cycles += short_conv_cycles(cfg_, n, dv_);
        count_vector(el, el * ks + el, el * ks + el, el);  // short-conv MACs, SiLU
        if (!fft_) {
          step.compute_cycles += direct_long_conv_cycles(cfg_, t0, n, dv_, lk_) + gate_cycles(cfg_, n, dv_);
          const std::uint64_t blocks = direct_long_conv_blocks(cfg_, t0, n, lk_);
          const std::uint64_t last = (t0 + n - 1) / B;
          for (std::uint64_t j = last + 1 - blocks; j <= last; ++j) {
            const std::uint64_t nj = j == last ? n : B;
            count_gemm(n, dv_, nj);
            counters_.rd[Conv] += nj * dv_ * 4 + (n + nj - 1) * dv_ * 4;  // U block, kernel diagonals
          }
          counters_.wr[Conv] += n * dv_ * 4;  // U history
          count_vector(el, 2 * el, el, el);   // sigmoid, gate, residual
        }
      }
      break;
    }
    case Stage::Fft: {
      step.phase = "long_conv";
      step.fence = channel_ == 0;  // U of the last chunks must have reached DRAM
      // The next channel's U and kernel are prefetched when the buffer holds two working sets.
      step.prefetch = 2 * buffer_need(cfg_, L_, d_, dv_).conv <= cfg_.conv_bytes;
      read(block_.u_scratch + channel_ * L_ * 4, L_ * 4, c_raw_, Conv);
      read(block_.long_kernel + channel_ * lk_ * e_, lk_ * e_, hc_raw_, Conv);
      const std::uint64_t N = fft_size(L_, lk_), bf = fft_butterflies(L_, lk_);
      step.compute_cycles = fft_channel_cycles(cfg_, L_, lk_);
      job_fft_cycles_ += step.compute_cycles;
      counters_.fft_mult += 4 * bf + 4 * N;
      counters_.fft_add += 6 * bf + 2 * N;
      counters_.rd[Conv] += 16 * bf + 16 * N + L_ * 4;
      counters_.wr[Conv] += 16 * bf + 8 * N;
      break;
    }
    case Stage::Gate: {
      const std::uint64_t n = n_of(chunk_);
      step.phase = "gate";
      step.prefetch = true;
      step.prefetch_depth = cfg_.stream_tokens / B - 1;
      step.fence = chunk_ == 0;  // Z of the last channels must have reached DRAM
      read(job_.addr_out + t0 * dv_ * 4, n * dv_ * 4, a_raw_, Stream);
      read(job_.addr_c + t0 * dv_ * e_, n * dv_ * e_, v_raw_, Stream);
      if (!job_.timing_only) c_raw_.resize(n * dv_ * 4);
      for (std::uint64_t c = 0; c < dv_; ++c) {
        std::uint8_t* dst = job_.timing_only ? nullptr : c_raw_.data() + c * n * 4;
        step.reads.push_back({block_.z_scratch + (c * L_ + t0) * 4, n * 4, dst, nullptr});
      }
      counters_.wr[Stream] += n * dv_ * 4;
      counters_.rd[Stream] += n * dv_ * (8 + e_);
      step.compute_cycles = gate_cycles(cfg_, n, dv_);
      count_vector(n * dv_, 2 * n * dv_, n * dv_, n * dv_);
      break;
    }
    default:  // the model form's stages (chela_core_model.cpp), Done
      break;
  }
  return true;
}

void ChelaCore::state_chunk_step(std::uint64_t n, EngineStep& step) {
  const std::uint64_t dw = dv_ + (cfg_.normalise ? 1 : 0);
  step.phase = "state";
  step.prefetch = true;
  step.prefetch_depth = cfg_.stream_tokens / cfg_.chunk - 1;
  counters_.rd[Stream] += n * (d_ + dv_) * e_;
  step.compute_cycles = state_update_cycles(cfg_, n, d_, dv_);
  count_gemm(d_, dw, n);
  if (cfg_.feature_map == FeatureMap::Elu1) count_vector(n * d_, n * d_, 0, 0);
  counters_.rd[State] += d_ * dw * 4;
  counters_.wr[State] += d_ * dw * 4;
}

bool ChelaCore::absorb_chunk() {
  const std::uint64_t n = n_of(chunk_);
  if (!job_.timing_only) {
    decode(k_raw_, n * d_, k_);
    decode(v_raw_, n * dv_, v_);
    attn_->update_state(k_.data(), v_.data(), n);
  }
  if (++chunk_ < nchunks_) return false;
  chunk_ = 0;
  return true;
}

void ChelaCore::put_output(const std::vector<float>& o, std::uint64_t rows, std::uint64_t addr,
                           EngineStep& step) {
  out_bufs_.emplace_back(rows * dv_ * 4);
  for (std::uint64_t i = 0; i < rows * dv_; ++i) put_f32(&out_bufs_.back()[4 * i], o[i]);
  step.writes.push_back({addr, rows * dv_ * 4, nullptr, out_bufs_.back().data()});
}

void ChelaCore::reads_done(EngineStep& step) {
  out_bufs_.clear();  // the previous step's writes have been copied
  if (model_) {
    model_reads_done(step);
    return;
  }
  switch (stage_) {
    case Stage::Setup:
      block_ = ChelaJobBlock::deserialise(blk_raw_.data());
      stage_ = cfg_.conv_enabled ? Stage::Kernels : after_kernels();
      break;
    case Stage::Kernels: {
      if (job_.timing_only) {  // no kernels to decode
        stage_ = after_kernels();
        break;
      }
      std::vector<float> w;
      decode(w_raw_, dv_ * cfg_.short_kernel, w);
      sconv_ = std::make_unique<ShortConvSilu<float>>(dv_, cfg_.short_kernel, std::move(w));
      if (!fft_) {
        decode(h_raw_, dv_ * lk_, h_);
        u_hist_.assign(L_ * dv_, 0.0f);
      }
      stage_ = after_kernels();
      break;
    }
    case Stage::State:
      if (absorb_chunk()) stage_ = Stage::Output;
      break;
    case Stage::Output:
      output_done(step);
      break;
    case Stage::Fft:
      fft_done(step);
      break;
    case Stage::Gate:
      gate_done(step);
      break;
    default:  // the model form's stages, Done
      break;
  }
}

void ChelaCore::output_done(EngineStep& step) {
  const std::uint64_t n = n_of(chunk_), t0 = chunk_ * cfg_.chunk;
  if (job_.timing_only) {  // no operands: the same writes (output, and U for the FFT) without data
    step.writes.push_back({job_.addr_out + t0 * dv_ * 4, n * dv_ * 4, nullptr, nullptr});
    for (std::uint64_t c = 0; fft_ && c < dv_; ++c) {
      step.writes.push_back({block_.u_scratch + (c * L_ + t0) * 4, n * 4, nullptr, nullptr});
    }
    if (++chunk_ == nchunks_) {
      chunk_ = 0;
      stage_ = fft_ ? Stage::Fft : Stage::Done;
    }
    return;
  }
  decode(q_raw_, n * d_, q_);
  if (causal_) decode(k_raw_, n * d_, k_);
  if (causal_ || cfg_.conv_enabled) decode(v_raw_, n * dv_, v_);
  a_.resize(n * dv_);
  attn_->output_chunk(q_.data(), k_.data(), v_.data(), n, causal_, a_.data());
  if (!cfg_.conv_enabled) {
    put_output(a_, n, job_.addr_out + t0 * dv_ * 4, step);
  } else {
    u_.resize(n * dv_);
    sconv_->apply(v_.data(), n, u_.data());
    if (!fft_) {
      std::copy(u_.begin(), u_.end(), u_hist_.begin() + t0 * dv_);
      z_.resize(n * dv_);
      long_conv_direct(u_hist_.data(), dv_, h_.data(), lk_, t0, n, z_.data());
      o_.resize(n * dv_);
      for (std::uint64_t i = 0; i < n * dv_; ++i) o_[i] = sigmoid(z_[i]) * a_[i] + v_[i];
      put_output(o_, n, job_.addr_out + t0 * dv_ * 4, step);
    } else {
      put_output(a_, n, job_.addr_out + t0 * dv_ * 4, step);  // A, gated later
      out_bufs_.emplace_back(n * dv_ * 4);
      std::uint8_t* u = out_bufs_.back().data();
      for (std::uint64_t c = 0; c < dv_; ++c) {
        for (std::uint64_t i = 0; i < n; ++i) put_f32(u + (c * n + i) * 4, u_[i * dv_ + c]);
        step.writes.push_back({block_.u_scratch + (c * L_ + t0) * 4, n * 4, nullptr, u + c * n * 4});
      }
    }
  }
  if (++chunk_ == nchunks_) {
    chunk_ = 0;
    stage_ = fft_ ? Stage::Fft : Stage::Done;
  }
}

void ChelaCore::fft_done(EngineStep& step) {
  if (job_.timing_only) {  // no U: Z's channel written without data
    step.writes.push_back({block_.z_scratch + channel_ * L_ * 4, L_ * 4, nullptr, nullptr});
    if (++channel_ == dv_) {
      channel_ = 0;
      stage_ = Stage::Gate;
    }
    return;
  }
  std::vector<float> u(L_), z(L_);
  for (std::uint64_t t = 0; t < L_; ++t) u[t] = get_f32(&c_raw_[4 * t]);
  decode(hc_raw_, lk_, h_);
  long_conv_fft(u.data(), L_, h_.data(), lk_, z.data());
  out_bufs_.emplace_back(L_ * 4);
  for (std::uint64_t t = 0; t < L_; ++t) put_f32(&out_bufs_.back()[4 * t], z[t]);
  step.writes.push_back({block_.z_scratch + channel_ * L_ * 4, L_ * 4, nullptr, out_bufs_.back().data()});
  if (++channel_ == dv_) {
    channel_ = 0;
    stage_ = Stage::Gate;
  }
}

void ChelaCore::gate_done(EngineStep& step) {
  const std::uint64_t n = n_of(chunk_), t0 = chunk_ * cfg_.chunk;
  if (job_.timing_only) {  // no operands: the output written without data
    step.writes.push_back({job_.addr_out + t0 * dv_ * 4, n * dv_ * 4, nullptr, nullptr});
    if (++chunk_ == nchunks_) stage_ = Stage::Done;
    return;
  }
  decode(v_raw_, n * dv_, v_);
  o_.resize(n * dv_);
  for (std::uint64_t i = 0; i < n; ++i) {
    for (std::uint64_t c = 0; c < dv_; ++c) {
      const float a = get_f32(&a_raw_[4 * (i * dv_ + c)]), z = get_f32(&c_raw_[4 * (c * n + i)]);
      o_[i * dv_ + c] = sigmoid(z) * a + v_[i * dv_ + c];
    }
  }
  put_output(o_, n, job_.addr_out + t0 * dv_ * 4, step);
  if (++chunk_ == nchunks_) stage_ = Stage::Done;
}

common::EngineJobStats ChelaCore::job_stats() const {
  common::EngineJobStats s;
  const double pes = static_cast<double>(cfg_.array.rows) * cfg_.array.cols;
  const BufferNeed need = buffer_need(cfg_, L_, d_, dv_);
  s.values.emplace_back("macs", static_cast<double>(job_macs_));
  s.values.emplace_back("pe_count", pes);
  s.values.emplace_back("array_busy_cycles", static_cast<double>(job_array_cycles_));
  s.values.emplace_back("array_utilisation", job_array_cycles_ ? job_macs_ / (pes * job_array_cycles_) : 0.0);
  s.values.emplace_back("fft_cycles", static_cast<double>(job_fft_cycles_));
  s.values.emplace_back("chunk", static_cast<double>(cfg_.chunk));
  s.values.emplace_back("chunks", static_cast<double>(nchunks_));
  s.values.emplace_back("long_kernel", cfg_.conv_enabled ? static_cast<double>(lk_) : 0.0);
  s.values.emplace_back("stream_buffer_bytes", static_cast<double>(need.stream));
  s.values.emplace_back("work_buffer_bytes", static_cast<double>(need.work));
  s.values.emplace_back("state_buffer_bytes", static_cast<double>(need.state));
  s.values.emplace_back("conv_buffer_bytes", static_cast<double>(need.conv));
  if (model_) {  // the recurrent state in place of a KV cache
    s.values.emplace_back("heads", static_cast<double>(mblock_.heads));
    s.values.emplace_back("context", static_cast<double>(mblock_.context));
    s.values.emplace_back("state_bytes_read", static_cast<double>(job_state_read_));
    s.values.emplace_back("state_bytes_written", static_cast<double>(job_state_written_));
  }
  return s;
}

std::vector<std::pair<std::string, common::ActionLedger>> ChelaCore::actions() const {
  auto acc64 = [](std::uint64_t bytes) { return ceil_div(bytes, 8); };
  std::vector<std::pair<std::string, common::ActionLedger>> out;
  out.push_back({"array", {{"mac", {counters_.macs, mac_pj_, "MAC"}}}});
  common::ActionLedger vec = prices_;
  vec["exp"].count = counters_.exp;
  vec["add"].count = counters_.add;
  vec["mult"].count = counters_.mult;
  vec["recip"].count = counters_.recip;
  vec["compare"].count = counters_.compare;
  out.push_back({"vector_unit", vec});
  out.push_back({"fft_unit",
                 {{"mult", {counters_.fft_mult, prices_.at("mult").pj_each, "op"}},
                  {"add", {counters_.fft_add, prices_.at("add").pj_each, "op"}}}});
  const char* names[4] = {"stream_buffer", "state_buffer", "work_buffer", "conv_buffer"};
  for (int i = 0; i < 4; ++i) {
    out.push_back({names[i],
                   {{"read_64b", {acc64(counters_.rd[i]), rd_pj_[i], "access"}},
                    {"write_64b", {acc64(counters_.wr[i]), wr_pj_[i], "access"}}}});
  }
  return out;
}

std::vector<std::pair<std::string, common::HardwareCost>> ChelaCore::hardware() const {
  // One MAC per PE; per vector lane one fp32 unit of every kind the lane prices (exp, adder,
  // multiplier, reciprocal, comparator); per FFT butterfly an fp32 multiplier and adder; the four
  // buffers as SRAM macros of their capacities (the stream buffer's follows the head width: 0 until
  // a job has sized it).
  const bool fp32 = cfg_.format == common::ElemFormat::FP32;
  const common::EnergyTable& e = energy_;
  common::HardwareCost lane;
  for (const char* a : {"exp", "add", "mult", "recip", "compare"})
    lane += e.hardware(std::string("fp32_") + a);
  std::vector<std::pair<std::string, common::HardwareCost>> out;
  out.push_back({"array", e.mac_hw(fp32 ? "fp32" : "fp16", fp32 ? 32 : 16, 32) *
                              static_cast<double>(std::uint64_t{cfg_.array.rows} * cfg_.array.cols)});
  out.push_back({"vector_unit", lane * static_cast<double>(cfg_.vector_lanes)});
  // An engine built without the convolution branch (conv.enabled false) has no FFT unit or
  // convolution buffer.
  if (cfg_.conv_enabled) {
    out.push_back({"fft_unit", (e.hardware("fp32_mult") + e.hardware("fp32_add")) *
                                   static_cast<double>(cfg_.fft_butterflies)});
  }
  const double caps[4] = {static_cast<double>(stream_bytes_), static_cast<double>(cfg_.state_bytes),
                          static_cast<double>(cfg_.work_bytes), static_cast<double>(cfg_.conv_bytes)};
  const char* names[4] = {"stream_buffer", "state_buffer", "work_buffer", "conv_buffer"};
  for (int i = 0; i < (cfg_.conv_enabled ? 4 : 3); ++i) out.push_back({names[i], e.sram_hw(caps[i])});
  return out;
}

}  // namespace savp::chela
