// JsonNode: typed access with file + JSON pointer in every error; includes; --set overrides.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "models/common/json_reader.hpp"

using namespace savp::common;

namespace {
std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("json reader: wrong types and ranges name file, pointer, expected and found", "[json]") {
  Json j = Json::parse(R"({"a": {"rows": -3, "name": 5, "mode": "xx"}})");
  JsonNode root(j, "s.json");
  JsonNode a = root.object_at("a");
  const std::string m1 = message_of([&] { a.get_int("rows", 32, 1, 4096); });
  CHECK_THAT(m1, Catch::Contains("s.json: /a/rows: expected an integer in [1, 4096], found -3"));
  CHECK_THAT(message_of([&] { a.get_string("name"); }),
             Catch::Contains("/a/name: expected a string, found 5"));
  CHECK_THAT(message_of([&] {
               a.get_choice("mode", {"os", "ws"});
             }),
             Catch::Contains("expected one of os|ws, found \"xx\""));
  CHECK_THAT(message_of([&] { root.get_string("missing"); }),
             Catch::Contains("missing required key \"missing\""));
}

TEST_CASE("json reader: unknown keys are refused with the known ones listed", "[json]") {
  Json j = Json::parse(R"({"rows": 4, "colz": 4})");
  JsonNode n(j, "f.json", "/array");
  n.get_int("rows", 1, 1, 10);
  n.get_int("cols", 1, 1, 10);
  const std::string m = message_of([&] { n.finish(); });
  CHECK_THAT(m, Catch::Contains("f.json: /array/colz: unknown key \"colz\""));
  CHECK_THAT(m, Catch::Contains("cols, rows"));
}

TEST_CASE("json reader: integers given as floats are accepted only when integral", "[json]") {
  Json j = Json::parse(R"({"a": 4.0, "b": 4.5, "c": 1e300})");
  JsonNode n(j, "f.json");
  CHECK(n.get_int("a", 1, 10) == 4);
  CHECK_THAT(message_of([&] { n.get_int("b", 1, 10); }), Catch::Contains("/b"));
  CHECK_THAT(message_of([&] { n.get_int("c", 1, std::numeric_limits<std::int64_t>::max()); }),
             Catch::Contains("positive integer"));
}

TEST_CASE("json reader: includes splice the file in and errors name the included file", "[json]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("savp_json_reader_test_" + std::to_string(::getpid()));
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "sub" / "inc.json") << R"({"rows": 0})";
  Json j = Json::parse(R"({"array": "sub/inc.json"})");
  JsonNode root(j, (dir / "main.json").string());
  JsonNode a = root.object_at("array");
  CHECK(j["array"].is_object());  // spliced
  const std::string m = message_of([&] { a.get_int("rows", 1, 10); });
  CHECK_THAT(m, Catch::Contains("inc.json: /rows: expected an integer in [1, 10], found 0"));
  Json k = Json::parse(R"({"array": "nope.json"})");
  JsonNode r2(k, (dir / "main.json").string());
  CHECK_THAT(message_of([&] { r2.object_at("array"); }),
             Catch::Contains("/array: include file \"nope.json\" not found"));
}

TEST_CASE("json reader: malformed JSON reports line and column", "[json]") {
  namespace fs = std::filesystem;
  const fs::path f = fs::temp_directory_path() / ("savp_bad_" + std::to_string(::getpid()) + ".json");
  std::ofstream(f) << "{\n  \"a\": 1,\n  \"b\": ,\n}";
  const std::string m = message_of([&] { load_json_file(f.string()); });
  CHECK_THAT(m, Catch::Contains(".json: line 3"));
  CHECK_THAT(m, Catch::Contains("malformed JSON"));
  CHECK_THAT(message_of([&] { load_json_file("/nonexistent/x.json"); }), Catch::Contains("file not found"));
}

TEST_CASE("json reader: --set parses JSON values, bare words as strings, walks arrays", "[json]") {
  Json j = Json::parse(R"({"w": {"seq_len": 4}, "p": {"acc": [{"rows": 1}]}})");
  apply_set_override(j, "w.seq_len=8192");
  apply_set_override(j, "p.acc.0.rows=16");
  apply_set_override(j, "p.acc.0.dataflow=ws");
  apply_set_override(j, "w.flag=true");
  CHECK(j["w"]["seq_len"] == 8192);
  CHECK(j["p"]["acc"][0]["rows"] == 16);
  CHECK(j["p"]["acc"][0]["dataflow"] == "ws");
  CHECK(j["w"]["flag"] == true);
  apply_set_override(j, "x.y=1");  // missing objects are created; the parser judges the keys
  CHECK(j["x"]["y"] == 1);
  CHECK_THAT(message_of([&] { apply_set_override(j, "w.seq_len.z=1"); }), Catch::Contains("not an object or array"));
  CHECK_THAT(message_of([&] { apply_set_override(j, "p.acc.3.rows=1"); }),
             Catch::Contains("index 3 out of range"));
  CHECK_THAT(message_of([&] { apply_set_override(j, "novalue"); }), Catch::Contains("expected PATH=VALUE"));
}

