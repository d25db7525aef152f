#include "models/common/model_workload.hpp"

#include <algorithm>
#include <filesystem>

namespace savp::common {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kMaxTokens = std::int64_t{1} << 24;

// The preset names, listed for a message.
std::string preset_list(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return list;
}

// A preset file, parsed as a preset (it must cite a source for every number it gives).
Json load_preset(const std::string& presets_dir, const std::string& name) {
  const std::string file = (fs::path(presets_dir) / (name + ".json")).string();
  Json loaded = load_json_file(file);
  JsonNode p(loaded, file);
  (void)ModelSpec::parse(p.as_object(), true);
  return loaded;
}

// {"preset": NAME, KEY: VALUE...}: the preset with the given keys replaced (a whole value each:
// an "attention" given here replaces the preset's pattern). A replaced key loses the preset's
// citation and is listed in ModelSpec::overrides, so the report never passes it off as the
// paper's. Errors in a replaced key name the scenario's path of that key.
ModelSpec parse_preset_overrides(JsonNode& m, const std::vector<std::string>& names,
                                 const std::string& presets_dir, std::string& preset) {
  JsonNode pn = m.child("preset");
  if (!pn.value().is_string() ||
      std::find(names.begin(), names.end(), pn.value().get<std::string>()) == names.end())
    pn.fail_expected("a model preset (" + preset_list(names) + ")");
  preset = pn.value().get<std::string>();
  Json merged = load_preset(presets_dir, preset);
  std::vector<std::string> replaced;
  for (auto it = m.value().begin(); it != m.value().end(); ++it) {
    if (it.key() == "preset") continue;
    if (it.key() == "sources")
      m.child("sources").fail(
          "a preset's sources cannot be replaced: a key given beside \"preset\" is reported "
          "as the scenario's own (model.overrides)");
    merged[it.key()] = it.value();
    if (merged.contains("sources")) merged["sources"].erase(it.key());
    if (it.key() != "name" && it.key() != "description") replaced.push_back(it.key());
  }
  JsonNode node(merged, m.file(), m.pointer());
  ModelSpec spec = ModelSpec::parse(node, false);
  spec.overrides = replaced;
  return spec;
}

// The model key: a preset name (one of the files in presets_dir), a preset with replaced keys
// ({"preset": NAME, ...}) or an object (inline, or an include of one).
ModelSpec parse_model(JsonNode& node, const std::string& presets_dir, std::string& preset) {
  JsonNode m = node.child("model");
  if (m.value().is_string()) {
    const std::string name = m.value().get<std::string>();
    const std::vector<std::string> names = model_presets(presets_dir);
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      preset = name;
      const std::string file = (fs::path(presets_dir) / (name + ".json")).string();
      Json loaded = load_json_file(file);
      JsonNode p(loaded, file);
      return ModelSpec::parse(p.as_object(), true);
    }
    if (name.size() < 5 || name.compare(name.size() - 5, 5, ".json") != 0)
      m.fail_expected("a model preset (" + preset_list(names) +
                      "), an inline model object or a .json file holding one");
  }
  if (m.value().is_object() && m.value().contains("preset"))
    return parse_preset_overrides(m, model_presets(presets_dir), presets_dir, preset);
  return ModelSpec::parse(m.as_object(), false);
}

std::string dir_path(JsonNode node, const std::string& what) {
  if (!node.value().is_string() || node.value().get<std::string>().empty())
    node.fail_expected("a directory path (a string)");
  fs::path p(node.value().get<std::string>());
  if (p.is_relative()) p = fs::path(node.file()).parent_path() / p;
  std::error_code ec;
  if (!fs::is_directory(p, ec))
    node.fail(what + " \"" + node.value().get<std::string>() + "\" is not a directory (looked for " +
              p.lexically_normal().string() + ")");
  return fs::absolute(p).lexically_normal().string();
}

}  // namespace

const char* ModelWorkload::phase_name() const {
  switch (phase) {
    case Phase::Prefill:
      return "prefill";
    case Phase::Decode:
      return "decode";
    case Phase::Generate:
      return "generate";
  }
  return "?";
}

