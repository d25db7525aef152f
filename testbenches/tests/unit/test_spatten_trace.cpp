// Unit tests for models/spatten/pruning_trace: the four shipped SpAtten GPT-2 traces load with their
// known shape and values, the accepted format variants (CRLF, no final newline, no config line, ...),
// and every rejection with an InputError that names the line (and column).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "models/common/input_error.hpp"
#include "models/spatten/pruning_trace.hpp"

#ifndef SAVP_SOURCE_DIR
#define SAVP_SOURCE_DIR "."
#endif

using savp::common::InputError;
using namespace savp::spatten;
namespace fs = std::filesystem;

namespace {

const std::string kDir = std::string(SAVP_SOURCE_DIR) + "/scenarios/workloads/spatten-gpt2/";
const std::string kSmallPruned = kDir + "summary-gpt2-small-wikitext2-per8.csv";
const std::string kSmallUnpruned = kDir + "summary-gpt2-small-wikitext2-per8-step1+dedic.csv";
const std::string kMediumPruned =
    kDir + "summary-gpt2-medium-wikitext2-per0-hp-step5+dedic+glob_p+local_p+hp+topk+quant.csv";
const std::string kMediumUnpruned = kDir + "summary-gpt2-medium-ptb-per0.csv";

const std::string kHeader =
    "iteration_id,layer_id,head_id,embedding_length_D,sentence_length_L,key_fetch_num,quant_key_bit,"
    "quant_query_bit,auto_requant_thres,if_requant,auto_requant_incre,value_fetch_num,quant_value_bit,"
    "if_accumulate_importance,if_rescale_previous_importance,if_topk,topk";
const std::string kConfig = "configs/gpt2/test.yml,,,,,,,,,,,,,,,,";

// A private scratch directory, removed when the test program exits.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("savp_test_trace_" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string temp_path(const std::string& name) {
  static const TempDir dir;
  return (dir.path / name).string();
}

std::string write_file(const std::string& name, const std::string& text) {
  const std::string p = temp_path(name);
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << text;
  return p;
}

// A valid data row (the first row of the gpt2-small per8 file) with some fields replaced.
std::string row(std::uint32_t it, std::uint32_t layer, std::uint32_t head,
                const std::map<std::size_t, std::string>& fields = {}) {
  std::vector<std::string> f = {std::to_string(it),
                                std::to_string(layer),
                                std::to_string(head),
                                "64.0",
                                std::to_string(993 + it),
                                std::to_string(993 + it),
                                "6",
                                "16",
                                "0.05",
                                "True",
                                "4",
                                "204",
                                "6",
                                "True",
                                "False",
                                "False",
                                "-1"};
  for (const auto& [c, v] : fields) f.at(c) = v;
  std::string s;
  for (const auto& v : f) s += (s.empty() ? "" : ",") + v;
  return s;
}

// Header, the given lines, the config line, each ending in \n.
std::string file_text(const std::vector<std::string>& lines, bool config = true) {
  std::string s = kHeader + "\n";
  for (const auto& l : lines) s += l + "\n";
  if (config) s += kConfig + "\n";
  return s;
}

// Writes `text`, loads it, requires an InputError for that file with exactly `path` and `phrase` in
// the message (and the file and path in what()).
void require_rejected(const std::string& name, const std::string& text, const std::string& path,
                      const std::string& phrase) {
  const std::string p = write_file(name, text);
  bool thrown = false;
  try {
    load_pruning_trace(p);
  } catch (const InputError& e) {
    thrown = true;
    const std::string what = e.what();
    INFO("message: " << what);
    CHECK(e.file() == p);
    CHECK(e.path() == path);
    CHECK(what.find(p) != std::string::npos);
    CHECK(what.find(path) != std::string::npos);
    CHECK(e.message().find(phrase) != std::string::npos);
  }
  if (!thrown) FAIL("expected an InputError at '" << path << "' containing '" << phrase << "'");
}

std::uint64_t sum_keys(const PruningTrace& t) {
  std::uint64_t s = 0;
  for (const auto& r : t.rows) s += r.keys_fetched;
  return s;
}

}  // namespace

