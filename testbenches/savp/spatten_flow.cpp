// The savp flow of SpAtten: its own plan (spatten_plan.hpp: one job per batch element running every
// layer and head, since cascade pruning spans them; generation and trace replay) and memory
// estimate (the job block of all heads, or the pruning trace). Host flow: spatten_host.cpp.
// Model form: one ModelLayer job per (sequence, layer) per pass covering every head; the job
// appends the pass's K/V to the cache in its own format; the cascade state and the per-layer K/V
// scales live in a region per sequence (SpattenModelState after layers x kv heads x (K, V) scales).
#include <cmath>

#include "models/common/random.hpp"
#include "models/spatten/spatten_core.hpp"
#include "models/spatten/spatten_model_state.hpp"
#include "testbenches/savp/engine_flow.hpp"

namespace savp::tb {

const EngineFlow& spatten_flow() {
  static const EngineFlow f = [] {
    EngineFlow e;
    e.type = "spatten";
    e.own_plan = [](sc::Scenario& s, JobPlan& plan) {
      const common::WorkloadSpec& w = s.workload;
      plan.spatten = std::make_shared<SpattenPlan>(plan_spatten(s, plan.base + 4096));
      plan.rows = plan.cols = plan.spatten->job.seq_len;
      plan.depth = w.head_dim;
      plan.value_dim = w.value_dim;
      for (std::uint64_t b = 0; b < w.batch; ++b) {
        JobSlot j;
        j.index = b;
        j.batch = b;
        j.seed = common::derive_seed(s.seed, b);
        plan.jobs.push_back(j);
      }
    };
    e.own_estimate = [](const sc::Scenario& s, MemoryEstimate& est) {
      // One job per batch element runs every layer and head; the job block in memory holds all
      // of them (FP16 or quantised codes), the host generates and checks one head at a time.
      const common::WorkloadSpec& w = s.workload;
      const double L = static_cast<double>(w.seq_len), d = static_cast<double>(w.head_dim),
                   dv = static_cast<double>(w.value_dim);
      const double head = L * (2 * d + dv);  // Q, K, V elements of one head
      const double heads = static_cast<double>(w.layers) * static_cast<double>(w.heads);
      if (w.source == "trace") {
        est.items.emplace_back("pruning trace", 4 * file_bytes(w.trace_file));
      } else {
        est.items.emplace_back("memory contents", heads * head * 2.0 + heads * L * 64.0);
        // Host: the generated head and the reference row by row; engine: decoded K and V, the
        // P x V sums and output rows of one head (queries are scored one at a time).
        est.items.emplace_back("operands of one head (host, engine)", head * 8.0 * 2 + L * dv * 20.0);
      }
      return static_cast<double>(w.batch);
    };
    e.numerics_off = [](const sc::Scenario& s) -> std::string {
      // A replay takes every decision from the trace and computes nothing: it runs as it always does.
      if (s.workload.source == "trace") return "";
      return "its cascade token and head pruning and its progressive quantisation decide on the attention "
             "probabilities of the data; replay a recorded pruning trace (workload.data.source \"trace\") "
             "for a timing-only run";
    };
    e.run_job = &HostDriver::run_spatten_job;
    e.model_owns_cache = true;
    e.model_pruning_off =
        "numerics off: decisions from a stated model of each probability row, p_j proportional to "
        "1 / (1 + |q - j|) over the keys the query may see (kept counts follow the schedule either way)";
    e.model_pruned_tokens =
        "evicted from the KV cache for every later layer and decode step; pruned prompt tokens still run "
        "through the linear layers (their attention output is zero)";
    e.model_attention = [](const sc::Scenario& s, std::uint32_t a, const common::JobDescriptor& job,
                           const common::AttentionPattern& p, bool) -> common::JobCheck {
      const common::ModelWorkload& w = *s.workload.model;
      if (p.window || p.dilation != 1 || !p.global_tokens.empty() || p.grid_h)
        return {"",
                "SpAtten prunes dense or causal attention: no window, dilation, global tokens or 2D window"};
      if (s.workload.numerics && !w.runs_prefill())
        return {"phase",
                "SpAtten writes the cache in its own format when it appends: with numerics on, run the "
                "prompt on it too (phase \"generate\"), or run the decode timing-only (numerics \"off\")"};
      return spatten::SpattenCore::check_job(s.accelerators[a].spatten, job.cols, job.depth, job.value_dim,
                                             static_cast<std::uint32_t>(w.model.layers),
                                             static_cast<std::uint32_t>(w.model.heads));
    };
    e.model_cache_row_bytes = [](const sc::Scenario& s, std::uint64_t d) {
      const spatten::QuantSpec& q = s.accelerators[s.mapping.attention.front()].spatten.quant;
      if (!q.enabled) return d * 4;  // fp32
      const std::uint64_t k =
          spatten::packed_row_bytes(q.key.msb_bits, d) + spatten::packed_row_bytes(q.key.lsb_bits, d);
      return std::max<std::uint64_t>(k, spatten::packed_row_bytes(q.value_bits, d));
    };
    e.model_state_bytes = [](const sc::Scenario&, const ModelPlan& plan) {
      const common::ModelSpec& m = plan.workload->model;
      return ((m.layers * m.kv_heads * 16 + 63) & ~std::uint64_t{63}) +
             spatten::SpattenModelState::region_bytes(static_cast<std::uint32_t>(m.heads), plan.cache_tokens);
    };
    e.model_layer_job = [](const sc::Scenario& s, const ModelPlan& plan, const ModelPass& pass,
                           std::uint64_t layer, ModelJob& j) {
      const common::ModelWorkload& w = *plan.workload;
      const common::ModelSpec& m = w.model;
      const spatten::SpattenConfig& cfg = s.accelerators[plan.attention.front()].spatten;
      const ModelRegions& r = plan.regions;
      const std::uint64_t H = m.heads, G = m.kv_heads, d = m.head_dim, n = pass.tokens, q = j.seq;
      spatten::SpattenJob b;
      b.mode = spatten::SpattenMode::ModelLayer;
      b.layers = static_cast<std::uint32_t>(m.layers);
      b.heads = static_cast<std::uint32_t>(H);
      b.head_dim = b.value_dim = static_cast<std::uint32_t>(d);
      b.seq_len = pass.context + n;
      b.first_query = pass.context;
      b.softmax_scale = 1.0 / std::sqrt(static_cast<double>(d));
      b.quantised = cfg.quant.enabled;
      b.key_msb = static_cast<std::uint32_t>(cfg.quant.key.msb_bits);
      b.key_lsb = static_cast<std::uint32_t>(cfg.quant.key.lsb_bits);
      b.value_bits = static_cast<std::uint32_t>(cfg.quant.value_bits);
      b.model_layer = static_cast<std::uint32_t>(layer);
      b.kv_group = static_cast<std::uint32_t>(m.group());
      // Q (fp16) and the output (fp32) of head h: a block of the pass's rows, as the dense path lays them.
      b.q_base = activation_address(plan, ModelTensor::Q, q, H * n * d * 2);
      b.q_stride = n * d * 2;
      b.out_base = activation_address(plan, ModelTensor::Attn, q, H * n * d * 4);
      b.out_stride = n * d * 4;
      // The cache block of (layer, sequence, kv head): K MSBs then K LSBs in the K block, V in the V block.
      b.k_msb_base = kv_address(plan, layer, q, 0, 0, 0);
      b.k_msb_stride = b.v_stride = b.k_lsb_stride = 2 * r.kv_block_bytes;
      b.k_lsb_base = b.k_msb_base + plan.cache_tokens * b.k_msb_row_bytes();
      b.v_base = kv_address(plan, layer, q, 0, 1, 0);
      const std::uint64_t state = r.engine_state + q * r.engine_state_bytes;
      b.scales_addr = state + layer * G * 16;
      b.state_addr = state + ((m.layers * G * 16 + 63) & ~std::uint64_t{63});
      b.state_tokens = plan.cache_tokens;
      b.knew_base = activation_address(plan, ModelTensor::Knew, q, n * G * d * 2);
      b.vnew_base = activation_address(plan, ModelTensor::Vnew, q, n * G * d * 2);
      b.new_row_stride = G * d * 2;
      b.fresh = layer == 0 && pass.context == (w.runs_prefill() ? 0 : w.seq_len);
      b.causal = pass.prefill && m.attention.causal;
      j.block = b.serialise();
      set_layer_job_desc(j, common::JobKind::PrunedModel, n, b.seq_len, d, b.q_base, b.out_base);
    };
    return e;
  }();
  return f;
}

}  // namespace savp::tb
