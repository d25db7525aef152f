// The model presets and the model graph (issue 21 groundwork): every shipped preset parses with a
// source for every number; the graph's shapes, weights, KV-cache sizes and GQA savings against
// figures published for the models (Llama 3 8B: about 8.0 B parameters of which 6.98 B in the
// layers; a 32K-token fp16 KV cache of 4 GiB); bad model shapes are refused at their key.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "models/common/input_error.hpp"
#include "models/common/model_graph.hpp"

using savp::common::Json;
using savp::common::JsonNode;
using savp::common::ModelGraph;
using savp::common::ModelOp;
using savp::common::ModelSpec;

namespace {

const std::string kPresets = std::string(SAVP_SOURCE_DIR) + "/scenarios/models/presets";

ModelSpec preset(const std::string& name) {
  const std::string file = kPresets + "/" + name + ".json";
  Json j = savp::common::load_json_file(file);
  return ModelSpec::parse(JsonNode(j, file), true);
}

ModelSpec inline_model(const std::string& text) {
  Json j = Json::parse(text);
  return ModelSpec::parse(JsonNode(j, "m.json"), false);
}

}  // namespace

TEST_CASE("model presets: every shipped preset parses and cites a source for every number", "[model]") {
  const auto names = savp::common::model_presets(kPresets);
  REQUIRE(names.size() == 8);
  for (const auto& n : names) {
    INFO(n);
    const ModelSpec m = preset(n);
    CHECK(m.name == n);
    CHECK(m.head_dim * m.heads == m.hidden);
    CHECK(m.sources.count("layers") == 1);
  }
  const ModelSpec l = preset("llama-3-8b");
  CHECK(l.group() == 4);
  CHECK(l.ffn == ModelSpec::Ffn::Swiglu);
  CHECK(l.positions == ModelSpec::Positions::Rope);
  CHECK(preset("mistral-7b").attention.window == 4096);
  CHECK(preset("longformer-base").attention.global_tokens.size() == 1);
}

TEST_CASE("model graph: Llama 3 8B weights, KV cache and GQA savings match the published shape", "[model]") {
  const ModelSpec l = preset("llama-3-8b");
  // One decode step at 32K context, batch 1, fp16.
  const ModelGraph g = savp::common::model_graph(l, 1, 1, 32767, 2);
  // Per layer: Q and O 4096 x 4096, K and V 4096 x 1024, FFN 3 x 4096 x 14336 = 218,103,808.
  CHECK(g.weight_bytes == 32ull * 218103808ull * 2);
  // The cache: 32 layers x 2 (K, V) x 8 heads x 128 x 32768 tokens x 2 bytes = 4 GiB.
  CHECK(g.kv_cache_bytes == 4ull << 30);
  CHECK(g.kv_bytes_read == g.kv_cache_bytes);  // a decode step reads the whole cache once
  CHECK(g.kv_bytes_read_ungrouped == 4 * g.kv_bytes_read);
  // Decode: every GEMM has one row per sequence.
  for (const ModelOp& op : g.ops) {
    if (op.kind == ModelOp::Kind::Gemm) CHECK(op.m == 1);
    if (op.kind == ModelOp::Kind::Attention) {
      CHECK(op.q_len == 1);
      CHECK(op.kv_len == 32768);
    }
  }
  // Batch 8 multiplies the cache and the rows, not the weights.
  const ModelGraph g8 = savp::common::model_graph(l, 8, 1, 32767, 2);
  CHECK(g8.kv_cache_bytes == 8 * g.kv_cache_bytes);
  CHECK(g8.weight_bytes == g.weight_bytes);
}