TEST_CASE("spatten trace: gpt2-small per8 (pruned) loads with its known facts", "[trace]") {
  const PruningTrace t = load_pruning_trace(kSmallPruned);
  CHECK(t.file == kSmallPruned);
  CHECK(t.rows.size() == 4608);
  CHECK(t.iterations == 32);
  CHECK(t.layers == 12);
  CHECK(t.heads == 12);
  CHECK(t.head_dim == 64);
  CHECK(t.groups.size() == 32 * 12);
  CHECK(t.config.rfind("configs/gpt2/wikitext2/gpt2_pp11+", 0) == 0);
  CHECK(t.config.find(".yml") == t.config.size() - 4);

  const TraceRow& r = t.rows.front();
  CHECK(r.line == 2);
  CHECK(r.iteration == 0);
  CHECK(r.layer == 0);
  CHECK(r.head == 0);
  CHECK(r.seq_len == 993);
  CHECK(r.keys_fetched == 993);
  CHECK(r.key_bits == 6);
  CHECK(r.query_bits == 16);
  CHECK(r.requant_threshold == 0.05);
  CHECK(r.requant);
  CHECK(r.requant_extra_bits == 4);
  CHECK(r.values_fetched == 204);
  CHECK(r.value_bits == 6);
  CHECK(r.accumulate_importance);
  CHECK_FALSE(r.rescale_importance);
  CHECK_FALSE(r.topk);
  CHECK(r.topk_k == -1);

  const TraceRow& last = t.rows.back();
  CHECK(last.line == 4609);
  CHECK(last.iteration == 31);
  CHECK(last.layer == 11);
  CHECK(last.head == 11);
  CHECK(last.seq_len == 1024);
  CHECK(last.keys_fetched == 102);
  CHECK(last.values_fetched == 20);
  CHECK_FALSE(last.requant);

  std::size_t requants = 0, topks = 0;
  for (const auto& x : t.rows) {
    CHECK(x.seq_len == 993 + x.iteration);
    requants += x.requant;
    topks += x.topk;
  }
  CHECK(requants == 323);
  CHECK(topks == 124);

  // Top-k after head 11 of layer 11 in iteration 0 (k = 921) and of layer 0 in iteration 1 (k = 716).
  CHECK(t.rows_of(0, 11)[11].topk_k == 921);
  const TraceRowRange g = t.rows_of(1, 0);
  REQUIRE(g.size() == 12);
  CHECK(t.heads_in(1, 0) == 12);
  CHECK(g[0].iteration == 1);
  CHECK(g[0].layer == 0);
  CHECK(g[11].head == 11);
  CHECK(g[11].topk);
  CHECK(g[11].topk_k == 716);
  CHECK_FALSE(g[10].topk);
  CHECK(t.rows_of(32, 0).empty());
  CHECK(t.rows_of(0, 12).empty());
  CHECK(t.heads_in(40, 40) == 0);
}

TEST_CASE("spatten trace: gpt2-small step1+dedic is the unpruned counterpart of per8", "[trace]") {
  const PruningTrace pruned = load_pruning_trace(kSmallPruned);
  const PruningTrace t = load_pruning_trace(kSmallUnpruned);
  REQUIRE(t.rows.size() == pruned.rows.size());
  CHECK(t.iterations == 32);
  CHECK(t.layers == 12);
  CHECK(t.heads == 12);
  CHECK(t.config == pruned.config);
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const TraceRow& r = t.rows[i];
    const TraceRow& p = pruned.rows[i];
    CHECK((r.iteration == p.iteration && r.layer == p.layer && r.head == p.head && r.seq_len == p.seq_len));
    CHECK(r.keys_fetched == r.seq_len);
    CHECK(r.values_fetched == r.seq_len);
    CHECK((r.key_bits == -1 && r.query_bits == -1 && r.value_bits == -1));
    CHECK_FALSE(r.requant);
    CHECK_FALSE(r.topk);
  }
  // Token pruning fetches about 28 % of the keys.
  const double ratio = static_cast<double>(sum_keys(pruned)) / static_cast<double>(sum_keys(t));
  CHECK(ratio == Approx(0.276).margin(0.001));
}

TEST_CASE("spatten trace: gpt2-medium files (head pruning, unpruned baseline)", "[trace]") {
  const PruningTrace t = load_pruning_trace(kMediumPruned);
  CHECK(t.rows.size() == 11328);
  CHECK(t.iterations == 32);
  CHECK(t.layers == 24);
  CHECK(t.heads == 16);
  CHECK(t.head_dim == 64);
  CHECK(t.config.find("medium_gpt2_2xpp0") != std::string::npos);
  // Head pruning: 16 heads in layers 0..15, 13 in 16..21, 10 in 22..23, in every iteration.
  for (std::uint32_t it = 0; it < 32; ++it)
    for (std::uint32_t l = 0; l < 24; ++l) {
      const std::size_t expected = l < 16 ? 16 : (l < 22 ? 13 : 10);
      CHECK(t.heads_in(it, l) == expected);
      std::set<std::uint32_t> heads;
      for (const auto& r : t.rows_of(it, l)) heads.insert(r.head);
      CHECK(heads.size() == expected);
      CHECK(*heads.rbegin() == expected - 1);
    }
  const TraceRow& r = t.rows.front();
  CHECK(r.key_bits == 12);
  CHECK(r.query_bits == 16);
  CHECK(r.value_bits == 8);
  CHECK(r.requant_threshold == -1.0);
  CHECK(r.requant_extra_bits == -1);
  CHECK(r.values_fetched == 307);

  const PruningTrace b = load_pruning_trace(kMediumUnpruned);
  CHECK(b.rows.size() == 12288);
  CHECK(b.iterations == 32);
  CHECK(b.layers == 24);
  CHECK(b.heads == 16);
  CHECK(b.config == "configs/gpt2/ptb/medium_baseline_train+eval.yml");
  for (const auto& x : b.rows) {
    CHECK(x.keys_fetched == x.seq_len);
    CHECK(x.values_fetched == x.seq_len);
  }
  CHECK(sum_keys(t) < sum_keys(b));
}

