#include "testbenches/savp/model_runner.hpp"

#include <cstring>

#include "models/common/number_format.hpp"
#include "testbenches/savp/engine_flow.hpp"
#include "testbenches/savp/host_driver.hpp"
#include "tlm/accelerators/accelerator_base.hpp"

namespace savp::tb {

using common::MatrixD;
using sc_core::sc_time;

ModelLane::ModelLane(sc_core::sc_module_name name, std::size_t accelerators)
    : sc_module(name),
      init_socket("init_socket"),
      irq("irq", accelerators),
      port_("port", sc::PortConfig{64, 1, sc_time(1, sc_core::SC_NS), sc::TimingMode::LT, true}) {
  port_.init_socket.bind(init_socket);
}

ModelRunner::ModelRunner(sc_core::sc_module_name name, const sc::Scenario& scenario, const ModelPlan& plan,
                         std::uint64_t csr_base_0, std::uint64_t csr_stride,
                         std::function<std::size_t(std::uint32_t)> record_count)
    : sc_module(name),
      scenario_(scenario),
      plan_(plan),
      w_(*plan.workload),
      csr_base_0_(csr_base_0),
      csr_stride_(csr_stride),
      record_count_(std::move(record_count)) {
  numerics_ = scenario.workload.numerics;
  const sc::AcceleratorSpec& lin = scenario.accelerators[plan.linear];
  const sc::AcceleratorSpec& att = scenario.accelerators[plan.attention.front()];
  lin_fmt_ = lin.format();
  lin_bits_ = lin.int_bits();
  att_fmt_ = att.format();
  att_bits_ = att.int_bits();
  lane_acc_.push_back(plan.linear);
  for (std::uint32_t a : plan.attention) {
    auto it = std::find(lane_acc_.begin(), lane_acc_.end(), a);
    attention_lanes_.push_back(static_cast<std::size_t>(it - lane_acc_.begin()));
    if (it == lane_acc_.end()) lane_acc_.push_back(a);
  }
  for (std::size_t k = 0; k < lane_acc_.size(); ++k) {
    lanes_.push_back(
        std::make_unique<ModelLane>(("lane" + std::to_string(k)).c_str(), scenario.accelerators.size()));
  }
  times_.resize(plan.passes.size());
  for (std::size_t p = 0; p < plan.passes.size(); ++p) times_[p].resize(plan.passes[p].stages.size());
  layer_acc_.resize(w_.model.layers);
  SC_THREAD(control);
  for (std::size_t k = 0; k < lanes_.size(); ++k) {
    sc_core::sc_spawn([this, k] { lane(k); }, ("lane_thread" + std::to_string(k)).c_str());
  }
}

MatrixD& ModelRunner::cache(std::uint64_t layer, std::uint64_t seq, std::uint64_t head, int kv) {
  const common::ModelSpec& m = w_.model;
  return cache_[((layer * w_.batch + seq) * m.kv_heads + head) * 2 + static_cast<std::uint64_t>(kv)];
}

double ModelRunner::load(ModelLane& lane, std::uint64_t addr, const MatrixD& m, common::ElemFormat fmt,
                         int bits) {
  double scale = 1;
  auto bytes = pack_matrix(m, fmt, bits, scale);
  lane.port().debug(true, addr, bytes.data(), bytes.size());
  return scale;
}

MatrixD ModelRunner::fetch(ModelLane& lane, std::uint64_t addr, std::size_t rows, std::size_t cols,
                           common::ElemFormat fmt) {
  std::vector<std::uint8_t> bytes(rows * cols * common::elem_bytes(fmt, lin_bits_));
  lane.port().debug(false, addr, bytes.data(), bytes.size());
  MatrixD m(rows, cols);
  common::unpack(bytes.data(), rows * cols, fmt, common::QuantParams{}, m.data().data());
  return m;
}

void ModelRunner::load_weights_and_cache() {
  const common::ModelSpec& m = w_.model;
  ModelLane& lane = *lanes_[0];
  if (plan_.npy_weights) {
    weights_ = plan_.npy_weights;
  } else {
    weights_ = std::make_shared<const common::ModelWeights>(
        common::synthetic_weights(m, common::derive_seed(scenario_.seed, w_.weights_seed)));
  }
  const std::uint64_t rows = w_.batch * w_.final_tokens();
  inputs_ = plan_.npy_inputs
                ? *plan_.npy_inputs
                : common::synthetic_inputs(m, rows, common::derive_seed(scenario_.seed, w_.inputs_seed));
  for (std::uint64_t l = 0; l < m.layers; ++l) {
    const common::LayerWeights& L = weights_->layers[l];
    const ModelRegions::Layer& R = plan_.regions.layers[l];
    load(lane, R.wq, L.wq, lin_fmt_, lin_bits_);
    load(lane, R.wk, L.wk, lin_fmt_, lin_bits_);
    load(lane, R.wv, L.wv, lin_fmt_, lin_bits_);
    load(lane, R.wo, L.wo, lin_fmt_, lin_bits_);
    load(lane, R.up, L.w_up, lin_fmt_, lin_bits_);
    if (m.ffn == common::ModelSpec::Ffn::Swiglu) load(lane, R.gate, L.w_gate, lin_fmt_, lin_bits_);
    load(lane, R.down, L.w_down, lin_fmt_, lin_bits_);
    // Norm parameters: gamma, then beta (layernorm), as fp32.
    for (auto [addr, gamma, beta] : {std::tuple{R.norm1, &L.norm1_gamma, &L.norm1_beta},
                                     std::tuple{R.norm2, &L.norm2_gamma, &L.norm2_beta}}) {
      std::vector<float> p(gamma->begin(), gamma->end());
      p.insert(p.end(), beta->begin(), beta->end());
      lane.port().debug(true, addr, reinterpret_cast<std::uint8_t*>(p.data()), p.size() * 4);
    }
  }
  if (!m.attention.global_tokens.empty()) {
    std::vector<std::uint32_t> g = m.attention.global_tokens;
    lane.port().debug(true, plan_.regions.globals, reinterpret_cast<std::uint8_t*>(g.data()), 4 * g.size());
  }
  cache_.assign(m.layers * w_.batch * m.kv_heads * 2, MatrixD(plan_.cache_tokens, m.head_dim));
  reference_ = std::make_unique<common::ModelReference>(m, *weights_, w_.batch);
  const EngineFlow& att_flow = engine_flow(scenario_.accelerators[plan_.attention.front()]);
  if (att_flow.model_reference_attention)
    reference_->set_attention(att_flow.model_reference_attention(scenario_));
  if (!w_.runs_prefill()) {
    // A decode alone starts from the prompt's cache: the reference's, loaded as the prefill would
    // have left it.
    MatrixD x(w_.batch * w_.seq_len, m.hidden);
    for (std::uint64_t s = 0; s < w_.batch; ++s)
      for (std::uint64_t t = 0; t < w_.seq_len; ++t)
        std::copy_n(inputs_.row(s * w_.final_tokens() + t), m.hidden, x.row(s * w_.seq_len + t));
    reference_->run(x, w_.seq_len);
    for (std::uint64_t l = 0; l < m.layers; ++l)
      for (std::uint64_t s = 0; s < w_.batch; ++s)
        for (std::uint64_t g = 0; g < m.kv_heads; ++g)
          for (int kv = 0; kv < 2; ++kv) {
            const MatrixD& src = kv ? reference_->v_cache(l, s, g) : reference_->k_cache(l, s, g);
            MatrixD& dst = cache(l, s, g, kv);
            for (std::uint64_t t = 0; t < w_.seq_len; ++t) std::copy_n(src.row(t), m.head_dim, dst.row(t));
            MatrixD prompt(w_.seq_len, m.head_dim);
            std::copy_n(src.data().begin(), w_.seq_len * m.head_dim, prompt.data().begin());
            load(lane, kv_address(plan_, l, s, g, kv, 0), prompt, lin_fmt_, lin_bits_);
          }
  }
}

namespace {

// The rows of a tensor that a job of a pass covers: (sequence, token) -> row.
std::size_t row_of(std::uint64_t seq, std::uint64_t token, std::uint64_t tokens) {
  return seq * tokens + token;
}

// Rows first .. first + n of m.
MatrixD rows_of(const MatrixD& m, std::size_t first, std::size_t n) {
  if (first == 0 && n == m.rows()) return m;
  MatrixD out(n, m.cols());
  std::copy_n(m.row(first), n * m.cols(), out.data().begin());
  return out;
}

}  // namespace

std::size_t ModelRunner::micro_rows(std::uint64_t tokens) const {
  return w_.batch / w_.micro_batches * tokens;
}

std::size_t ModelRunner::first_row(std::uint64_t mb, std::uint64_t tokens) const {
  return mb * micro_rows(tokens);
}

void ModelRunner::stage_inputs(const ModelStage& st) {
  ModelLane& lane = *lanes_[0];
  const ModelRegions& r = plan_.regions;
  const std::uint64_t tokens = pass_->tokens, mb = st.micro_batch;
  const std::size_t row0 = first_row(mb, tokens), n = micro_rows(tokens);
  auto region = [&](ModelTensor t) { return r.tensor[static_cast<int>(t)] + mb * r.micro_batch_bytes; };
  auto put = [&](ModelTensor t) { load(lane, region(t), rows_of(tensor(t), row0, n), lin_fmt_, lin_bits_); };
  for (ModelTensor t : st.reads)
    if (t != ModelTensor::Count) put(t);
  switch (st.op) {
    case ModelOpKind::Attention:
      if (!st.jobs.front().block.empty()) {
        // An engine with its own job block reads fp16: Q in a block per (sequence, head) of the pass's
        // rows, the new K and V rows as the projections laid them out (it appends them itself).
        const common::ModelSpec& m = w_.model;
        const std::uint64_t d = m.head_dim, seqs = n / tokens, s0 = row0 / tokens;
        const MatrixD& Q = tensor(ModelTensor::Q);
        MatrixD qh(n * m.heads, d);
        for (std::uint64_t s = 0; s < seqs; ++s)
          for (std::uint64_t h = 0; h < m.heads; ++h)
            for (std::uint64_t t = 0; t < tokens; ++t)
              std::copy_n(Q.row(row_of(s0 + s, t, tokens)) + h * d, d,
                          qh.row((s * m.heads + h) * tokens + t));
        load(lane, region(ModelTensor::Q), qh, common::ElemFormat::FP16, 16);
        for (ModelTensor t : {ModelTensor::Knew, ModelTensor::Vnew})
          load(lane, region(t), rows_of(tensor(t), row0, n), common::ElemFormat::FP16, 16);
      }
      break;  // else per job, by the lane that runs it
    default:
      break;
  }
}

void ModelRunner::read_output(ModelLane& lane, const ModelPass& pass, const ModelStage& st,
                              const ModelJob& j) {
  const common::ModelSpec& m = w_.model;
  const std::size_t row0 = first_row(st.micro_batch, pass.tokens), rows = micro_rows(pass.tokens);
  const std::uint64_t d = m.head_dim;
  const std::uint64_t out = j.desc.addr_out;
  // A GEMM writes fp32; a vector op in the linear datapath's format (the next op reads it so).
  if (st.writes != ModelTensor::Count) {
    MatrixD& t = tensor(st.writes);
    const MatrixD got = fetch(lane, out, rows, t.cols(),
                              j.desc.kind == common::JobKind::Gemm ? common::ElemFormat::FP32 : lin_fmt_);
    std::copy_n(got.data().begin(), rows * t.cols(), t.row(row0));
    return;
  }
  switch (st.op) {
    case ModelOpKind::AppendK:
    case ModelOpKind::AppendV: {
      const MatrixD got = fetch(lane, out, pass.tokens, d, lin_fmt_);
      MatrixD& c = cache(st.layer, j.seq, j.head, st.op == ModelOpKind::AppendV ? 1 : 0);
      for (std::uint64_t t = 0; t < pass.tokens; ++t) std::copy_n(got.row(t), d, c.row(pass.context + t));
      break;
    }
    case ModelOpKind::Attention: {
      // A block of the pass's rows per head (heads j.head ..): row i is head j.head + i / tokens,
      // token i % tokens (a prefill's job of one head, a decode's GQA group, a whole-layer job).
      const std::uint64_t n = j.heads * pass.tokens;
      const MatrixD got = fetch(lane, out, n, d, common::ElemFormat::FP32);
      MatrixD& a = tensor(ModelTensor::Attn);
      for (std::uint64_t i = 0; i < n; ++i)
        std::copy_n(got.row(i), d,
                    a.row(row_of(j.seq, i % pass.tokens, pass.tokens)) + (j.head + i / pass.tokens) * d);
      break;
    }
    default:
      break;
  }
}

void ModelRunner::end_of_layer(std::size_t pass, std::uint64_t layer, std::uint64_t mb) {
  if (!have_pass_reference_) {
    pass_reference_layers_ = pass_reference_.get();
    have_pass_reference_ = true;
  }
  const std::size_t row0 = first_row(mb, plan_.passes[pass].tokens),
                    n = micro_rows(plan_.passes[pass].tokens);
  const MatrixD& ref = pass_reference_layers_[layer];
  const MatrixD& got = tensor(ModelTensor::X);
  const std::size_t count = n * got.cols();
  layer_acc_[layer].add(got.row(row0), ref.row(row0), count);
  if (pass + 1 == plan_.passes.size() && layer + 1 == w_.model.layers)
    final_acc_.add(got.row(row0), ref.row(row0), count);
}

void ModelRunner::release(std::size_t s) {
  const ModelStage& st = pass_->stages[s];
  times_[pass_index_][s].start = sc_core::sc_time_stamp();
  if (numerics_) stage_inputs(st);
  jobs_left_[s] = st.jobs.size();
  for (std::size_t j = 0; j < st.jobs.size(); ++j) ready_[st.attention ? 1 : 0].insert({s, j});
  if (st.jobs.empty()) {
    finished_stages_.push_back(s);
    stage_done_.notify(sc_core::SC_ZERO_TIME);
  }
}

void ModelRunner::run_pass(std::size_t p) {
  const common::ModelSpec& m = w_.model;
  const ModelPass& pass = plan_.passes[p];
  const std::uint64_t rows = w_.batch * pass.tokens;
  if (numerics_) {
    // This pass's embeddings, the activations' shapes, the RoPE positions (one micro-batch's rows:
    // every micro-batch reads the same), and the reference of the pass on a worker thread while the
    // engines run it.
    MatrixD x(rows, m.hidden);
    for (std::uint64_t s = 0; s < w_.batch; ++s)
      for (std::uint64_t t = 0; t < pass.tokens; ++t)
        std::copy_n(inputs_.row(s * w_.final_tokens() + pass.context + t), m.hidden,
                    x.row(row_of(s, t, pass.tokens)));
    for (int i = 0; i < static_cast<int>(ModelTensor::Count); ++i)
      tensors_[i] = MatrixD(rows, tensor_width(m, static_cast<ModelTensor>(i)));
    tensor(ModelTensor::X) = x;
    const std::size_t pos_rows = micro_rows(pass.tokens);
    std::vector<std::uint32_t> pos(pos_rows);
    for (std::uint64_t r = 0; r < pos_rows; ++r)
      pos[r] = static_cast<std::uint32_t>(pass.context + r % pass.tokens);
    lanes_[0]->port().debug(true, plan_.regions.positions, reinterpret_cast<std::uint8_t*>(pos.data()),
                            4 * pos_rows);
    have_pass_reference_ = false;
    pass_reference_ = std::async(std::launch::async, [this, x = std::move(x), tokens = pass.tokens] {
      return reference_->run(x, tokens);
    });
  }
  pass_index_ = p;
  pass_ = &pass;
  const std::size_t n = pass.stages.size();
  jobs_left_.assign(n, 0);
  deps_left_.assign(n, 0);
  dependents_.assign(n, {});
  finished_stages_.clear();
  for (std::size_t s = 0; s < n; ++s) {
    deps_left_[s] = pass.stages[s].after.size();
    for (std::size_t a : pass.stages[s].after) dependents_[a].push_back(s);
  }
  for (std::size_t s = 0; s < n; ++s)
    if (deps_left_[s] == 0) release(s);
  work_.notify(sc_core::SC_ZERO_TIME);
  std::size_t done = 0;
  while (done < n) {
    while (finished_stages_.empty() && error_.empty()) sc_core::wait(stage_done_);
    if (!error_.empty()) throw std::runtime_error(error_);
    std::vector<std::size_t> finished;
    finished.swap(finished_stages_);
    bool released = false;
    for (std::size_t s : finished) {
      ++done;
      const ModelStage& st = pass.stages[s];
      times_[p][s].end = sc_core::sc_time_stamp();
      times_[p][s].done = true;
      bool layer_ends = true;  // no later op of the layer in its micro-batch
      for (std::size_t d : dependents_[s])
        if (pass.stages[d].layer == st.layer && pass.stages[d].micro_batch == st.micro_batch)
          layer_ends = false;
      if (numerics_ && layer_ends) end_of_layer(p, st.layer, st.micro_batch);
      for (std::size_t d : dependents_[s]) {
        if (--deps_left_[d] == 0) {
          release(d);
          released = true;
        }
      }
    }
    if (released) work_.notify(sc_core::SC_ZERO_TIME);
  }
}

void ModelRunner::control() {
  try {
    if (numerics_) load_weights_and_cache();
    for (std::size_t p = 0; p < plan_.passes.size(); ++p) run_pass(p);
    finished_ = true;
  } catch (const std::exception& e) {
    if (error_.empty()) error_ = e.what();
  }
  if (pass_reference_.valid()) pass_reference_.wait();
  stop_ = true;
  work_.notify(sc_core::SC_ZERO_TIME);
  sc_core::sc_stop();
}

void ModelRunner::lane(std::size_t k) {
  ModelLane& ln = *lanes_[k];
  const std::uint32_t acc = lane_acc_[k];
  const bool serves_linear = k == 0;
  const bool serves_attention =
      std::find(attention_lanes_.begin(), attention_lanes_.end(), k) != attention_lanes_.end();
  const std::uint64_t csr = csr_base_0_ + csr_stride_ * acc;
  const std::uint64_t desc_addr = plan_.regions.descriptors + 4096 * acc;
  // The lowest ready (stage, job) of the kinds this lane serves, or null.
  auto next = [&]() -> std::set<std::pair<std::size_t, std::size_t>>* {
    std::set<std::pair<std::size_t, std::size_t>>* best = nullptr;
    for (int kind = 0; kind < 2; ++kind) {
      auto& q = ready_[kind];
      if ((kind == 1 ? serves_attention : serves_linear) && !q.empty() &&
          (!best || *q.begin() < *best->begin()))
        best = &q;
    }
    return best;
  };
  for (;;) {
    while (!stop_ && next() == nullptr) sc_core::wait(work_);
    if (stop_) return;
    auto& queue = *next();
    const auto [stage_index, index] = *queue.begin();
    queue.erase(queue.begin());
    const ModelPass& pass = *pass_;
    const ModelStage& st = pass.stages[stage_index];
    const ModelJob& j = st.jobs[index];
    common::JobDescriptor d = j.desc;
    const bool att = st.attention;
    d.format = att ? att_fmt_ : lin_fmt_;
    d.int_bits = static_cast<std::uint32_t>(att ? att_bits_ : lin_bits_);
    if (d.kind == common::JobKind::Vector) d.out_format = d.format;  // in the format the next op reads
    d.timing_only = !numerics_;
    try {
      if (!j.block.empty()) {  // the engine's job block beside the descriptor
        std::vector<std::uint8_t> block = j.block;
        d.addr_a = desc_addr + 2048;
        ln.port().debug(true, d.addr_a, block.data(), block.size());
      } else if (numerics_ && att) {
        // The job's query rows and the K/V positions it reads, in the attention engine's format.
        const common::ModelSpec& m = w_.model;
        const std::uint64_t dh = m.head_dim, g = j.head / m.group();
        MatrixD q(d.rows, dh);
        const MatrixD& Q = tensor(ModelTensor::Q);
        for (std::uint64_t i = 0; i < d.rows; ++i) {
          const std::size_t row = pass.prefill ? row_of(j.seq, i, pass.tokens) : j.seq;
          const std::uint64_t head = pass.prefill ? j.head : j.head + i;
          std::copy_n(Q.row(row) + head * dh, dh, q.row(i));
        }
        d.scale_a = load(ln, d.addr_a, q, att_fmt_, att_bits_);
        for (int kv = 0; kv < 2; ++kv) {
          const MatrixD& c = cache(st.layer, j.seq, g, kv);
          MatrixD block(d.cols, dh);
          std::copy_n(c.row(j.first_key), d.cols * dh, block.data().begin());
          (kv ? d.scale_c : d.scale_b) = load(ln, kv ? d.addr_c : d.addr_b, block, att_fmt_, att_bits_);
        }
      }
      ModelJobRun run;
      run.pass = pass_index_;
      run.stage = stage_index;
      run.job = index;
      run.accelerator = acc;
      run.record = record_count_(acc);
      run.status = kick_and_wait(ln.port(), csr, desc_addr, d, ln.irq[acc]);
      runs_.push_back(run);
      if (run.status != sc::csr::kStatusDone) {
        throw std::runtime_error(std::string("layer ") + std::to_string(st.layer) + " " + op_name(st.op) +
                                 ": the accelerator reported status " + std::to_string(run.status));
      }
      if (numerics_) read_output(ln, pass, st, j);
    } catch (const std::exception& e) {
      if (error_.empty()) error_ = e.what();
    }
    if (--jobs_left_[stage_index] == 0) finished_stages_.push_back(stage_index);
    if (jobs_left_[stage_index] == 0 || !error_.empty()) stage_done_.notify(sc_core::SC_ZERO_TIME);
  }
}

}  // namespace savp::tb
