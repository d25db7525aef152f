// ModelSpec: the shape of a transformer model a "model" workload runs (issue 21): layers, hidden
// size, query and key/value heads (GQA/MQA when kv_heads < heads), head size, FFN width and kind,
// norm (and its epsilon), positions (and the RoPE base) and the attention pattern, with the maximum
// positions the model was trained for.
// A preset file (scenarios/models/presets/<name>.json) carries the same keys plus `sources`: for
// every number, where it comes from. Pure C++.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/common/attention_pattern.hpp"
#include "models/common/json_reader.hpp"

namespace savp::common {

struct ModelSpec {
  enum class Ffn { Gelu, Swiglu };
  enum class Norm { LayerNorm, RmsNorm };
  enum class Positions { Learned, Rope };
  // Where each sub-block's norm sits: pre (x + f(norm(x)): GPT-2, ViT, Llama) or post
  // (norm(x + f(x)): the original Transformer, BERT, RoBERTa/Longformer).
  enum class NormPosition { Pre, Post };

  std::string name;
  std::string description;
  std::uint64_t layers = 0, hidden = 0, heads = 0, kv_heads = 0, head_dim = 0, ffn_hidden = 0;
  std::uint64_t max_positions = 0;  // the longest sequence the model takes (its position table or context)
  Ffn ffn = Ffn::Gelu;
  Norm norm = Norm::LayerNorm;
  Positions positions = Positions::Learned;
  NormPosition norm_position = NormPosition::Pre;
  double rope_theta = 10000.0;  // RoPE base: pair i of a head turns by position x theta^(-2i/head_dim)
  double norm_eps = 1e-5;       // the epsilon under the square root of layernorm / rmsnorm
  AttentionPattern attention;
  std::map<std::string, std::string> sources;  // key -> where its number comes from (presets)
  std::vector<std::string> overrides;          // keys a scenario replaced in a preset ({"preset": ...})

  // Query heads per key/value head (1 for multi-head attention).
  std::uint64_t group() const { return heads / kv_heads; }

  // Parses a model object (a preset file or an inline "model"). Refuses (InputError at the key)
  // unknown keys, zero sizes, kv_heads not dividing heads, head_dim x heads != hidden, an odd
  // head_dim with rope, rope_theta without rope, a rope_theta or norm_eps that is not positive; a
  // preset (require_sources) must cite a source for every number it gives.
  static ModelSpec parse(JsonNode node, bool require_sources);
};

// The preset names under `presets_dir` (the files' stems, sorted).
std::vector<std::string> model_presets(const std::string& presets_dir);

}  // namespace savp::common
