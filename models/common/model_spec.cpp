#include "models/common/model_spec.hpp"

#include <algorithm>
#include <filesystem>

#include "models/common/json_files.hpp"
#include "models/common/workload_spec.hpp"

namespace savp::common {

namespace {

constexpr std::int64_t kMaxSize = std::int64_t{1} << 24;

}  // namespace

ModelSpec ModelSpec::parse(JsonNode node, bool require_sources) {
  ModelSpec m;
  m.name = node.get_string("name", "");
  m.description = node.get_string("description", "");
  m.layers = static_cast<std::uint64_t>(node.get_int("layers", 1, 1024));
  m.hidden = static_cast<std::uint64_t>(node.get_int("hidden", 1, kMaxSize));
  m.heads = static_cast<std::uint64_t>(node.get_int("heads", 1, 4096));
  m.kv_heads =
      static_cast<std::uint64_t>(node.get_int("kv_heads", static_cast<std::int64_t>(m.heads), 1, 4096));
  m.head_dim = static_cast<std::uint64_t>(node.get_int("head_dim", 1, 4096));
  m.ffn_hidden = static_cast<std::uint64_t>(node.get_int("ffn_hidden", 1, kMaxSize));
  m.max_positions = static_cast<std::uint64_t>(node.get_int("max_positions", 1, std::int64_t{1} << 24));
  m.ffn = node.get_choice("ffn", {"gelu", "swiglu"}, "gelu") == "swiglu" ? Ffn::Swiglu : Ffn::Gelu;
  m.norm = node.get_choice("norm", {"layernorm", "rmsnorm"}, "layernorm") == "rmsnorm" ? Norm::RmsNorm
                                                                                       : Norm::LayerNorm;
  m.norm_position = node.get_choice("norm_position", {"pre", "post"}, "pre") == "post" ? NormPosition::Post
                                                                                       : NormPosition::Pre;
  m.positions = node.get_choice("positions", {"learned", "rope"}, "learned") == "rope" ? Positions::Rope
                                                                                       : Positions::Learned;
  if (node.has("rope_theta")) {
    if (m.positions != Positions::Rope)
      node.child("rope_theta").fail("rope_theta applies only with positions \"rope\"");
    m.rope_theta = node.get_number("rope_theta");
    if (!(m.rope_theta > 0.0)) node.child("rope_theta").fail_expected("a positive number");
  }
  m.norm_eps = node.get_number("norm_eps", m.norm_eps);
  if (!(m.norm_eps > 0.0)) node.child("norm_eps").fail_expected("a positive number");
  if (node.has("attention")) m.attention = parse_attention_pattern(node.object_at("attention"));
  if (m.heads % m.kv_heads != 0) {
    node.child("kv_heads")
        .fail("expected a divisor of heads (" + std::to_string(m.heads) + "), found " +
              std::to_string(m.kv_heads) + ": each key/value head serves a whole group of query heads");
  }
  if (m.head_dim * m.heads != m.hidden) {
    node.child("head_dim")
        .fail("head_dim x heads = " + std::to_string(m.head_dim) + " x " + std::to_string(m.heads) + " = " +
              std::to_string(m.head_dim * m.heads) + " differs from hidden (" + std::to_string(m.hidden) +
              "): the projections map hidden to heads x head_dim");
  }
  if (m.positions == Positions::Rope && m.head_dim % 2 != 0) {
    node.child("head_dim")
        .fail("expected an even head_dim with positions \"rope\" (it turns pairs of features), found " +
              std::to_string(m.head_dim));
  }
  const std::string why = m.attention.check(m.max_positions);
  if (!why.empty()) node.child("attention").fail(why);
  if (node.has("sources")) {
    JsonNode src = node.object_at("sources");
    for (auto it = src.value().begin(); it != src.value().end(); ++it) {
      JsonNode e = src.child(it.key());
      if (!e.value().is_string() || e.value().get<std::string>().empty())
        e.fail_expected("a citation (text)");
      m.sources[it.key()] = e.value().get<std::string>();
    }
  }
  if (require_sources) {
    for (const char* key :
         {"layers", "hidden", "heads", "kv_heads", "head_dim", "ffn_hidden", "max_positions", "ffn", "norm",
          "norm_position", "positions", "rope_theta", "norm_eps", "attention"}) {
      if (node.has(key) && m.sources.count(key) == 0) {
        (node.has("sources") ? node.child("sources") : node)
            .fail(std::string("a preset cites a source for every number it gives: no source for \"") + key +
                  "\"");
      }
    }
    for (const auto& [key, text] : m.sources) {
      if (!node.has(key))
        node.child("sources").child(key).fail("a source for a key the preset does not give");
    }
  }
  node.finish();
  return m;
}

std::vector<std::string> model_presets(const std::string& presets_dir) {
  return json_file_stems(presets_dir);
}

}  // namespace savp::common