TEST_CASE("spatten trace: the medium file parses", "[trace]") {
  const auto t0 = std::chrono::steady_clock::now();
  const PruningTrace t = load_pruning_trace(kMediumUnpruned);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  INFO("gpt2-medium ptb (12288 rows) parsed in " << ms << " ms");
  CHECK(t.rows.size() == 12288);  // speed is a benchmark figure (README), not asserted here
}

TEST_CASE("spatten trace: accepted format variants", "[trace]") {
  const std::vector<std::string> rows = {row(0, 0, 0), row(0, 0, 1), row(0, 1, 0), row(1, 0, 0), row(1, 1, 0)};

  SECTION("config line kept, iterations/layers/heads are max + 1") {
    const PruningTrace t = load_pruning_trace(write_file("ok.csv", file_text(rows)));
    CHECK(t.config == "configs/gpt2/test.yml");
    CHECK(t.rows.size() == 5);
    CHECK(t.iterations == 2);
    CHECK(t.layers == 2);
    CHECK(t.heads == 2);
    CHECK(t.heads_in(0, 0) == 2);
    CHECK(t.heads_in(0, 1) == 1);
    CHECK(t.heads_in(1, 0) == 1);
    CHECK(t.heads_in(1, 1) == 1);
    CHECK(t.heads_in(2, 0) == 0);
    CHECK(t.rows[3].line == 5);
  }
  SECTION("CRLF line ends") {
    std::string text;
    for (char c : file_text(rows)) text += c == '\n' ? std::string("\r\n") : std::string(1, c);
    const PruningTrace t = load_pruning_trace(write_file("crlf.csv", text));
    CHECK(t.rows.size() == 5);
    CHECK(t.config == "configs/gpt2/test.yml");
    CHECK(t.rows[3].topk_k == -1);
  }
  SECTION("no final newline, with and without the config line") {
    std::string text = file_text(rows);
    text.pop_back();
    CHECK(load_pruning_trace(write_file("nonl.csv", text)).config == "configs/gpt2/test.yml");
    text = file_text(rows, false);
    text.pop_back();
    const PruningTrace t = load_pruning_trace(write_file("nonl2.csv", text));
    CHECK(t.config.empty());
    CHECK(t.rows.size() == 5);
    CHECK(t.rows.back().topk_k == -1);
  }
  SECTION("trailing empty lines, UTF-8 BOM, spaces around fields, integral floats") {
    std::string text =
        "\xEF\xBB\xBF" + file_text({row(0, 0, 0, {{4, " 993.0 "}, {5, "9.93e2"}})}) + "\n\r\n\n";
    const PruningTrace t = load_pruning_trace(write_file("variants.csv", text));
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0].seq_len == 993);
    CHECK(t.rows[0].keys_fetched == 993);
  }
  SECTION("heads in any order inside a layer") {
    const PruningTrace t = load_pruning_trace(write_file(
        "heads.csv", file_text({row(0, 0, 1), row(0, 0, 0), row(0, 1, 0), row(1, 0, 0), row(1, 1, 0)})));
    CHECK(t.heads == 2);
    CHECK(t.layers == 2);
    CHECK(t.iterations == 2);
    CHECK(t.rows_of(0, 0)[0].head == 1);
    CHECK(t.rows_of(2, 0).empty());
  }
}

