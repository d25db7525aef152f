#include "testbenches/savp/sweep_spec.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "models/common/input_error.hpp"
#include "models/common/random.hpp"
#include "testbenches/savp/job_plan.hpp"
#include "testbenches/savp/task_plan.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::tb {

namespace fs = std::filesystem;
using common::InputError;
using common::Json;
using common::JsonNode;

std::vector<std::string> SweepPoint::sets() const {
  std::vector<std::string> out;
  for (const auto& [path, value] : values) out.push_back(path + "=" + value.dump());
  return out;
}

namespace {

// An axis: a dotted path and its values (the node for error messages).
struct Axis {
  std::string path;
  std::vector<Json> values;
};

std::vector<Axis> parse_axes(JsonNode node) {
  std::vector<Axis> axes;
  for (auto it = node.value().begin(); it != node.value().end(); ++it) {
    JsonNode a = node.child(it.key());
    if (!a.value().is_array() || a.value().empty()) a.fail_expected("a non-empty array of values");
    axes.push_back({it.key(), std::vector<Json>(a.value().begin(), a.value().end())});
    node.accept(it.key());
  }
  if (axes.empty()) node.fail_expected("at least one axis (\"dotted.path\": [values])");
  return axes;
}

// A point id names a directory beside savp's own hidden names (.slurm-N.log): [A-Za-z0-9_.-], not
// starting with '.'.
std::string sanitise(const std::string& s) {
  std::string out;
  for (char c : s)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_') ? c : '_';
  if (!out.empty() && out.front() == '.') out.front() = '_';
  return out;
}

std::string point_id(const std::string& pattern, std::size_t index, std::size_t count, const SweepPoint& p) {
  std::string id = pattern;
  const std::size_t width = std::to_string(count > 0 ? count - 1 : 0).size();
  std::string idx = std::to_string(index);
  idx.insert(0, width > idx.size() ? width - idx.size() : 0, '0');
  auto replace = [&](const std::string& key, const std::string& value) {
    for (std::size_t at; (at = id.find(key)) != std::string::npos;) id.replace(at, key.size(), value);
  };
  replace("{index}", idx);
  for (const auto& [path, value] : p.values)
    replace("{" + path + "}", value.is_string() ? value.get<std::string>() : value.dump());
  return sanitise(id);
}

// Whether a dotted path names a value of the tree; one nlohmann cannot follow (an empty or
// non-numeric array index, "platform.accelerators..0") names nothing.
bool path_exists(const Json& root, const std::string& dotted) {
  try {
    return root.contains(Json::json_pointer(common::dotted_to_pointer(dotted)));
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

// FNV-1a-64 over bytes, continued from h.
std::uint64_t fnv1a(std::uint64_t h, const char* data, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= 0x100000001b3ULL;
  }
  return h;
}

// The files a scenario names rather than includes (its memory preset, its .npy and trace inputs):
// their bytes are part of what a point computed, so they are part of its fingerprint. Hashed once
// per sweep (cache keyed by path).
std::vector<std::string> named_inputs(const sc::Scenario& s, const std::string& data_dir) {
  std::vector<std::string> files{
      (fs::path(data_dir) / "memory" / "presets" / (s.memory.preset + ".json")).string()};
  std::vector<const common::WorkloadSpec*> workloads{&s.workload};
  for (const sc::TaskSpec& t : s.tasks) workloads.push_back(&t.workload);
  for (const common::WorkloadSpec* w : workloads) {
    for (const std::string* f : {&w->q_file, &w->k_file, &w->v_file, &w->trace_file}) {
      if (!f->empty()) files.push_back(*f);
    }
  }
  return files;
}

std::uint64_t file_hash(const std::string& path, std::map<std::string, std::uint64_t>& cache) {
  auto it = cache.find(path);
  if (it != cache.end()) return it->second;
  std::uint64_t h = 0xcbf29ce484222325ULL;
  std::ifstream in(path, std::ios::binary);
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0)
    h = fnv1a(h, buf, static_cast<std::size_t>(in.gcount()));
  return cache[path] = h;
}

// FNV-1a-64 of the savp version, the canonical dump (keys sorted) of a resolved scenario and the
// contents of the files it names, in hex.
std::string fingerprint(const sc::Scenario& s, const std::string& data_dir,
                        std::map<std::string, std::uint64_t>& cache) {
  std::string text = std::string(SAVP_VERSION) + "\n" + s.resolved.dump();
  for (const std::string& f : named_inputs(s, data_dir)) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(file_hash(f, cache)));
    text += "\n" + f + " " + hex;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(fnv1a(0xcbf29ce484222325ULL, text.data(), text.size())));
  return hex;
}

