#include "models/memory/dram_spec.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

namespace savp::memory {

namespace {

bool is_pow2(std::uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

const char* const kFieldNames[] = {"Ro", "Bg", "Ba", "Ra", "Co", "Ch"};

// Expands a mapping string (inserting Bg before Ba when absent) and checks it; returns the error
// text, or an empty string when the mapping is valid.
std::string expand_mapping(const std::string& mapping, std::string& expanded) {
  expanded.clear();
  if (mapping.size() % 2 != 0) {
    return "expected a sequence of the two-letter fields Ro, Bg, Ba, Ra, Co, Ch, found \"" + mapping +
           "\" (odd length)";
  }
  std::vector<std::string> tokens;
  for (std::size_t i = 0; i < mapping.size(); i += 2) tokens.push_back(mapping.substr(i, 2));
  bool has_bg = false;
  for (const auto& t : tokens) has_bg = has_bg || t == "Bg";
  for (const auto& t : tokens) {
    bool known = false;
    for (const char* f : kFieldNames) known = known || t == f;
    if (!known) {
      return "expected only the fields Ro, Bg, Ba, Ra, Co, Ch, found unknown field \"" + t + "\" in \"" +
             mapping + "\"";
    }
    if (t == "Ba" && !has_bg) expanded += "Bg";
    expanded += t;
  }
  for (const char* f : kFieldNames) {
    int count = 0;
    for (std::size_t i = 0; i < expanded.size(); i += 2) count += expanded.compare(i, 2, f) == 0;
    if (count != 1) {
      return std::string("expected each of Ro, Bg, Ba, Ra, Co, Ch exactly once, found \"") + mapping +
             "\" (expanded \"" + expanded + "\") with " + f + " " + std::to_string(count) + " times";
    }
  }
  return "";
}

std::uint32_t read_u32(common::JsonNode& n, const std::string& key, std::int64_t min, std::int64_t max) {
  return static_cast<std::uint32_t>(n.get_int(key, min, max));
}

void require_pow2(common::JsonNode& n, const std::string& key, std::uint64_t v) {
  if (!is_pow2(v)) n.child(key).fail_expected("a power of two");
}

void parse_timing(common::JsonNode t, DramTiming& d) {
  d.tck_ns = t.get_number("tck_ns");
  if (!(d.tck_ns > 0)) t.child("tck_ns").fail_expected("a positive number (ns)");
  constexpr std::int64_t kMax = 1 << 24;
  d.RCD_RD = read_u32(t, "RCD_RD", 1, kMax);
  d.RCD_WR = read_u32(t, "RCD_WR", 1, kMax);
  d.RP = read_u32(t, "RP", 1, kMax);
  d.RAS = read_u32(t, "RAS", 1, kMax);
  d.RC = read_u32(t, "RC", 1, kMax);
  d.RL = read_u32(t, "RL", 1, kMax);
  d.WL = read_u32(t, "WL", 1, kMax);
  d.CCD_S = read_u32(t, "CCD_S", 1, kMax);
  d.CCD_L = read_u32(t, "CCD_L", 1, kMax);
  d.RRD_S = read_u32(t, "RRD_S", 1, kMax);
  d.RRD_L = read_u32(t, "RRD_L", 1, kMax);
  d.FAW = read_u32(t, "FAW", 1, kMax);
  d.WR = read_u32(t, "WR", 1, kMax);
  d.RTP = read_u32(t, "RTP", 1, kMax);
  d.WTR_S = read_u32(t, "WTR_S", 0, kMax);
  d.WTR_L = read_u32(t, "WTR_L", 0, kMax);
  d.RTW = read_u32(t, "RTW", 0, kMax);
  d.RFC = read_u32(t, "RFC", 1, kMax);
  d.REFI = read_u32(t, "REFI", 1, kMax);
  t.finish();

  auto relation = [&t](const std::string& key, bool ok, const std::string& what) {
    if (!ok) t.child(key).fail("JEDEC relation violated: expected " + what);
  };
  auto s = [](std::uint32_t v) { return std::to_string(v); };
  relation(
      "RC", d.RC >= d.RAS + d.RP,
      "RC >= RAS + RP (" + s(d.RAS) + " + " + s(d.RP) + " = " + s(d.RAS + d.RP) + "), found RC " + s(d.RC));
  relation("RAS", d.RAS >= d.RCD_RD, "RAS >= RCD_RD (" + s(d.RCD_RD) + "), found RAS " + s(d.RAS));
  relation("RAS", d.RAS >= d.RCD_WR, "RAS >= RCD_WR (" + s(d.RCD_WR) + "), found RAS " + s(d.RAS));
  relation("CCD_L", d.CCD_L >= d.CCD_S, "CCD_L >= CCD_S (" + s(d.CCD_S) + "), found CCD_L " + s(d.CCD_L));
  relation("RRD_L", d.RRD_L >= d.RRD_S, "RRD_L >= RRD_S (" + s(d.RRD_S) + "), found RRD_L " + s(d.RRD_L));
  relation("WTR_L", d.WTR_L >= d.WTR_S, "WTR_L >= WTR_S (" + s(d.WTR_S) + "), found WTR_L " + s(d.WTR_L));
  relation("REFI", d.REFI > d.RFC, "REFI > RFC (" + s(d.RFC) + "), found REFI " + s(d.REFI));
  relation("FAW", d.FAW >= d.RRD_S, "FAW >= RRD_S (" + s(d.RRD_S) + "), found FAW " + s(d.FAW));
}

double read_energy(common::JsonNode& e, const std::string& key) {
  const double v = e.get_number(key);
  if (v < 0) e.child(key).fail_expected("a number >= 0");
  return v;
}

void parse_energy(common::JsonNode e, DramEnergy& d) {
  d.act_pre_pj = read_energy(e, "act_pre_pj");
  d.read_pj_per_bit = read_energy(e, "read_pj_per_bit");
  d.write_pj_per_bit = read_energy(e, "write_pj_per_bit");
  d.refresh_pj = read_energy(e, "refresh_pj");
  d.background_active_mw = read_energy(e, "background_active_mw");
  d.background_precharged_mw = read_energy(e, "background_precharged_mw");
  e.finish();
}

}  // namespace

const std::vector<std::string>& DramSpec::json_keys() {
  static const std::vector<std::string> keys = {"name",
                                                "description",
                                                "channels",
                                                "ranks",
                                                "bank_groups",
                                                "banks_per_group",
                                                "rows",
                                                "columns",
                                                "bus_width_bits",
                                                "burst_length",
                                                "data_rate",
                                                "timing",
                                                "energy",
                                                "timing_source",
                                                "energy_source",
                                                "mapping",
                                                "page_policy",
                                                "queue_depth",
                                                "scheduler",
                                                "scheduler_cap",
                                                "write_queue_depth",
                                                "write_high_watermark",
                                                "write_low_watermark",
                                                "controller_source",
                                                "queue_slot_release"};
  return keys;
}

double DramSpec::peak_bandwidth_gbps() const {
  return static_cast<double>(geometry.channels) * (geometry.bus_width_bits / 8.0) * geometry.data_rate /
         timing.tck_ns;
}

std::string DramSpec::expanded_mapping() const {
  std::string expanded;
  const std::string error = expand_mapping(mapping, expanded);
  return error.empty() ? expanded : std::string();
}

DramSpec DramSpec::parse(common::JsonNode node) {
  DramSpec s;
  s.name = node.get_string("name", s.name);
  s.description = node.get_string("description", s.description);

  DramGeometry& g = s.geometry;
  constexpr std::int64_t kMax = std::int64_t{1} << 30;
  g.channels = read_u32(node, "channels", 1, 1 << 16);
  g.ranks = read_u32(node, "ranks", 1, 1 << 8);
  g.bank_groups = read_u32(node, "bank_groups", 1, 1 << 8);
  g.banks_per_group = read_u32(node, "banks_per_group", 1, 1 << 8);
  g.rows = read_u32(node, "rows", 1, kMax);
  g.columns = read_u32(node, "columns", 1, kMax);
  g.bus_width_bits = read_u32(node, "bus_width_bits", 8, 1 << 16);
  g.burst_length = read_u32(node, "burst_length", 1, 1 << 10);
  g.data_rate = read_u32(node, "data_rate", 1, 16);
  require_pow2(node, "channels", g.channels);
  require_pow2(node, "ranks", g.ranks);
  require_pow2(node, "bank_groups", g.bank_groups);
  require_pow2(node, "banks_per_group", g.banks_per_group);
  require_pow2(node, "rows", g.rows);
  if (g.bus_width_bits % 8 != 0 || !is_pow2(g.bus_width_bits / 8)) {
    node.child("bus_width_bits").fail_expected("a multiple of 8 whose byte width is a power of two");
  }
  if (g.burst_length % g.data_rate != 0) {
    node.child("burst_length").fail_expected("a multiple of data_rate (" + std::to_string(g.data_rate) + ")");
  }
  if (!is_pow2(g.burst_length)) node.child("burst_length").fail_expected("a power of two");
  if (g.columns < g.burst_length) {
    node.child("columns").fail_expected("columns >= burst_length (" + std::to_string(g.burst_length) + ")");
  }
  if (g.columns % g.burst_length != 0 || !is_pow2(g.columns / g.burst_length)) {
    node.child("columns").fail(
        "expected columns / burst_length (bursts per row) to be a power of two, found " +
        std::to_string(g.columns) + " / " + std::to_string(g.burst_length));
  }

  parse_timing(node.object_at("timing"), s.timing);
  parse_energy(node.object_at("energy"), s.energy);
  s.timing_source = node.get_string("timing_source", s.timing_source);
  s.energy_source = node.get_string("energy_source", s.energy_source);

  s.mapping = node.get_string("mapping", s.mapping);
  {
    std::string expanded;
    const std::string error = expand_mapping(s.mapping, expanded);
    if (!error.empty()) node.child("mapping").fail(error);
  }
  s.page_policy = node.get_choice("page_policy", {"open", "closed"}, "open") == "closed" ? PagePolicy::Closed
                                                                                         : PagePolicy::Open;
  s.queue_depth = static_cast<std::uint32_t>(node.get_int("queue_depth", s.queue_depth, 1, 4096));
  const std::string scheduler = node.get_choice("scheduler", {"fr_fcfs", "fcfs", "fr_fcfs_cap"}, "fr_fcfs");
  s.scheduler = scheduler == "fcfs"          ? DramScheduler::Fcfs
                : scheduler == "fr_fcfs_cap" ? DramScheduler::FrFcfsCap
                                             : DramScheduler::FrFcfs;
  if (node.has("scheduler_cap") && s.scheduler != DramScheduler::FrFcfsCap) {
    node.child("scheduler_cap")
        .fail("scheduler_cap applies only to \"scheduler\": \"fr_fcfs_cap\" (found scheduler \"" + scheduler +
              "\")");
  }
  s.scheduler_cap = static_cast<std::uint32_t>(node.get_int("scheduler_cap", s.scheduler_cap, 1, 1 << 16));
  s.controller_source = node.get_string("controller_source", s.controller_source);
  s.slot_until_column =
      node.get_choice("queue_slot_release", {"decision", "column_command"}, "column_command") == "column_command";
  s.write_queue_depth =
      static_cast<std::uint32_t>(node.get_int("write_queue_depth", s.write_queue_depth, 1, 4096));
  if (node.has("write_queue_depth")) {  // gem5's percentages of the given depth
    s.write_high_watermark = std::max<std::uint32_t>(1, s.write_queue_depth * 85 / 100);
    s.write_low_watermark = std::min(s.write_high_watermark - 1, s.write_queue_depth * 50 / 100);
  }
  s.write_high_watermark = static_cast<std::uint32_t>(
      node.get_int("write_high_watermark", s.write_high_watermark, 1, s.write_queue_depth));
  s.write_low_watermark = static_cast<std::uint32_t>(
      node.get_int("write_low_watermark", s.write_low_watermark, 0, s.write_queue_depth));
  if (s.write_low_watermark >= s.write_high_watermark) {
    node.child(node.has("write_low_watermark") ? "write_low_watermark" : "write_high_watermark")
        .fail_expected("write_low_watermark (" + std::to_string(s.write_low_watermark) +
                       ") < write_high_watermark (" + std::to_string(s.write_high_watermark) + ")");
  }
  return s;
}

}  // namespace savp::memory
