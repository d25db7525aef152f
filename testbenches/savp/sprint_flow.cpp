// The savp flow of SPRINT: dense attention (optionally causal, padded batches allowed) checked
// against the engine (sprint::SprintCore::check_job); the layout adds the diagnostics region after
// the output, and the head's K MSB codes must fit the PIM window. Host flow: sprint_host.cpp.
#include "models/common/input_error.hpp"
#include "models/sprint/sprint_core.hpp"
#include "testbenches/savp/engine_flow.hpp"
#include "tlm/platform/platform.hpp"

namespace savp::tb {

const EngineFlow& sprint_flow() {
  static const EngineFlow f = [] {
    EngineFlow e;
    e.type = "sprint";
    e.check = [](const sc::Scenario& s, const JobPlan&) -> std::string {
      const common::WorkloadSpec& w = s.workload;
      refuse_gemm(s, "SPRINT");
      refuse_sparse_pattern(s,
                            "SPRINT prunes dense attention (optionally causal): no window, dilation, global "
                            "tokens or 2D window");
      const auto c = sprint::SprintCore::check_job(s.accelerators[w.accelerator].sprint, w.seq_len,
                                                   w.head_dim, w.value_dim);
      refuse_job(s, "SPRINT", accelerator_path(s) + "/" + c.key, c.why);
      return "";
    };
    e.extra_regions = [](const sc::Scenario& s, MemoryLayout& m) {
      // Diagnostics right after the output: keep bits + output without recompute.
      const common::WorkloadSpec& w = s.workload;
      m.diag = m.out + w.seq_len * w.value_dim * 4;
      m.end = page_align(m.diag + sprint::SprintCore::diag_bytes(w.seq_len, w.value_dim));
      if (w.seq_len * w.head_dim > sc::Platform::kPimBytes) {
        throw common::InputError(s.file, "/workload/seq_len",
                                 "the head's K MSB codes do not fit the PIM window");
      }
    };
    e.numerics_off = [](const sc::Scenario&) -> std::string {
      return "its in-ReRAM scoring keeps the keys whose approximate scores pass the threshold, so which keys "
             "it fetches and recomputes depends on Q and K (no pruning-trace replay exists for SPRINT)";
    };
    e.run_job = &HostDriver::run_sprint_job;
    e.model_owns_cache = true;
    e.model_pruning_off =
        "numerics off: a stated model of the comparators: each query keeps the max(1, round(keep_ratio x "
        "visible)) visible keys nearest its position (the largest of p_j proportional to 1 / (1 + |q - j|)); "
        "with numerics on the calibrated threshold keeps a data-dependent number, so cycles and bytes differ";
    e.model_pruned_tokens =
        "scored in memory by every query but neither fetched nor recomputed for it; every token stays in the "
        "ReRAM and DRAM caches (no eviction: a later query may keep it)";
    e.model_attention = [](const sc::Scenario& s, std::uint32_t a, const common::JobDescriptor& job,
                           const common::AttentionPattern& p, bool) -> common::JobCheck {
      const common::ModelWorkload& w = *s.workload.model;
      const sprint::SprintConfig& cfg = s.accelerators[a].sprint;
      const std::string acc = "/platform/accelerators/" + std::to_string(a);
      if (p.window || p.dilation != 1 || !p.global_tokens.empty() || p.grid_h)
        return {"",
                "SPRINT prunes dense or causal attention: no window, dilation, global tokens or 2D window"};
      if (!cfg.in_memory_pruning)
        return {acc + "/in_memory_pruning",
                "SPRINT's model form keeps the K MSBs in its ReRAM arrays; for an unpruned baseline map the "
                "attention on a dense array"};
      if (s.workload.numerics && !w.runs_prefill())
        return {"phase",
                "SPRINT writes the cache in its own format (K MSBs in its ReRAM arrays) and calibrates its "
                "thresholds on the prompt: with numerics on, run the prompt on it too (phase \"generate\"), "
                "or run the decode timing-only (numerics \"off\")"};
      if (!s.workload.numerics && cfg.threshold.kind == "fixed")
        return {acc + "/threshold/policy",
                "with numerics off SPRINT's decisions come from a stated model of a keep ratio: give the "
                "\"calibrated\" policy and its keep_ratio"};
      const common::ModelSpec& m = w.model;
      const std::uint64_t arrays = m.layers * s.workload.batch * m.kv_heads;
      const std::uint64_t per = (w.final_tokens() * m.head_dim + 63) & ~std::uint64_t{63};
      if (arrays * per > sc::Platform::kPimBytes)
        return {"/workload/seq_len", "the K MSB codes of every layer, sequence and K/V head (" +
                                         std::to_string(arrays) + " x " + std::to_string(per) +
                                         " bytes) exceed the ReRAM arrays' window of " +
                                         std::to_string(sc::Platform::kPimBytes >> 20) + " MiB"};
      const auto c = sprint::SprintCore::check_job(cfg, job.cols, job.depth, job.value_dim);
      return {c.why.empty() ? "" : acc + "/" + c.key, c.why};
    };
    e.model_state_bytes = [](const sc::Scenario&, const ModelPlan& plan) {
      const common::ModelSpec& m = plan.workload->model;
      return m.layers * sprint::SprintModelJob::record_bytes(m.heads, m.kv_heads);
    };
    e.model_layer_job = [](const sc::Scenario&, const ModelPlan& plan, const ModelPass& pass,
                           std::uint64_t layer, ModelJob& j) {
      const common::ModelWorkload& w = *plan.workload;
      const common::ModelSpec& m = w.model;
      const ModelRegions& r = plan.regions;
      const std::uint64_t H = m.heads, G = m.kv_heads, d = m.head_dim, n = pass.tokens, q = j.seq;
      sprint::SprintModelJob b;
      b.heads = static_cast<std::uint32_t>(H);
      b.kv_heads = static_cast<std::uint32_t>(G);
      b.head_dim = static_cast<std::uint32_t>(d);
      b.tokens = n;
      b.context = pass.context;
      b.softmax_scale = 1.0 / std::sqrt(static_cast<double>(d));
      b.causal = pass.prefill && m.attention.causal;
      b.prefill = pass.prefill;
      b.q_base = activation_address(plan, ModelTensor::Q, q, H * n * d * 2);
      b.q_stride = n * d * 2;
      b.out_base = activation_address(plan, ModelTensor::Attn, q, H * n * d * 4);
      b.out_stride = n * d * 4;
      b.knew_base = activation_address(plan, ModelTensor::Knew, q, n * G * d * 2);
      b.vnew_base = activation_address(plan, ModelTensor::Vnew, q, n * G * d * 2);
      b.new_row_stride = G * d * 2;
      b.pim_stride = (plan.cache_tokens * d + 63) & ~std::uint64_t{63};
      b.pim_base = sc::Platform::kPimBase + (layer * w.batch + q) * G * b.pim_stride;
      b.lsb_base = kv_address(plan, layer, q, 0, 0, 0);
      b.v_base = kv_address(plan, layer, q, 0, 1, 0);
      b.cache_stride = 2 * r.kv_block_bytes;
      b.state_addr =
          r.engine_state + q * r.engine_state_bytes + layer * sprint::SprintModelJob::record_bytes(H, G);
      j.block = b.serialise();
      set_layer_job_desc(j, common::JobKind::PrunedModel, n, pass.context + n, d, b.q_base, b.out_base);
    };
    return e;
  }();
  return f;
}

}  // namespace savp::tb
