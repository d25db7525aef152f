#include "models/dense/dense_core.hpp"
#include "models/common/int_math.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "models/common/attention_pattern.hpp"
#include "models/common/dot_rows.hpp"
#include "models/common/softmax.hpp"
#include "models/dense/buffer_traffic.hpp"
#include "models/dense/gemm_arith.hpp"

namespace savp::dense {

using common::ElemFormat;
using common::EngineStep;
using common::JobKind;
using common::MemTransfer;

namespace {

using common::ceil_div;

void put_f32(std::uint8_t* p, float f) { std::memcpy(p, &f, 4); }  // host is little-endian

}  // namespace

DenseCore::DenseCore(const DenseConfig& cfg, const common::EnergyTable& energy) : cfg_(cfg) {
  const std::string fmt = cfg.format == ElemFormat::FP32   ? "fp32"
                          : cfg.format == ElemFormat::FP16 ? "fp16"
                                                           : "int";
  mac_pj_ = energy.mac_pj(fmt, cfg.int_bits, cfg.accumulator_bits);
  const int operand_bits = cfg.format == ElemFormat::FP32   ? 32
                           : cfg.format == ElemFormat::FP16 ? 16
                                                            : cfg.int_bits;
  operand_reg_pj_ = energy.register_pj(operand_bits);
  acc_reg_pj_ = energy.register_pj(cfg.format == ElemFormat::INT ? cfg.accumulator_bits : 32);
  const double caps[3] = {static_cast<double>(cfg.input_buffer_bytes),
                          static_cast<double>(cfg.weight_buffer_bytes),
                          static_cast<double>(cfg.output_buffer_bytes)};
  for (int i = 0; i < 3; ++i) {
    rd_pj_[i] = energy.sram_pj_per_64b(caps[i], false);
    wr_pj_[i] = energy.sram_pj_per_64b(caps[i], true);
  }
  prices_["exp"] = {0, energy.pj("fp32_exp"), "op"};
  prices_["compare"] = {0, energy.pj("fp32_compare"), "op"};
  prices_["add"] = {0, energy.pj("fp32_add"), "op"};
  prices_["mult"] = {0, energy.pj("fp32_mult"), "op"};
  prices_["recip"] = {0, energy.pj("fp32_recip"), "op"};
  vec_.prices = vector_prices(energy);
  const double pes = static_cast<double>(std::uint64_t{cfg.array.rows} * cfg.array.cols);
  common::HardwareCost lane;
  for (const char* a : {"exp", "compare", "add", "mult", "recip"})
    lane += energy.hardware(std::string("fp32_") + a);
  hw_.push_back({"array", energy.mac_hw(fmt, cfg.int_bits, cfg.accumulator_bits) * pes});
  hw_.push_back(
      {"pe_registers", (energy.register_hw(operand_bits) * 2.0 +
                        energy.register_hw(cfg.format == ElemFormat::INT ? cfg.accumulator_bits : 32)) *
                           pes});
  hw_.push_back({"vector_unit", lane * static_cast<double>(cfg.vector_lanes)});
  const char* names[3] = {"input_buffer", "weight_buffer", "output_buffer"};
  for (int i = 0; i < 3; ++i) hw_.push_back({names[i], energy.sram_hw(caps[i])});
}

std::size_t DenseCore::eb() const { return common::elem_bytes(cfg_.format, cfg_.int_bits); }

std::uint8_t* DenseCore::data_at(std::vector<std::uint8_t>& buf, std::uint64_t offset) const {
  return job_.timing_only ? nullptr : buf.data() + offset;
}

std::string DenseCore::check_job(const DenseConfig& cfg, JobKind kind, std::uint64_t rows, std::uint64_t cols,
                                 std::uint64_t depth, std::uint64_t value_dim) {
  const std::uint64_t e = common::elem_bytes(cfg.format, cfg.int_bits);
  auto kib = [](std::uint64_t b) { return std::to_string(ceil_div(b, 1024)) + " KiB"; };
  if (kind == JobKind::Attention) {
    const std::uint64_t rb = std::min<std::uint64_t>(cfg.array.rows, rows);
    const std::uint64_t score = rb * (cols + value_dim) * 4;
    if (score > cfg.output_buffer_bytes) {
      return "one block of " + std::to_string(rb) + " query rows needs " + kib(score) +
             " of score/accumulator buffer for seq_len " + std::to_string(cols) + ", the engine has " +
             kib(cfg.output_buffer_bytes) + " (raise buffers.output_kib)";
    }
    if (rb * depth * e > cfg.input_buffer_bytes) {
      return "a block of queries needs " + kib(rb * depth * e) + " of input buffer, the engine has " +
             kib(cfg.input_buffer_bytes) + " (raise buffers.input_kib)";
    }
    if (std::max(depth, value_dim) * e * 2 > cfg.weight_buffer_bytes) {
      return "head_dim " + std::to_string(std::max(depth, value_dim)) +
             " does not fit two key rows in the weight buffer (raise buffers.weight_kib)";
    }
    return "";
  }
  // GEMM: one fold's operand blocks must fit their buffers, one C tile the output buffer.
  const std::uint64_t R = cfg.array.rows, C = cfg.array.cols;
  const std::uint64_t M = rows, N = cols, K = depth;
  std::uint64_t a_blk = 0, b_blk = 0;
  switch (cfg.dataflow) {
    case Dataflow::OS:
      a_blk = std::min(R, M) * K;
      b_blk = K * std::min(C, N);
      break;
    case Dataflow::WS:
      a_blk = M * std::min(R, K);
      b_blk = std::min(R, K) * std::min(C, N);
      break;
    case Dataflow::IS:
      a_blk = std::min(C, M) * std::min(R, K);
      b_blk = std::min(R, K) * N;
      break;
  }
  if (a_blk * e > cfg.input_buffer_bytes) {
    return "one fold's A block needs " + kib(a_blk * e) + " of input buffer, the engine has " +
           kib(cfg.input_buffer_bytes) + " (raise buffers.input_kib)";
  }
  if (b_blk * e > cfg.weight_buffer_bytes) {
    return "one fold's B block needs " + kib(b_blk * e) + " of weight buffer, the engine has " +
           kib(cfg.weight_buffer_bytes) + " (raise buffers.weight_kib)";
  }
  return "";
}

void DenseCore::decode(const std::uint8_t* bytes, std::size_t n, double* out) const {
  switch (cfg_.format) {
    case ElemFormat::FP32:
      for (std::size_t i = 0; i < n; ++i) {
        float f;
        std::memcpy(&f, bytes + 4 * i, 4);
        out[i] = f;
      }
      break;
    case ElemFormat::FP16:
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint16_t h = static_cast<std::uint16_t>(bytes[2 * i] | (bytes[2 * i + 1] << 8));
        out[i] = common::half_to_float(h);
      }
      break;
    case ElemFormat::INT: {
      const std::size_t w = eb();
      for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t u = 0;
        for (std::size_t b = 0; b < w; ++b) u |= static_cast<std::uint32_t>(bytes[w * i + b]) << (8 * b);
        const int shift = 32 - static_cast<int>(8 * w);
        out[i] = static_cast<double>(static_cast<std::int32_t>(u << shift) >> shift);  // integer code
      }
      break;
    }
  }
}

