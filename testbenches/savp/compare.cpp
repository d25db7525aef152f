#include "testbenches/savp/compare.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include "models/common/input_error.hpp"
#include "models/common/json_reader.hpp"
#include "testbenches/savp/sweep_runner.hpp"

namespace savp::tb {

namespace fs = std::filesystem;
using common::Json;

namespace {

constexpr int kOk = 0;
constexpr int kBadInput = 2;

const char* kCompareUsage =
    "usage: savp compare A B [C...] [--csv]\n"
    "  A, B, ...: stats.json files or output directories holding one (at least two).\n"
    "  Prints the totals side by side with each result's ratio to A; --csv writes the same table\n"
    "  as CSV (full precision) to standard output.\n"
    "Exit codes: 0 success; 2 bad input (a missing file, not a savp stats.json, fewer than two).\n";

// One compared figure: where it is in stats.json (a JSON pointer), its label, the unit shown and
// the divisor from the stored unit to the shown one.
struct Figure {
  const char* pointer;
  const char* label;
  const char* unit;
  double scale;
};

constexpr Figure kFigures[] = {
    {"/totals/latency_ns", "latency", "us", 1e3},
    {"/totals/makespan_ns", "makespan", "us", 1e3},
    {"/totals/cycles", "cycles", "cycle", 1},
    {"/totals/stall_cycles", "stall cycles", "cycle", 1},
    {"/totals/energy_pj", "energy", "uJ", 1e6},
    {"/totals/energy_dynamic_pj", "energy, dynamic", "uJ", 1e6},
    {"/totals/energy_static_pj", "energy, static", "uJ", 1e6},
    {"/area/total_mm2", "area", "mm2", 1},
    {"/totals/dram_bytes_read", "memory read", "byte", 1},
    {"/totals/dram_bytes_written", "memory written", "byte", 1},
    {"/totals/dram_bandwidth_gbps", "memory bandwidth", "GB/s", 1},
    {"/totals/ops", "operations", "op", 1},
    {"/totals/ops_per_s", "throughput", "Gop/s", 1e9},
    {"/totals/ops_per_j", "energy efficiency", "Gop/J", 1e9},
    {"/totals/energy_delay_product", "energy-delay product", "J*s", 1},
    {"/totals/rel_l2_err", "rel. L2 error", "", 1},
    {"/totals/speedup_vs_baseline", "speedup vs baseline", "x", 1},
    {"/model/ttft_ns", "model TTFT", "us", 1e3},
    {"/model/tpot_ns", "model TPOT", "us", 1e3},
    {"/model/tokens_per_s", "model tokens/s", "token/s", 1},
    {"/model/energy_per_token_pj", "model energy per token", "uJ", 1e6},
};

// The stats.json an argument names (the file, or DIR/stats.json), parsed; InputError naming it.
Json load_stats(const std::string& arg) {
  std::error_code ec;
  const fs::path file = fs::is_directory(arg, ec) ? fs::path(arg) / "stats.json" : fs::path(arg);
  if (!fs::exists(file, ec)) throw common::InputError(file.string(), "", "no such file");
  Json j = common::load_json_file(file.string());
  if (!j.is_object() || !j.contains("schema_version") || !j.contains("totals") || !j["totals"].is_object()) {
    throw common::InputError(file.string(), "",
                             "not a savp stats.json (expected an object with schema_version and totals)");
  }
  if (j["schema_version"] != 1) {
    throw common::InputError(
        file.string(), "/schema_version",
        "expected 1 (the stats.json format this savp reads), found " + j["schema_version"].dump());
  }
  // Every figure the table shows is a number where present (null: not applicable, as an ideal
  // memory's peak); a run's totals always give its latency and energy.
  for (const char* must : {"/totals/latency_ns", "/totals/energy_pj"}) {
    if (!j.contains(Json::json_pointer(must)))
      throw common::InputError(file.string(), must, "expected a number, found nothing");
  }
  for (const Figure& f : kFigures) {
    const Json::json_pointer p(f.pointer);
    if (j.contains(p) && !j.at(p).is_number() && !j.at(p).is_null())
      throw common::InputError(file.string(), f.pointer, "expected a number, found " + j.at(p).dump());
  }
  return j;
}

std::optional<double> figure(const Json& stats, const char* pointer) {
  const Json::json_pointer p(pointer);
  if (!stats.contains(p)) return std::nullopt;
  const Json& v = stats.at(p);
  if (!v.is_number()) return std::nullopt;
  const double d = v.get<double>();
  return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}

std::string shown(std::optional<double> v, bool full) {
  if (!v) return "";
  char buf[40];
  if (full) {  // the shortest text that reads back as the same double
    const auto r = std::to_chars(buf, buf + sizeof buf, *v);
    return std::string(buf, r.ptr);
  }
  // Whole numbers (cycles, bytes) in full; others to 4 significant digits.
  if (std::fabs(*v) < 1e15 && *v == std::floor(*v)) {
    std::snprintf(buf, sizeof buf, "%.0f", *v);
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", *v);
  }
  return buf;
}

}  // namespace

int cmd_compare(const std::vector<std::string>& args) {
  bool csv = false;
  std::vector<std::string> files;
  for (const std::string& a : args) {
    if (a == "--csv") {
      csv = true;
    } else if (a == "--help" || a == "-h") {
      std::cout << kCompareUsage;
      return kOk;
    } else if (a.size() > 1 && a[0] == '-') {
      std::cerr << "savp: compare: unknown option " << a << "\n\n" << kCompareUsage;
      return kBadInput;
    } else {
      files.push_back(a);
    }
  }
  if (files.size() < 2) {
    std::cerr << "savp: compare: expected at least two stats.json files or output directories, found "
              << files.size() << "\n\n"
              << kCompareUsage;
    return kBadInput;
  }
  std::vector<Json> stats;
  try {
    for (const auto& f : files) stats.push_back(load_stats(f));
  } catch (const common::InputError& e) {
    std::cerr << "savp: error: " << e.what() << "\n";
    return kBadInput;
  }

  // The rows: every figure present in at least one result; values in the shown unit.
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> head{"figure", "unit"};
  for (std::size_t i = 0; i < files.size(); ++i) {
    head.push_back(files[i]);
    if (i > 0) head.push_back(files[i] + " / " + files[0]);
  }
  table.push_back(head);
  for (const Figure& f : kFigures) {
    std::vector<std::optional<double>> v;
    bool any = false;
    for (const Json& s : stats) {
      v.push_back(figure(s, f.pointer));
      any = any || v.back().has_value();
    }
    if (!any) continue;
    std::vector<std::string> row{f.label, f.unit};
    for (std::size_t i = 0; i < v.size(); ++i) {
      row.push_back(shown(v[i] ? std::optional<double>(*v[i] / f.scale) : std::nullopt, csv));
      if (i == 0) continue;
      const bool defined = v[0] && v[i] && *v[0] != 0.0;
      row.push_back(shown(defined ? std::optional<double>(*v[i] / *v[0]) : std::nullopt, csv));
    }
    table.push_back(row);
  }

  if (csv) {
    for (const auto& row : table) {
      for (std::size_t c = 0; c < row.size(); ++c) std::cout << (c ? "," : "") << csv_field(row[c]);
      std::cout << "\n";
    }
    return kOk;
  }
  std::vector<std::size_t> width(head.size(), 0);
  for (const auto& row : table)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  for (const auto& row : table) {
    std::ostringstream line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c) line << "  ";
      if (c < 2) {
        line << std::left << std::setw(static_cast<int>(width[c])) << row[c];
      } else {
        line << std::right << std::setw(static_cast<int>(width[c])) << row[c];
      }
    }
    std::string text = line.str();
    while (!text.empty() && text.back() == ' ') text.pop_back();
    std::cout << text << "\n";
  }
  return kOk;
}

}  // namespace savp::tb
