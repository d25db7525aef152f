// ModelWorkload: a "model" workload (issue 21) as a scenario gives it: which model (a preset of
// scenarios/models/presets/ or an inline ModelSpec), which phase (prefill of a prompt, decode steps
// against the KV cache of a prompt, or both: generate), how many sequences, and where the weights
// and the input embeddings come from. Validation here covers the workload alone (sizes, the
// model's positions, the files); which accelerators run it is the scenario's platform.mapping.
// Pure C++.
#pragma once

#include <cstdint>
#include <string>

#include "models/common/json_reader.hpp"
#include "models/common/model_spec.hpp"

namespace savp::common {

struct ModelWorkload {
  enum class Phase { Prefill, Decode, Generate };

  ModelSpec model;
  std::string preset;  // the preset's name, or "" for an inline model
  Phase phase = Phase::Prefill;
  std::uint64_t batch = 1;  // sequences
  // The batch split into micro-batches of batch / micro_batches sequences, each with its own GEMMs
  // (its weights read again), so that one micro-batch's linear layers overlap another's attention.
  std::uint64_t micro_batches = 1;
  std::uint64_t seq_len = 0;  // the prompt, per sequence
  std::uint64_t steps = 0;    // decode steps (new tokens per sequence); 0 for a prefill
  // Weights: "synthetic" (seeded, scaled so activations stay in range) or "npy" (one file per
  // tensor in weights_dir: layer<l>.<tensor>.npy).
  std::string weights_source = "synthetic";
  std::uint64_t weights_seed = 1;
  std::string weights_dir;  // absolute (npy)
  // Input token embeddings: "synthetic" (seeded, unit RMS) or "npy" (inputs_file: rows = batch x
  // (seq_len + steps) tokens, sequence-major, x hidden).
  std::string inputs_source = "synthetic";
  std::uint64_t inputs_seed = 2;
  std::string inputs_file;  // absolute (npy)
  // Measured GPU latencies shipped beside the presets (scenarios/anchors/), for the report.
  std::string anchors_file;

  bool runs_prefill() const { return phase != Phase::Decode; }
  bool runs_decode() const { return phase != Phase::Prefill; }
  std::uint64_t decode_steps() const { return runs_decode() ? steps : 0; }
  // Tokens per sequence at the end of the run (the prompt plus the generated ones).
  std::uint64_t final_tokens() const { return seq_len + decode_steps(); }
  const char* phase_name() const;

  // node: the workload object (kind "model"); presets_dir: scenarios/models/presets of the data
  // directory. Reads the keys it owns (model, phase, batch, micro_batches, seq_len, steps,
  // weights, inputs) and
  // leaves the others (kind, accelerator, numerics, description) to the caller.
  static ModelWorkload parse(JsonNode& node, const std::string& presets_dir);
};

}  // namespace savp::common