std::uint64_t DenseCore::gemm_cycles(std::uint64_t M, std::uint64_t N, std::uint64_t K) {
  // ScaleSim convention: SCALE-Sim's total (the index of the last output cycle); pipelined: the
  // elapsed cycle count (index + 1).
  const std::uint64_t c =
      gemm_timing(cfg_.array, GemmShape{M, N, K}, cfg_.dataflow, cfg_.timing, false).total_cycles +
      (cfg_.timing == TimingConvention::Pipelined ? 1 : 0);
  job_array_cycles_ += c;
  return c;
}

void DenseCore::count_gemm(std::uint64_t M, std::uint64_t N, std::uint64_t K, std::size_t a_bytes,
                           std::size_t b_bytes, bool a_in_output_buffer) {
  const BufferTraffic t = gemm_buffer_traffic(cfg_.array, GemmShape{M, N, K}, cfg_.dataflow);
  (a_in_output_buffer ? counters_.output_rd : counters_.input_rd) += t.a_reads * a_bytes;
  counters_.weight_rd += t.b_reads * b_bytes;
  counters_.output_wr += t.c_writes * 4;
  counters_.output_rd += t.c_reads * 4;
  counters_.macs += M * N * K;
  job_macs_ += M * N * K;
}

void DenseCore::start(const common::JobDescriptor& job) {
  job_ = job;
  job_macs_ = 0;
  job_array_cycles_ = 0;
  if (job.kind == JobKind::Attention) {
    plan_attention();
  } else if (job.kind == JobKind::Vector) {
    plan_vector();
  } else {
    plan_gemm();
  }
}

