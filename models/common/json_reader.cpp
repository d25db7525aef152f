#include "models/common/json_reader.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "models/common/json_files.hpp"

namespace savp::common {

namespace fs = std::filesystem;

namespace {

// "line L, column C" of a byte offset (0-based) in text.
std::string line_column(const std::string& text, std::size_t byte) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

// StructureCheck: a SAX handler that builds no tree; it refuses nesting beyond kMaxJsonDepth and a
// key repeated in one object, naming the JSON path. A syntax error stops it (parse reports it).
class StructureCheck : public nlohmann::json_sax<Json> {
 public:
  explicit StructureCheck(const std::string& source) : source_(source) {}

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return open(true); }
  bool key(string_t& k) override {
    Frame& f = frames_.back();
    f.key = k;
    if (!f.keys.insert(k).second) {
      throw InputError(source_, pointer(),
                       "duplicate key \"" + printable(k) + "\" (a key may appear once in an object)");
    }
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  struct Frame {
    bool object;
    std::set<std::string> keys;  // objects: the keys seen so far
    std::string key;             // objects: the key of the current value
    std::size_t next = 0;        // arrays: the index of the next element
  };

  // A value starts: in an array it takes the next index.
  bool value() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().next;
    return true;
  }
  bool open(bool object) {
    value();
    if (frames_.size() >= kMaxJsonDepth) {
      throw InputError(source_, pointer(),
                       "nested deeper than " + std::to_string(kMaxJsonDepth) +
                           " arrays and objects (the limit for every JSON document savp reads)");
    }
    frames_.push_back(Frame{object, {}, {}, 0});
    return true;
  }
  bool close() {
    frames_.pop_back();
    return true;
  }
  // The JSON pointer of the current value (cut for the message when very long).
  std::string pointer() const {
    std::string p;
    for (const Frame& f : frames_) {
      p += "/" + (f.object ? JsonNode::escape(f.key) : std::to_string(f.next - 1));
    }
    return p.empty() ? "/" : printable(p, 240);
  }

  const std::string& source_;
  std::vector<Frame> frames_;
};

// Whether text is one JSON value: false on a syntax error (the DOM parser then reports it with
// its position); InputError for a NUL byte, nesting beyond kMaxJsonDepth or a duplicate key.
bool well_formed(const std::string& text, const std::string& source) {
  const std::size_t nul = text.find('\0');
  if (nul != std::string::npos) {
    throw InputError(source, line_column(text, nul),
                     "malformed JSON: a NUL byte (JSON text holds none, and nothing may follow the value)");
  }
  StructureCheck check(source);
  return Json::sax_parse(text, &check);
}

struct IncludeFallback {
  std::string data_dir;
  std::function<void(const std::string&)> notice;
  std::set<std::string> noticed;
};

IncludeFallback& include_fallback() {
  static IncludeFallback f;
  return f;
}

// The file `rel` (relative, not found beside its includer) in the data directory, or "" when the
// fallback is off or no such file exists there. Never leaves the data directory: a path that still
// holds ".." after its leading ones are dropped is not looked up.
std::string find_in_data_dir(const std::string& rel) {
  const IncludeFallback& f = include_fallback();
  if (f.data_dir.empty()) return "";
  fs::path rest;
  bool leading = true;
  for (const fs::path& part : fs::path(rel).lexically_normal()) {
    if (leading && (part == ".." || part == ".")) continue;
    leading = false;
    if (part == ".." || part.empty()) return "";
    rest /= part;
  }
  if (rest.empty()) return "";
  std::vector<fs::path> dirs{fs::path(f.data_dir)};
  std::vector<fs::path> subdirs;
  std::error_code ec;
  for (fs::directory_iterator it(f.data_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec)) subdirs.push_back(it->path());
  }
  std::sort(subdirs.begin(), subdirs.end());
  dirs.insert(dirs.end(), subdirs.begin(), subdirs.end());
  for (const fs::path& d : dirs) {
    const fs::path candidate = (d / rest).lexically_normal();
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
  }
  return "";
}

}  // namespace

std::vector<std::string> json_file_stems(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json") names.push_back(it->path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

void set_include_fallback(const std::string& data_dir, std::function<void(const std::string&)> notice) {
  IncludeFallback& f = include_fallback();
  f.data_dir = data_dir;
  f.notice = std::move(notice);
  f.noticed.clear();
}

Json parse_json_text(const std::string& text, const std::string& source) {
  // A syntax error stops well_formed; the DOM parser then throws it with its position.
  well_formed(text, source);
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    const auto pos = what.find("parse error");
    if (pos != std::string::npos) what = what.substr(pos);
    // nlohmann reports the 1-based offset of the last byte it read.
    throw InputError(source, line_column(text, e.byte > 0 ? e.byte - 1 : 0), "malformed JSON: " + what);
  } catch (const nlohmann::json::out_of_range& e) {
    // A number beyond double range (e.g. 1e999): nlohmann reports no position for it.
    std::string what = e.what();
    const auto pos = what.find("] ");
    if (pos != std::string::npos) what = what.substr(pos + 2);
    throw InputError(source, "", "malformed JSON: " + what);
  }
}

