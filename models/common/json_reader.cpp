#include "models/common/json_reader.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace savp::common {

namespace fs = std::filesystem;

Json load_json_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(path, "", "file not found");
  if (fs::is_directory(path, ec)) throw InputError(path, "", "is a directory, expected a JSON file");
  // A device or pipe (an include naming /dev/zero or /dev/stdin) would be read forever.
  if (!fs::is_regular_file(path, ec)) throw InputError(path, "", "not a regular file, expected a JSON file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "", "cannot open file for reading");
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return Json::parse(ss.str());
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann reports the byte offset; turn it into line:column.
    const std::string text = ss.str();
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    std::string what = e.what();
    const auto pos = what.find("parse error");
    if (pos != std::string::npos) what = what.substr(pos);
    throw InputError(path, "line " + std::to_string(line) + ", column " + std::to_string(col),
                     "malformed JSON: " + what);
  } catch (const nlohmann::json::out_of_range& e) {
    // A number beyond double range (e.g. 1e999): nlohmann reports no position for it.
    std::string what = e.what();
    const auto pos = what.find("] ");
    if (pos != std::string::npos) what = what.substr(pos + 2);
    throw InputError(path, "", "malformed JSON: " + what);
  }
}

std::string describe_json(const Json& value) {
  std::string s;
  switch (value.type()) {
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array of " + std::to_string(value.size());
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      s = "boolean " + value.dump();
      break;
    default:
      // Invalid UTF-8 (which only a bug could let into the tree) shows as U+FFFD rather than throw.
      s = value.dump(-1, ' ', false, Json::error_handler_t::replace);
      break;
  }
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

std::string JsonNode::escape(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

JsonNode::JsonNode(Json& node, std::string file, std::string pointer)
    : node_(&node), file_(std::move(file)), pointer_(std::move(pointer)) {}

void JsonNode::fail(const std::string& message) const {
  throw InputError(file_, pointer_.empty() ? "/" : pointer_, message);
}

void JsonNode::fail_expected(const std::string& expected) const {
  fail("expected " + expected + ", found " + describe_json(*node_));
}

void JsonNode::require_object() const {
  if (!node_->is_object()) fail_expected("an object");
}

bool JsonNode::has(const std::string& key) const { return node_->is_object() && node_->contains(key); }

JsonNode JsonNode::make_child(Json& v, const std::string& key) const {
  return JsonNode(v, file_, pointer_ + "/" + escape(key));
}

Json& JsonNode::required(const std::string& key) {
  require_object();
  known_.insert(key);
  auto it = node_->find(key);
  if (it == node_->end()) {
    fail("missing required key \"" + key + "\"");
  }
  return *it;
}

JsonNode JsonNode::child(const std::string& key) { return make_child(required(key), key); }

JsonNode JsonNode::as_object() {
  if (node_->is_string()) {
    // An include: a path relative to the including file.
    const std::string rel = node_->get<std::string>();
    fs::path target = fs::path(rel);
    if (target.is_relative()) target = fs::path(file_).parent_path() / target;
    const std::string target_str = target.lexically_normal().string();
    std::error_code ec;
    if (!fs::exists(target, ec)) {
      fail("include file \"" + rel + "\" not found (looked for " + target_str + ")");
    }
    Json loaded = load_json_file(target_str);
    if (!loaded.is_object()) {
      throw InputError(target_str, "/", "expected an object, found " + describe_json(loaded));
    }
    *node_ = std::move(loaded);
    return JsonNode(*node_, target_str, "");
  }
  require_object();
  return *this;
}

JsonNode JsonNode::object_at(const std::string& key) { return child(key).as_object(); }

JsonNode JsonNode::element(std::size_t index) {
  if (!node_->is_array()) fail_expected("an array");
  if (index >= node_->size()) fail("index " + std::to_string(index) + " out of range");
  return JsonNode((*node_)[index], file_, pointer_ + "/" + std::to_string(index));
}

std::size_t JsonNode::array_size() const {
  if (!node_->is_array()) fail_expected("an array");
  return node_->size();
}

std::string JsonNode::get_string(const std::string& key) {
  JsonNode c = child(key);
  if (!c.value().is_string()) c.fail_expected("a string");
  return c.value().get<std::string>();
}

std::string JsonNode::get_string(const std::string& key, const std::string& fallback) {
  known_.insert(key);
  if (!has(key)) return fallback;
  return get_string(key);
}

bool JsonNode::get_bool(const std::string& key, bool fallback) {
  known_.insert(key);
  if (!has(key)) return fallback;
  JsonNode c = child(key);
  if (!c.value().is_boolean()) c.fail_expected("true or false");
  return c.value().get<bool>();
}

double JsonNode::get_number(const std::string& key) {
  JsonNode c = child(key);
  if (!c.value().is_number()) c.fail_expected("a number");
  const double v = c.value().get<double>();
  if (!std::isfinite(v)) c.fail_expected("a finite number");
  return v;
}

double JsonNode::get_number(const std::string& key, double fallback) {
  known_.insert(key);
  if (!has(key)) return fallback;
  return get_number(key);
}

double JsonNode::get_number_in(const std::string& key, double fallback, double min, double max) {
  known_.insert(key);
  if (!has(key)) return fallback;
  const double v = get_number(key);
  if (v < min || v > max) {
    std::ostringstream os;
    os << "expected a number in [" << min << ", " << max << "], found " << v;
    make_child((*node_)[key], key).fail(os.str());
  }
  return v;
}

std::int64_t JsonNode::get_int(const std::string& key, std::int64_t min, std::int64_t max) {
  JsonNode c = child(key);
  const Json& v = c.value();
  std::ostringstream range;
  if (max == std::numeric_limits<std::int64_t>::max()) {
    range << (min == 1 ? "a positive integer" : "an integer >= " + std::to_string(min));
  } else {
    range << "an integer in [" << min << ", " << max << "]";
  }
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() &&
        v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      c.fail_expected(range.str());
    }
    const std::int64_t x = v.get<std::int64_t>();
    if (x < min || x > max) c.fail_expected(range.str());
    return x;
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && d >= static_cast<double>(min) &&
        d <= static_cast<double>(max) && std::fabs(d) < 9.0e15) {
      return static_cast<std::int64_t>(d);
    }
  }
  c.fail_expected(range.str());
}