bool DenseCore::next(EngineStep& step) {
  step = EngineStep{};
  if (stage_ == Stage::Done) return false;
  if (job_.kind == JobKind::Attention) {
    next_attention(step);
  } else if (job_.kind == JobKind::Vector) {
    next_vector(step);
  } else {
    next_gemm(step);
  }
  return true;
}

void DenseCore::reads_done(EngineStep& step) {
  switch (stage_) {
    case Stage::QkChunk:
      qk_chunk_done();
      break;
    case Stage::Softmax:
      softmax_block();
      break;
    case Stage::PvChunk:
      pv_chunk_done(step);
      break;
    case Stage::GemmFold:
      gemm_fold_done(step);
      break;
    case Stage::VectorBlock:
      vector_block_done(step);
      break;
    case Stage::Done:
      break;
  }
}

// ---------------------------------------------------------------- attention

void DenseCore::plan_attention() {
  const std::uint64_t L = job_.rows, S = job_.cols, d = job_.depth, dv = job_.value_dim;
  const std::uint64_t e = eb();
  const std::uint64_t R = cfg_.array.rows;
  // Query rows per block: whole array-row multiples whose scores and accumulators fit the buffer.
  const std::uint64_t per_rows = R * (S + dv) * 4;
  block_rows_ =
      std::min<std::uint64_t>(L, R * std::max<std::uint64_t>(1, cfg_.output_buffer_bytes / per_rows));
  block_rows_ =
      std::min<std::uint64_t>(block_rows_, std::max<std::uint64_t>(1, cfg_.input_buffer_bytes / (d * e)));
  nblocks_ = ceil_div(L, block_rows_);
  kv_resident_ = S * (d + dv) * e <= cfg_.weight_buffer_bytes;
  chunk_keys_ =
      kv_resident_ ? S : std::max<std::uint64_t>(1, (cfg_.weight_buffer_bytes / 2) / (std::max(d, dv) * e));
  chunk_keys_ = std::min(chunk_keys_, S);
  nchunks_ = ceil_div(S, chunk_keys_);
  const std::uint64_t data = job_.timing_only ? 0 : 1;  // a timing-only job holds no operands
  q_raw_.assign(data * block_rows_ * d * e, 0);
  q_val_.assign(data * block_rows_ * d, 0.0);
  k_raw_.assign(data * S * d * e, 0);
  v_raw_.assign(data * S * dv * e, 0);
  k_val_.assign(data * S * d, 0.0);
  v_val_.assign(data * S * dv, 0.0);
  k_loaded_.assign(nchunks_, 0);
  v_loaded_.assign(nchunks_, 0);
  v_finite_.assign(nchunks_, 0);
  scores_.assign(data * block_rows_ * S, 0.0f);
  p_val_.assign(data * block_rows_ * S, 0.0);
  o_acc_.assign(data * block_rows_ * dv, 0.0);
  out_raw_.assign(data * block_rows_ * dv * 4, 0);
  globals_raw_.assign(job_.n_globals * 4, 0);
  need_globals_ = job_.n_globals > 0;
  block_ = 0;
  chunk_ = 0;
  stage_ = Stage::QkChunk;
}

void DenseCore::next_attention(EngineStep& step) {
  const std::uint64_t L = job_.rows, S = job_.cols, d = job_.depth, dv = job_.value_dim;
  const std::uint64_t e = eb();
  const std::uint64_t r0 = block_ * block_rows_, rb = std::min(block_rows_, L - r0);
  const std::uint64_t j0 = chunk_ * chunk_keys_, jn = std::min(chunk_keys_, S - j0);
  switch (stage_) {
    case Stage::QkChunk:
      step.phase = "qk";
      step.prefetch = true;
      if (need_globals_) {
        step.reads.push_back({job_.addr_globals, job_.n_globals * 4, globals_raw_.data(), nullptr});
      }
      if (chunk_ == 0) {
        step.reads.push_back({job_.addr_a + r0 * d * e, rb * d * e, data_at(q_raw_, 0), nullptr});
        counters_.input_wr += rb * d * e;
      }
      if (!k_loaded_[chunk_]) {
        step.reads.push_back({job_.addr_b + j0 * d * e, jn * d * e, data_at(k_raw_, j0 * d * e), nullptr});
        counters_.weight_wr += jn * d * e;
      }
      step.compute_cycles = gemm_cycles(rb, jn, d);
      count_gemm(rb, jn, d, e, e, false);
      break;
    case Stage::Softmax: {
      step.phase = "softmax";
      const std::uint64_t elems = rb * S;
      // Three passes over the scores (max, exp+sum, normalise) plus one reciprocal per row.
      step.compute_cycles = 3 * ceil_div(elems, cfg_.vector_lanes) + rb + cfg_.vector_pipeline_cycles;
      counters_.compare += elems;
      counters_.exp += elems;
      counters_.add += elems;
      counters_.mult += elems;
      counters_.recip += rb;
      counters_.output_rd += 3 * elems * 4;
      counters_.output_wr += 2 * elems * 4;
      break;
    }
    case Stage::PvChunk:
      step.phase = "pv";
      step.prefetch = true;
      if (!v_loaded_[chunk_]) {
        step.reads.push_back({job_.addr_c + j0 * dv * e, jn * dv * e, data_at(v_raw_, j0 * dv * e), nullptr});
        counters_.weight_wr += jn * dv * e;
      }
      step.compute_cycles = gemm_cycles(rb, dv, jn);
      count_gemm(rb, dv, jn, e, e, true);
      break;
    default:
      break;
  }
}