ModelWorkload ModelWorkload::parse(JsonNode& node, const std::string& presets_dir) {
  ModelWorkload w;
  if (!node.has("model")) node.child("model");  // "missing required key"
  w.model = parse_model(node, presets_dir, w.preset);
  w.anchors_file =
      (fs::path(presets_dir).parent_path().parent_path() / "anchors" / "gpu-h100-attention.jsonl").string();
  const std::string phase = node.get_choice("phase", {"prefill", "decode", "generate"}, "prefill");
  w.phase = phase == "decode" ? Phase::Decode : phase == "generate" ? Phase::Generate : Phase::Prefill;
  w.batch = static_cast<std::uint64_t>(node.get_int("batch", 1, 1, 4096));
  w.micro_batches = static_cast<std::uint64_t>(node.get_int("micro_batches", 1, 1, 4096));
  if (w.micro_batches > w.batch || w.batch % w.micro_batches != 0)
    node.child("micro_batches")
        .fail("the batch of " + std::to_string(w.batch) +
              " sequences splits into micro-batches of equal size: " + std::to_string(w.micro_batches) +
              " does not divide it");
  w.seq_len = static_cast<std::uint64_t>(node.get_int("seq_len", 1, kMaxTokens));
  // "steps": null is the key absent (a sweep over phase can drop it: --set workload.steps=null).
  const bool has_steps = node.has("steps") && !node.value()["steps"].is_null();
  if (node.has("steps") && !has_steps) node.accept("steps");
  if (w.runs_decode()) {
    if (!has_steps) node.child("steps");  // "missing required key"
    w.steps = static_cast<std::uint64_t>(node.get_int("steps", 1, kMaxTokens));
  } else if (has_steps) {
    node.child("steps").fail(
        "a prefill runs the prompt only; steps needs \"phase\": \"decode\" or \"generate\"");
  }
  if (w.final_tokens() > w.model.max_positions) {
    (w.runs_decode() && w.seq_len <= w.model.max_positions ? node.child("steps") : node.child("seq_len"))
        .fail("the prompt (" + std::to_string(w.seq_len) + ")" +
              (w.runs_decode() ? " plus " + std::to_string(w.steps) + " new tokens" : std::string()) + " = " +
              std::to_string(w.final_tokens()) + " tokens exceeds the model's " +
              std::to_string(w.model.max_positions) + " positions (max_positions)");
  }
  const std::string why = w.model.attention.check(w.final_tokens());
  if (!why.empty())
    node.child("model").fail("the model's attention pattern at " + std::to_string(w.final_tokens()) +
                             " tokens: " + why);
  if (w.runs_decode() && (w.model.attention.dilation > 1 || !w.model.attention.global_tokens.empty() ||
                          w.model.attention.window_h > 0 || !w.model.attention.causal)) {
    node.child("phase").fail(
        "decoding needs a causal model with a dense or sliding-window pattern (no dilation, global tokens or "
        "2D "
        "window); this model's attention is " +
        w.model.attention.describe());
  }
  if (node.has("weights")) {
    JsonNode wt = node.object_at("weights");
    w.weights_source = wt.get_choice("source", {"synthetic", "npy"}, "synthetic");
    if (w.weights_source == "npy") {
      w.weights_dir = dir_path(wt.child("dir"), "weights directory");
    } else {
      w.weights_seed =
          static_cast<std::uint64_t>(wt.get_int("seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
    }
    wt.finish();
  }
  if (node.has("inputs")) {
    JsonNode in = node.object_at("inputs");
    w.inputs_source = in.get_choice("source", {"synthetic", "npy"}, "synthetic");
    if (w.inputs_source == "npy") {
      w.inputs_file = fs::absolute(in.get_file_path("file", ".npy file")).lexically_normal().string();
    } else {
      w.inputs_seed =
          static_cast<std::uint64_t>(in.get_int("seed", 2, 0, std::numeric_limits<std::int64_t>::max()));
    }
    in.finish();
  }
  return w;
}

}  // namespace savp::common
