// Reader for SpAtten's GPT-2 pruning-trace CSV files: line splitting, field parsing with
// std::from_chars, and the validation described in pruning_trace.hpp. Every rejection is an InputError
// naming the file, "line N" or "line N, column <name>", and what was expected versus found.
#include "models/spatten/pruning_trace.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string_view>
#include <system_error>
#include <unordered_map>

#include "models/common/input_error.hpp"

namespace savp::spatten {

namespace {

using common::InputError;
using common::printable;

constexpr std::size_t kColumns = kTraceColumns.size();

enum Col : std::size_t {
  kIteration = 0,
  kLayer,
  kHead,
  kHeadDim,
  kSeqLen,
  kKeys,
  kKeyBits,
  kQueryBits,
  kThreshold,
  kRequant,
  kExtraBits,
  kValues,
  kValueBits,
  kAccumulate,
  kRescale,
  kTopk,
  kTopkK,
};


std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string expected_header() {
  std::string h;
  for (const char* c : kTraceColumns) {
    if (!h.empty()) h += ',';
    h += c;
  }
  return h;
}

std::string line_path(std::size_t line) { return "line " + std::to_string(line); }
std::string col_path(std::size_t line, std::size_t col) {
  return line_path(line) + ", column " + kTraceColumns[col];
}

// Splits a line at commas into `out` (up to kColumns entries); returns the number of fields.
std::size_t split_fields(std::string_view line, std::array<std::string_view, kColumns>& out) {
  std::size_t n = 0;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    const std::string_view field =
        comma == std::string_view::npos ? line.substr(start) : line.substr(start, comma - start);
    if (n < kColumns) out[n] = trim(field);
    ++n;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return n;
}

// Parses the fields of one data line, naming the line and column on any failure.
class RowParser {
 public:
  RowParser(const std::string& file, std::size_t line, const std::array<std::string_view, kColumns>& f)
      : file_(file), line_(line), f_(f) {}

  [[noreturn]] void fail(std::size_t col, const std::string& message) const {
    throw InputError(file_, col_path(line_, col), message);
  }

  // An integer: plain decimal, or a decimal/exponent float with an integral value ("64.0").
  std::int64_t integer(std::size_t col) const {
    const std::string_view s = f_[col];
    if (s.empty()) fail(col, "empty field, expected an integer");
    std::int64_t v = 0;
    const char* const first = s.data();
    const char* const last = s.data() + s.size();
    const auto r = std::from_chars(first, last, v);
    if (r.ec == std::errc() && r.ptr == last) return v;
    if (r.ec == std::errc::result_out_of_range) fail(col, "integer out of range: '" + printable(s) + "'");
    double d = 0.0;
    const auto rd = std::from_chars(first, last, d);
    if (rd.ec != std::errc() || rd.ptr != last || !std::isfinite(d))
      fail(col, "expected an integer, found '" + printable(s) + "'");
    if (d != std::floor(d))
      fail(col, "expected an integer, found the non-integral number '" + printable(s) + "'");
    if (std::fabs(d) > 9007199254740992.0) fail(col, "integer out of range: '" + printable(s) + "'");
    return static_cast<std::int64_t>(d);
  }

  // A non-negative count that fits in 32 bits.
  std::uint32_t count(std::size_t col) const {
    const std::int64_t v = integer(col);
    if (v < 0) fail(col, "must not be negative, found " + std::to_string(v));
    if (v > static_cast<std::int64_t>(std::numeric_limits<std::uint32_t>::max()))
      fail(col, "too large: " + std::to_string(v));
    return static_cast<std::uint32_t>(v);
  }

  // An index (iteration, layer, head): a count below 2^32 - 1, so that index + 1 fits.
  std::uint32_t index(std::size_t col) const {
    const std::uint32_t v = count(col);
    if (v == std::numeric_limits<std::uint32_t>::max()) fail(col, "too large: " + std::to_string(v));
    return v;
  }

  // A bit width from kTraceBitWidths.
  int bits(std::size_t col) const {
    const std::int64_t v = integer(col);
    for (int w : kTraceBitWidths)
      if (v == w) return w;
    std::string allowed;
    for (int w : kTraceBitWidths) allowed += (allowed.empty() ? "" : ", ") + std::to_string(w);
    fail(col, "bit width " + std::to_string(v) + " not supported, expected one of " + allowed +
                  " (-1: not quantised)");
  }