// An axis as the file writes it: its JSON path in the sweep file and its dotted path.
struct AxisRef {
  std::string where, dotted;
};

// The JSON-pointer tokens a dotted path sets (as --set follows it).
std::vector<std::string> tokens(const std::string& dotted) {
  std::vector<std::string> out;
  const std::string ptr = common::dotted_to_pointer(dotted);
  for (std::size_t at = 0; at < ptr.size();) {
    const std::size_t next = ptr.find('/', at + 1);
    out.push_back(ptr.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1));
    at = next == std::string::npos ? ptr.size() : next;
  }
  return out;
}

// Refuses axes that set the same value twice (one path, or a path and a prefix of it): one of the
// two would silently win and the points would not be the ones the file asks for. With "seed": true
// savp sets every point's seed itself, so a "seed" axis is refused too.
void refuse_overlaps(const std::string& file, const std::vector<AxisRef>& axes, bool seeds) {
  for (std::size_t j = 0; j < axes.size(); ++j) {
    const std::vector<std::string> b = tokens(axes[j].dotted);
    if (seeds && (b.empty() || b.front() == "seed")) {
      throw InputError(file, axes[j].where,
                       "a \"seed\" axis together with \"seed\": true (which gives every point its own seed); "
                       "keep one of the two");
    }
    for (std::size_t i = 0; i < j; ++i) {
      const std::vector<std::string> a = tokens(axes[i].dotted);
      const std::size_t n = std::min(a.size(), b.size());
      if (!std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), b.begin())) continue;
      throw InputError(file, axes[j].where,
                       "the axis \"" + axes[j].dotted + "\" sets the same value as \"" + axes[i].dotted +
                           "\" (" + axes[i].where + "); each value may be swept by one axis only");
    }
  }
}

}  // namespace

