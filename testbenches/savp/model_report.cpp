#include "testbenches/savp/model_report.hpp"

#include "models/common/model_graph.hpp"
#include "models/common/power_gating.hpp"
#include "testbenches/savp/engine_flow.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

namespace savp::tb {

using common::Json;

namespace {

double ns(const sc_core::sc_time& t) { return t.to_seconds() * 1e9; }

// An engine statistic of a job, or null when the engine does not report it.
const double* stat(const common::EngineJobStats& e, const char* name) {
  for (const auto& [k, v] : e.values)
    if (k == name) return &v;
  return nullptr;
}

struct Sums {
  double ns = 0, energy_pj = 0, dram_bytes = 0;
  std::uint64_t jobs = 0, cycles = 0;
  // Arrays that report them (dense, SALO, CHELA): useful MACs and PE-cycles of their busy time.
  double useful_macs = 0, pe_cycles = 0;
  void add_job(const sc::JobRecord& rec) {
    double macs = -1, pes = 0, busy = 0;
    for (const auto& [k, v] : rec.engine.values) {
      if (k == "useful_macs" || (k == "macs" && macs < 0)) macs = v;
      if (k == "pe_count") pes = v;
      if (k == "array_busy_cycles") busy = v;
    }
    if (macs >= 0 && pes > 0) {
      useful_macs += macs;
      pe_cycles += pes * busy;
    }
    double e = rec.engine_energy_pj;
    for (const auto& [c, pj] : rec.memory_energy_pj) e += pj;
    energy_pj += e;
    dram_bytes += static_cast<double>(rec.bytes_read + rec.bytes_written);
    cycles += rec.cycles;
    ++jobs;
  }
  // Useful MACs over PE-cycles while the arrays were busy; null when no job reports them.
  Json utilisation() const { return pe_cycles > 0 ? Json(useful_macs / pe_cycles) : Json(nullptr); }
  Json json() const {
    return {{"latency_ns", ns}, {"energy_pj", energy_pj}, {"dram_bytes", dram_bytes},
            {"jobs", jobs},     {"cycles", cycles},       {"array_utilisation", utilisation()}};
  }
};

// The measured GPU row (scenarios/anchors/) whose shape matches the run: GPT-2 decode against a
// cache of the prompt's length, BERT prefill of the prompt; batch 1. Null when none matches.
Json gpu_anchor(const common::ModelWorkload& w, double prefill_attention_ns, double decode_attention_ns) {
  if (w.batch != 1 || w.preset.empty()) return nullptr;
  // The GPU measured the preset's attention shape: a replaced key that changes it has no anchor.
  for (const auto& key : w.model.overrides)
    if (key == "heads" || key == "kv_heads" || key == "head_dim" || key == "hidden" || key == "attention")
      return nullptr;
  const bool decode = w.runs_decode() && w.preset.rfind("gpt2", 0) == 0;
  const bool prefill = w.runs_prefill() && w.preset.rfind("bert", 0) == 0;
  if (!decode && !prefill) return nullptr;
  std::ifstream in(w.anchors_file);
  std::string line;
  while (std::getline(in, line)) {
    const Json a = Json::parse(line, nullptr, false);
    if (!a.is_object() || a.value("model", "") != w.preset || a.value("L", 0ull) != w.seq_len) continue;
    const std::string kind = a.value("kind", "");
    if (kind != (decode ? "decode_sdpa_one_layer" : "bert_sdpa_one_layer")) continue;
    const double layers = static_cast<double>(w.model.layers);
    Json o = Json::object();
    o["measured_on"] =
        "NVIDIA H100 80GB HBM3, PyTorch scaled_dot_product_attention, batch 1 (measured on a GPU, "
        "attention core only; scenarios/anchors/README.md)";
    o["kind"] = kind;
    o["tokens"] = w.seq_len;
    o["gpu_attention_ms_per_layer"] = a.value("ms", 0.0);
    o["modelled_attention_ms_per_layer"] =
        (decode ? decode_attention_ns : prefill_attention_ns) / layers / 1e6;
    o["what_is_modelled"] =
        decode ? "the first decode step's attention per layer (one query against the prompt's cache)"
               : "the prefill's attention per layer";
    return o;
  }
  return nullptr;
}

using Spans = std::vector<std::pair<double, double>>;

// Time covered by both of two merged interval lists.
double both(const Spans& a, const Spans& b) {
  double n = 0;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    n += std::max(0.0, std::min(a[i].second, b[j].second) - std::max(a[i].first, b[j].first));
    (a[i].second < b[j].second ? i : j)++;
  }
  return n;
}

// Micro-batches (workload.micro_batches > 1): how long the linear and the attention jobs ran, and
// ran at the same time (the accelerators' job records), and the weight bytes read again.
Json overlap_json(const ModelPlan& plan, const ModelRunner& runner, const sc::Platform& platform,
                  double weight_bytes) {
  Spans lin, att;
  for (const ModelJobRun& r : runner.runs()) {
    const auto& recs = platform.accelerators[r.accelerator]->jobs();
    if (r.record >= recs.size()) continue;
    const bool a = plan.passes[r.pass].stages[r.stage].attention;
    (a ? att : lin).push_back({ns(recs[r.record].start), ns(recs[r.record].end)});
  }
  // The busy intervals merged (a gating schedule with no break-even gap is their union).
  const common::GatingSchedule l = common::gating_schedule(std::move(lin), 0.0);
  const common::GatingSchedule a = common::gating_schedule(std::move(att), 0.0);
  const double busy_both = both(l.powered_ns, a.powered_ns),
               mb = static_cast<double>(plan.workload->micro_batches);
  const double att_ns = a.powered_total_ns();
  Json o = Json::object();
  o["linear_busy_ns"] = l.powered_total_ns();
  o["attention_busy_ns"] = att_ns;
  o["both_busy_ns"] = busy_both;
  o["both_busy_fraction_of_attention"] = att_ns > 0 ? Json(busy_both / att_ns) : Json(nullptr);
  o["extra_weight_bytes"] = (mb - 1) * weight_bytes * static_cast<double>(plan.passes.size());
  o["extra_weight_bytes_is"] =
      "(micro_batches - 1) x weight_bytes x passes: every micro-batch's GEMMs read the weights again";
  return o;
}

}  // namespace