TEST_CASE("model graph: a layer's ops, their order and FLOPs", "[model]") {
  const ModelSpec b = preset("bert-base");
  const std::uint64_t L = 384;
  const ModelGraph g = savp::common::model_graph(b, 1, L, 0, 2);
  // GELU FFN, learned positions, post-norm (BERT): 13 ops per layer (q, k, v, kv_append, attention,
  // o, residual1, norm1, up, gelu, down, residual2, norm2).
  CHECK(g.ops.size() == 12 * 13);
  const std::vector<std::string> post{"q_proj",   "k_proj",    "v_proj", "kv_append", "attention",
                                      "o_proj",   "residual1", "norm1",  "ffn_up",    "ffn_gelu",
                                      "ffn_down", "residual2", "norm2"};
  for (std::size_t i = 0; i < post.size(); ++i) CHECK(g.ops[i].name == "layer0." + post[i]);
  const ModelOp& att = g.ops[4];
  CHECK(att.kind == ModelOp::Kind::Attention);
  // Bidirectional: every query sees all L keys: 4 x heads x L x L x head_dim.
  CHECK(att.flops == Approx(4.0 * 12 * L * L * 64));
  // The attention waits for Q (op 0) and the K/V append (op 3); the next layer starts after norm2.
  CHECK(att.deps == std::vector<std::size_t>{0, 3});
  CHECK(g.ops[13].deps == std::vector<std::size_t>{12});
  // Pre-norm (GPT-2): norm1 first, norm2 between residual1 and the FFN, residual2 last.
  const ModelGraph p = savp::common::model_graph(preset("gpt2-small"), 1, 16, 0, 2);
  const std::vector<std::string> pre{"norm1",     "q_proj",   "k_proj",    "v_proj", "kv_append",
                                     "attention", "o_proj",   "residual1", "norm2",  "ffn_up",
                                     "ffn_gelu",  "ffn_down", "residual2"};
  for (std::size_t i = 0; i < pre.size(); ++i) CHECK(p.ops[i].name == "layer0." + pre[i]);
  // BERT-base's 12 layers hold 85 M weights (the other 25 M of its 110 M are embeddings).
  CHECK(g.weight_bytes / 2 == 12ull * (4 * 768 * 768 + 2 * 768 * 3072));
}

TEST_CASE("model graph: visible keys under causal and windowed patterns", "[model]") {
  savp::common::AttentionPattern causal;
  causal.causal = true;
  CHECK(savp::common::mean_visible_keys(causal, 1024, 1024) == Approx(512.5));
  CHECK(savp::common::mean_visible_keys(causal, 1, 32768) == Approx(32768));
  savp::common::AttentionPattern window = causal;
  window.window = 4096;
  CHECK(savp::common::mean_visible_keys(window, 1, 32768) == Approx(4096));
  savp::common::AttentionPattern dense;
  CHECK(savp::common::mean_visible_keys(dense, 197, 197) == Approx(197));
}

TEST_CASE("model spec: bad shapes are refused at their key", "[model]") {
  CHECK_THROWS_WITH(inline_model(R"({"layers": 2, "hidden": 64, "heads": 4, "kv_heads": 3, "head_dim": 16,
                                     "ffn_hidden": 128, "max_positions": 64})"),
                    Catch::Contains("/kv_heads") && Catch::Contains("divisor of heads"));
  CHECK_THROWS_WITH(inline_model(R"({"layers": 2, "hidden": 64, "heads": 4, "head_dim": 32,
                                     "ffn_hidden": 128, "max_positions": 64})"),
                    Catch::Contains("/head_dim") && Catch::Contains("differs from hidden"));
  CHECK_THROWS_WITH(inline_model(R"({"layers": 0, "hidden": 64, "heads": 4, "head_dim": 16,
                                     "ffn_hidden": 128, "max_positions": 64})"),
                    Catch::Contains("/layers"));
  CHECK_THROWS_WITH(inline_model(R"({"layers": 2, "hidden": 64, "heads": 4, "head_dim": 16, "ffn_hidden": 128,
                                     "max_positions": 64, "ffn": "relu"})"),
                    Catch::Contains("/ffn"));
  CHECK_THROWS_WITH(inline_model(R"({"layers": 2, "hidden": 64, "heads": 4, "head_dim": 16, "ffn_hidden": 128,
                                     "max_positions": 64, "experts": 8})"),
                    Catch::Contains("unknown key \"experts\""));
  // A preset must cite every number it gives.
  Json j = Json::parse(R"({"layers": 2, "hidden": 64, "heads": 4, "head_dim": 16, "ffn_hidden": 128,
                           "max_positions": 64, "sources": {"layers": "x"}})");
  CHECK_THROWS_WITH(ModelSpec::parse(JsonNode(j, "p.json"), true),
                    Catch::Contains("no source for \"hidden\""));
}

