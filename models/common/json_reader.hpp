// JsonNode: typed, path-tracking access to a JSON configuration tree (scenarios, presets, energy
// tables, sweeps). Every accessor knows the file and the JSON pointer of the value it reads, so a
// wrong value is reported as InputError(file, /json/pointer, "expected X, found Y"). An object may
// be given as a string naming another JSON file (resolved against the including file): object
// accessors load it and splice it into the tree, so the tree ends fully resolved. Unknown keys are
// refused by finish(), which every parser calls after reading the keys it knows.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/common/input_error.hpp"

namespace savp::common {

using Json = nlohmann::ordered_json;

// The deepest nesting of arrays and objects accepted in any JSON document savp reads (scenario,
// include, sweep, preset, energy table, --set value). Shipped files nest fewer than 10 levels; the
// limit keeps nlohmann's recursive copy, compare and dump far from the end of the stack.
constexpr std::size_t kMaxJsonDepth = 64;
// The largest JSON file savp reads (64 MiB): shipped files are below 1 MiB and bulk data belongs in
// .npy or trace files; a larger file is refused before it is read (it would take memory that
// --max-memory never sees).
constexpr std::uintmax_t kMaxJsonFileBytes = 64ull << 20;

// Parses JSON text named `source` in messages. Before any tree is built, one SAX pass refuses NUL
// bytes (nlohmann would take the first as the end of the input), nesting beyond kMaxJsonDepth and a
// key repeated in one object (InputError naming the JSON path); syntax errors name line and column.
Json parse_json_text(const std::string& text, const std::string& source);

// Reads and parses one JSON file with parse_json_text; errors name the file.
Json load_json_file(const std::string& path);

// A short human rendering of a JSON value for "found ..." in messages.
std::string describe_json(const Json& value);

class JsonNode {
 public:
  // node: the value (mutable: includes are spliced in); file: the file it came from.
  JsonNode(Json& node, std::string file, std::string pointer = "");

  const std::string& file() const { return file_; }
  const std::string& pointer() const { return pointer_; }
  Json& value() { return *node_; }
  const Json& value() const { return *node_; }

  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void fail_expected(const std::string& expected) const;

  bool has(const std::string& key) const;
  // Child accessors; they mark the key as known. object_at resolves an include given as a string.
  JsonNode child(const std::string& key);
  JsonNode object_at(const std::string& key);
  JsonNode element(std::size_t index);
  std::size_t array_size() const;  // fails unless the node is an array
  JsonNode as_object();            // resolve this node as an object (include if a string)
  // The file named by this string node, resolved against file(): refused at this node's path when
  // empty, missing, a directory or not a regular file (a FIFO or device). `what` names it in
  // messages ("include file", ".npy file"). get_file_path reads the string at `key` the same way.
  std::string as_file_path(const std::string& what) const;
  std::string get_file_path(const std::string& key, const std::string& what);

  std::string get_string(const std::string& key);
  std::string get_string(const std::string& key, const std::string& fallback);
  bool get_bool(const std::string& key, bool fallback);
  double get_number(const std::string& key);
  double get_number(const std::string& key, double fallback);
  // Integers in [min, max]; "found" reports the value when out of range.
  std::int64_t get_int(const std::string& key, std::int64_t min, std::int64_t max);
  std::int64_t get_int(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max);
  double get_number_in(const std::string& key, double fallback, double min, double max);
  // Enum by name: one of the given choices.
  std::string get_choice(const std::string& key, const std::vector<std::string>& choices,
                         const std::string& fallback);
  std::string get_choice(const std::string& key, const std::vector<std::string>& choices);

  // Marks a key as read without reading it (for keys consumed elsewhere).
  void accept(const std::string& key);
  // Refuses keys that were never read; call at the end of every object parser.
  void finish() const;

  // Helpers for pointer building.
  static std::string escape(const std::string& key);

 private:
  JsonNode make_child(Json& v, const std::string& key) const;
  void require_object() const;
  Json& required(const std::string& key);

  Json* node_;
  std::string file_;
  std::string pointer_;
  std::set<std::string> known_;
};

// Applies "a.b.0.c=VALUE" to a resolved tree: VALUE is parsed as JSON, and taken as a string when
// it is not valid JSON. Missing objects along the path are created and the leaf may be new (the
// schema decides whether they are allowed when the tree is parsed again); array indices must exist.
// Throws InputError naming "--set".
void apply_set_override(Json& root, const std::string& assignment);

// Splits "a.b.0.c" into its components; an empty component (".a", "a..b", "a.") stays empty.
std::vector<std::string> split_dotted(const std::string& dotted);

// Splits "a.b.0.c" into a JSON pointer "/a/b/0/c".
std::string dotted_to_pointer(const std::string& dotted);

}  // namespace savp::common