Json build_model_stats(const sc::Scenario& s, const ModelPlan& plan, const ModelRunner& runner,
                       const sc::Platform& platform, const RunInfo& info) {
  const common::ModelWorkload& w = *plan.workload;
  const common::ModelSpec& m = w.model;
  sc::StatsTree tree;
  platform.report_stats(tree);
  tree.set_powered_ns(info.simulated_ns);
  Json stats = stats_head(s);

  // Per stage: its span; per job: its accelerator's record.
  std::vector<Sums> layer_linear(m.layers), layer_attention(m.layers);
  std::map<std::string, Sums> by_op;
  Sums linear, attention, prefill_jobs, decode_jobs, attention_prefill, attention_decode;
  const auto& times = runner.stage_times();
  double first = -1, last = 0, prefill_ns = 0, decode_ns = 0;
  double prefill_attention_ns = 0, first_decode_attention_ns = 0;
  bool seen_decode = false;
  for (std::size_t p = 0; p < plan.passes.size(); ++p) {
    const ModelPass& pass = plan.passes[p];
    double pass_start = -1, pass_end = 0;
    for (std::size_t k = 0; k < pass.stages.size(); ++k) {
      const ModelStageTimes& t = times[p][k];
      if (!t.done) continue;
      const double span = ns(t.end) - ns(t.start);
      const ModelStage& st = pass.stages[k];
      (st.attention ? layer_attention : layer_linear)[st.layer].ns += span;
      (st.attention ? attention : linear).ns += span;
      by_op[op_name(st.op)].ns += span;
      if (st.attention && pass.prefill) prefill_attention_ns += span;
      if (st.attention && !pass.prefill && !seen_decode) first_decode_attention_ns += span;
      // With micro-batches the stages of a pass overlap: the pass spans the earliest start to the
      // latest end.
      if (pass_start < 0 || ns(t.start) < pass_start) pass_start = ns(t.start);
      pass_end = std::max(pass_end, ns(t.end));
    }
    if (pass_start < 0) continue;
    if (first < 0) first = pass_start;
    last = pass_end;
    (pass.prefill ? prefill_ns : decode_ns) += pass_end - pass_start;
    if (!pass.prefill) seen_decode = true;
  }
  std::uint64_t failed = 0;
  CycleSplit split;
  std::map<std::string, double> engine_sums;  // engine statistics over every job (figures of merit)
  double kv_read = 0, kv_read_ungrouped = 0;
  // Engines that prune the cache (their job stats say what they fetched): per layer, decode steps.
  struct Pruned {
    double kv_read = 0, kv_unpruned_fp32 = 0, tokens_in = 0, tokens_kept = 0, heads_kept = 0, jobs = 0;
  };
  std::vector<Pruned> pruned(m.layers);
  bool pruning = false;
  for (const ModelJobRun& r : runner.runs()) {
    const auto& recs = platform.accelerators[r.accelerator]->jobs();
    if (r.record >= recs.size()) {
      ++failed;
      continue;
    }
    const sc::JobRecord& rec = recs[r.record];
    const ModelPass& pass = plan.passes[r.pass];
    const ModelStage& st = pass.stages[r.stage];
    (st.attention ? layer_attention : layer_linear)[st.layer].add_job(rec);
    (st.attention ? attention : linear).add_job(rec);
    by_op[op_name(st.op)].add_job(rec);
    (pass.prefill ? prefill_jobs : decode_jobs).add_job(rec);
    if (st.attention) (pass.prefill ? attention_prefill : attention_decode).add_job(rec);
    split.add(rec);
    for (const auto& [k, v] : rec.engine.values) engine_sums[k] += v;
    if (r.status != sc::csr::kStatusDone || !rec.error.empty()) ++failed;
    if (st.attention && !pass.prefill) {
      const ModelJob& j = st.jobs[r.job];
      const double kv = 2.0 * static_cast<double>(j.desc.cols * m.head_dim * plan.attention_elem_bytes);
      const double* fetched = stat(rec.engine, "kv_bytes_fetched");
      const double* state = stat(rec.engine, "state_bytes_read");
      if (state != nullptr) {  // an engine with a state in place of the cache: one read for the group
        kv_read += *state;
        kv_read_ungrouped += *state * static_cast<double>(j.heads);
      } else if (fetched != nullptr) {  // every query head reads its own K/V rows (no GQA sharing)
        Pruned& p = pruned[st.layer];
        pruning = true;
        p.kv_read += *fetched;
        p.kv_unpruned_fp32 += *stat(rec.engine, "kv_bytes_unpruned_fp32");
        p.tokens_in += *stat(rec.engine, "tokens_in");
        p.tokens_kept += *stat(rec.engine, "tokens_kept");
        p.heads_kept += *stat(rec.engine, "heads_kept");
        p.jobs += 1;
        kv_read += *fetched;
        kv_read_ungrouped += *fetched;
      } else {
        kv_read += kv;
        kv_read_ungrouped += kv * static_cast<double>(j.heads);
      }
    }
  }
  const std::size_t planned = plan.jobs();
  failed += planned - runner.runs().size();

  Json totals = Json::object();
  totals["jobs"] = runner.runs().size();
  totals["jobs_planned"] = planned;
  split.put(totals);
  const double span = first < 0 ? 0.0 : last - first;
  totals["latency_ns"] = span;
  totals["simulated_ns"] = info.simulated_ns;
  put_energy_and_memory(totals, tree, platform, s, span);
  const bool numerics = s.workload.numerics;
  if (numerics && runner.final_accuracy().count() > 0) put_accuracy(totals, runner.final_accuracy().result());
  // The scoreboard: every layer's hidden state within the coarsest mapped datapath's tolerance.
  std::string accuracy_failure;
  if (numerics) {
    for (std::uint64_t l = 0; l < m.layers && accuracy_failure.empty(); ++l) {
      if (runner.layer_accuracy()[l].count() == 0) continue;
      const double e = runner.layer_accuracy()[l].result().rel_l2_err;
      if (!std::isfinite(e) || e > plan.tolerance_rel_l2) {
        char why[200];
        std::snprintf(why, sizeof why,
                      "layer %llu: hidden state rel L2 %.3e against the reference, tolerance %.3e",
                      static_cast<unsigned long long>(l), e, plan.tolerance_rel_l2);
        accuracy_failure = why;
      }
    }
  }
  if (!accuracy_failure.empty()) ++failed;
  totals["jobs_failed"] = failed;

  // Energy no job was charged (DRAM background and refresh, idle engines) goes to the phases in
  // proportion to their time, so that energy per token covers the whole chip.
  const double total_energy = totals["energy_pj"].get<double>();
  const double unattributed = total_energy - prefill_jobs.energy_pj - decode_jobs.energy_pj;
  const double busy = prefill_ns + decode_ns;
  const double prefill_energy = prefill_jobs.energy_pj + (busy > 0 ? unattributed * prefill_ns / busy : 0);
  const double decode_energy = decode_jobs.energy_pj + (busy > 0 ? unattributed * decode_ns / busy : 0);

  Json o = Json::object();
  o["name"] = m.name.empty() ? (w.preset.empty() ? "inline" : w.preset) : m.name;
  if (!w.model.overrides.empty()) {
    o["preset"] = w.preset;
    o["overrides"] = w.model.overrides;  // the preset's keys the scenario replaced (no citation)
  }
  o["phase"] = w.phase_name();
  o["batch"] = w.batch;
  o["prompt_tokens"] = w.seq_len;
  o["steps"] = w.decode_steps();
  o["numerics"] = numerics ? "on" : "off";
  if (numerics) {
    o["tolerance_rel_l2"] = plan.tolerance_rel_l2;
    o["accuracy_passed"] = accuracy_failure.empty();
    if (!accuracy_failure.empty()) o["accuracy_failure"] = accuracy_failure;
  }
  const double batch = static_cast<double>(w.batch), steps = static_cast<double>(w.decode_steps());
  o["ttft_ns"] = w.runs_prefill() ? Json(prefill_ns) : Json(nullptr);
  o["tpot_ns"] = steps > 0 ? Json(decode_ns / steps) : Json(nullptr);
  if (steps > 0) {
    o["tokens_per_s"] = decode_ns > 0 ? batch * steps / (decode_ns * 1e-9) : 0.0;
    o["energy_per_token_pj"] = decode_energy / (batch * steps);
  } else {
    const double tokens = batch * static_cast<double>(w.seq_len);
    o["tokens_per_s"] = prefill_ns > 0 ? tokens / (prefill_ns * 1e-9) : 0.0;
    o["energy_per_token_pj"] = prefill_energy / tokens;
  }
  o["prefill_energy_pj"] = prefill_energy;
  o["decode_energy_pj"] = decode_energy;
  // The layers' projection and FFN weights, as the model graph counts them.
  o["weight_bytes"] = static_cast<double>(
      common::model_graph(m, 1, 1, 0, static_cast<std::uint32_t>(plan.linear_elem_bytes)).weight_bytes);
  if (w.micro_batches > 1) {
    o["micro_batches"] = w.micro_batches;
    o["overlap"] = overlap_json(plan, runner, platform, o["weight_bytes"].get<double>());
  }
  const EngineFlow& att_flow = engine_flow(s.accelerators[plan.attention.front()]);
  o["kv_cache_bytes"] = att_flow.model_no_cache
                            ? 0.0
                            : static_cast<double>(m.layers * w.batch * m.kv_heads * 2 * plan.cache_tokens *
                                                  m.head_dim * plan.cache_elem_bytes);
  if (att_flow.model_no_cache) {
    o["state_bytes"] = static_cast<double>(w.batch * att_flow.model_state_bytes(s, plan));
    o["kv_bytes_read_is"] = "the attention engine's recurrent state (no KV cache is kept or read)";
  }
  if (att_flow.model_attention_function) o["attention_function"] = att_flow.model_attention_function(s);
  const double generated = batch * steps;
  o["kv_bytes_read_per_token"] = generated > 0 ? Json(kv_read / generated) : Json(nullptr);
  o["kv_bytes_read_per_token_ungrouped"] =
      generated > 0 ? Json(kv_read_ungrouped / generated) : Json(nullptr);
  o["kv_bytes_saved_by_gqa"] = kv_read_ungrouped - kv_read;
  o["gqa_shared_reads"] = plan.stack_gqa && m.group() > 1;
  if (att_flow.model_pruned_tokens != nullptr) {
    o["attention_pruning"] = {
        {"decisions", numerics ? "taken on the data the engine fetched" : att_flow.model_pruning_off},
        {"pruned_tokens", att_flow.model_pruned_tokens}};
  }
  o["linear"] = linear.json();
  o["attention"] = attention.json();
  o["attention"]["prefill_array_utilisation"] = attention_prefill.utilisation();
  o["attention"]["decode_array_utilisation"] = attention_decode.utilisation();
  Json layers = Json::array();
  for (std::uint64_t l = 0; l < m.layers; ++l) {
    Json e = Json::object();
    e["layer"] = l;
    e["attention_ns"] = layer_attention[l].ns;
    e["linear_ns"] = layer_linear[l].ns;
    e["attention_energy_pj"] = layer_attention[l].energy_pj;
    e["linear_energy_pj"] = layer_linear[l].energy_pj;
    e["energy_pj"] = layer_attention[l].energy_pj + layer_linear[l].energy_pj;
    e["dram_bytes"] = layer_attention[l].dram_bytes + layer_linear[l].dram_bytes;
    if (pruning && pruned[l].jobs > 0) {  // decode steps, mean per job (sequence and step)
      const Pruned& p = pruned[l];
      e["kv_bytes_read"] = p.kv_read;
      e["kv_bytes_unpruned_fp32"] = p.kv_unpruned_fp32;
      e["tokens_in_mean"] = p.tokens_in / p.jobs;
      e["tokens_kept_mean"] = p.tokens_kept / p.jobs;
      e["heads_kept_mean"] = p.heads_kept / p.jobs;
    }
    if (numerics && runner.layer_accuracy()[l].count() > 0) {
      e["rel_l2"] = number(runner.layer_accuracy()[l].result().rel_l2_err);
    } else {
      e["rel_l2"] = nullptr;
    }
    layers.push_back(e);
  }
  o["layers"] = layers;
  Json ops = Json::object();
  for (const auto& [name, sums] : by_op) ops[name] = sums.json();
  o["ops"] = ops;
  o["gpu_anchor"] = gpu_anchor(w, prefill_attention_ns, first_decode_attention_ns);
  put_figures_of_merit(totals, ops_of(engine_sums), tree.area_mm2());
  stats["totals"] = totals;
  stats["area"] = area_json(tree, s);
  stats["model"] = o;
  stats["jobs"] = Json::array();  // thousands of small jobs: per layer and per op in `model` instead
  stats["components"] = tree.to_json();
  stats["run_info"] = {{"wall_clock_s", info.wall_clock_s},
                       {"host", hostname()},
                       {"build_type", SAVP_BUILD_TYPE},
                       {"host_error", runner.error()}};
  return stats;
}