std::int64_t JsonNode::get_int(const std::string& key, std::int64_t fallback, std::int64_t min,
                               std::int64_t max) {
  known_.insert(key);
  if (!has(key)) return fallback;
  return get_int(key, min, max);
}

std::string JsonNode::get_choice(const std::string& key, const std::vector<std::string>& choices) {
  JsonNode c = child(key);
  std::string list;
  for (const auto& ch : choices) list += (list.empty() ? "" : "|") + ch;
  if (!c.value().is_string()) c.fail_expected("one of " + list);
  const std::string s = c.value().get<std::string>();
  for (const auto& ch : choices) {
    if (ch == s) return s;
  }
  c.fail_expected("one of " + list);
}

std::string JsonNode::get_choice(const std::string& key, const std::vector<std::string>& choices,
                                 const std::string& fallback) {
  known_.insert(key);
  if (!has(key)) return fallback;
  return get_choice(key, choices);
}

void JsonNode::accept(const std::string& key) { known_.insert(key); }

void JsonNode::finish() const {
  require_object();
  for (auto it = node_->begin(); it != node_->end(); ++it) {
    if (known_.count(it.key()) == 0) {
      std::string list;
      for (const auto& k : known_) list += (list.empty() ? "" : ", ") + k;
      throw InputError(file_, pointer_ + "/" + escape(it.key()),
                       "unknown key \"" + it.key() + "\" (known keys here: " + list + ")");
    }
  }
}

std::string dotted_to_pointer(const std::string& dotted) {
  std::string out;
  std::string part;
  std::istringstream is(dotted);
  while (std::getline(is, part, '.')) out += "/" + JsonNode::escape(part);
  return out;
}

void apply_set_override(Json& root, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError("--set", assignment, "expected PATH=VALUE (e.g. workload.seq_len=4096)");
  }
  // Command-line bytes may be anything; the tree, resolved.json and stats.json hold JSON strings,
  // which must be UTF-8 (nlohmann throws a type_error when it dumps any other string).
  try {
    (void)Json(assignment).dump();
  } catch (const nlohmann::json::type_error&) {
    throw InputError("--set", "", "expected UTF-8 text, found \"" + printable(assignment) + "\"");
  }
  const std::string path = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  Json value;
  try {
    value = Json::parse(text);
  } catch (const nlohmann::json::exception&) {
    value = text;  // a bare word (or a number beyond double range, 1e999) is a string
  }
  std::vector<std::string> parts;
  {
    std::string part;
    std::istringstream is(path);
    while (std::getline(is, part, '.')) {
      if (part.empty()) throw InputError("--set", path, "empty component in dotted path");
      parts.push_back(part);
    }
  }
  Json* cur = &root;
  std::string walked;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    const bool last = i + 1 == parts.size();
    if (cur->is_array()) {
      std::size_t idx = 0;
      try {
        std::size_t used = 0;
        idx = std::stoul(p, &used);
        if (used != p.size()) throw std::invalid_argument(p);
      } catch (const std::exception&) {
        throw InputError("--set", path,
                         "\"" + walked + "\" is an array: expected an index, found \"" + p + "\"");
      }
      if (idx >= cur->size()) {
        throw InputError("--set", path,
                         "index " + p + " out of range for \"" + walked + "\" (" +
                             std::to_string(cur->size()) + " elements)");
      }
      cur = &(*cur)[idx];
    } else if (cur->is_object()) {
      // A missing intermediate object is created (e.g. platform.interconnect when the scenario
      // relies on its defaults); the schema check of the re-parse refuses keys it does not know.
      if (!last && !cur->contains(p)) (*cur)[p] = Json::object();
      cur = &(*cur)[p];
    } else {
      throw InputError("--set", path,
                       "\"" + walked + "\" is " + describe_json(*cur) + ", not an object or array");
    }
    walked += (walked.empty() ? "" : ".") + p;
  }
  *cur = value;
}

}  // namespace savp::common
