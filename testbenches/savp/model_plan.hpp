// ModelPlan: how the host runs a "model" workload (models/common/model_workload.hpp), worked out
// and checked before any SystemC module exists. The model graph (models/common/model_graph.hpp)
// becomes passes (the prefill of the prompt, then one pass per decode step), each a sequence of
// stages (one per op of every layer); a stage is one job (a GEMM or a vector op on the linear
// accelerator) or several (the KV-cache appends; the attention of every sequence and head, spread
// over the attention accelerators). Every job is a JobDescriptor with its operand addresses: the
// data flow between ops goes through memory (an op reads the region the op before it wrote), the
// weights and the KV cache have their own regions, and a stage waits for the stages whose data it
// reads: the one before it in its micro-batch (workload.micro_batches: each micro-batch of
// sequences has its own stages and activation regions, so that one micro-batch's GEMMs can run
// while another's attention does).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/common/job_descriptor.hpp"
#include "models/common/model_weights.hpp"
#include "models/common/model_workload.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::tb {

// The activations the host keeps between ops (numerics), each with one region reused by every
// layer; the KV cache and the weights have regions of their own.
enum class ModelTensor : std::uint8_t { X, Xn, Q, Knew, Vnew, Attn, Y, H, Hn, Up, Gate, Act, Down, Count };
const char* tensor_name(ModelTensor t);
// Elements per row (per token) of an activation of `model`.
std::uint64_t tensor_width(const common::ModelSpec& model, ModelTensor t);

enum class ModelOpKind : std::uint8_t {
  Norm1,
  ProjQ,
  ProjK,
  ProjV,
  RopeQ,
  RopeK,
  AppendK,
  AppendV,
  Attention,
  ProjO,
  Residual1,
  Norm2,
  Up,
  Gate,
  Act,
  Down,
  Residual2
};
const char* op_name(ModelOpKind k);

struct ModelJob {
  common::JobDescriptor desc;       // shape and addresses (format and scales set when it runs)
  std::uint64_t seq = 0;            // AppendK/V, Attention: the sequence
  std::uint64_t head = 0;           // AppendK/V: the K/V head; Attention: the first query head
  std::uint64_t heads = 1;          // Attention: query heads stacked in the job (a GQA group in decode)
  std::uint64_t first_key = 0;      // Attention: the first cache position it reads (sliding-window decode)
  std::vector<std::uint8_t> block;  // Attention: the engine's job block (EngineFlow::model_layer_job)
};

// The descriptor of a whole-layer attention job (EngineFlow::model_layer_job): its kind, `rows`
// query rows per head against `keys` keys of head dimension d, the query block at q_base (0: the
// engine's job block names it) and the output block at out_base. Every engine's model_layer_job sets
// its descriptor here.
inline void set_layer_job_desc(ModelJob& j, common::JobKind kind, std::uint64_t rows, std::uint64_t keys,
                               std::uint64_t d, std::uint64_t q_base, std::uint64_t out_base) {
  j.desc.kind = kind;
  j.desc.rows = rows;
  j.desc.cols = keys;
  j.desc.depth = j.desc.value_dim = d;
  j.desc.addr_b = q_base;
  j.desc.addr_out = out_base;
}

struct ModelStage {
  ModelOpKind op = ModelOpKind::Norm1;
  std::uint64_t layer = 0;
  std::uint64_t micro_batch = 0;  // its sequences: micro_batch x (batch / micro_batches) ..
  // The stages of the same pass it waits for (the data it reads): the stage before it in its
  // micro-batch's chain of ops. A stage starts when all of them have finished.
  std::vector<std::size_t> after;
  bool attention = false;  // runs on the attention accelerators (else on the linear one)
  // The activations the stage's jobs read and the one they write (Count: none, e.g. the cache
  // appends and the attention, whose outputs the runner places itself).
  std::array<ModelTensor, 2> reads{ModelTensor::Count, ModelTensor::Count};
  ModelTensor writes = ModelTensor::Count;
  std::vector<ModelJob> jobs;
};

struct ModelPass {
  bool prefill = true;
  std::uint64_t tokens = 0;   // new tokens per sequence
  std::uint64_t context = 0;  // tokens already in the cache before the pass
  std::vector<ModelStage> stages;
};

struct ModelRegions {
  std::uint64_t descriptors = 0;  // one 4 KiB page per accelerator: its job descriptor
  std::uint64_t globals = 0;      // the pattern's global tokens (uint32)
  std::uint64_t positions = 0;    // RoPE: one uint32 position per row
  // Micro-batch 0's activations; micro-batch b's are at tensor[t] + b x micro_batch_bytes.
  std::uint64_t tensor[static_cast<int>(ModelTensor::Count)] = {};
  std::uint64_t micro_batch_bytes = 0;
  // Per layer: wq, wk, wv, wo, w_up, w_gate (SwiGLU), w_down, norm1, norm2 (gamma then beta, fp32).
  struct Layer {
    std::uint64_t wq = 0, wk = 0, wv = 0, wo = 0, up = 0, gate = 0, down = 0, norm1 = 0, norm2 = 0;
    std::uint64_t kv = 0;  // the layer's cache: [sequence][kv head][K, V][position][head_dim]
  };
  std::vector<Layer> layers;
  std::uint64_t kv_block_bytes = 0;  // one (sequence, kv head, K or V) block: max positions x head_dim
  // Per sequence: the attention engine's own region (EngineFlow::model_state_bytes), e.g. its state.
  std::uint64_t engine_state = 0, engine_state_bytes = 0;
  std::uint64_t end = 0;
};

struct ModelPlan {
  const common::ModelWorkload* workload = nullptr;  // the scenario's (owned by its WorkloadSpec)
  std::uint32_t linear = 0;                         // the linear accelerator
  std::vector<std::uint32_t> attention;             // the attention accelerators
  bool stack_gqa = false;  // decode jobs read each K/V head once for its group (the engine allows it)
  std::uint64_t linear_elem_bytes = 2, attention_elem_bytes = 2, cache_elem_bytes = 2;
  std::vector<ModelPass> passes;
  ModelRegions regions;
  std::uint64_t cache_tokens = 0;  // positions a cache block holds
  // The scoreboard's bound on every layer's hidden state (rel L2 against the reference): the
  // largest tolerance of the mapped engines' datapaths.
  double tolerance_rel_l2 = 0;
  // Weights and embeddings from .npy files, loaded and checked at plan time (null: synthetic).
  std::shared_ptr<const common::ModelWeights> npy_weights;
  std::shared_ptr<const common::MatrixD> npy_inputs;
  std::size_t jobs() const;
};

// Throws common::InputError (exit 2) naming the key when the model cannot run on the mapping (an
// engine that cannot run its part, a linear accelerator that is not a floating-point dense array,
// a job beyond an engine's limits, regions beyond the memory).
ModelPlan make_model_plan(sc::Scenario& scenario);

// Address of sequence seq's first row of activation t: its micro-batch's region, then seq's index
// in its micro-batch x seq_bytes (the bytes one sequence takes in the layout the caller writes).
std::uint64_t activation_address(const ModelPlan& plan, ModelTensor t, std::uint64_t seq,
                                 std::uint64_t seq_bytes);

// Address of the K (kv = 0) or V (kv = 1) cache block of (layer, sequence, kv head) at `position`.
std::uint64_t kv_address(const ModelPlan& plan, std::uint64_t layer, std::uint64_t seq, std::uint64_t head,
                         int kv, std::uint64_t position);

}  // namespace savp::tb