void DenseCore::qk_chunk_done() {
  const std::uint64_t L = job_.rows, S = job_.cols, d = job_.depth;
  const std::uint64_t e = eb();
  const std::uint64_t r0 = block_ * block_rows_, rb = std::min(block_rows_, L - r0);
  const std::uint64_t j0 = chunk_ * chunk_keys_, jn = std::min(chunk_keys_, S - j0);
  if (need_globals_) {
    global_flags_.assign(std::max(L, S), 0);
    for (std::uint64_t g = 0; g < job_.n_globals; ++g) {
      std::uint32_t t = 0;
      std::memcpy(&t, globals_raw_.data() + 4 * g, 4);
      if (t < global_flags_.size()) global_flags_[t] = 1;
    }
    need_globals_ = false;
  } else if (global_flags_.size() != std::max(L, S)) {
    global_flags_.assign(std::max(L, S), 0);
  }
  if (job_.timing_only) {  // no operands: the buffer bookkeeping only
    if (kv_resident_) k_loaded_[chunk_] = 1;
    if (++chunk_ == nchunks_) {
      chunk_ = 0;
      stage_ = Stage::Softmax;
    }
    return;
  }
  if (chunk_ == 0) decode(q_raw_.data(), rb * d, q_val_.data());
  if (!k_loaded_[chunk_]) {
    decode(k_raw_.data() + j0 * d * e, jn * d, k_val_.data() + j0 * d);
    if (kv_resident_) k_loaded_[chunk_] = 1;
  }
  const bool is_int = cfg_.format == ElemFormat::INT;
  const double dq = is_int ? job_.scale_a * job_.scale_b : 1.0;
  const float scale = static_cast<float>(job_.softmax_scale);
  if (is_int) {
    for (std::uint64_t i = 0; i < rb; ++i) {
      const double* q = &q_val_[i * d];
      for (std::uint64_t j = j0; j < j0 + jn; ++j) {
        const double* k = &k_val_[j * d];
        std::int64_t acc = 0;
        for (std::uint64_t t = 0; t < d; ++t) {
          acc = saturate(acc + static_cast<std::int64_t>(q[t]) * static_cast<std::int64_t>(k[t]),
                         cfg_.accumulator_bits);
        }
        scores_[i * S + j] = static_cast<float>(static_cast<double>(acc) * dq) * scale;
      }
    }
  } else {
    // fp32 products and sums in key order per score (the array's columns); a causal row's keys
    // past the query are masked by the softmax whatever their score, so their products are not
    // formed.
    auto keys = [&](std::size_t i) -> std::size_t {
      if (!job_.causal) return jn;
      const std::uint64_t end = std::min(j0 + jn, r0 + i + 1);
      return end > j0 ? end - j0 : 0;
    };
    common::dot_block<float>(
        rb, [&](std::size_t i) { return &q_val_[i * d]; }, keys, d,
        [&](std::size_t, std::size_t r) { return &k_val_[(j0 + r) * d]; },
        [&](std::size_t i) { return &scores_[i * S + j0]; });
    for (std::uint64_t i = 0; i < rb; ++i) {
      float* s = &scores_[i * S + j0];
      for (std::uint64_t j = 0, n = keys(i); j < n; ++j) s[j] *= scale;
    }
  }
  if (++chunk_ == nchunks_) {
    chunk_ = 0;
    stage_ = Stage::Softmax;
  }
}

