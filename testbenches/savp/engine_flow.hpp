// EngineFlow: what the savp program does with one engine type, on top of the tlm layer's
// EngineDescriptor (tlm/platform/engine_registry.hpp): the checks and memory layout of its plan, its
// share of the memory estimate and the host flow that runs its jobs. One flow per engine, defined in
// testbenches/savp/<engine>_flow.cpp (its host flow: <engine>_host.cpp); engine_flow() finds it by type
// in the one table of engine_flow.cpp. Hooks left null take the shared attention/GEMM path.
#pragma once

#include <string>

#include "models/common/engine_step.hpp"
#include "models/common/job_descriptor.hpp"
#include "models/common/model_reference.hpp"
#include "testbenches/savp/host_driver.hpp"
#include "testbenches/savp/job_plan.hpp"
#include "testbenches/savp/memory_estimate.hpp"
#include "testbenches/savp/model_plan.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::tb {

struct EngineFlow {
  std::string type;  // the EngineDescriptor's type
  // The whole plan when the engine lays out its own jobs (after the workload-kind checks); null:
  // the shared plan (one job per batch element, layer and head, or one GEMM).
  void (*own_plan)(sc::Scenario& s, JobPlan& plan) = nullptr;
  // Shared plan: refuses (common::InputError) a workload the engine cannot run, or returns why for
  // "cannot run this workload" at the accelerator; plan.rows/cols/depth/value_dim are set.
  std::string (*check)(const sc::Scenario& s, const JobPlan& plan) = nullptr;
  // Shared plan: regions of the engine's own after the output (plan.layout.diag...); null: none.
  void (*extra_regions)(const sc::Scenario& s, MemoryLayout& m) = nullptr;
  // Workload numerics "off" (timing-only jobs, JobDescriptor::timing_only): empty when the engine
  // runs this workload without operand data, else why not (refused at /workload/numerics); null:
  // never (its timing depends on the data).
  std::string (*numerics_off)(const sc::Scenario& s) = nullptr;
  // Memory estimate of an attention workload: in place of the shared items (returning the number of
  // jobs), and added after them; null: nothing.
  double (*own_estimate)(const sc::Scenario& s, MemoryEstimate& e) = nullptr;
  void (*extra_estimate)(const sc::Scenario& s, MemoryEstimate& e) = nullptr;
  // Model workloads (model_plan.hpp). model_linear: runs a model's linear layers (GEMMs and the
  // vector unit's jobs). model_attention: why the engine at accelerator `a` cannot run this attention
  // job of a model (empty: it can; `decode`: a decode step's job); null: it runs no model attention.
  // model_shares_kv: a decode job may stack a GQA group's query rows against one read of their K/V head.
  bool model_linear = false;
  common::JobCheck (*model_attention)(const sc::Scenario& s, std::uint32_t a,
                                      const common::JobDescriptor& job,
                                      const common::AttentionPattern& pattern, bool decode) = nullptr;
  bool model_shares_kv = false;
  // model_layer_job: a model's attention as one job per (sequence, layer) covering every head, for an
  // engine whose pruning spans heads, layers and decode steps: fills the job's descriptor and its job
  // block (ModelJob::block; the runner writes it beside the descriptor and points addr_a at it);
  // null: one job per query head (or GQA group). model_owns_cache: that job appends the pass's new
  // K/V to the cache itself, in its own format (the plan runs no append on the linear accelerator).
  // model_state_bytes: bytes of the engine's region per sequence (ModelRegions::engine_state).
  // model_cache_row_bytes: bytes one position takes in a K (or V) cache block in the engine's format.
  void (*model_layer_job)(const sc::Scenario& s, const ModelPlan& plan, const ModelPass& pass,
                          std::uint64_t layer, ModelJob& job) = nullptr;
  bool model_owns_cache = false;
  std::uint64_t (*model_state_bytes)(const sc::Scenario& s, const ModelPlan& plan) = nullptr;
  std::uint64_t (*model_cache_row_bytes)(const sc::Scenario& s, std::uint64_t head_dim) = nullptr;
  // model_job_per_kv_head: with model_layer_job, one job per (sequence, layer, K/V head) covering that
  // head's group of query heads (ModelJob::head, heads) instead of one per (sequence, layer).
  // model_no_cache: the engine keeps a state per sequence (model_state_bytes) in place of a KV cache:
  // the plan lays out no cache, model.kv_cache_bytes is 0, and a decode step's bytes read per token
  // are the state's (the job statistic state_bytes_read).
  bool model_job_per_kv_head = false;
  bool model_no_cache = false;
  // An engine that computes another function than the model's softmax attention (CHELA's linear
  // attention): the model reference computes that function in double for the layers it runs
  // (ModelReference::set_attention), and stats.json says which (model.attention_function).
  common::ModelReference::AttentionFn (*model_reference_attention)(const sc::Scenario& s) = nullptr;
  std::string (*model_attention_function)(const sc::Scenario& s) = nullptr;
  // An engine that prunes a model's attention: how it takes its decisions without operand data
  // (numerics off) and what becomes of pruned tokens, for stats.json `model.attention_pruning`.
  const char* model_pruning_off = nullptr;
  const char* model_pruned_tokens = nullptr;
  // The host flow of one job.
  void (HostDriver::*run_job)(const JobSlot& slot) = &HostDriver::run_compute_job;
};

// The flow of an accelerator's type (throws std::logic_error when none is registered).
const EngineFlow& engine_flow(const sc::AcceleratorSpec& acc);

// Every registered flow, in the registration order.
const std::vector<const EngineFlow*>& engine_flows();

// Checks the attention-only engines share; `engine` names it in messages ("SALO").
// A GEMM workload: refused at /workload/kind.
void refuse_gemm(const sc::Scenario& s, const std::string& engine);
// A pattern with a window, dilation, global tokens or a 2D window: refused at /workload/pattern.
void refuse_sparse_pattern(const sc::Scenario& s, const std::string& why);
// The engine's own check_job: a non-empty why is refused at `key` (a JSON path).
void refuse_job(const sc::Scenario& s, const std::string& engine, const std::string& key,
                const std::string& why);
// "/platform/accelerators/<i>" of the workload's accelerator.
std::string accelerator_path(const sc::Scenario& s);

// One per engine type, each defined in its engine's testbench file.
const EngineFlow& dense_flow();    // dense_flow.cpp
const EngineFlow& salo_flow();     // salo_flow.cpp
const EngineFlow& spatten_flow();  // spatten_flow.cpp
const EngineFlow& sprint_flow();   // sprint_flow.cpp
const EngineFlow& chela_flow();    // chela_flow.cpp
const EngineFlow& traffic_flow();  // traffic_flow.cpp

}  // namespace savp::tb