SweepSpec load_sweep(const std::string& path, const std::string& data_dir, std::size_t max_points) {
  Json root = common::load_json_file(path);
  JsonNode top(root, path);
  top.as_object();
  SweepSpec s;
  s.file = path;
  top.get_string("description", "");
  top.get_string("$schema", "");
  // Empty, missing, a directory or a FIFO: refused at /base of the sweep file.
  s.base = fs::absolute(top.get_file_path("base", "the base scenario")).lexically_normal().string();
  const bool seeds = top.get_bool("seed", false);
  const std::string pattern = top.get_string("id", "p{index}");
  std::vector<Axis> grid, zip;
  std::vector<SweepPoint> points;
  if (top.has("points")) {
    if (top.has("grid") || top.has("zip"))
      top.child("points").fail("an explicit \"points\" list replaces \"grid\" and \"zip\"");
    JsonNode list = top.child("points");
    if (list.array_size() == 0) list.fail_expected("a non-empty array of points");
    if (list.array_size() > max_points) {
      list.fail("the sweep has " + std::to_string(list.array_size()) + " points; at most " +
                std::to_string(max_points) + " are allowed");
    }
    for (std::size_t i = 0; i < list.array_size(); ++i) {
      JsonNode p = list.element(i);
      if (!p.value().is_object() || p.value().empty()) p.fail_expected("an object of \"dotted.path\": value");
      SweepPoint sp;
      std::vector<AxisRef> refs;
      for (auto it = p.value().begin(); it != p.value().end(); ++it) {
        sp.values.emplace_back(it.key(), it.value());
        refs.push_back({"/points/" + std::to_string(i) + "/" + JsonNode::escape(it.key()), it.key()});
      }
      refuse_overlaps(path, refs, seeds);
      points.push_back(std::move(sp));
    }
  } else {
    if (top.has("grid")) grid = parse_axes(top.object_at("grid"));
    if (top.has("zip")) {
      JsonNode z = top.object_at("zip");
      zip = parse_axes(z);
      for (const Axis& a : zip) {
        if (a.values.size() != zip.front().values.size()) {
          z.child(a.path).fail("zipped axes move together: " + std::to_string(a.values.size()) +
                               " values here, " + std::to_string(zip.front().values.size()) + " for \"" +
                               zip.front().path + "\"");
        }
      }
    }
    if (grid.empty() && zip.empty()) top.fail("a sweep needs \"grid\", \"zip\" or \"points\"");
    std::vector<AxisRef> refs;
    for (const Axis& a : grid) refs.push_back({"/grid/" + JsonNode::escape(a.path), a.path});
    for (const Axis& a : zip) refs.push_back({"/zip/" + JsonNode::escape(a.path), a.path});
    refuse_overlaps(path, refs, seeds);
    // The number of points, counted before the product is built (it can exceed any memory).
    double count = zip.empty() ? 1.0 : static_cast<double>(zip.front().values.size());
    std::string factors = zip.empty() ? "" : std::to_string(zip.front().values.size()) + " zipped";
    for (const Axis& a : grid) {
      count *= static_cast<double>(a.values.size());
      factors += (factors.empty() ? "" : " x ") + std::to_string(a.values.size());
    }
    if (count > static_cast<double>(max_points)) {
      std::ostringstream os;
      os << "the sweep has " << count << " points (" << factors << "); at most " << max_points
         << " are allowed";
      top.fail(os.str());
    }
    // The grid's cartesian product (last axis fastest), crossed with the zipped groups.
    std::vector<SweepPoint> acc(1);
    for (const Axis& a : grid) {
      std::vector<SweepPoint> next;
      for (const SweepPoint& p : acc) {
        for (const Json& v : a.values) {
          SweepPoint q = p;
          q.values.emplace_back(a.path, v);
          next.push_back(std::move(q));
        }
      }
      acc = std::move(next);
    }
    if (!zip.empty()) {
      std::vector<SweepPoint> next;
      for (const SweepPoint& p : acc) {
        for (std::size_t i = 0; i < zip.front().values.size(); ++i) {
          SweepPoint q = p;
          for (const Axis& a : zip) q.values.emplace_back(a.path, a.values[i]);
          next.push_back(std::move(q));
        }
      }
      acc = std::move(next);
    }
    points = std::move(acc);
  }
  top.finish();

  // Every path must exist in the base (after its includes) or be one that --set may add (a key the
  // scenario's schema knows: the loader, run on the base with that one --set, accepts it); every
  // point must load and plan.
  sc::Scenario base_s = sc::load_scenario(s.base, {}, data_dir);
  std::set<std::string> seen, added;
  for (const SweepPoint& p : points) {
    for (const auto& kv : p.values) {
      if (seen.insert(kv.first).second) s.axes.push_back(kv.first);
      if (path_exists(base_s.resolved, kv.first) || added.count(kv.first)) continue;
      try {
        sc::load_scenario(s.base, {kv.first + "=" + kv.second.dump()}, data_dir);
        added.insert(kv.first);
      } catch (const InputError& e) {
        const std::string where =
            top.has("points")
                ? "/points"
                : (top.has("grid") && top.value()["grid"].contains(kv.first) ? "/grid" : "/zip");
        throw InputError(path, where + "/" + JsonNode::escape(kv.first),
                         "the path does not exist in the base scenario " + s.base +
                             ", and --set refuses to add it: " + e.what());
      }
    }
  }
  std::map<std::string, std::uint64_t> input_hashes;
  for (std::size_t i = 0; i < points.size(); ++i) {
    SweepPoint& p = points[i];
    if (seeds) p.values.emplace_back("seed", Json(common::derive_seed(base_s.seed, i) >> 1));
    p.id = point_id(pattern, i, points.size(), p);
    try {
      sc::Scenario ps = sc::load_scenario(s.base, p.sets(), data_dir);
      check_plan(ps);
      p.fingerprint = fingerprint(ps, data_dir, input_hashes);
    } catch (const InputError& e) {
      throw InputError(path, top.has("points") ? "/points/" + std::to_string(i) : "/",
                       "point " + std::to_string(i) + " (" + p.id + "): " + e.what());
    }
  }
  if (seeds) s.axes.push_back("seed");
  std::set<std::string> ids;
  for (const SweepPoint& p : points) {
    if (p.id.size() > sc::kMaxIdBytes) {
      top.child("id").fail("the id pattern gives point ids of " + std::to_string(p.id.size()) +
                           " characters; at most " + std::to_string(sc::kMaxIdBytes) +
                           " (an id names a directory)");
    }
    if (!sc::valid_id(p.id)) {
      top.child("id").fail("the id pattern gives the point id \"" + common::printable(p.id) +
                           "\"; expected " + sc::kIdRule);
    }
    if (!ids.insert(p.id).second)
      top.child("id").fail("the id pattern gives two points the id \"" + p.id + "\"");
  }
  s.points = std::move(points);
  s.resolved = root;
  s.resolved["base"] = s.base;
  return s;
}

}  // namespace savp::tb