TEST_CASE("spatten trace: file-level rejections", "[trace][reject]") {
  const std::string missing = temp_path("does_not_exist.csv");
  try {
    load_pruning_trace(missing);
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.file() == missing);
    CHECK(e.path().empty());
    CHECK(e.message().find("cannot open") != std::string::npos);
  }
  try {
    load_pruning_trace(fs::temp_directory_path().string());
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.message().find("directory") != std::string::npos);
  }
  require_rejected("empty.csv", "", "line 1", "empty file");
  require_rejected("blank.csv", "\n\r\n\n", "line 1", "empty file");
  require_rejected("no_header.csv", row(0, 0, 0) + "\n" + kConfig + "\n", "line 1",
                   "missing or wrong header");
  std::string bad = kHeader;
  bad.replace(bad.find("topk"), 4, "top_k");
  require_rejected("bad_header.csv", bad + "\n" + row(0, 0, 0) + "\n", "line 1", "column 16 is 'if_top_k'");
  require_rejected("short_header.csv", kHeader.substr(0, kHeader.rfind(',')) + "\n" + row(0, 0, 0) + "\n",
                   "line 1", "16 columns instead of 17");
  require_rejected("header_only.csv", kHeader + "\n", "line 2", "no data rows");
  require_rejected("config_only.csv", file_text({}), "line 2", "no data rows");
}

TEST_CASE("spatten trace: line-level rejections", "[trace][reject]") {
  const std::string r0 = row(0, 0, 0);
  require_rejected("few_fields.csv", file_text({r0, r0.substr(0, r0.rfind(','))}), "line 3",
                   "16 fields, expected 17");
  require_rejected("many_fields.csv", file_text({r0 + ",1"}), "line 2", "18 fields, expected 17");
  require_rejected("config_mid.csv", file_text({r0, kConfig, row(0, 0, 1)}, false), "line 3",
                   "allowed only as the last line");
  require_rejected("config_twice.csv", file_text({r0, kConfig}), "line 3", "allowed only as the last line");
  require_rejected("empty_line.csv", file_text({r0, "", row(0, 0, 1)}), "line 3", "empty line");
  require_rejected("all_empty.csv", file_text({",,,,,,,,,,,,,,,,"}), "line 2, column iteration_id",
                   "empty field");
}

TEST_CASE("spatten trace: field rejections name line and column", "[trace][reject]") {
  struct Case {
    const char* name;
    std::size_t col;
    std::string value;
    std::string path_col;
    std::string phrase;
  };
  const std::vector<Case> cases = {
      {"nonnum", 0, "x1", "iteration_id", "expected an integer, found 'x1'"},
      {"nonint", 4, "993.5", "sentence_length_L", "non-integral number '993.5'"},
      {"nonint_d", 3, "64.5", "embedding_length_D", "non-integral"},
      {"empty_field", 2, "", "head_id", "empty field"},
      {"neg_layer", 1, "-1", "layer_id", "must not be negative"},
      {"neg_keys", 5, "-3", "key_fetch_num", "must not be negative, found -3"},
      {"neg_values", 11, "-1", "value_fetch_num", "must not be negative"},
      {"huge", 0, "99999999999999999999999", "iteration_id", "out of range"},
      {"too_large", 5, "4294967296", "key_fetch_num", "too large"},
      {"index_max", 2, "4294967295", "head_id", "too large"},
      {"zero_d", 3, "0.0", "embedding_length_D", "at least 1"},
      {"zero_L", 4, "0", "sentence_length_L", "at least 1"},
      {"k_gt_L", 5, "994", "key_fetch_num", "k larger than L"},
      {"v_gt_L", 11, "994", "value_fetch_num", "values fetched larger than L"},
      {"key_bits", 6, "5", "quant_key_bit", "bit width 5 not supported"},
      {"query_bits", 7, "32", "quant_query_bit", "bit width 32 not supported"},
      {"value_bits", 12, "0", "quant_value_bit", "bit width 0 not supported"},
      {"bits_float", 6, "6.5", "quant_key_bit", "non-integral"},
      {"thres_one", 8, "1", "auto_requant_thres", "-1 (off) or in (0, 1)"},
      {"thres_zero", 8, "0", "auto_requant_thres", "-1 (off) or in (0, 1)"},
      {"thres_nan", 8, "nan", "auto_requant_thres", "expected a finite number"},
      {"thres_text", 8, "abc", "auto_requant_thres", "expected a finite number"},
      {"bool", 9, "true", "if_requant", "expected True or False, found 'true'"},
      {"bool2", 13, "1", "if_accumulate_importance", "expected True or False"},
      {"bool3", 14, "", "if_rescale_previous_importance", "expected True or False"},
      {"extra_range", 10, "0", "auto_requant_incre", "-1 (none) or 1..16"},
      {"extra_range2", 10, "17", "auto_requant_incre", "-1 (none) or 1..16"},
      {"topk_false_k", 16, "5", "topk", "if_topk is False: k must be -1"},
  };
  for (const auto& c : cases) {
    INFO("case " << c.name);
    require_rejected(std::string(c.name) + ".csv",
                     file_text({row(0, 0, 0), row(0, 0, 1, {{c.col, c.value}})}),
                     std::string("line 3, column ") + c.path_col, c.phrase);
  }
}