  double real(std::size_t col) const {
    const std::string_view s = f_[col];
    if (s.empty()) fail(col, "empty field, expected a number");
    double d = 0.0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), d);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(d))
      fail(col, "expected a finite number, found '" + printable(s) + "'");
    return d;
  }

  bool boolean(std::size_t col) const {
    const std::string_view s = f_[col];
    if (s == "True") return true;
    if (s == "False") return false;
    fail(col, "expected True or False, found '" + printable(s) + "'");
  }

 private:
  const std::string& file_;
  std::size_t line_;
  const std::array<std::string_view, kColumns>& f_;
};

TraceRow parse_row(const std::string& file, std::size_t line,
                   const std::array<std::string_view, kColumns>& f) {
  const RowParser p(file, line, f);
  TraceRow r;
  r.line = static_cast<std::uint32_t>(line);
  r.iteration = p.index(kIteration);
  r.layer = p.index(kLayer);
  r.head = p.index(kHead);
  r.head_dim = p.count(kHeadDim);
  r.seq_len = p.count(kSeqLen);
  r.keys_fetched = p.count(kKeys);
  r.key_bits = p.bits(kKeyBits);
  r.query_bits = p.bits(kQueryBits);
  r.requant_threshold = p.real(kThreshold);
  r.requant = p.boolean(kRequant);
  const std::int64_t extra = p.integer(kExtraBits);
  r.values_fetched = p.count(kValues);
  r.value_bits = p.bits(kValueBits);
  r.accumulate_importance = p.boolean(kAccumulate);
  r.rescale_importance = p.boolean(kRescale);
  r.topk = p.boolean(kTopk);
  r.topk_k = p.integer(kTopkK);

  const std::string L = std::to_string(r.seq_len);
  if (r.head_dim == 0) p.fail(kHeadDim, "head dimension must be at least 1, found 0");
  if (r.seq_len == 0) p.fail(kSeqLen, "sentence length L must be at least 1, found 0");
  if (r.keys_fetched > r.seq_len)
    p.fail(kKeys, "k larger than L: " + std::to_string(r.keys_fetched) + " keys fetched, L = " + L);
  if (r.values_fetched > r.seq_len)
    p.fail(kValues, "values fetched larger than L: " + std::to_string(r.values_fetched) + ", L = " + L);
  if (r.values_fetched > r.keys_fetched)
    p.fail(kValues, "values fetched (" + std::to_string(r.values_fetched) + ") exceed keys fetched (" +
                        std::to_string(r.keys_fetched) + "): values are chosen among the fetched keys");
  if (!(r.requant_threshold == -1.0 || (r.requant_threshold > 0.0 && r.requant_threshold < 1.0)))
    p.fail(kThreshold,
           "requant threshold must be -1 (off) or in (0, 1), found '" + printable(f[kThreshold]) + "'");
  if (!(extra == -1 || (extra >= 1 && extra <= 16)))
    p.fail(kExtraBits, "requant extra bits must be -1 (none) or 1..16, found " + std::to_string(extra));
  r.requant_extra_bits = static_cast<int>(extra);
  if (r.requant) {
    if (r.requant_extra_bits <= 0)
      p.fail(kExtraBits, "if_requant is True but the requant extra bits are " + std::to_string(extra) +
                             " (expected at least 1)");
    if (r.key_bits == -1) p.fail(kRequant, "if_requant is True but K is not quantised (quant_key_bit -1)");
    if (r.requant_threshold == -1.0)
      p.fail(kRequant, "if_requant is True but progressive quantisation is off (auto_requant_thres -1)");
  }
  if (r.topk) {
    if (r.topk_k < 1 || r.topk_k > static_cast<std::int64_t>(r.seq_len))
      p.fail(kTopkK, "if_topk is True: k must be in 1..L (L = " + L + "), found " + std::to_string(r.topk_k));
  } else if (r.topk_k != -1) {
    p.fail(kTopkK, "if_topk is False: k must be -1, found " + std::to_string(r.topk_k));
  }
  return r;
}

std::string read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw InputError(path, "", "cannot read trace file: is a directory, expected a file");
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
    throw InputError(path, "", "cannot read trace file: not a regular file (a device or pipe)");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw InputError(path, "",
                     std::string("cannot open trace file: ") + (err ? std::strerror(err) : "unknown error"));
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path, "", "cannot read trace file (read error or not a regular file)");
  return text;
}