void DenseCore::softmax_block() {
  const std::uint64_t L = job_.rows, S = job_.cols;
  const std::uint64_t r0 = block_ * block_rows_, rb = std::min(block_rows_, L - r0);
  if (job_.timing_only) {  // no scores
    chunk_ = 0;
    stage_ = Stage::PvChunk;
    return;
  }
  common::AttentionPattern pat;
  pat.causal = job_.causal != 0;
  pat.window = job_.window;
  pat.dilation = job_.dilation;
  pat.grid_h = job_.grid_h;
  pat.grid_w = job_.grid_w;
  pat.window_h = job_.window_h;
  pat.window_w = job_.window_w;
  for (std::uint64_t i = 0; i < rb; ++i) {
    float* s = &scores_[i * S];
    double* p = &p_val_[i * S];
    for (std::uint64_t j = 0; j < S; ++j) {
      if (!pat.allowed(r0 + i, j, global_flags_)) s[j] = -std::numeric_limits<float>::infinity();
    }
    const float sum = common::exp_shifted(s, S);
    if (sum == 0.0f) {  // fully masked row
      std::fill(p, p + S, 0.0);
      continue;
    }
    const float inv = 1.0f / sum;
    for (std::uint64_t j = 0; j < S; ++j) {
      const float prob = s[j] * inv;
      switch (cfg_.format) {
        case ElemFormat::FP32:
          p[j] = prob;
          break;
        case ElemFormat::FP16:
          p[j] = common::round_to_fp16(prob);
          break;
        case ElemFormat::INT:
          p[j] = static_cast<double>(common::quantise_unsigned(prob, cfg_.int_bits));
          break;
      }
    }
  }
  std::fill(o_acc_.begin(), o_acc_.end(), 0.0);
  chunk_ = 0;
  stage_ = Stage::PvChunk;
}

void DenseCore::pv_chunk_done(EngineStep& step) {
  const std::uint64_t L = job_.rows, S = job_.cols, dv = job_.value_dim;
  const std::uint64_t e = eb();
  const std::uint64_t r0 = block_ * block_rows_, rb = std::min(block_rows_, L - r0);
  const std::uint64_t j0 = chunk_ * chunk_keys_, jn = std::min(chunk_keys_, S - j0);
  if (job_.timing_only) {  // no operands: the buffer bookkeeping, and O's rows written without data
    if (kv_resident_) v_loaded_[chunk_] = 1;
    if (++chunk_ < nchunks_) return;
    step.writes.push_back({job_.addr_out + r0 * dv * 4, rb * dv * 4, nullptr, nullptr});
    counters_.output_rd += rb * dv * 4;
    chunk_ = 0;
    stage_ = ++block_ == nblocks_ ? Stage::Done : Stage::QkChunk;
    return;
  }
  if (!v_loaded_[chunk_]) {
    decode(v_raw_.data() + j0 * dv * e, jn * dv, v_val_.data() + j0 * dv);
    v_finite_[chunk_] = std::all_of(v_val_.begin() + j0 * dv, v_val_.begin() + (j0 + jn) * dv,
                                    [](double x) { return std::isfinite(x); });
    if (kv_resident_) v_loaded_[chunk_] = 1;
  }
  const bool is_int = cfg_.format == ElemFormat::INT;
  const bool v_finite = v_finite_[chunk_] != 0;
  if (is_int) {
    for (std::uint64_t i = 0; i < rb; ++i) {
      double* o = &o_acc_[i * dv];
      const double* p = &p_val_[i * S];
      for (std::uint64_t t = 0; t < dv; ++t) {
        std::int64_t acc = static_cast<std::int64_t>(o[t]);
        for (std::uint64_t j = j0; j < j0 + jn; ++j) {
          acc =
              saturate(acc + static_cast<std::int64_t>(p[j]) * static_cast<std::int64_t>(v_val_[j * dv + t]),
                       cfg_.accumulator_bits);
        }
        o[t] = static_cast<double>(acc);
      }
    }
  } else {
    // Per output element the fp32 sum runs over the keys in order, as in the array. The keys go in
    // tiles of 32 that every row of the block uses while they are in cache, and within a row the
    // dv sums advance together. A zero probability (a masked key) adds +-0, which leaves a sum
    // unchanged when V is finite, so its products are skipped.
    constexpr std::uint64_t kTile = 32;
    pv_acc_.resize(rb * dv);
    for (std::uint64_t x = 0; x < rb * dv; ++x) pv_acc_[x] = static_cast<float>(o_acc_[x]);
    for (std::uint64_t jt = j0; jt < j0 + jn; jt += kTile) {
      const std::uint64_t je = std::min(jt + kTile, j0 + jn);
      for (std::uint64_t i = 0; i < rb; ++i) {
        float* acc = &pv_acc_[i * dv];
        const double* p = &p_val_[i * S];
        for (std::uint64_t j = jt; j < je; ++j) {
          const float pj = static_cast<float>(p[j]);
          if (pj == 0.0f && v_finite) continue;
          const double* vr = &v_val_[j * dv];
          for (std::uint64_t t = 0; t < dv; ++t) acc[t] += pj * static_cast<float>(vr[t]);
        }
      }
    }
    for (std::uint64_t x = 0; x < rb * dv; ++x) o_acc_[x] = pv_acc_[x];
  }
  if (++chunk_ < nchunks_) return;
  // Block complete: write O rows at fp32.
  const double deq = is_int ? job_.scale_c / static_cast<double>((1u << cfg_.int_bits) - 1) : 1.0;
  for (std::uint64_t i = 0; i < rb * dv; ++i) put_f32(&out_raw_[4 * i], static_cast<float>(o_acc_[i] * deq));
  step.writes.push_back({job_.addr_out + r0 * dv * 4, rb * dv * 4, nullptr, out_raw_.data()});
  counters_.output_rd += rb * dv * 4;
  chunk_ = 0;
  if (++block_ == nblocks_) {
    stage_ = Stage::Done;
  } else {
    stage_ = Stage::QkChunk;
  }
}