TEST_CASE("model spec: rope_theta and norm_eps, their defaults, the presets' values and bad ones",
          "[model]") {
  const ModelSpec d =
      inline_model(R"({"layers": 2, "hidden": 64, "heads": 4, "head_dim": 16, "ffn_hidden": 128,
                                       "max_positions": 64})");
  CHECK(d.rope_theta == 10000.0);
  CHECK(d.norm_eps == 1e-5);
  const ModelSpec r =
      inline_model(R"({"layers": 2, "hidden": 64, "heads": 4, "head_dim": 16, "ffn_hidden": 128,
                                       "max_positions": 64, "positions": "rope", "rope_theta": 1e6, "norm_eps": 1e-6})");
  CHECK(r.rope_theta == 1e6);
  CHECK(r.norm_eps == 1e-6);
  CHECK(preset("llama-3-8b").rope_theta == 500000.0);
  CHECK(preset("mistral-7b").rope_theta == 10000.0);
  CHECK(preset("bert-base").norm_eps == 1e-12);
  CHECK(preset("vit-base").norm_eps == 1e-12);
  CHECK(preset("gpt2-medium").norm_eps == 1e-5);
  CHECK(preset("llama-3-8b").sources.count("rope_theta") == 1);
  CHECK_THROWS_WITH(inline_model(R"({"layers": 2, "hidden": 64, "heads": 4, "head_dim": 16, "ffn_hidden": 128,
                                     "max_positions": 64, "rope_theta": 500000})"),
                    Catch::Contains("/rope_theta") && Catch::Contains("only with positions \"rope\""));
  CHECK_THROWS_WITH(inline_model(R"({"layers": 2, "hidden": 64, "heads": 4, "head_dim": 16, "ffn_hidden": 128,
                                     "max_positions": 64, "positions": "rope", "rope_theta": 0})"),
                    Catch::Contains("/rope_theta") && Catch::Contains("expected a positive number"));
  CHECK_THROWS_WITH(inline_model(R"({"layers": 2, "hidden": 64, "heads": 4, "head_dim": 16, "ffn_hidden": 128,
                                     "max_positions": 64, "norm_eps": -1e-5})"),
                    Catch::Contains("/norm_eps") && Catch::Contains("expected a positive number"));
  CHECK_THROWS_WITH(inline_model(R"({"layers": 2, "hidden": 64, "heads": 4, "head_dim": 16, "ffn_hidden": 128,
                                     "max_positions": 64, "norm_eps": "small"})"),
                    Catch::Contains("/norm_eps") && Catch::Contains("a number"));
  CHECK_THROWS_WITH(inline_model(R"({"layers": 2, "hidden": 60, "heads": 4, "head_dim": 15, "ffn_hidden": 128,
                                     "max_positions": 64, "positions": "rope"})"),
                    Catch::Contains("/head_dim") && Catch::Contains("even head_dim"));
  // A preset that gives rope_theta must cite it.
  Json j = Json::parse(R"({"layers": 2, "hidden": 64, "heads": 4, "head_dim": 16, "ffn_hidden": 128,
                           "max_positions": 64, "positions": "rope", "rope_theta": 1e6,
                           "sources": {"layers": "a", "hidden": "a", "heads": "a", "head_dim": "a",
                                       "ffn_hidden": "a", "max_positions": "a", "positions": "a"}})");
  CHECK_THROWS_WITH(ModelSpec::parse(JsonNode(j, "p.json"), true),
                    Catch::Contains("no source for \"rope_theta\""));
}