// A trace cut short or with rows lost: a complete one has, in order, the groups (step i, layer l) for
// i = 0, 1, 2, ... and l = 0..n-1 (n: the first step's layers), and the surviving heads of a layer
// are 0..m-1.
void check_complete(const PruningTrace& t, const std::string& file) {
  const auto at = [&](const PruningTrace::Group& g) { return line_path(t.rows[g.begin].line); };
  std::size_t layers = 0;
  while (layers < t.groups.size() && t.groups[layers].iteration == 0) ++layers;
  if (layers == 0) {
    throw InputError(file, at(t.groups[0]), "iteration " + std::to_string(t.groups[0].iteration) +
                                                " where iteration 0 was expected (iterations run 0, 1, 2, ...)");
  }
  for (std::size_t g = 0; g < t.groups.size(); ++g) {
    const PruningTrace::Group& grp = t.groups[g];
    const std::size_t step = g / layers, layer = g % layers;
    if (grp.iteration != step) {
      throw InputError(file, at(grp), "iteration " + std::to_string(grp.iteration) + " where iteration " +
                                          std::to_string(step) + " was expected (iterations run 0, 1, 2, ...)");
    }
    if (grp.layer != layer) {
      throw InputError(file, at(grp), "iteration " + std::to_string(step) + ": layer " + std::to_string(grp.layer) +
                                          " where layer " + std::to_string(layer) + " was expected (a layer missing)");
    }
    std::uint32_t max_head = 0;
    for (std::size_t i = grp.begin; i < grp.begin + grp.count; ++i) max_head = std::max(max_head, t.rows[i].head);
    if (max_head + 1 != grp.count) {
      throw InputError(file, at(grp), "iteration " + std::to_string(grp.iteration) + ", layer " +
                                          std::to_string(grp.layer) + " has " + std::to_string(grp.count) +
                                          " rows but head ids up to " + std::to_string(max_head) +
                                          ": surviving heads are numbered 0..n-1 (a row missing)");
    }
  }
  if (t.groups.size() % layers != 0) {
    const PruningTrace::Group& first = t.groups[t.groups.size() / layers * layers];
    throw InputError(file, at(first), "iteration " + std::to_string(first.iteration) + " has layers 0.." +
                                          std::to_string(t.groups.back().layer) + " in " +
                                          std::to_string(t.groups.size() % layers) + " groups, expected layers 0.." +
                                          std::to_string(layers - 1) + " (a trace cut short or with rows missing)");
  }
}

}  // namespace

TraceRowRange PruningTrace::rows_of(std::uint32_t iteration, std::uint32_t layer) const {
  const auto it = std::lower_bound(groups.begin(), groups.end(), std::make_pair(iteration, layer),
                                   [](const Group& g, const std::pair<std::uint32_t, std::uint32_t>& key) {
                                     return std::make_pair(g.iteration, g.layer) < key;
                                   });
  if (it == groups.end() || it->iteration != iteration || it->layer != layer) return {};
  const TraceRow* first = rows.data() + it->begin;
  return {first, first + it->count};
}

std::size_t PruningTrace::heads_in(std::uint32_t iteration, std::uint32_t layer) const {
  return rows_of(iteration, layer).size();
}