// ---------------------------------------------------------------- GEMM

void DenseCore::plan_gemm() {
  const std::uint64_t M = job_.rows, N = job_.cols, K = job_.depth;
  const std::uint64_t e = eb();
  folds_ = gemm_timing(cfg_.array, GemmShape{M, N, K}, cfg_.dataflow, cfg_.timing, true).folds;
  fold_ = 0;
  prev_fold_end_ = 0;
  const std::uint64_t data = job_.timing_only ? 0 : 1;  // a timing-only job holds no operands
  a_raw_.assign(data * M * K * e, 0);
  b_raw_.assign(data * K * N * e, 0);
  a_val_.assign(data * M * K, 0.0);
  b_val_.assign(data * K * N, 0.0);
  c_acc_.assign(data * M * N, 0.0);
  k_folds_left_.clear();
  for (const Fold& f : folds_) k_folds_left_[{f.m0, f.n0}] += 1;
  a_whole_ = M * K * e <= cfg_.input_buffer_bytes;
  b_whole_ = K * N * e <= cfg_.weight_buffer_bytes;
  a_loaded_ = b_loaded_ = false;
  a_block_ = b_block_ = {~0ull, ~0ull};
  pending_writes_.clear();
  stage_ = folds_.empty() ? Stage::Done : Stage::GemmFold;
}

void DenseCore::next_gemm(EngineStep& step) {
  const std::uint64_t N = job_.cols, K = job_.depth;
  const std::uint64_t e = eb();
  const Fold& f = folds_[fold_];
  step.phase = "gemm";
  step.prefetch = true;
  if (a_whole_) {
    if (!a_loaded_) {
      step.reads.push_back({job_.addr_a, job_.rows * K * e, data_at(a_raw_, 0), nullptr});
      counters_.input_wr += job_.rows * K * e;
    }
  } else if (a_block_ != std::make_pair(f.m0, f.k0)) {
    for (std::uint64_t m = f.m0; m < f.m1; ++m) {
      const std::uint64_t off = (m * K + f.k0) * e, n = (f.k1 - f.k0) * e;
      step.reads.push_back({job_.addr_a + off, n, data_at(a_raw_, off), nullptr});
      counters_.input_wr += n;
    }
  }
  if (b_whole_) {
    if (!b_loaded_) {
      step.reads.push_back({job_.addr_b, K * N * e, data_at(b_raw_, 0), nullptr});
      counters_.weight_wr += K * N * e;
    }
  } else if (b_block_ != std::make_pair(f.k0, f.n0)) {
    for (std::uint64_t k = f.k0; k < f.k1; ++k) {
      const std::uint64_t off = (k * N + f.n0) * e, n = (f.n1 - f.n0) * e;
      step.reads.push_back({job_.addr_b + off, n, data_at(b_raw_, off), nullptr});
      counters_.weight_wr += n;
    }
  }
  // Fold durations as the timing convention schedules them (overlapping folds in "pipelined").
  // The job's cycles sum to the GEMM's total: SCALE-Sim's index in "scalesim", elapsed count
  // (index + 1) in "pipelined".
  step.compute_cycles = f.end_cycle - std::min(prev_fold_end_, f.end_cycle) +
                        (fold_ == 0 && cfg_.timing == TimingConvention::Pipelined ? 1 : 0);
  prev_fold_end_ = std::max(prev_fold_end_, f.end_cycle);
  job_array_cycles_ += step.compute_cycles;
  const std::uint64_t fm = f.m1 - f.m0, fn = f.n1 - f.n0, fk = f.k1 - f.k0;
  // Buffer traffic of this fold: its A and B blocks are read into the array once.
  counters_.input_rd += fm * fk * e;
  counters_.weight_rd += fk * fn * e;
  counters_.output_wr += fm * fn * 4;
  if (f.k0 > 0) counters_.output_rd += fm * fn * 4;
  counters_.macs += fm * fn * fk;
  job_macs_ += fm * fn * fk;
}