// Found by fuzz_set (testbenches/fuzz/regress/fuzz_set/): a --set value with bytes that are not
// UTF-8 became a JSON string that nlohmann refused to dump (type_error 316, not an InputError), first
// in the "found ..." of the error message, and for an accepted key later when resolved.json is written.
TEST_CASE("json reader: --set refuses text that is not UTF-8", "[json]") {
  Json j = Json::parse(R"({"platform": {"memory": {"preset": "hbm2"}}, "description": "x"})");
  CHECK_THAT(message_of([&] { apply_set_override(j, "platform.memory.preset=\xb1\xb1hbm2"); }),
             Catch::Contains("expected UTF-8 text, found \"platform.memory.preset=\\xB1\\xB1hbm2\""));
  CHECK_THAT(message_of([&] { apply_set_override(j, "descr\xff=x"); }), Catch::Contains("expected UTF-8"));
  CHECK(j["description"] == "x");  // nothing applied
  apply_set_override(j, "description=caf\xc3\xa9");  // valid UTF-8 is fine
  CHECK(j["description"].dump() == "\"caf\xc3\xa9\"");
  // describe_json never throws, whatever a string holds.
  CHECK(describe_json(Json(std::string("\xb1"))) == "\"\xef\xbf\xbd\"");
}

// Found by fuzz_scenario (testbenches/fuzz/regress/fuzz_scenario/number-overflow): a number beyond
// double range is an out_of_range exception in nlohmann, not a parse_error, and escaped the reader.
TEST_CASE("json reader: numbers beyond double range are bad input", "[json]") {
  const std::string path = (std::filesystem::temp_directory_path() / ("savp-number-overflow-" + std::to_string(::getpid()) + ".json")).string();
  std::ofstream(path) << R"({"seq_len": 1e999})";
  CHECK_THAT(message_of([&] { load_json_file(path); }),
             Catch::Contains("malformed JSON: number overflow parsing '1e999'"));
  std::filesystem::remove(path);
  Json j = Json::parse(R"({"w": {"seq_len": 4}})");
  apply_set_override(j, "w.seq_len=1e999");  // not valid JSON: taken as a string, refused by the schema
  CHECK(j["w"]["seq_len"] == "1e999");
}

