#include "models/common/workload_spec.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

namespace savp::common {

namespace fs = std::filesystem;

double WorkloadSpec::effective_softmax_scale() const {
  return softmax_scale > 0 ? softmax_scale : 1.0 / std::sqrt(static_cast<double>(head_dim));
}

namespace {

constexpr std::int64_t kMaxDim = std::int64_t{1} << 40;

}  // namespace

AttentionPattern parse_attention_pattern(JsonNode node) {
  AttentionPattern p;
  p.causal = node.get_bool("causal", false);
  p.window = static_cast<std::uint32_t>(node.get_int("window", 0, 0, 1ll << 31));
  p.dilation = static_cast<std::uint32_t>(node.get_int("dilation", 1, 1, 1ll << 31));
  if (node.has("global_tokens")) {
    JsonNode g = node.child("global_tokens");
    if (g.value().is_number()) {
      const std::int64_t n = node.get_int("global_tokens", 0, 1ll << 24);  // the first n tokens
      for (std::int64_t i = 0; i < n; ++i) p.global_tokens.push_back(static_cast<std::uint32_t>(i));
    } else {
      const std::size_t n = g.array_size();
      for (std::size_t i = 0; i < n; ++i) {
        JsonNode e = g.element(i);
        if (!e.value().is_number_integer() || e.value().get<std::int64_t>() < 0 ||
            e.value().get<std::int64_t>() > std::numeric_limits<std::uint32_t>::max()) {
          e.fail_expected("a token index (non-negative integer)");
        }
        p.global_tokens.push_back(e.value().get<std::uint32_t>());
      }
      // A repeated token would be fetched and priced again by the engine: refuse it (one rule for
      // every engine), naming the repeat.
      const std::size_t rep = p.first_repeated_global();
      if (rep < n) {
        const auto first = std::find(p.global_tokens.begin(), p.global_tokens.end(), p.global_tokens[rep]);
        g.element(rep).fail("global token " + std::to_string(p.global_tokens[rep]) + " appears twice (also at " +
                            g.pointer() + "/" + std::to_string(first - p.global_tokens.begin()) +
                            "); list each global token once");
      }
    }
  }
  if (node.has("window_2d")) {
    JsonNode w = node.object_at("window_2d");
    p.grid_h = static_cast<std::uint32_t>(w.get_int("grid_h", 1, 1ll << 31));
    p.grid_w = static_cast<std::uint32_t>(w.get_int("grid_w", 1, 1ll << 31));
    p.window_h = static_cast<std::uint32_t>(w.get_int("window_h", 1, 1ll << 31));
    p.window_w = static_cast<std::uint32_t>(w.get_int("window_w", 1, 1ll << 31));
    w.finish();
  }
  node.finish();
  return p;
}

WorkloadSpec WorkloadSpec::parse(JsonNode node, const std::string& presets_dir) {
  WorkloadSpec w;
  const std::string kind = node.get_choice("kind", {"attention", "gemm", "traffic", "model"}, "attention");
  w.accelerator = static_cast<std::uint32_t>(node.get_int("accelerator", 0, 0, 1 << 20));
  node.get_string("description", "");
  w.numerics = node.get_choice("numerics", {"on", "off"}, "on") == "on";
  if (kind == "model") {
    if (presets_dir.empty()) {
      node.child("kind").fail("a model runs as the scenario's \"workload\" (its layers become the tasks); a task's "
                              "workload cannot be a model");
    }
    w.kind = Kind::Model;
    w.model = std::make_shared<const ModelWorkload>(ModelWorkload::parse(node, presets_dir));
    w.batch = w.model->batch;
    w.seq_len = w.model->seq_len;
    node.finish();
    return w;
  }
  if (kind == "traffic") {
    w.kind = Kind::Traffic;
    w.traffic_pattern = node.get_choice("pattern", {"sequential", "strided", "random"}, "sequential");
    w.read_fraction = node.get_number_in("read_fraction", 1.0, 0.0, 1.0);
    w.request_bytes = static_cast<std::uint64_t>(node.get_int("request_bytes", 64, 1, 1 << 20));
    if ((w.request_bytes & (w.request_bytes - 1)) != 0) node.child("request_bytes").fail_expected("a power of two");
    w.requests = static_cast<std::uint64_t>(node.get_int("requests", 4096, 1, 1ll << 32));
    w.stride_bytes = static_cast<std::uint64_t>(node.get_int("stride_bytes", 4096, 1, 1ll << 40));
    w.region_bytes = static_cast<std::uint64_t>(node.get_int("region_kib", 16384, 1, 1ll << 30)) * 1024;
    if (w.region_bytes % w.request_bytes != 0) {
      node.child("region_kib").fail("the region must hold a whole number of requests");
    }
    if (w.traffic_pattern == "strided" && w.stride_bytes % w.request_bytes != 0) {
      node.child("stride_bytes").fail("the stride must be a multiple of request_bytes");
    }
    node.finish();
    return w;
  }
  if (kind == "gemm") {
    w.kind = Kind::Gemm;
    w.M = static_cast<std::uint64_t>(node.get_int("M", 1, kMaxDim));
    w.N = static_cast<std::uint64_t>(node.get_int("N", 1, kMaxDim));
    w.K = static_cast<std::uint64_t>(node.get_int("K", 1, kMaxDim));
    node.finish();
    return w;
  }
  w.batch = static_cast<std::uint64_t>(node.get_int("batch", 1, 1, 1 << 20));
  w.layers = static_cast<std::uint64_t>(node.get_int("layers", 1, 1, 1 << 20));
  w.heads = static_cast<std::uint64_t>(node.get_int("heads", 1, 1, 1 << 20));
  w.head_dim = static_cast<std::uint64_t>(node.get_int("head_dim", 64, 1, 1 << 16));
  w.value_dim = static_cast<std::uint64_t>(
      node.get_int("value_dim", static_cast<std::int64_t>(w.head_dim), 1, 1 << 16));
  w.softmax_scale = node.get_number_in("softmax_scale", 0.0, 0.0, 1e6);
  w.generate = static_cast<std::uint64_t>(node.get_int("generate", 0, 0, kMaxDim));
  if (node.has("pattern")) w.pattern = parse_attention_pattern(node.object_at("pattern"));
  JsonNode data = node.has("data") ? node.object_at("data") : node;
  const bool has_data = node.has("data");
  if (has_data) {
    w.source = data.get_choice("source", {"synthetic", "npy", "trace"}, "synthetic");
    if (w.source == "trace") {
      w.trace_file = data.get_file_path("trace", "trace file");
      data.value()["trace"] = fs::absolute(w.trace_file).lexically_normal().string();
      if (data.has("effects")) {
        JsonNode e = data.child("effects");
        w.trace_effects.clear();
        for (std::size_t i = 0; i < e.array_size(); ++i) {
          JsonNode x = e.element(i);
          static const std::vector<std::string> known{"token", "head", "value", "quantisation"};
          if (!x.value().is_string() ||
              std::find(known.begin(), known.end(), x.value().get<std::string>()) == known.end()) {
            x.fail_expected("one of token|head|value|quantisation");
          }
          if (std::find(w.trace_effects.begin(), w.trace_effects.end(), x.value().get<std::string>()) !=
              w.trace_effects.end()) {
            x.fail("effect \"" + x.value().get<std::string>() + "\" appears twice; list each effect once");
          }
          w.trace_effects.push_back(x.value().get<std::string>());
        }
      }
    } else if (w.source == "synthetic") {
      if (data.has("preset")) {
        data.get_choice("preset", {"real-like"});
        w.synthetic = real_like_synthetic_params();
      }
      w.synthetic.locality = data.get_number_in("locality", w.synthetic.locality, 0, 1);
      w.synthetic.locality_span =
          static_cast<std::uint32_t>(data.get_int("locality_span", w.synthetic.locality_span, 1, 1 << 20));
      w.synthetic.sinks = static_cast<std::uint32_t>(data.get_int("sinks", w.synthetic.sinks, 0, 1 << 20));
      w.synthetic.sink_strength = data.get_number_in("sink_strength", w.synthetic.sink_strength, 0, 100);
      w.synthetic.temperature = data.get_number_in("temperature", w.synthetic.temperature, 1e-3, 1e3);
    } else {
      // Paths resolve against the file that names them, and are written back absolute so the
      // resolved scenario (resolved.json, --set re-parse) no longer depends on where they came from.
      w.q_file = data.get_file_path("q", ".npy file");
      w.k_file = data.get_file_path("k", ".npy file");
      w.v_file = data.get_file_path("v", ".npy file");
      data.value()["q"] = fs::absolute(w.q_file).lexically_normal().string();
      data.value()["k"] = fs::absolute(w.k_file).lexically_normal().string();
      data.value()["v"] = fs::absolute(w.v_file).lexically_normal().string();
    }
    data.finish();
  }
  if (w.source == "synthetic" || node.has("seq_len")) {
    w.seq_len = static_cast<std::uint64_t>(node.get_int("seq_len", 1, kMaxDim));
  }
  if (node.has("valid_len")) {
    JsonNode v = node.child("valid_len");
    for (std::size_t i = 0; i < v.array_size(); ++i) {
      JsonNode e = v.element(i);
      if (!e.value().is_number_integer() || e.value().get<std::int64_t>() < 1 ||
          (w.seq_len && e.value().get<std::uint64_t>() > w.seq_len)) {
        e.fail_expected("a number of valid tokens in [1, seq_len = " + std::to_string(w.seq_len) + "]");
      }
      w.valid_len.push_back(e.value().get<std::uint64_t>());
    }
    if (w.valid_len.size() != 1 && w.valid_len.size() != w.batch) {
      v.fail("expected one valid length, or one per batch element (" + std::to_string(w.batch) + "), found " +
             std::to_string(w.valid_len.size()));
    }
  }
  if (w.generate > 0 && w.seq_len && w.generate >= w.seq_len) {
    node.child("generate").fail("generating " + std::to_string(w.generate) + " of " + std::to_string(w.seq_len) +
                                " tokens leaves no prompt; generate must be below seq_len");
  }
  const std::string why = w.pattern.check(w.seq_len ? w.seq_len : std::numeric_limits<std::uint64_t>::max());
  if (!why.empty() && w.seq_len) {
    JsonNode pattern = node.object_at("pattern");
    // A global token outside the sequence is named at its element (the count form: at the count).
    const auto& g = w.pattern.global_tokens;
    const auto out = std::find_if(g.begin(), g.end(), [&](std::uint32_t t) { return t >= w.seq_len; });
    if (out != g.end() && why.rfind("global token", 0) == 0) {
      JsonNode list = pattern.child("global_tokens");
      (list.value().is_array() ? list.element(static_cast<std::size_t>(out - g.begin())) : list).fail(why);
    }
    pattern.fail(why);
  }
  node.finish();
  return w;
}

QkvData NpyWorkload::head(std::uint64_t index) const {
  auto lead = [&](const NpyArray& a) {
    std::vector<std::size_t> idx(a.shape.size() - 2, 0);
    std::uint64_t r = index;
    for (std::size_t i = idx.size(); i-- > 0;) {
      idx[i] = r % a.shape[i];
      r /= a.shape[i];
    }
    return idx;
  };
  return QkvData{npy_matrix(q, lead(q)), npy_matrix(k, lead(k)), npy_matrix(v, lead(v))};
}

namespace {

// One tensor of an .npy workload: its scenario key, name, file and expected last dimension.
struct NpyTensor {
  const char* key;   // "q" | "k" | "v": /workload/data/<key>
  const char* name;  // "Q" | "K" | "V"
  const std::string* file;
  std::uint64_t dim;
  const char* dim_key;  // "head_dim" | "value_dim"
};

// Errors name the scenario and the key of the tensor at fault, then the .npy file and the place in
// it: by tensor, not by file, since one file may serve as several tensors.
[[noreturn]] void fail_tensor(const std::string& scenario_file, const NpyTensor& t, const std::string& where,
                              const std::string& message) {
  throw InputError(scenario_file, std::string("/workload/data/") + t.key,
                   *t.file + (where.empty() ? "" : " (" + where + ")") + ": " + message);
}

std::string shape_str(const std::vector<std::size_t>& s) {
  std::string out = "(";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + ")";
}

}  // namespace

NpyWorkload load_npy_workload(const WorkloadSpec& spec, const std::string& scenario_file) {
  const NpyTensor tensors[3] = {{"q", "Q", &spec.q_file, spec.head_dim, "head_dim"},
                                {"k", "K", &spec.k_file, spec.head_dim, "head_dim"},
                                {"v", "V", &spec.v_file, spec.value_dim, "value_dim"}};
  NpyWorkload w;
  NpyArray* arrays[3] = {&w.q, &w.k, &w.v};
  for (int i = 0; i < 3; ++i) {
    try {
      *arrays[i] = read_npy(*tensors[i].file);
    } catch (const InputError& e) {
      fail_tensor(scenario_file, tensors[i], e.path(), e.message());
    }
  }
  const std::uint64_t heads = spec.jobs();
  for (int i = 0; i < 3; ++i) {
    const NpyTensor& t = tensors[i];
    const auto& s = arrays[i]->shape;
    const std::string name = t.name;
    if (s.size() < 2) {
      fail_tensor(scenario_file, t, "shape",
                  name + ": expected at least 2 dimensions (seq_len, dim), found " + shape_str(s));
    }
    std::uint64_t lead = 1;
    for (std::size_t j = 0; j + 2 < s.size(); ++j) lead *= s[j];
    if (lead != heads) {
      fail_tensor(scenario_file, t, "shape",
                  name + "'s leading dimensions hold " + std::to_string(lead) +
                      " heads, the workload has batch x layers x heads = " + std::to_string(heads) +
                      "; found shape " + shape_str(s));
    }
    if (s[s.size() - 1] != t.dim) {
      fail_tensor(scenario_file, t, "shape",
                  name + "'s last dimension must equal workload " + t.dim_key + " = " + std::to_string(t.dim) +
                      ", found shape " + shape_str(s));
    }
    if (spec.seq_len && s[s.size() - 2] != spec.seq_len) {
      fail_tensor(scenario_file, t, "shape",
                  name + "'s second-to-last dimension must equal workload seq_len = " + std::to_string(spec.seq_len) +
                      ", found shape " + shape_str(s));
    }
  }
  // Q's sequence length is the workload's (when seq_len is not given): blame the tensor that differs.
  const auto rows = [](const NpyArray& a) { return a.shape[a.shape.size() - 2]; };
  for (int i = 1; i < 3; ++i) {
    if (rows(*arrays[i]) != rows(w.q)) {
      const std::string name = tensors[i].name;
      fail_tensor(scenario_file, tensors[i], "shape",
                  name + " must have Q's sequence length (" + std::to_string(rows(w.q)) + " tokens), found " + name +
                      " " + shape_str(arrays[i]->shape) + " against Q " + shape_str(w.q.shape));
    }
  }
  for (int i = 0; i < 3; ++i) {
    for (double v : arrays[i]->values) {
      if (!std::isfinite(v)) {
        fail_tensor(scenario_file, tensors[i], "data", std::string(tensors[i].name) + " contains NaN or infinity");
      }
    }
  }
  return w;
}

}  // namespace savp::common