Json load_json_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(path, "", "file not found");
  if (fs::is_directory(path, ec)) throw InputError(path, "", "is a directory, expected a JSON file");
  // A device or pipe (an include naming /dev/zero or /dev/stdin) would be read forever.
  if (!fs::is_regular_file(path, ec)) throw InputError(path, "", "not a regular file, expected a JSON file");
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxJsonFileBytes) {
    throw InputError(path, "",
                     "a JSON file of " + std::to_string(size >> 20) + " MiB; at most " +
                         std::to_string(kMaxJsonFileBytes >> 20) +
                         " MiB are read (bulk data belongs in .npy files)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "", "cannot open file for reading");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_json_text(ss.str(), path);
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

std::string JsonNode::as_file_path(const std::string& what) const {
  if (!node_->is_string()) fail_expected("a file path (a string)");
  const std::string rel = node_->get<std::string>();
  if (rel.empty()) fail("expected a file path, found an empty string");
  fs::path target = fs::path(rel);
  if (target.is_relative()) target = fs::path(file_).parent_path() / target;
  const std::string target_str = target.lexically_normal().string();
  const std::string named = what + " \"" + printable(rel) + "\"";
  std::error_code ec;  // a path the OS refuses (a component over 255 bytes) does not exist either
  const fs::file_status st = fs::status(target, ec);
  if (!fs::exists(st) && fs::path(rel).is_relative()) {
    const std::string shipped = find_in_data_dir(rel);
    if (!shipped.empty()) {
      IncludeFallback& f = include_fallback();
      if (f.notice && f.noticed.insert(shipped).second) {
        f.notice(what + " \"" + printable(rel) + "\" (named in " + printable(file_) +
                 ") not found beside it; using " + printable(shipped) + " from the data directory");
      }
      return shipped;
    }
  }
  if (!fs::exists(st))
    fail(named + " not found (looked for " + printable(target_str) + ", which does not exist)");
  const std::string where = target_str == rel ? "" : " (" + printable(target_str) + ")";
  if (fs::is_directory(st)) fail(named + " is a directory" + where + ", expected a file");
  if (!fs::is_regular_file(st))
    fail(named + " is not a regular file" + where + ", expected a file, not a device or pipe");
  return target_str;
}

std::string JsonNode::get_file_path(const std::string& key, const std::string& what) {
  return child(key).as_file_path(what);
}

JsonNode JsonNode::as_object() {
  if (node_->is_string()) {
    // An include: a path relative to the including file, checked here so that a missing file, a
    // directory or a FIFO is reported at the including file's JSON path.
    const std::string target = as_file_path("include file");
    Json loaded = load_json_file(target);
    if (!loaded.is_object()) {
      throw InputError(target, "/", "expected an object, found " + describe_json(loaded));
    }
    *node_ = std::move(loaded);
    return JsonNode(*node_, target, "");
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
      c.fail_expected(range.str() +
                      (max == std::numeric_limits<std::int64_t>::max() ? " (at most 2^63 - 1)" : ""));
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

std::vector<std::string> split_dotted(const std::string& dotted) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = dotted.find('.', start);
    parts.push_back(dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

std::string dotted_to_pointer(const std::string& dotted) {
  std::string out;
  for (const std::string& part : split_dotted(dotted)) out += "/" + JsonNode::escape(part);
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
  const std::vector<std::string> parts = split_dotted(path);
  for (const std::string& part : parts) {
    if (part.empty()) {
      throw InputError(
          "--set", path,
          "expected a dotted path (a.b.0.c), found an empty component in \"" + printable(path) + "\"");
    }
  }
  Json value = text;  // a bare word (or a number beyond double range, 1e999) is a string
  try {
    // The same checks as a file (NUL, depth, duplicate keys) before the value's tree is built.
    if (well_formed(text, "--set")) value = Json::parse(text);
  } catch (const InputError& e) {
    throw InputError("--set", path, "value at " + e.path() + ": " + e.message());
  } catch (const nlohmann::json::exception&) {
  }
  Json* cur = &root;
  std::string walked;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    const bool last = i + 1 == parts.size();
    if (cur->is_array()) {
      std::size_t idx = 0;
      try {
        // Digits only, no sign, space or leading zero: one spelling per index, as a sweep's paths
        // and JSON pointers have it ("00", "+0" and " 0" are not 0).
        if (p.empty() || p.find_first_not_of("0123456789") != std::string::npos ||
            (p.size() > 1 && p[0] == '0'))
          throw std::invalid_argument(p);
        idx = std::stoul(p);
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