TEST_CASE("spatten trace: cross-field and cross-row rejections", "[trace][reject]") {
  // requant True needs extra bits > 0, quantised K and a threshold.
  require_rejected("requant_extra.csv", file_text({row(0, 0, 0, {{10, "-1"}})}),
                   "line 2, column auto_requant_incre",
                   "if_requant is True but the requant extra bits are -1");
  require_rejected("requant_nokey.csv", file_text({row(0, 0, 0, {{6, "-1"}})}), "line 2, column if_requant",
                   "K is not quantised");
  require_rejected("requant_nothres.csv", file_text({row(0, 0, 0, {{8, "-1"}})}), "line 2, column if_requant",
                   "progressive quantisation is off");
  // requant False with extra -1 / threshold -1 is fine (the medium file).
  CHECK(load_pruning_trace(
            write_file("requant_off.csv", file_text({row(0, 0, 0, {{8, "-1"}, {9, "False"}, {10, "-1"}})})))
            .rows[0]
            .requant_extra_bits == -1);
  // top-k k in 1..L when if_topk is True.
  require_rejected("topk_gt_L.csv", file_text({row(0, 0, 0, {{15, "True"}, {16, "994"}})}),
                   "line 2, column topk", "k must be in 1..L (L = 993), found 994");
  require_rejected("topk_none.csv", file_text({row(0, 0, 0, {{15, "True"}, {16, "-1"}})}),
                   "line 2, column topk", "k must be in 1..L");
  CHECK(load_pruning_trace(write_file("topk_ok.csv", file_text({row(0, 0, 0, {{15, "True"}, {16, "993"}})})))
            .rows[0]
            .topk_k == 993);
  // Order: iteration, then layer, non-decreasing; (iteration, layer, head) unique.
  require_rejected("order_it.csv", file_text({row(1, 0, 0), row(0, 0, 0)}), "line 3, column iteration_id",
                   "rows out of order: iteration 0 after iteration 1 (line 2)");
  require_rejected("order_layer.csv", file_text({row(0, 1, 0), row(0, 0, 0)}), "line 3, column layer_id",
                   "rows out of order: layer 0 after layer 1 (line 2)");
  require_rejected("dup.csv", file_text({row(0, 0, 0), row(0, 0, 1), row(0, 0, 0)}), "line 4, column head_id",
                   "duplicate row for iteration 0, layer 0, head 0 (first on line 2)");
  // Complete: every step has the first step's layers, steps without a gap, heads 0..n-1 (found by
  // an audit: a trace cut at a line boundary, or with a row or a step deleted, replayed silently).
  require_rejected("cut.csv", file_text({row(0, 0, 0), row(0, 1, 0), row(1, 0, 0)}), "line 4",
                   "iteration 1 has layers 0..0 in 1 groups, expected layers 0..1");
  require_rejected("head_gap.csv", file_text({row(0, 0, 0), row(0, 0, 2)}), "line 2",
                   "has 2 rows but head ids up to 2");
  require_rejected("step_gap.csv", file_text({row(0, 0, 0), row(2, 0, 0)}), "line 3",
                   "iteration 2 where iteration 1 was expected");
  require_rejected("v_gt_k.csv", file_text({row(0, 0, 0, {{5, "10"}, {11, "11"}})}), "line 2, column value_fetch_num",
                   "values fetched (11) exceed keys fetched (10)");
  // A layer that comes back after another layer is out of order (not a duplicate group).
  require_rejected("layer_back.csv", file_text({row(0, 0, 0), row(0, 1, 0), row(0, 0, 1)}),
                   "line 4, column layer_id", "rows out of order");
  // One head dimension, one L per iteration.
  require_rejected("head_dim.csv", file_text({row(0, 0, 0), row(0, 0, 1, {{3, "128.0"}})}),
                   "line 3, column embedding_length_D", "head dimension 128 differs from 64 on line 2");
  require_rejected("seq_len.csv", file_text({row(0, 0, 0), row(0, 1, 0, {{4, "994"}})}),
                   "line 3, column sentence_length_L", "L 994 differs from 993 on line 2");
  // Every field of a row is checked before the row order.
  require_rejected("first_error.csv", file_text({row(1, 0, 0), row(0, 0, 0, {{5, "-1"}})}),
                   "line 3, column key_fetch_num", "must not be negative");
}