// Issue 19: a value nested 1e5 deep crashed savp (nlohmann copies and compares recursively).
// Every document is refused beyond kMaxJsonDepth before its tree is built.
TEST_CASE("json reader: nesting beyond the depth limit is refused with its JSON path", "[json][hardening]") {
  const auto nested = [](std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  CHECK(parse_json_text(nested(kMaxJsonDepth), "a.json").is_array());  // the limit itself is fine
  const std::string m = message_of([&] { parse_json_text(nested(kMaxJsonDepth + 1), "a.json"); });
  CHECK_THAT(m, Catch::Contains("a.json: /0/0/0/"));
  CHECK_THAT(m, Catch::Contains("nested deeper than " + std::to_string(kMaxJsonDepth) + " arrays and objects"));
  // 1e5 deep inside a key and an array element, as in a sweep's grid: refused, no crash.
  const std::string deep = R"({"grid": {"workload.seq_len": [1, )" + nested(100000) + "]}}";
  CHECK_THAT(message_of([&] { parse_json_text(deep, "s.json"); }),
             Catch::StartsWith("s.json: /grid/workload.seq_len/1/0/0/") && Catch::Contains("nested deeper"));
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += R"({"a":)";
  objects += "1" + std::string(100000, '}');
  CHECK_THAT(message_of([&] { parse_json_text(objects, "o.json"); }), Catch::StartsWith("o.json: /a/a/a/"));
  // --set values go through the same check.
  Json j = Json::parse(R"({"w": {"seq_len": 4}})");
  CHECK_THAT(message_of([&] { apply_set_override(j, "w.seq_len=" + nested(100000)); }),
             Catch::Contains("nested deeper than"));
  CHECK(j["w"]["seq_len"] == 4);
}

TEST_CASE("json reader: a key twice in one object is refused, naming the key and its path", "[json][hardening]") {
  CHECK_THAT(message_of([&] { parse_json_text(R"({"a": 1, "b": [{"x": 1, "y": 2, "x": 3}]})", "d.json"); }),
             Catch::Contains("d.json: /b/0/x: duplicate key \"x\""));
  CHECK_THAT(message_of([&] { parse_json_text(R"({"id": "a", "id": "b"})", "d.json"); }),
             Catch::Contains("d.json: /id: duplicate key \"id\""));
  // The same key in different objects is fine.
  CHECK(parse_json_text(R"({"a": {"x": 1}, "b": {"x": 1}, "c": [{"x": 1}, {"x": 2}]})", "d.json").size() == 3);
  Json j = Json::parse(R"({"w": {"seq_len": 4}})");
  CHECK_THAT(message_of([&] { apply_set_override(j, R"(w.pattern={"window": 1, "window": 2})"); }),
             Catch::Contains("duplicate key \"window\""));
  CHECK(!j["w"].contains("pattern"));
}

TEST_CASE("json reader: a NUL byte and bytes after the value are refused", "[json][hardening]") {
  const std::string nul("{\"a\": 1}\0garbage", 16);
  CHECK_THAT(message_of([&] { parse_json_text(nul, "n.json"); }),
             Catch::Contains("n.json: line 1, column 9: malformed JSON: a NUL byte"));
  CHECK_THAT(message_of([&] { parse_json_text(std::string("{\"a\": \0 1}", 10), "n.json"); }),
             Catch::Contains("a NUL byte"));
  CHECK_THAT(message_of([&] { parse_json_text("{\"a\": 1}\n garbage", "n.json"); }),
             Catch::Contains("n.json: line 2, column 2: malformed JSON"));
  CHECK_THAT(message_of([&] { parse_json_text("{\"a\": 1} {}", "n.json"); }), Catch::Contains("malformed JSON"));
  CHECK(parse_json_text("{\"a\": 1}\n\n", "n.json")["a"] == 1);  // trailing whitespace is fine
}

TEST_CASE("json reader: --set refuses an empty component in the dotted path", "[json][hardening]") {
  Json j = Json::parse(R"({"workload": {"seq_len": 4}})");
  for (const char* a : {"workload.seq_len.=128", "workload..seq_len=128", ".workload.seq_len=128", ".=1"}) {
    CAPTURE(a);
    CHECK_THAT(message_of([&] { apply_set_override(j, a); }), Catch::Contains("found an empty component"));
  }
  CHECK(j == Json::parse(R"({"workload": {"seq_len": 4}})"));  // nothing applied
  CHECK(split_dotted("a..b.") == std::vector<std::string>{"a", "", "b", ""});
  CHECK(dotted_to_pointer("a.b.0") == "/a/b/0");
  CHECK(dotted_to_pointer("a.b.") == "/a/b/");  // names no value of a scenario
}

// Issue 19: an empty path, a directory or a FIFO named by a key is refused at that key (the
// including file's JSON path, not only the target), never an uncaught exception.
TEST_CASE("json reader: a key naming a file refuses empty, missing, directory and FIFO", "[json][hardening]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("savp_json_paths_" + std::to_string(::getpid()));
  fs::create_directories(dir / "a_dir");
  std::ofstream(dir / "ok.json") << R"({"rows": 1})";
  REQUIRE(::mkfifo((dir / "fifo.json").c_str(), 0600) == 0);
  const std::string main = (dir / "main.json").string();
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"("")", "main.json: /acc: expected a file path, found an empty string"},
      {R"("missing.json")", "main.json: /acc: include file \"missing.json\" not found"},
      {R"("a_dir")", "main.json: /acc: include file \"a_dir\" is a directory"},
      {R"("fifo.json")", "main.json: /acc: include file \"fifo.json\" is not a regular file"},
      {R"("/dev/null")", "main.json: /acc: include file \"/dev/null\" is not a regular file"}};
  for (const auto& [value, expected] : cases) {
    CAPTURE(value);
    Json j = Json::parse(R"({"acc": )" + value + "}");
    JsonNode root(j, main);
    CHECK_THAT(message_of([&] { root.object_at("acc"); }), Catch::Contains(expected));
    CHECK_THAT(message_of([&] { root.get_file_path("acc", "include file"); }), Catch::Contains(expected));
  }
  Json j = Json::parse(R"({"acc": "ok.json", "n": 5})");
  JsonNode root(j, main);
  CHECK(root.get_file_path("acc", "x") == (dir / "ok.json").lexically_normal().string());
  CHECK_THAT(message_of([&] { root.get_file_path("n", "x"); }), Catch::Contains("/n: expected a file path (a string), found 5"));
  CHECK(root.object_at("acc").value()["rows"] == 1);
  fs::remove_all(dir);
}