PruningTrace parse_pruning_trace(const std::string& text, const std::string& file) {
  // Split into lines (without \n and a trailing \r).
  std::vector<std::string_view> lines;
  lines.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  const std::string_view all(text);
  std::size_t start = 0;
  while (start <= all.size()) {
    const std::size_t nl = all.find('\n', start);
    std::string_view line = nl == std::string_view::npos ? all.substr(start) : all.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  if (!lines.empty() && lines[0].substr(0, 3) == "\xEF\xBB\xBF") lines[0].remove_prefix(3);  // UTF-8 BOM

  std::size_t end = lines.size();  // one past the last non-empty line
  while (end > 0 && trim(lines[end - 1]).empty()) --end;
  if (end == 0) throw InputError(file, "line 1", "empty file: expected the header " + expected_header());

  std::array<std::string_view, kColumns> f;
  // Header.
  {
    const std::size_t n = split_fields(lines[0], f);
    bool ok = n == kColumns;
    for (std::size_t c = 0; ok && c < kColumns; ++c) ok = f[c] == kTraceColumns[c];
    if (!ok) {
      std::string detail;
      if (n != kColumns) {
        detail = std::to_string(n) + " columns instead of " + std::to_string(kColumns);
      } else {
        for (std::size_t c = 0; c < kColumns; ++c)
          if (f[c] != kTraceColumns[c]) {
            detail = "column " + std::to_string(c + 1) + " is '" + printable(f[c]) + "', expected '" +
                     kTraceColumns[c] + "'";
            break;
          }
      }
      throw InputError(file, "line 1",
                       "missing or wrong header (" + detail + "): expected " + expected_header() +
                           ", found '" + printable(lines[0], 120) + "'");
    }
  }

  PruningTrace t;
  t.file = file;
  t.rows.reserve(end);
  std::unordered_map<std::uint32_t, std::uint32_t> heads_seen;  // head -> line, current group
  std::uint32_t group_seq_len = 0;                              // L of the current iteration
  std::uint32_t group_seq_len_line = 0;

  for (std::size_t i = 1; i < end; ++i) {
    const std::size_t line_no = i + 1;
    const std::string_view line = lines[i];
    if (trim(line).empty())
      throw InputError(file, line_path(line_no), "empty line (empty lines are allowed only at the end)");
    const std::size_t n = split_fields(line, f);
    if (n != kColumns)
      throw InputError(file, line_path(line_no),
                       std::to_string(n) + " fields, expected " + std::to_string(kColumns) + ": '" +
                           printable(line) + "'");
    bool rest_empty = true;
    for (std::size_t c = 1; c < kColumns && rest_empty; ++c) rest_empty = f[c].empty();
    if (rest_empty && !f[0].empty()) {
      if (i + 1 != end)
        throw InputError(file, line_path(line_no),
                         "config line ('" + printable(f[0]) +
                             "' followed by 16 empty fields) is allowed only as the last line of the file");
      t.config = std::string(f[0]);
      break;
    }

    TraceRow r = parse_row(file, line_no, f);
    const RowParser p(file, line_no, f);
    if (t.rows.empty()) {
      t.head_dim = r.head_dim;
    } else {
      const TraceRow& prev = t.rows.back();
      if (r.head_dim != t.head_dim)
        p.fail(kHeadDim, "head dimension " + std::to_string(r.head_dim) + " differs from " +
                             std::to_string(t.head_dim) + " on line " + std::to_string(t.rows.front().line));
      if (r.iteration < prev.iteration)
        p.fail(kIteration, "rows out of order: iteration " + std::to_string(r.iteration) +
                               " after iteration " + std::to_string(prev.iteration) + " (line " +
                               std::to_string(prev.line) +
                               "); rows must be ordered by iteration, then layer");
      if (r.iteration == prev.iteration && r.layer < prev.layer)
        p.fail(kLayer, "rows out of order: layer " + std::to_string(r.layer) + " after layer " +
                           std::to_string(prev.layer) + " (line " + std::to_string(prev.line) +
                           ") in iteration " + std::to_string(r.iteration) +
                           "; rows must be ordered by iteration, then layer");
    }
    const bool new_iteration = t.rows.empty() || r.iteration != t.rows.back().iteration;
    const bool new_group = new_iteration || r.layer != t.rows.back().layer;
    if (new_iteration) {
      group_seq_len = r.seq_len;
      group_seq_len_line = r.line;
    } else if (r.seq_len != group_seq_len) {
      p.fail(kSeqLen, "sentence length L " + std::to_string(r.seq_len) + " differs from " +
                          std::to_string(group_seq_len) + " on line " + std::to_string(group_seq_len_line) +
                          " in the same iteration " + std::to_string(r.iteration));
    }
    if (new_group) {
      heads_seen.clear();
      t.groups.push_back({r.iteration, r.layer, t.rows.size(), 0});
    }
    const auto [it, inserted] = heads_seen.emplace(r.head, r.line);
    if (!inserted)
      p.fail(kHead, "duplicate row for iteration " + std::to_string(r.iteration) + ", layer " +
                        std::to_string(r.layer) + ", head " + std::to_string(r.head) + " (first on line " +
                        std::to_string(it->second) + ")");
    ++t.groups.back().count;
    t.iterations = std::max(t.iterations, r.iteration + 1);
    t.layers = std::max(t.layers, r.layer + 1);
    t.heads = std::max(t.heads, r.head + 1);
    t.rows.push_back(r);
  }
  if (t.rows.empty()) throw InputError(file, "line 2", "no data rows after the header");
  check_complete(t, file);
  return t;
}

PruningTrace load_pruning_trace(const std::string& path) {
  return parse_pruning_trace(read_file(path), path);
}

}  // namespace savp::spatten
