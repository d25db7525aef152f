// SpattenCore's reports: per-job statistics, the action counts the energy table prices and the
// hardware (area, leakage) of its units (split from spatten_core.cpp, which runs the jobs).
#include "models/spatten/spatten_core.hpp"

namespace savp::spatten {

common::EngineJobStats SpattenCore::job_stats() const {
  const SpattenCounters& c = counters_;
  common::EngineJobStats s;
  auto put = [&](const char* k, double v) { s.values.emplace_back(k, v); };
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  put("rows", static_cast<double>(c.rows));
  put("heads_run", static_cast<double>(c.heads_run));
  put("requant_rows", static_cast<double>(c.requant_rows));
  put("heads_requant", static_cast<double>(c.heads_requant));
  put("k_rows_all", c.k_rows_all);
  put("k_rows_fetched", c.k_rows_fetched);
  put("v_rows_all", c.v_rows_all);
  put("v_rows_fetched", c.v_rows_fetched);
  put("keys_fetched_fraction", ratio(c.k_rows_fetched, c.k_rows_all));
  put("values_fetched_fraction", ratio(c.v_rows_fetched, c.v_rows_all));
  put("requant_fraction", ratio(static_cast<double>(c.heads_requant), static_cast<double>(c.heads_run)));
  put("kv_bytes_unpruned_fp32", c.kv_bytes_all);
  put("kv_bytes_after_token_pruning", c.kv_bytes_token);
  put("kv_bytes_after_head_pruning", c.kv_bytes_head);
  put("kv_bytes_after_value_pruning", c.kv_bytes_value);
  put("kv_bytes_fetched", c.kv_bytes_actual);
  put("ops", 2.0 * static_cast<double>(c.qk_macs + c.pv_macs));
  // Multipliers of the Q.K and P.V arrays: the engine's peak is 2 x this per cycle (the roofline).
  put("pe_count", static_cast<double>(cfg_.qk_multipliers + cfg_.pv_multipliers));
  put("ops_unpruned", 2.0 * c.macs_unpruned);
  put("compute_reduction", ratio(c.macs_unpruned, static_cast<double>(c.qk_macs + c.pv_macs)));
  put("tokens_pruned", static_cast<double>(c.tokens_pruned));
  put("heads_pruned", static_cast<double>(c.heads_pruned));
  put("token_topk_runs", static_cast<double>(c.token_topk_runs));
  put("value_mass_dropped_mean", ratio(c.value_mass_dropped, static_cast<double>(c.rows)));
  put("engine_cycles", static_cast<double>(job_cycles_));
  // Which stage bounds the row pipeline: the compute cycles of the rows each stage set.
  static const char* const kBound[kPipeStages] = {"bound_cycles_qk", "bound_cycles_softmax",
                                                  "bound_cycles_topk", "bound_cycles_pv"};
  for (std::size_t i = 0; i < kPipeStages; ++i) put(kBound[i], static_cast<double>(c.bound_cycles[i]));
  if (model()) {
    put("appended_values", static_cast<double>(c.appended_values));
    put("tokens_kept", static_cast<double>(tokens_.size()));
    put("heads_kept", static_cast<double>(heads_.size()));
    put("tokens_in", static_cast<double>(start_tokens_.size()));
    put("heads_in", static_cast<double>(start_heads_.size()));
  }
  return s;
}

std::vector<std::pair<std::string, common::ActionLedger>> SpattenCore::actions() const {
  // The counters of every job so far: per-job deltas are taken by the accelerator shell.
  SpattenCounters c = totals_;
  c.qk_macs += counters_.qk_macs;
  c.pv_macs += counters_.pv_macs;
  c.exps += counters_.exps;
  c.recips += counters_.recips;
  c.importance_adds += counters_.importance_adds;
  c.appended_values += counters_.appended_values;
  std::vector<std::pair<std::string, common::ActionLedger>> out;
  out.push_back({"qk_array", {{"mult", {c.qk_macs, pj_mult_, "op"}}, {"add", {c.qk_macs, pj_add_, "op"}}}});
  out.push_back({"softmax",
                 {{"exp", {c.exps, pj_exp_, "op"}},
                  {"accumulate", {c.exps, pj_add_, "op"}},
                  {"divide", {c.exps, pj_mult_, "op"}},
                  {"reciprocal", {c.recips, pj_recip_, "op"}}}});
  out.push_back({"pv_array", {{"mult", {c.pv_macs, pj_mult_, "op"}}, {"add", {c.pv_macs, pj_add_, "op"}}}});
  out.push_back({"topk_tokens", {{"compare", {topk_tokens_->counters().comparisons, pj_cmp_, "op"}}}});
  out.push_back({"topk_values", {{"compare", {topk_values_->counters().comparisons, pj_cmp_, "op"}}}});
  out.push_back({"importance", {{"add", {c.importance_adds, pj_add_, "op"}}}});
  // Model layers: the bit-width converter quantising the appended K/V (one multiply by 1/scale each).
  if (c.appended_values > 0)
    out.push_back({"converter", {{"quantise", {c.appended_values, pj_mult_, "op"}}}});
  for (const auto& b : srams_) out.push_back({b.spec().name, b.actions()});
  return out;
}

std::vector<std::pair<std::string, common::HardwareCost>> SpattenCore::hardware() const {
  // The units the prices above use: a multiplier of datapath_bits and an adder of twice that per
  // Q x K and P x V lane; per softmax lane an exp, an accumulate adder, a divide multiplier and a
  // reciprocal; a comparator (an adder of datapath_bits) per top-k comparator; one importance
  // adder per softmax lane (an assumption: the accumulators add one probability per lane a cycle).
  const common::EnergyTable& e = energy_;
  const int bits = static_cast<int>(cfg_.datapath_bits);
  const common::HardwareCost lane = e.int_mult_hw(bits) + e.int_add_hw(2 * bits);
  const double sm = cfg_.softmax.parallelism, topk = cfg_.topk.parallelism;
  std::vector<std::pair<std::string, common::HardwareCost>> out;
  out.push_back({"qk_array", lane * static_cast<double>(cfg_.qk_multipliers)});
  out.push_back({"softmax", (e.hardware("fp32_exp") + e.int_add_hw(2 * bits) + e.int_mult_hw(bits) +
                             e.hardware("fp32_recip")) *
                                sm});
  out.push_back({"pv_array", lane * static_cast<double>(cfg_.pv_multipliers)});
  out.push_back({"topk_tokens", e.int_add_hw(bits) * topk});
  out.push_back({"topk_values", e.int_add_hw(bits) * topk});
  out.push_back({"importance", e.int_add_hw(2 * bits) * sm});
  for (const auto& b : srams_) out.push_back({b.spec().name, b.hardware()});
  return out;
}

}  // namespace savp::spatten
