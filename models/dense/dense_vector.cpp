// DenseCore's Vector jobs: a transformer's norms, activations, residual adds, rotary positions and
// KV-cache append on the vector unit (the op table, timing and action counts are in dense_core.hpp;
// the descriptor fields in models/common/job_descriptor.hpp).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "models/common/int_math.hpp"
#include "models/common/number_format.hpp"
#include "models/dense/dense_core.hpp"

namespace savp::dense {

using common::ceil_div;
using common::ElemFormat;
using common::EngineStep;
using common::JobKind;
using common::VectorOp;

namespace {

constexpr double kPi = 3.14159265358979323846;

bool float_format(ElemFormat f) { return f == ElemFormat::FP32 || f == ElemFormat::FP16; }

// Inputs read per row element: two for add and silu_mul, one otherwise.
std::uint64_t vector_inputs(VectorOp op) { return op == VectorOp::Add || op == VectorOp::SiluMul ? 2 : 1; }

// fp32 parameters per row element in the weight buffer: gamma and beta, gamma, none.
std::uint64_t vector_params(VectorOp op) {
  return op == VectorOp::LayerNorm ? 2 : op == VectorOp::RmsNorm ? 1 : 0;
}

// Passes of the lanes over a block's elements (dense_core.hpp's table).
std::uint64_t vector_passes(VectorOp op) {
  return op == VectorOp::LayerNorm ? 3 : op == VectorOp::RmsNorm ? 2 : 1;
}

bool is_norm(VectorOp op) { return op == VectorOp::LayerNorm || op == VectorOp::RmsNorm; }

// Input buffer bytes per row: the operands in the job's format, and rope's uint32 position.
std::uint64_t input_row_bytes(const common::JobDescriptor& job) {
  return job.cols * common::elem_bytes(job.format) * vector_inputs(job.vector_op) +
         (job.vector_op == VectorOp::Rope ? 4 : 0);
}

std::string kib(std::uint64_t b) { return std::to_string(ceil_div(b, 1024)) + " KiB"; }

}  // namespace

common::ActionLedger DenseCore::vector_prices(const common::EnergyTable& energy) {
  common::ActionLedger p;
  // No rsqrt in the table: priced as the reciprocal unit (fp32_recip: two Newton-Raphson steps,
  // 4 multiplies + 2 adds) plus what an inverse-square-root Newton step y (1.5 - 0.5 x y^2) needs
  // beyond a reciprocal's y (2 - x y): one more multiply per step, and 0.5 x once: 3 fp32 multiplies.
  p["rsqrt"] = {0, energy.pj("fp32_recip") + 3 * energy.pj("fp32_mult"), "op"};
  // A sine or a cosine is computed on the lanes as the exp is: range reduction (to [-pi/4, pi/4])
  // and a degree-4 Horner polynomial (in r^2), so each is priced as one fp32_exp (whose entry
  // derives it from 4 multiplies + 4 adds). No cos/sin table is read from memory.
  p["sincos"] = {0, energy.pj("fp32_exp"), "op"};
  return p;
}

void DenseCore::vector_actions(common::ActionLedger& vec) const {
  if (!vec_.ran) return;  // engines that never ran a vector job keep today's ledger
  vec["rsqrt"] = vec_.prices.at("rsqrt");
  vec["rsqrt"].count = counters_.rsqrt;
  vec["sincos"] = vec_.prices.at("sincos");
  vec["sincos"].count = counters_.sincos;
}

common::JobCheck DenseCore::check_vector_job(const DenseConfig& cfg, const common::JobDescriptor& job) {
  if (cfg.format == ElemFormat::INT) {
    return {"datapath/format",
            "vector jobs need a floating-point datapath (this engine's is " + cfg.format_name() + ")"};
  }
  if (!float_format(job.format) || !float_format(job.out_format)) {
    return {"format", "vector jobs read and write fp32 or fp16"};
  }
  const auto op_code = static_cast<std::uint32_t>(job.vector_op);
  if (op_code > static_cast<std::uint32_t>(VectorOp::Copy)) {
    return {"vector_op", "unknown vector op " + std::to_string(op_code)};
  }
  const std::string name = common::vector_op_name(job.vector_op);
  if (job.cols == 0) return {"cols", name + " needs at least one element per row"};
  if (job.vector_op == VectorOp::Rope &&
      (job.depth == 0 || job.depth % 2 != 0 || job.cols % job.depth != 0)) {
    return {"head_dim", "rope needs an even head_dim that divides the row: head_dim " +
                            std::to_string(job.depth) + ", row of " + std::to_string(job.cols)};
  }
  if (job.vector_op == VectorOp::Copy && job.depth < job.cols) {
    return {"src_stride", "copy's source row stride (" + std::to_string(job.depth) +
                              " elements) is shorter than its rows (" + std::to_string(job.cols) + ")"};
  }
  // One row of each double-buffered half, the norm's parameters whole.
  const std::string row = "one " + name + " row of " + std::to_string(job.cols) + " elements";
  const std::uint64_t in = input_row_bytes(job), out = job.cols * common::elem_bytes(job.out_format);
  if (2 * in > cfg.input_buffer_bytes) {
    return {"buffers/input_kib", row + " needs " + std::to_string(in) + " bytes of input buffer, " +
                                     kib(2 * in) + " double-buffered; the engine has " +
                                     kib(cfg.input_buffer_bytes) + " (raise buffers.input_kib)"};
  }
  if (2 * out > cfg.output_buffer_bytes) {
    return {"buffers/output_kib", row + " needs " + std::to_string(out) + " bytes of output buffer, " +
                                      kib(2 * out) + " double-buffered; the engine has " +
                                      kib(cfg.output_buffer_bytes) + " (raise buffers.output_kib)"};
  }
  const std::uint64_t params = vector_params(job.vector_op) * job.cols * 4;
  if (params > cfg.weight_buffer_bytes) {
    return {"buffers/weight_kib", name + "'s fp32 parameters for rows of " + std::to_string(job.cols) +
                                      " elements need " + kib(params) + " of weight buffer, the engine has " +
                                      kib(cfg.weight_buffer_bytes) + " (raise buffers.weight_kib)"};
  }
  return {};
}

void DenseCore::plan_vector() {
  const common::JobCheck c = check_vector_job(cfg_, job_);
  if (!c.why.empty()) throw std::runtime_error("dense vector job: " + c.why);
  const VectorOp op = job_.vector_op;
  const std::uint64_t n = job_.cols;
  const std::uint64_t in_row = input_row_bytes(job_), out_row = n * common::elem_bytes(job_.out_format);
  vec_.ran = true;
  vec_.block_rows =
      std::min({job_.rows, (cfg_.input_buffer_bytes / 2) / in_row, (cfg_.output_buffer_bytes / 2) / out_row});
  vec_.block = 0;
  vec_.nblocks = vec_.block_rows ? ceil_div(job_.rows, vec_.block_rows) : 0;
  vec_.busy_cycles = 0;
  const std::uint64_t rb = vec_.block_rows, ie = common::elem_bytes(job_.format);
  const std::uint64_t data = job_.timing_only ? 0 : 1;  // a timing-only job holds no operands
  vec_.a_raw.assign(data * rb * n * ie, 0);
  vec_.b_raw.assign(data * (vector_inputs(op) == 2 ? rb * n * ie : 0), 0);
  vec_.pos_raw.assign(data * (op == VectorOp::Rope ? rb * 4 : 0), 0);
  vec_.param_raw.assign(data * vector_params(op) * n * 4, 0);
  vec_.out_raw.assign(data * rb * out_row, 0);
  vec_.a_val.assign(data * rb * n, 0.0);
  vec_.b_val.assign(data * (vector_inputs(op) == 2 ? rb * n : 0), 0.0);
  vec_.y.assign(data * rb * n, 0.0f);
  vec_.params.clear();
  vec_.inv_freq.clear();
  if (op == VectorOp::Rope) {
    // theta^(-2i/d) for i < d/2 as the lanes' exp gives it: the fp32 value nearest the exact one.
    const std::uint64_t d = job_.depth;
    for (std::uint64_t i = 0; i < d / 2; ++i) {
      vec_.inv_freq.push_back(static_cast<float>(
          std::pow(job_.softmax_scale, -2.0 * static_cast<double>(i) / static_cast<double>(d))));
    }
    vec_.cos.assign(d / 2, 0.0f);
    vec_.sin.assign(d / 2, 0.0f);
  }
  stage_ = vec_.nblocks ? Stage::VectorBlock : Stage::Done;
}

void DenseCore::next_vector(EngineStep& step) {
  const VectorOp op = job_.vector_op;
  const std::uint64_t n = job_.cols, L = cfg_.vector_lanes;
  const std::uint64_t ie = common::elem_bytes(job_.format), oe = common::elem_bytes(job_.out_format);
  const std::uint64_t r0 = vec_.block * vec_.block_rows, rb = std::min(vec_.block_rows, job_.rows - r0);
  const std::uint64_t elems = rb * n;
  step.phase = std::string("vector_") + common::vector_op_name(op);
  step.prefetch = true;
  // Reads: the norm's parameters once into the weight buffer, the block's operands into the input
  // buffer (copy: one read per source row unless the rows are contiguous).
  const std::uint64_t param_bytes = vector_params(op) * n * 4;
  if (vec_.block == 0 && param_bytes > 0) {
    step.reads.push_back({job_.addr_c, param_bytes, data_at(vec_.param_raw, 0), nullptr});
    counters_.weight_wr += param_bytes;
  }
  if (op == VectorOp::Copy && job_.depth != n) {
    for (std::uint64_t r = 0; r < rb; ++r) {
      step.reads.push_back(
          {job_.addr_a + (r0 + r) * job_.depth * ie, n * ie, data_at(vec_.a_raw, r * n * ie), nullptr});
    }
  } else {
    step.reads.push_back({job_.addr_a + r0 * n * ie, elems * ie, data_at(vec_.a_raw, 0), nullptr});
  }
  if (vector_inputs(op) == 2)
    step.reads.push_back({job_.addr_b + r0 * n * ie, elems * ie, data_at(vec_.b_raw, 0), nullptr});
  if (op == VectorOp::Rope)
    step.reads.push_back({job_.addr_c + r0 * 4, rb * 4, data_at(vec_.pos_raw, 0), nullptr});
  const std::uint64_t in_bytes = rb * input_row_bytes(job_);
  counters_.input_wr += in_bytes;

  // Cycles: the lanes' passes over the block, the scalar stage's rsqrt per row, the pipeline.
  std::uint64_t cycles =
      vector_passes(op) * ceil_div(elems, L) + (is_norm(op) ? rb : 0) + cfg_.vector_pipeline_cycles;
  // Buffer traffic: each pass reads the operands (rope's positions once); the normalise pass reads
  // the parameters; results are written once and drained once to memory.
  counters_.input_rd +=
      vector_passes(op) * elems * ie * vector_inputs(op) + (op == VectorOp::Rope ? rb * 4 : 0);
  counters_.weight_rd += vector_params(op) * elems * 4;
  counters_.output_wr += elems * oe;
  counters_.output_rd += elems * oe;
  switch (op) {
    case VectorOp::LayerNorm:
      counters_.add += 5 * elems + rb;
      counters_.mult += 3 * elems + 2 * rb;
      counters_.rsqrt += rb;
      if (vec_.block == 0) counters_.recip += 1;  // 1/n
      break;
    case VectorOp::RmsNorm:
      counters_.mult += 3 * elems + rb;
      counters_.add += elems + rb;
      counters_.rsqrt += rb;
      if (vec_.block == 0) counters_.recip += 1;  // 1/n
      break;
    case VectorOp::Gelu:
      counters_.mult += 5 * elems;
      counters_.add += 2 * elems;
      counters_.exp += elems;
      counters_.recip += elems;
      break;
    case VectorOp::SiluMul:
      counters_.mult += 2 * elems;
      counters_.add += elems;
      counters_.exp += elems;
      counters_.recip += elems;
      break;
    case VectorOp::Add:
      counters_.add += elems;
      break;
    case VectorOp::Rope: {
      const std::uint64_t half = job_.depth / 2;
      counters_.mult += 2 * elems + rb * half;  // rotation; the row's angles
      counters_.add += elems;
      counters_.sincos += 2 * rb * half;
      cycles += ceil_div(2 * rb * half, L);
      if (vec_.block == 0) {  // theta^(-2i/d) = exp(-(2i/d) ln theta); ln theta on the scalar stage
        counters_.exp += half + 1;
        counters_.mult += half;
        cycles += ceil_div(half, L) + 1;
      }
      break;
    }
    case VectorOp::Copy:
      break;
  }
  step.compute_cycles = cycles;
  vec_.busy_cycles += cycles;
}

void DenseCore::vector_block_done(EngineStep& step) {
  const VectorOp op = job_.vector_op;
  const std::uint64_t n = job_.cols;
  const std::uint64_t r0 = vec_.block * vec_.block_rows, rb = std::min(vec_.block_rows, job_.rows - r0);
  const std::uint64_t elems = rb * n;
  if (job_.timing_only) {  // no operands: the block's results written without data
    const std::uint64_t oe = common::elem_bytes(job_.out_format);
    step.writes.push_back({job_.addr_out + r0 * n * oe, elems * oe, nullptr, nullptr});
    if (++vec_.block == vec_.nblocks) stage_ = Stage::Done;
    return;
  }
  common::unpack(vec_.a_raw.data(), elems, job_.format, common::QuantParams{}, vec_.a_val.data());
  if (!vec_.b_raw.empty()) {
    common::unpack(vec_.b_raw.data(), elems, job_.format, common::QuantParams{}, vec_.b_val.data());
  }
  if (vec_.block == 0 && !vec_.param_raw.empty()) {
    vec_.params.resize(vec_.param_raw.size() / 4);
    std::memcpy(vec_.params.data(), vec_.param_raw.data(), vec_.param_raw.size());  // host is little-endian
  }
  const float inv_n = 1.0f / static_cast<float>(n);
  const float eps = static_cast<float>(job_.softmax_scale);
  for (std::uint64_t r = 0; r < rb; ++r) {
    const double* x = &vec_.a_val[r * n];
    const double* b = vec_.b_val.empty() ? nullptr : &vec_.b_val[r * n];
    float* y = &vec_.y[r * n];
    switch (op) {
      case VectorOp::LayerNorm: {
        float sum = 0.0f;
        for (std::uint64_t j = 0; j < n; ++j) sum += static_cast<float>(x[j]);
        const float mean = sum * inv_n;
        float sq = 0.0f;
        for (std::uint64_t j = 0; j < n; ++j) {
          const float c = static_cast<float>(x[j]) - mean;
          sq += c * c;
        }
        const float rstd = 1.0f / std::sqrt(sq * inv_n + eps);
        const float* gamma = vec_.params.data();
        const float* beta = gamma + n;
        for (std::uint64_t j = 0; j < n; ++j) {
          y[j] = (static_cast<float>(x[j]) - mean) * rstd * gamma[j] + beta[j];
        }
        break;
      }
      case VectorOp::RmsNorm: {
        float sq = 0.0f;
        for (std::uint64_t j = 0; j < n; ++j) sq += static_cast<float>(x[j]) * static_cast<float>(x[j]);
        const float rstd = 1.0f / std::sqrt(sq * inv_n + eps);
        const float* gamma = vec_.params.data();
        for (std::uint64_t j = 0; j < n; ++j) y[j] = static_cast<float>(x[j]) * rstd * gamma[j];
        break;
      }
      case VectorOp::Gelu: {
        // 0.5 x (1 + tanh(z)) = x / (1 + exp(-2z)), z = k x (1 + 0.044715 x^2).
        const float two_k = static_cast<float>(2.0 * std::sqrt(2.0 / kPi));
        for (std::uint64_t j = 0; j < n; ++j) {
          const float v = static_cast<float>(x[j]);
          const float inner = v * (1.0f + 0.044715f * (v * v));
          y[j] = v * (1.0f / (1.0f + std::exp(-(two_k * inner))));
        }
        break;
      }
      case VectorOp::SiluMul:
        for (std::uint64_t j = 0; j < n; ++j) {
          const float g = static_cast<float>(x[j]);
          y[j] = g * (1.0f / (1.0f + std::exp(-g))) * static_cast<float>(b[j]);
        }
        break;
      case VectorOp::Add:
        for (std::uint64_t j = 0; j < n; ++j) y[j] = static_cast<float>(x[j]) + static_cast<float>(b[j]);
        break;
      case VectorOp::Rope: {
        std::uint32_t p = 0;
        std::memcpy(&p, &vec_.pos_raw[4 * r], 4);
        const std::uint64_t d = job_.depth, half = d / 2;
        for (std::uint64_t i = 0; i < half; ++i) {
          const float angle = static_cast<float>(p) * vec_.inv_freq[i];
          vec_.cos[i] = std::cos(angle);
          vec_.sin[i] = std::sin(angle);
        }
        for (std::uint64_t h = 0; h < n; h += d) {
          for (std::uint64_t i = 0; i < half; ++i) {
            const float lo = static_cast<float>(x[h + i]), hi = static_cast<float>(x[h + i + half]);
            y[h + i] = lo * vec_.cos[i] - hi * vec_.sin[i];
            y[h + i + half] = lo * vec_.sin[i] + hi * vec_.cos[i];
          }
        }
        break;
      }
      case VectorOp::Copy:
        for (std::uint64_t j = 0; j < n; ++j) y[j] = static_cast<float>(x[j]);
        break;
    }
  }
  // Results in out_format (fp16: rounded once from the fp32 value).
  std::vector<double>& out_val = vec_.a_val;  // the inputs are consumed
  for (std::uint64_t k = 0; k < elems; ++k) out_val[k] = vec_.y[k];
  common::pack(out_val.data(), elems, job_.out_format, common::QuantParams{}, vec_.out_raw.data());
  const std::uint64_t oe = common::elem_bytes(job_.out_format);
  step.writes.push_back({job_.addr_out + r0 * n * oe, elems * oe, nullptr, vec_.out_raw.data()});
  if (++vec_.block == vec_.nblocks) stage_ = Stage::Done;
}

void DenseCore::vector_job_stats(common::EngineJobStats& s) const {
  s.values.emplace_back("vector_elements", static_cast<double>(job_.rows * job_.cols));
  s.values.emplace_back("vector_block_rows", static_cast<double>(vec_.block_rows));
  s.values.emplace_back("vector_blocks", static_cast<double>(vec_.nblocks));
  s.values.emplace_back("vector_busy_cycles", static_cast<double>(vec_.busy_cycles));
}

}  // namespace savp::dense
