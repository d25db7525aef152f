#include "testbenches/savp/spatten_plan.hpp"

#include <algorithm>

#include "models/common/input_error.hpp"
#include "models/spatten/progressive_quant.hpp"
#include "models/spatten/spatten_core.hpp"

namespace savp::tb {

using common::InputError;

namespace {

std::uint64_t align(std::uint64_t v) { return (v + 4095) & ~std::uint64_t{4095}; }

// The trace's shape against the scenario's (a trace recorded on another model is refused).
void check_trace(const sc::Scenario& s, const spatten::PruningTrace& t) {
  const common::WorkloadSpec& w = s.workload;
  const std::string where = "the trace " + t.file;
  if (t.heads != w.heads) {
    throw InputError(s.file, "/workload/heads",
                     where + " has " + std::to_string(t.heads) + " heads per layer, the workload says " +
                         std::to_string(w.heads));
  }
  if (t.layers != w.layers) {
    throw InputError(s.file, "/workload/layers",
                     where + " has " + std::to_string(t.layers) + " layers, the workload says " +
                         std::to_string(w.layers));
  }
  if (t.head_dim != w.head_dim || w.value_dim != w.head_dim) {
    throw InputError(s.file, "/workload/head_dim",
                     where + " has head dimension " + std::to_string(t.head_dim) + ", the workload says " +
                         std::to_string(w.head_dim) + " (value_dim " + std::to_string(w.value_dim) + ")");
  }
}

bool has(const std::vector<std::string>& v, const char* x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Replays only the chosen effects: a left-out effect is undone on every row (every key with the
// local V keep ratio preserved, every value, every head with its layer's counts, unquantised).
void apply_effects(spatten::PruningTrace& t, const std::vector<std::string>& effects, std::uint32_t heads) {
  const bool token = has(effects, "token"), value = has(effects, "value"),
             quant = has(effects, "quantisation"), head = has(effects, "head");
  std::vector<spatten::TraceRow> rows;
  for (const auto& g : t.groups) {
    std::vector<spatten::TraceRow> grp(t.rows.begin() + g.begin, t.rows.begin() + g.begin + g.count);
    if (!head && grp.size() < heads) {
      std::vector<bool> present(heads, false);
      for (const auto& r : grp) present[r.head] = true;
      spatten::TraceRow extra = grp.front();
      extra.topk = false;
      extra.topk_k = -1;
      for (std::uint32_t h = 0; h < heads; ++h) {
        if (present[h]) continue;
        extra.head = h;
        grp.push_back(extra);
      }
    }
    for (auto& r : grp) {
      if (!token) {
        if (r.keys_fetched > 0) {
          r.values_fetched = static_cast<std::uint32_t>(
              std::llround(static_cast<double>(r.values_fetched) * r.seq_len / r.keys_fetched));
        }
        r.keys_fetched = r.seq_len;
        r.topk = false;
        r.topk_k = -1;
      }
      if (!value) r.values_fetched = r.keys_fetched;
      r.values_fetched = std::min(r.values_fetched, r.keys_fetched);
      if (!quant) {
        r.key_bits = r.value_bits = -1;
        r.requant = false;
        r.requant_extra_bits = -1;
      }
      rows.push_back(r);
    }
  }
  t.rows = std::move(rows);
}

}  // namespace

SpattenPlan plan_spatten(const sc::Scenario& s, std::uint64_t first_free) {
  const common::WorkloadSpec& w = s.workload;
  const sc::AcceleratorSpec& acc = s.accelerators[w.accelerator];
  const spatten::SpattenConfig& cfg = acc.spatten;
  const std::string acc_path = "/platform/accelerators/" + std::to_string(w.accelerator);
  if (w.kind != common::WorkloadSpec::Kind::Attention) {
    throw InputError(s.file, "/workload/kind", "the SpAtten engine runs attention, not GEMMs");
  }
  const common::AttentionPattern& p = w.pattern;
  if (p.window || p.dilation != 1 || !p.global_tokens.empty() || p.grid_h || p.causal) {
    throw InputError(s.file, "/workload/pattern",
                     "SpAtten prunes dense attention: no window, dilation, global tokens or 2D window; "
                     "causal attention comes with \"generate\"");
  }
  SpattenPlan plan;
  spatten::SpattenJob& j = plan.job;
  j.layers = static_cast<std::uint32_t>(w.layers);
  j.heads = static_cast<std::uint32_t>(w.heads);
  j.head_dim = static_cast<std::uint32_t>(w.head_dim);
  j.value_dim = static_cast<std::uint32_t>(w.value_dim);
  j.softmax_scale = w.effective_softmax_scale();
  std::uint64_t context = w.seq_len;
  if (w.source == "trace") {
    try {
      plan.trace = std::make_shared<spatten::PruningTrace>(spatten::load_pruning_trace(w.trace_file));
    } catch (const InputError& e) {
      throw InputError(s.file, "/workload/data/trace",
                       e.file() + (e.path().empty() ? "" : " (" + e.path() + ")") + ": " + e.message());
    }
    check_trace(s, *plan.trace);
    apply_effects(*plan.trace, w.trace_effects, static_cast<std::uint32_t>(w.heads));
    j.mode = spatten::SpattenMode::Trace;
    j.quantised = false;  // regions laid out for the widest (32-bit) replayed rows
    j.key_lsb = 16;
    context = 0;
    for (const auto& r : plan.trace->rows) context = std::max<std::uint64_t>(context, r.seq_len);
    j.seq_len = context;
    j.trace_rows = plan.trace->rows.size();
    j.trace_steps = plan.trace->iterations;
  } else {
    j.mode = w.generate ? spatten::SpattenMode::Generate : spatten::SpattenMode::Summarise;
    j.seq_len = w.seq_len;
    j.first_query = w.generate ? w.seq_len - w.generate : 0;
    j.quantised = cfg.quant.enabled;
    j.key_msb = static_cast<std::uint32_t>(cfg.quant.key.msb_bits);
    j.key_lsb = static_cast<std::uint32_t>(cfg.quant.key.lsb_bits);
    j.value_bits = static_cast<std::uint32_t>(cfg.quant.value_bits);
  }
  const auto c = spatten::SpattenCore::check_job(cfg, context, w.head_dim, w.value_dim, j.layers, j.heads);
  if (!c.why.empty()) {
    const std::string key = c.key == "heads" ? "/workload/heads" : acc_path + "/" + c.key;
    throw InputError(s.file, key, "the SpAtten engine (" + acc_path + ") cannot run this: " + c.why);
  }

  // Layout: the block, the scales, the trace commands, then per-(layer, head) regions.
  const std::uint64_t heads = std::uint64_t{j.layers} * j.heads, L = j.seq_len;
  const unsigned __int128 need =
      static_cast<unsigned __int128>(heads) * L * (j.head_dim * 16 + j.value_dim * 12);
  if (need > (static_cast<unsigned __int128>(1) << 56)) {
    throw InputError(s.file, "/workload", "the job's operands are too large to address");
  }
  std::uint64_t a = align(first_free);
  plan.block_addr = a;
  a = align(a + spatten::SpattenJob::kBytes);
  j.scales_addr = a;
  a = align(a + 16 * heads);
  j.trace_addr = a;
  a = align(a + j.trace_rows * spatten::TraceCommand::kBytes);
  const std::uint64_t k_lsb_row =
      j.mode == spatten::SpattenMode::Trace ? spatten::packed_row_bytes(16, j.head_dim) : j.k_lsb_row_bytes();
  struct Region {
    std::uint64_t* base;
    std::uint64_t* stride;
    std::uint64_t row;
  } regions[] = {{&j.q_base, &j.q_stride, j.q_row_bytes()},
                 {&j.k_msb_base, &j.k_msb_stride, j.k_msb_row_bytes()},
                 {&j.k_lsb_base, &j.k_lsb_stride, k_lsb_row},
                 {&j.v_base, &j.v_stride, j.v_row_bytes()},
                 {&j.out_base, &j.out_stride, j.out_row_bytes()}};
  for (Region& r : regions) {
    *r.stride = align(L * r.row);
    *r.base = a;
    a += heads * *r.stride;
  }
  if (j.mode != spatten::SpattenMode::Trace) {
    j.log_addr = a;
    a += align(j.steps() * j.layers * j.log_entry_bytes());
  }
  plan.end = a;
  if (plan.end > s.memory.size_bytes) {
    throw InputError(s.file, "/platform/memory",
                     "the SpAtten job needs " + std::to_string((plan.end + (1 << 20) - 1) >> 20) +
                         " MiB of main memory, the memory has " + std::to_string(s.memory.size_bytes >> 20) +
                         " MiB (raise platform.memory.size_mib)");
  }
  return plan;
}

}  // namespace savp::tb