void DenseCore::gemm_fold_done(EngineStep& step) {
  const std::uint64_t M = job_.rows, N = job_.cols, K = job_.depth;
  const std::uint64_t e = eb();
  const Fold& f = folds_[fold_];
  pending_writes_.clear();  // the previous step's writes have been issued
  if (job_.timing_only) {   // no operands: the buffers' contents, and C's rows written without data
    if (a_whole_) {
      a_loaded_ = true;
    } else {
      a_block_ = {f.m0, f.k0};
    }
    if (b_whole_) {
      b_loaded_ = true;
    } else {
      b_block_ = {f.k0, f.n0};
    }
    if (--k_folds_left_[{f.m0, f.n0}] == 0) {
      const std::uint64_t fn = f.n1 - f.n0;
      for (std::uint64_t m = f.m0; m < f.m1; ++m) {
        step.writes.push_back({job_.addr_out + (m * N + f.n0) * 4, fn * 4, nullptr, nullptr});
      }
      counters_.output_rd += (f.m1 - f.m0) * fn * 4;
    }
    if (++fold_ == folds_.size()) stage_ = Stage::Done;
    return;
  }
  if (a_whole_ && !a_loaded_) {
    decode(a_raw_.data(), M * K, a_val_.data());
    a_loaded_ = true;
  } else if (!a_whole_ && a_block_ != std::make_pair(f.m0, f.k0)) {
    for (std::uint64_t m = f.m0; m < f.m1; ++m) {
      decode(a_raw_.data() + (m * K + f.k0) * e, f.k1 - f.k0, a_val_.data() + m * K + f.k0);
    }
    a_block_ = {f.m0, f.k0};
  }
  if (b_whole_ && !b_loaded_) {
    decode(b_raw_.data(), K * N, b_val_.data());
    b_loaded_ = true;
  } else if (!b_whole_ && b_block_ != std::make_pair(f.k0, f.n0)) {
    for (std::uint64_t k = f.k0; k < f.k1; ++k) {
      decode(b_raw_.data() + (k * N + f.n0) * e, f.n1 - f.n0, b_val_.data() + k * N + f.n0);
    }
    b_block_ = {f.k0, f.n0};
  }
  const bool is_int = cfg_.format == ElemFormat::INT;
  for (std::uint64_t m = f.m0; m < f.m1; ++m) {
    for (std::uint64_t n = f.n0; n < f.n1; ++n) {
      c_acc_[m * N + n] = gemm_reduce(&a_val_[m * K], &b_val_[n], N, f.k0, f.k1, c_acc_[m * N + n], is_int,
                                      cfg_.accumulator_bits);
    }
  }
  // A C tile is complete after its last reduction fold: write its rows at fp32.
  if (--k_folds_left_[{f.m0, f.n0}] == 0) {
    const double deq = is_int ? job_.scale_a * job_.scale_b : 1.0;
    pending_writes_.emplace_back((f.m1 - f.m0) * (f.n1 - f.n0) * 4);
    std::vector<std::uint8_t>& buf = pending_writes_.back();
    const std::uint64_t fn = f.n1 - f.n0;
    for (std::uint64_t m = f.m0; m < f.m1; ++m) {
      for (std::uint64_t n = f.n0; n < f.n1; ++n) {
        put_f32(&buf[((m - f.m0) * fn + (n - f.n0)) * 4], static_cast<float>(c_acc_[m * N + n] * deq));
      }
      step.writes.push_back({job_.addr_out + (m * N + f.n0) * 4, fn * 4, nullptr, &buf[(m - f.m0) * fn * 4]});
    }
    counters_.output_rd += (f.m1 - f.m0) * fn * 4;
  }
  if (++fold_ == folds_.size()) stage_ = Stage::Done;
}

