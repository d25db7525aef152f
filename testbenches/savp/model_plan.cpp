#include "testbenches/savp/model_plan.hpp"

#include <algorithm>

#include "models/common/input_error.hpp"
#include "models/dense/dense_core.hpp"
#include "testbenches/savp/engine_flow.hpp"
#include "testbenches/savp/job_plan.hpp"
#include "tlm/platform/platform.hpp"

namespace savp::tb {

using common::InputError;
using common::JobDescriptor;
using common::JobKind;
using common::VectorOp;

const char* tensor_name(ModelTensor t) {
  static const char* names[] = {
      "x",        "x_norm",        "q",      "k_new",    "v_new",   "attention_out", "o_proj",
      "residual", "residual_norm", "ffn_up", "ffn_gate", "ffn_act", "ffn_down"};
  return names[static_cast<int>(t)];
}

std::uint64_t tensor_width(const common::ModelSpec& m, ModelTensor t) {
  const std::uint64_t qd = m.heads * m.head_dim, kvd = m.kv_heads * m.head_dim;
  switch (t) {
    case ModelTensor::Q:
    case ModelTensor::Attn:
      return qd;
    case ModelTensor::Knew:
    case ModelTensor::Vnew:
      return kvd;
    case ModelTensor::Up:
    case ModelTensor::Gate:
    case ModelTensor::Act:
      return m.ffn_hidden;
    default:
      return m.hidden;
  }
}

const char* op_name(ModelOpKind k) {
  static const char* names[] = {"norm1",    "q_proj",   "k_proj",    "v_proj",   "rope_q",    "rope_k",
                                "append_k", "append_v", "attention", "o_proj",   "residual1", "norm2",
                                "ffn_up",   "ffn_gate", "ffn_act",   "ffn_down", "residual2"};
  return names[static_cast<int>(k)];
}

std::size_t ModelPlan::jobs() const {
  std::size_t n = 0;
  for (const ModelPass& p : passes)
    for (const ModelStage& s : p.stages) n += s.jobs.size();
  return n;
}

std::uint64_t kv_address(const ModelPlan& plan, std::uint64_t layer, std::uint64_t seq, std::uint64_t head,
                         int kv, std::uint64_t position) {
  const common::ModelSpec& m = plan.workload->model;
  const std::uint64_t block = ((seq * m.kv_heads + head) * 2 + static_cast<std::uint64_t>(kv));
  return plan.regions.layers[layer].kv + block * plan.regions.kv_block_bytes +
         position * m.head_dim * plan.cache_elem_bytes;
}

std::uint64_t activation_address(const ModelPlan& plan, ModelTensor t, std::uint64_t seq,
                                 std::uint64_t seq_bytes) {
  const std::uint64_t per = plan.workload->batch / plan.workload->micro_batches;
  return plan.regions.tensor[static_cast<int>(t)] + (seq / per) * plan.regions.micro_batch_bytes +
         (seq % per) * seq_bytes;
}

namespace {

std::string acc_path(std::uint32_t i) { return "/platform/accelerators/" + std::to_string(i); }

// Lays regions out one after another from `next`, page-aligned, refusing overflow.
struct Allocator {
  const std::string& file;
  std::uint64_t next = 0;
  std::uint64_t take(unsigned __int128 bytes) {
    const unsigned __int128 end = static_cast<unsigned __int128>(next) + bytes;
    if (end > (static_cast<unsigned __int128>(1) << 62))
      throw InputError(file, "/workload/model", "the model's regions are too large to address");
    const std::uint64_t at = next;
    next = page_align(static_cast<std::uint64_t>(end));
    return at;
  }
};

JobDescriptor gemm(std::uint64_t m, std::uint64_t n, std::uint64_t k, std::uint64_t a, std::uint64_t b,
                   std::uint64_t out) {
  JobDescriptor d;
  d.kind = JobKind::Gemm;
  d.rows = m;
  d.cols = n;
  d.depth = k;
  d.addr_a = a;
  d.addr_b = b;
  d.addr_c = d.addr_out = out;
  return d;
}

JobDescriptor vector(VectorOp op, std::uint64_t rows, std::uint64_t cols, std::uint64_t a, std::uint64_t b,
                     std::uint64_t c, std::uint64_t out) {
  JobDescriptor d;
  d.kind = JobKind::Vector;
  d.vector_op = op;
  d.rows = rows;
  d.cols = cols;
  d.addr_a = a;
  d.addr_b = b;
  d.addr_c = c;
  d.addr_out = out;
  return d;
}

ModelStage stage(ModelOpKind op, std::uint64_t layer, JobDescriptor d, std::array<ModelTensor, 2> reads,
                 ModelTensor writes) {
  ModelStage s;
  s.op = op;
  s.layer = layer;
  s.reads = reads;
  s.writes = writes;
  ModelJob j;
  j.desc = d;
  s.jobs.push_back(j);
  return s;
}

// The checks of the mapping: engines that can run their part, formats, the shapes of every job.
void check_mapping(const sc::Scenario& s, ModelPlan& plan) {
  const common::ModelWorkload& w = *plan.workload;
  const common::ModelSpec& m = w.model;
  const sc::AcceleratorSpec& lin = s.accelerators[plan.linear];
  const std::string lin_key = s.mapping.given ? "/platform/mapping/linear" : "/workload/accelerator";
  const std::string att_key = s.mapping.given ? "/platform/mapping/attention" : "/workload/accelerator";
  if (!engine_flow(lin).model_linear) {
    throw InputError(s.file, lin_key,
                     "a model's linear layers (projections, FFN, norms, residuals) run on a \"dense\" array; "
                     "accelerator " +
                         std::to_string(plan.linear) + " is of type \"" + lin.type + "\"" +
                         (s.mapping.given ? "" : " (give platform.mapping to put the attention elsewhere)"));
  }
  if (lin.format() == common::ElemFormat::INT) {
    throw InputError(
        s.file, acc_path(plan.linear) + "/format",
        "a model's norms, activations and residuals run on the dense array's vector unit, which needs a "
        "floating-point datapath (fp16 or fp32); this one is " +
            lin.dense.format_name());
  }
  const EngineFlow& flow = engine_flow(s.accelerators[plan.attention.front()]);
  const sc::AcceleratorSpec& first = s.accelerators[plan.attention.front()];
  for (std::uint32_t a : plan.attention) {
    const sc::AcceleratorSpec& acc = s.accelerators[a];
    if (&engine_flow(acc) == &flow &&
        (acc.format() != first.format() ||
         (acc.format() == common::ElemFormat::INT && acc.int_bits() != first.int_bits())))
      throw InputError(
          s.file, att_key,
          "the attention accelerators must share one datapath format (the host lays the K/V cache out "
          "once for them): accelerators " +
              std::to_string(plan.attention.front()) + " and " + std::to_string(a) + " differ");
    if (&engine_flow(acc) != &flow)
      throw InputError(s.file, att_key,
                       "the attention accelerators must be of one type (\"" +
                           s.accelerators[plan.attention.front()].type + "\" and \"" +
                           s.accelerators[a].type + "\" given)");
  }
  if (!flow.model_attention) {
    throw InputError(
        s.file, att_key,
        "a model's attention runs on a \"dense\", \"salo\", \"spatten\", \"sprint\" or \"chela\" "
        "accelerator; \"" +
            s.accelerators[plan.attention.front()].type + "\" has no model form");
  }
  if (s.outputs.baseline_spec) {
    throw InputError(
        s.file, s.outputs.baseline_pointer,
        "a model compares with another mapping as a second scenario or a sweep over platform.mapping, "
        "not with outputs.baseline");
  }
  // Every job shape against the engines' limits.
  auto refuse = [&](std::uint32_t a, const std::string& op, const common::JobCheck& c) {
    if (c.why.empty()) return;
    const std::string key = c.key == "phase"                         ? "/workload/phase"
                            : !c.key.empty() && c.key.front() == '/' ? c.key  // a whole JSON path
                            : c.key.empty() || c.key.rfind("array", 0) == 0 ||
                                    c.key.rfind("buffers", 0) == 0 || c.key.rfind("datapath", 0) == 0 ||
                                    c.key.rfind("sram", 0) == 0 || c.key.rfind("pruning", 0) == 0 ||
                                    c.key.rfind("quant", 0) == 0 || c.key.rfind("conv", 0) == 0
                                ? acc_path(a) + (c.key.empty() ? "" : "/" + c.key)
                                : std::string("/workload/model");
    throw InputError(s.file, key, "cannot run the model's " + op + ": " + c.why);
  };
  for (const ModelPass& p : plan.passes) {
    for (const ModelStage& st : p.stages) {
      const ModelJob& j = st.jobs.front();
      if (st.attention) {
        for (std::uint32_t a : plan.attention)
          refuse(a, "attention", flow.model_attention(s, a, j.desc, m.attention, !p.prefill));
      } else if (j.desc.kind == JobKind::Gemm) {
        refuse(plan.linear, op_name(st.op),
               {"", dense::DenseCore::check_job(lin.dense, JobKind::Gemm, j.desc.rows, j.desc.cols,
                                                j.desc.depth, 0)});
      } else {
        JobDescriptor d = j.desc;
        d.format = d.out_format = lin.format();
        refuse(plan.linear, op_name(st.op), dense::DenseCore::check_vector_job(lin.dense, d));
      }
    }
  }
}

// One pass: every layer's stages.
ModelPass make_pass(const sc::Scenario& sc, const ModelPlan& plan, bool prefill, std::uint64_t tokens,
                    std::uint64_t context) {
  const EngineFlow& flow = engine_flow(sc.accelerators[plan.attention.front()]);
  const common::ModelWorkload& w = *plan.workload;
  const common::ModelSpec& m = w.model;
  const ModelRegions& r = plan.regions;
  const std::uint64_t per_mb = w.batch / w.micro_batches;
  const std::uint64_t rows = per_mb * tokens, H = m.heads, G = m.kv_heads, d = m.head_dim;
  const std::uint64_t el = plan.linear_elem_bytes, ea = plan.attention_elem_bytes;
  const bool rms = m.norm == common::ModelSpec::Norm::RmsNorm;
  const VectorOp norm = rms ? VectorOp::RmsNorm : VectorOp::LayerNorm;
  ModelPass pass;
  pass.prefill = prefill;
  pass.tokens = tokens;
  pass.context = context;
  std::vector<std::size_t> last(w.micro_batches, SIZE_MAX);  // each micro-batch's last stage
  for (std::uint64_t l = 0; l < m.layers; ++l) {
    for (std::uint64_t mb = 0; mb < w.micro_batches; ++mb) {
      const ModelRegions::Layer& L = r.layers[l];
      const std::uint64_t s0 = mb * per_mb;  // the micro-batch's first sequence
      auto t = [&](ModelTensor x) { return r.tensor[static_cast<int>(x)] + mb * r.micro_batch_bytes; };
      std::vector<ModelStage> st;  // the micro-batch's chain of ops in the layer
      // Pre-norm: X -norm1-> Xn -> projections; post-norm: the projections read X and the norms
      // follow the residuals (H -norm1-> Hn, Xn -norm2-> X).
      const bool post = m.norm_position == common::ModelSpec::NormPosition::Post;
      auto norm_stage = [&](ModelOpKind op, std::uint64_t gamma, ModelTensor in, ModelTensor out) {
        JobDescriptor n = vector(norm, rows, m.hidden, t(in), 0, gamma, t(out));
        n.softmax_scale = m.norm_eps;
        st.push_back(stage(op, l, n, {in, ModelTensor::Count}, out));
      };
      const ModelTensor proj_in = post ? ModelTensor::X : ModelTensor::Xn;
      if (!post) norm_stage(ModelOpKind::Norm1, L.norm1, ModelTensor::X, ModelTensor::Xn);
      st.push_back(stage(ModelOpKind::ProjQ, l,
                         gemm(rows, H * d, m.hidden, t(proj_in), L.wq, t(ModelTensor::Q)),
                         {proj_in, ModelTensor::Count}, ModelTensor::Q));
      st.push_back(stage(ModelOpKind::ProjK, l,
                         gemm(rows, G * d, m.hidden, t(proj_in), L.wk, t(ModelTensor::Knew)),
                         {proj_in, ModelTensor::Count}, ModelTensor::Knew));
      st.push_back(stage(ModelOpKind::ProjV, l,
                         gemm(rows, G * d, m.hidden, t(proj_in), L.wv, t(ModelTensor::Vnew)),
                         {proj_in, ModelTensor::Count}, ModelTensor::Vnew));
      if (m.positions == common::ModelSpec::Positions::Rope) {
        for (auto [op, x, width] : {std::tuple{ModelOpKind::RopeQ, ModelTensor::Q, H * d},
                                    std::tuple{ModelOpKind::RopeK, ModelTensor::Knew, G * d}}) {
          JobDescriptor rd = vector(VectorOp::Rope, rows, width, t(x), 0, r.positions, t(x));
          rd.depth = d;
          rd.softmax_scale = m.rope_theta;
          st.push_back(stage(op, l, rd, {x, ModelTensor::Count}, x));
        }
      }
      // The new keys and values into the cache: one strided copy per (sequence, K/V head), unless the
      // attention engine appends them itself.
      for (auto [op, src, kv] : {std::tuple{ModelOpKind::AppendK, ModelTensor::Knew, 0},
                                 std::tuple{ModelOpKind::AppendV, ModelTensor::Vnew, 1}}) {
        if (flow.model_owns_cache) break;
        ModelStage s;
        s.op = op;
        s.layer = l;
        s.reads = {src, ModelTensor::Count};
        for (std::uint64_t q = s0; q < s0 + per_mb; ++q) {
          for (std::uint64_t g = 0; g < G; ++g) {
            ModelJob j;
            j.seq = q;
            j.head = g;
            j.desc = vector(VectorOp::Copy, tokens, d,
                            activation_address(plan, src, q, tokens * G * d * el) + g * d * el, 0, 0,
                            kv_address(plan, l, q, g, kv, context));
            j.desc.depth = G * d;  // the source's row stride, in elements
            s.jobs.push_back(j);
          }
        }
        st.push_back(std::move(s));
      }
      // Attention: a prefill runs every (sequence, query head) over the prompt with the model's
      // pattern; a decode step runs the new token's query against the keys it may see (the sliding
      // window's or all), every query head of a GQA group at once where the engine reads the group's
      // K/V head once.
      ModelStage att;
      att.op = ModelOpKind::Attention;
      att.layer = l;
      att.attention = true;
      const std::uint64_t group = m.group();
      const std::uint64_t per_job = (!prefill && plan.stack_gqa) ? group : 1;
      const std::uint64_t first = prefill || m.attention.window == 0 || context + 1 <= m.attention.window
                                      ? 0
                                      : context + 1 - m.attention.window;
      const std::uint64_t per_layer_job = flow.model_job_per_kv_head ? group : H;
      for (std::uint64_t q = s0; q < s0 + per_mb && flow.model_layer_job; ++q) {
        for (std::uint64_t h = 0; h < H; h += per_layer_job) {
          ModelJob j;
          j.seq = q;
          j.head = h;
          j.heads = per_layer_job;
          flow.model_layer_job(sc, plan, pass, l, j);
          att.jobs.push_back(std::move(j));
        }
      }
      for (std::uint64_t q = s0; q < s0 + per_mb && !flow.model_layer_job; ++q) {
        for (std::uint64_t h = 0; h < H; h += per_job) {
          ModelJob j;
          j.seq = q;
          j.head = h;
          j.heads = per_job;
          j.first_key = first;
          JobDescriptor& dd = j.desc;
          dd.kind = JobKind::Attention;
          dd.rows = prefill ? tokens : per_job;
          dd.cols = context + tokens - first;
          dd.depth = dd.value_dim = d;
          dd.softmax_scale = 1.0 / std::sqrt(static_cast<double>(d));
          dd.addr_a = activation_address(plan, ModelTensor::Q, q, H * tokens * d * ea) + h * tokens * d * ea;
          dd.addr_b = kv_address(plan, l, q, h / group, 0, first);
          dd.addr_c = kv_address(plan, l, q, h / group, 1, first);
          dd.addr_out =
              activation_address(plan, ModelTensor::Attn, q, H * tokens * d * 4) + h * tokens * d * 4;
          if (prefill) dd.set_pattern(m.attention, r.globals);
          att.jobs.push_back(j);
        }
      }
      st.push_back(std::move(att));
      st.push_back(stage(ModelOpKind::ProjO, l,
                         gemm(rows, m.hidden, H * d, t(ModelTensor::Attn), L.wo, t(ModelTensor::Y)),
                         {ModelTensor::Attn, ModelTensor::Count}, ModelTensor::Y));
      st.push_back(stage(
          ModelOpKind::Residual1, l,
          vector(VectorOp::Add, rows, m.hidden, t(ModelTensor::X), t(ModelTensor::Y), 0, t(ModelTensor::H)),
          {ModelTensor::X, ModelTensor::Y}, ModelTensor::H));
      if (post) {
        norm_stage(ModelOpKind::Norm1, L.norm1, ModelTensor::H, ModelTensor::Hn);
      } else {
        norm_stage(ModelOpKind::Norm2, L.norm2, ModelTensor::H, ModelTensor::Hn);
      }
      st.push_back(stage(ModelOpKind::Up, l,
                         gemm(rows, m.ffn_hidden, m.hidden, t(ModelTensor::Hn), L.up, t(ModelTensor::Up)),
                         {ModelTensor::Hn, ModelTensor::Count}, ModelTensor::Up));
      if (m.ffn == common::ModelSpec::Ffn::Swiglu) {
        st.push_back(
            stage(ModelOpKind::Gate, l,
                  gemm(rows, m.ffn_hidden, m.hidden, t(ModelTensor::Hn), L.gate, t(ModelTensor::Gate)),
                  {ModelTensor::Hn, ModelTensor::Count}, ModelTensor::Gate));
        st.push_back(stage(ModelOpKind::Act, l,
                           vector(VectorOp::SiluMul, rows, m.ffn_hidden, t(ModelTensor::Gate),
                                  t(ModelTensor::Up), 0, t(ModelTensor::Act)),
                           {ModelTensor::Up, ModelTensor::Gate}, ModelTensor::Act));
      } else {
        st.push_back(
            stage(ModelOpKind::Act, l,
                  vector(VectorOp::Gelu, rows, m.ffn_hidden, t(ModelTensor::Up), 0, 0, t(ModelTensor::Act)),
                  {ModelTensor::Up, ModelTensor::Count}, ModelTensor::Act));
      }
      st.push_back(
          stage(ModelOpKind::Down, l,
                gemm(rows, m.hidden, m.ffn_hidden, t(ModelTensor::Act), L.down, t(ModelTensor::Down)),
                {ModelTensor::Act, ModelTensor::Count}, ModelTensor::Down));
      // The second residual adds the FFN's input (the first residual's, normed in post-norm).
      const ModelTensor res2_in = post ? ModelTensor::Hn : ModelTensor::H;
      const ModelTensor res2_out = post ? ModelTensor::Xn : ModelTensor::X;
      st.push_back(
          stage(ModelOpKind::Residual2, l,
                vector(VectorOp::Add, rows, m.hidden, t(res2_in), t(ModelTensor::Down), 0, t(res2_out)),
                {res2_in, ModelTensor::Down}, res2_out));
      if (post) norm_stage(ModelOpKind::Norm2, L.norm2, ModelTensor::Xn, ModelTensor::X);
      for (ModelStage& x : st) {
        x.micro_batch = mb;
        if (last[mb] != SIZE_MAX) x.after.push_back(last[mb]);
        last[mb] = pass.stages.size();
        pass.stages.push_back(std::move(x));
      }
    }
  }
  return pass;
}

}  // namespace

ModelPlan make_model_plan(sc::Scenario& s) {
  ModelPlan plan;
  plan.workload = s.workload.model.get();
  const common::ModelWorkload& w = *plan.workload;
  const common::ModelSpec& m = w.model;
  plan.linear = s.mapping.linear;
  plan.attention = s.mapping.attention;
  const sc::AcceleratorSpec& lin = s.accelerators[plan.linear];
  const sc::AcceleratorSpec& att = s.accelerators[plan.attention.front()];
  plan.stack_gqa = engine_flow(att).model_shares_kv;
  plan.linear_elem_bytes = common::elem_bytes(lin.format(), lin.int_bits());
  plan.attention_elem_bytes = common::elem_bytes(att.format(), att.int_bits());
  plan.cache_elem_bytes = std::max(plan.linear_elem_bytes, plan.attention_elem_bytes);
  plan.cache_tokens = w.final_tokens();
  plan.tolerance_rel_l2 = lin.tolerance_rel_l2();
  for (std::uint32_t a : plan.attention)
    plan.tolerance_rel_l2 = std::max(plan.tolerance_rel_l2, s.accelerators[a].tolerance_rel_l2());

  // Regions: descriptors, globals, positions, activations (sized for the largest pass, at 4 bytes
  // an element: GEMMs and the attention write fp32), weights per layer, the KV cache per layer.
  Allocator a{s.file};
  const std::uint64_t n_acc = s.accelerators.size();
  ModelRegions& r = plan.regions;
  r.descriptors = a.take(4096 * n_acc);
  r.globals = a.take(4 * std::max<std::uint64_t>(1, m.attention.global_tokens.size()));
  const std::uint64_t rows = w.batch / w.micro_batches * (w.runs_prefill() ? w.seq_len : 1);
  r.positions = a.take(4 * rows);
  const std::uint64_t qd = m.heads * m.head_dim, kvd = m.kv_heads * m.head_dim;
  for (int i = 0; i < static_cast<int>(ModelTensor::Count); ++i) {
    if (static_cast<ModelTensor>(i) == ModelTensor::Gate && m.ffn != common::ModelSpec::Ffn::Swiglu) continue;
    r.tensor[i] =
        a.take(static_cast<unsigned __int128>(rows) * tensor_width(m, static_cast<ModelTensor>(i)) * 4);
  }
  // Micro-batches after the first: a copy of micro-batch 0's activation regions each.
  r.micro_batch_bytes = a.next - r.tensor[0];
  if (w.micro_batches > 1) a.take(static_cast<unsigned __int128>(w.micro_batches - 1) * r.micro_batch_bytes);
  const std::uint64_t el = plan.linear_elem_bytes;
  using U = unsigned __int128;
  const EngineFlow& att_flow = engine_flow(att);
  const std::uint64_t cache_row = std::max(
      m.head_dim * plan.cache_elem_bytes,
      att_flow.model_cache_row_bytes ? att_flow.model_cache_row_bytes(s, m.head_dim) : std::uint64_t{0});
  r.kv_block_bytes = att_flow.model_no_cache ? 0 : (plan.cache_tokens * cache_row + 63) & ~std::uint64_t{63};
  if (att_flow.model_state_bytes) {
    r.engine_state_bytes = page_align(att_flow.model_state_bytes(s, plan));
    r.engine_state = a.take(U(w.batch) * r.engine_state_bytes);
  }
  for (std::uint64_t l = 0; l < m.layers; ++l) {
    ModelRegions::Layer L;
    L.wq = a.take(U(m.hidden) * qd * el);
    L.wk = a.take(U(m.hidden) * kvd * el);
    L.wv = a.take(U(m.hidden) * kvd * el);
    L.wo = a.take(U(qd) * m.hidden * el);
    L.up = a.take(U(m.hidden) * m.ffn_hidden * el);
    if (m.ffn == common::ModelSpec::Ffn::Swiglu) L.gate = a.take(U(m.hidden) * m.ffn_hidden * el);
    L.down = a.take(U(m.ffn_hidden) * m.hidden * el);
    L.norm1 = a.take(U(m.hidden) * 8);
    L.norm2 = a.take(U(m.hidden) * 8);
    L.kv = a.take(U(w.batch) * m.kv_heads * 2 * r.kv_block_bytes);
    r.layers.push_back(L);
  }
  r.end = a.next;
  if (r.end > s.memory.size_bytes) {
    throw InputError(s.file, "/platform/memory",
                     "the model needs " + std::to_string((r.end + (1 << 20) - 1) >> 20) +
                         " MiB of main memory (weights, KV cache, activations), the memory has " +
                         std::to_string(s.memory.size_bytes >> 20) + " MiB (raise platform.memory.size_mib)");
  }
  // Files are read and checked before anything runs (a bad one is exit 2, nothing written).
  if (w.weights_source == "npy")
    plan.npy_weights = std::make_shared<const common::ModelWeights>(
        common::load_weights(m, w.weights_dir, s.file, "/workload/weights/dir"));
  if (w.inputs_source == "npy")
    plan.npy_inputs = std::make_shared<const common::MatrixD>(
        common::load_inputs(m, w.batch * w.final_tokens(), w.inputs_file, s.file, "/workload/inputs/file"));
  if (w.runs_prefill()) plan.passes.push_back(make_pass(s, plan, true, w.seq_len, 0));
  for (std::uint64_t t = 0; t < w.decode_steps(); ++t)
    plan.passes.push_back(make_pass(s, plan, false, 1, w.seq_len + t));
  check_mapping(s, plan);
  return plan;
}

}  // namespace savp::tb