std::string model_table(const Json& stats) {
  std::ostringstream os;
  const Json& o = stats["model"];
  char line[512];
  auto num = [](const Json& j, const char* k) {
    return j.contains(k) && j[k].is_number() ? j[k].get<double>() : std::nan("");
  };
  std::snprintf(line, sizeof line, "model %s, %s, batch %llu, prompt %llu, %llu steps, numerics %s\n",
                o["name"].get<std::string>().c_str(), o["phase"].get<std::string>().c_str(),
                static_cast<unsigned long long>(o["batch"].get<std::uint64_t>()),
                static_cast<unsigned long long>(o["prompt_tokens"].get<std::uint64_t>()),
                static_cast<unsigned long long>(o["steps"].get<std::uint64_t>()),
                o["numerics"].get<std::string>().c_str());
  os << line;
  std::snprintf(
      line, sizeof line,
      "TTFT %.3f us, TPOT %.3f us, %.1f tokens/s, %.4f uJ/token; KV cache %.3f MB, %.3f MB read/token "
      "(GQA saved %.3f MB)\n",
      num(o, "ttft_ns") / 1e3, num(o, "tpot_ns") / 1e3, num(o, "tokens_per_s"),
      num(o, "energy_per_token_pj") / 1e6, num(o, "kv_cache_bytes") / 1e6,
      num(o, "kv_bytes_read_per_token") / 1e6, num(o, "kv_bytes_saved_by_gqa") / 1e6);
  os << line;
  std::snprintf(line, sizeof line, "%6s %14s %14s %12s %12s %10s\n", "layer", "linear_us", "attention_us",
                "energy_uJ", "mem_MB", "rel_l2");
  os << line;
  std::size_t shown = 0;
  for (const auto& l : o["layers"]) {
    if (++shown > 12) {
      os << "  ... " << o["layers"].size() - 12 << " more layers in stats.json\n";
      break;
    }
    std::snprintf(line, sizeof line, "%6llu %14.3f %14.3f %12.4f %12.3f %10.2e\n",
                  static_cast<unsigned long long>(l["layer"].get<std::uint64_t>()), num(l, "linear_ns") / 1e3,
                  num(l, "attention_ns") / 1e3, num(l, "energy_pj") / 1e6, num(l, "dram_bytes") / 1e6,
                  num(l, "rel_l2"));
    os << line;
  }
  std::snprintf(line, sizeof line, "split: linear %.3f us / %.4f uJ, attention %.3f us / %.4f uJ\n",
                num(o["linear"], "latency_ns") / 1e3, num(o["linear"], "energy_pj") / 1e6,
                num(o["attention"], "latency_ns") / 1e3, num(o["attention"], "energy_pj") / 1e6);
  os << line;
  if (o.contains("overlap")) {
    const Json& v = o["overlap"];
    std::snprintf(line, sizeof line,
                  "%llu micro-batches: linear busy %.3f us, attention busy %.3f us, both %.3f us; weights "
                  "read again %.3f MB\n",
                  static_cast<unsigned long long>(o["micro_batches"].get<std::uint64_t>()),
                  num(v, "linear_busy_ns") / 1e3, num(v, "attention_busy_ns") / 1e3,
                  num(v, "both_busy_ns") / 1e3, num(v, "extra_weight_bytes") / 1e6);
    os << line;
  }
  return os.str();
}

}  // namespace savp::tb