double DenseCore::job_fraction_done() const {
  // GEMM folds each carry their own compute; an attention job's blocks do not (a block's P x V
  // compute follows its last step), so it counts as a whole job.
  if (job_.kind != JobKind::Gemm) return -1.0;
  if (stage_ == Stage::Done || folds_.empty()) return stage_ == Stage::Done ? 1.0 : 0.0;
  return static_cast<double>(fold_) / static_cast<double>(folds_.size());
}

common::EngineJobStats DenseCore::job_stats() const {
  common::EngineJobStats s;
  const double peak = static_cast<double>(cfg_.array.rows) * cfg_.array.cols;
  s.values.emplace_back("macs", static_cast<double>(job_macs_));
  s.values.emplace_back("useful_macs", static_cast<double>(job_macs_));
  s.values.emplace_back("pe_count", peak);
  s.values.emplace_back("array_busy_cycles", static_cast<double>(job_array_cycles_));
  s.values.emplace_back("array_utilisation", job_array_cycles_
                                                 ? static_cast<double>(job_macs_) / (peak * job_array_cycles_)
                                                 : 0.0);
  if (job_.kind == JobKind::Attention) {
    s.values.emplace_back("block_rows", static_cast<double>(block_rows_));
    s.values.emplace_back("chunk_keys", static_cast<double>(chunk_keys_));
    s.values.emplace_back("kv_resident", kv_resident_ ? 1.0 : 0.0);
  } else if (job_.kind == JobKind::Vector) {
    vector_job_stats(s);
  } else {
    s.values.emplace_back("folds", static_cast<double>(folds_.size()));
  }
  return s;
}

std::vector<std::pair<std::string, common::ActionLedger>> DenseCore::actions() const {
  auto acc64 = [](std::uint64_t bytes) { return ceil_div(bytes, 8); };
  std::vector<std::pair<std::string, common::ActionLedger>> out;
  out.push_back({"array", {{"mac", {counters_.macs, mac_pj_, "MAC"}}}});
  // PE registers per MAC, priced per write (a pipeline register spends its energy when clocked in).
  // os: both operands shift through, the accumulator stays and is updated. ws / is: the moving
  // operand shifts through, the stationary one was loaded once per fold (not counted), the partial
  // sum is passed on.
  const std::uint64_t operand_writes = cfg_.dataflow == Dataflow::OS ? 2 : 1;
  out.push_back({"pe_registers",
                 {{"operand_write", {operand_writes * counters_.macs, operand_reg_pj_, "write"}},
                  {"accumulator_write", {counters_.macs, acc_reg_pj_, "write"}}}});
  common::ActionLedger vec = prices_;
  vec["exp"].count = counters_.exp;
  vec["compare"].count = counters_.compare;
  vec["add"].count = counters_.add;
  vec["mult"].count = counters_.mult;
  vec["recip"].count = counters_.recip;
  vector_actions(vec);
  out.push_back({"vector_unit", vec});
  const std::uint64_t rd[3] = {counters_.input_rd, counters_.weight_rd, counters_.output_rd};
  const std::uint64_t wr[3] = {counters_.input_wr, counters_.weight_wr, counters_.output_wr};
  const char* names[3] = {"input_buffer", "weight_buffer", "output_buffer"};
  for (int i = 0; i < 3; ++i) {
    out.push_back({names[i],
                   {{"read_64b", {acc64(rd[i]), rd_pj_[i], "access"}},
                    {"write_64b", {acc64(wr[i]), wr_pj_[i], "access"}}}});
  }
  return out;
}

std::vector<std::pair<std::string, common::HardwareCost>> DenseCore::hardware() const {
  // One MAC, two operand registers and an accumulator register per PE; per vector lane one fp32
  // unit of every kind the lane prices (exp, comparator, adder, multiplier, reciprocal); the three
  // buffers as SRAM macros of their capacities.
  return hw_;
}

}  // namespace savp::dense
