// The savp flow of CHELA: linear attention over the whole sequence (causal or not) checked against
// the engine (chela::ChelaCore::check_job); the layout adds the job block, kernels and FFT scratch
// after the output. Host flow: chela_host.cpp.
// Model form (chela_model.hpp): a model's attention as one job per (sequence, layer, K/V head)
// covering that head's group of query heads: the recurrent state S = sum phi(k)^T [v | 1] depends on
// K and V only, so the group shares it. The state per (layer, K/V head) lives in a region per
// sequence in place of a KV cache (no cache, no append on the linear accelerator); the prefill
// writes it, every decode step reads and writes it back. The model reference computes the same
// linear attention in double (not the model's softmax), and stats.json says so.
#include <algorithm>

#include "models/chela/chela_core.hpp"
#include "models/chela/chela_model.hpp"
#include "models/chela/linear_attention.hpp"
#include "testbenches/savp/engine_flow.hpp"

namespace savp::tb {

const EngineFlow& chela_flow() {
  static const EngineFlow f = [] {
    EngineFlow e;
    e.type = "chela";
    e.check = [](const sc::Scenario& s, const JobPlan&) -> std::string {
      const common::WorkloadSpec& w = s.workload;
      refuse_gemm(s, "CHELA");
      refuse_sparse_pattern(s,
                            "CHELA runs linear attention over the whole sequence (causal or not): no window, "
                            "dilation, global tokens or 2D window");
      const auto c = chela::ChelaCore::check_job(s.accelerators[w.accelerator].chela, w.seq_len, w.head_dim,
                                                 w.value_dim);
      refuse_job(s, "CHELA", accelerator_path(s) + "/" + c.key, c.why);
      return "";
    };
    e.extra_regions = [](const sc::Scenario& s, MemoryLayout& m) {
      // Job block, kernels and FFT scratch after the output.
      const common::WorkloadSpec& w = s.workload;
      m.diag = m.end;
      m.end = chela::chela_regions(s.accelerators[w.accelerator].chela, m.diag, w.seq_len, w.value_dim).end;
    };
    e.numerics_off = [](const sc::Scenario&) { return std::string(); };  // same steps without data
    e.run_job = &HostDriver::run_chela_job;
    e.model_owns_cache = true;
    e.model_no_cache = true;
    e.model_shares_kv = true;
    e.model_job_per_kv_head = true;
    e.model_attention = [](const sc::Scenario& s, std::uint32_t a, const common::JobDescriptor& job,
                           const common::AttentionPattern& p, bool) -> common::JobCheck {
      const chela::ChelaConfig& cfg = s.accelerators[a].chela;
      if (p.window || p.dilation != 1 || !p.global_tokens.empty() || p.grid_h)
        return {"attention",
                "CHELA runs linear attention over every earlier token (causal) or every token: no window, "
                "dilation, global tokens or 2D window"};
      if (cfg.conv_enabled)
        return {"conv/enabled",
                "a pretrained transformer has no short-long convolution branch: CHELA's model form runs its "
                "linear attention only (set conv.enabled false)"};
      if (cfg.format != common::ElemFormat::FP16)
        return {"datapath/format",
                "CHELA's model form reads Q and the new K/V rows at fp16, as the host stages them for "
                "engines with their own job block"};
      if (s.workload.numerics && !s.workload.model->runs_prefill())
        return {"phase",
                "CHELA's decode reads the recurrent state its prefill wrote: with numerics on, run the "
                "prompt on it too (phase \"generate\"), or run the decode timing-only (numerics \"off\")"};
      return chela::ChelaCore::check_job(cfg, job.rows, job.depth, job.value_dim);
    };
    e.model_state_bytes = [](const sc::Scenario& s, const ModelPlan& plan) {
      const common::ModelSpec& m = plan.workload->model;
      const chela::ChelaConfig& cfg = s.accelerators[plan.attention.front()].chela;
      return m.layers * m.kv_heads * chela::model_state_bytes(m.head_dim, m.head_dim, cfg.normalise);
    };
    e.model_layer_job = [](const sc::Scenario& s, const ModelPlan& plan, const ModelPass& pass,
                           std::uint64_t layer, ModelJob& j) {
      const common::ModelSpec& m = plan.workload->model;
      const chela::ChelaConfig& cfg = s.accelerators[plan.attention.front()].chela;
      const ModelRegions& r = plan.regions;
      const std::uint64_t H = m.heads, G = m.kv_heads, d = m.head_dim, n = pass.tokens, q = j.seq;
      const std::uint64_t g = j.head / m.group(), e = 2;  // fp16 operands (model_attention)
      chela::ChelaModelBlock b;
      b.heads = j.heads;
      b.causal = !pass.prefill || m.attention.causal ? 1 : 0;
      b.load_state = pass.prefill ? 0 : 1;
      // Q of head h: a block of the pass's rows (as the runner stages it); K/V: rows of the projections'
      // output, every K/V head of a token in one row; the output of head h: a block of rows, fp32.
      b.q_base = activation_address(plan, ModelTensor::Q, q, H * n * d * e) + j.head * n * d * e;
      b.q_head_stride = n * d * e;
      b.k_base = activation_address(plan, ModelTensor::Knew, q, n * G * d * e) + g * d * e;
      b.v_base = activation_address(plan, ModelTensor::Vnew, q, n * G * d * e) + g * d * e;
      b.kv_row_stride = G * d * e;
      b.out_base = activation_address(plan, ModelTensor::Attn, q, H * n * d * 4) + j.head * n * d * 4;
      b.out_head_stride = n * d * 4;
      b.state_addr = r.engine_state + q * r.engine_state_bytes +
                     (layer * G + g) * chela::model_state_bytes(d, d, cfg.normalise);
      b.context = pass.context;
      j.block = b.serialise();
      set_layer_job_desc(j, common::JobKind::LinearModel, n, pass.context + n, d, j.desc.addr_b, b.out_base);
    };
    e.model_reference_attention = [](const sc::Scenario& s) -> common::ModelReference::AttentionFn {
      const chela::ChelaConfig& cfg = s.accelerators[s.mapping.attention.front()].chela;
      const bool causal = s.workload.model->model.attention.causal;
      return [fmap = cfg.feature_map, norm = cfg.normalise, causal](
                 const common::MatrixD& q, const common::MatrixD& k, const common::MatrixD& v,
                 std::uint64_t offset) {
        const std::vector<double> o = chela::recurrent_linear_attention_rows(
            q.data().data(), q.rows(), offset, k.data().data(), v.data().data(), k.rows(), q.cols(), v.cols(),
            causal, fmap, norm);
        common::MatrixD out(q.rows(), v.cols());
        std::copy(o.begin(), o.end(), out.data().begin());
        return out;
      };
    };
    e.model_attention_function = [](const sc::Scenario& s) -> std::string {
      const chela::ChelaConfig& cfg = s.accelerators[s.mapping.attention.front()].chela;
      const std::string phi = cfg.feature_map == chela::FeatureMap::Elu1 ? "elu(x) + 1" : "x";
      const std::string over = s.workload.model->model.attention.causal ? "sum_{s<=i}" : "sum_s";  // all keys
      return "linear attention (CHELA): o_i = phi(q_i) " + over + " phi(k_s)^T v_s" +
             std::string(cfg.normalise ? " / phi(q_i) . " + over + " phi(k_s)" : "") + ", phi(x) = " + phi +
             "; the model reference computes the same in double, not the model's softmax";
    };
    return e;
  }();
  return f;
}

}  // namespace savp::tb
