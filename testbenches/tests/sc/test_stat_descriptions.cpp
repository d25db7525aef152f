// The stat description table (tlm/core/stat_descriptions) and StatsTree's "desc": the key scheme
// (kind, then "any"; "<n>" digits, other placeholders any text; exact name over pattern, the most
// literal pattern over others), and a stat whose unit differs from its entry's gets no "desc".
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>

#include "tlm/core/stat_descriptions.hpp"
#include "tlm/core/stats_tree.hpp"

using namespace savp;

TEST_CASE("stat names match patterns with digit and text placeholders", "[statdesc]") {
  CHECK(sc::stat_name_matches("ch<n>.reads", "ch12.reads"));
  CHECK_FALSE(sc::stat_name_matches("ch<n>.reads", "ch0.bank3.reads"));  // <n> is digits only
  CHECK_FALSE(sc::stat_name_matches("ch<n>.reads", "ch.reads"));         // one digit at least
  CHECK(sc::stat_name_matches("attributed_pj.<component>", "attributed_pj.top.bus"));
  CHECK_FALSE(sc::stat_name_matches("attributed_pj.<component>", "attributed_pj."));
  CHECK(sc::stat_name_matches("jobs", "jobs"));
  CHECK_FALSE(sc::stat_name_matches("jobs", "jobs2"));
}

TEST_CASE("descriptions are found by kind, exact name first, then the most literal pattern", "[statdesc]") {
  const sc::StatDescription* bank = sc::find_stat_description("dram", "ch0.bank3.reads");
  REQUIRE(bank != nullptr);
  CHECK(bank->name == "ch<n>.bank<n>.reads");
  // A router window named like a group: the by_initiator entry has more literal text.
  const sc::StatDescription* group = sc::find_stat_description("router", "by_initiator.salo.requests");
  REQUIRE(group != nullptr);
  CHECK(group->name == "by_initiator.<initiator>.requests");
  const sc::StatDescription* window = sc::find_stat_description("router", "top.salo0.requests");
  REQUIRE(window != nullptr);
  CHECK(window->name == "<window>.requests");
  // The same name means different things in two kinds.
  const sc::StatDescription* mem = sc::find_stat_description("dram", "by_initiator.salo.latency_avg_ns");
  REQUIRE(mem != nullptr);
  CHECK(mem->desc != group->desc);
  // "any" holds area and leakage; an unknown stat has no entry.
  REQUIRE(sc::find_stat_description("accelerator", "area_mm2") != nullptr);
  CHECK(sc::find_stat_description("accelerator", "area_mm2")->unit == "mm2");
  CHECK(sc::find_stat_description("dram", "no_such_stat") == nullptr);
  CHECK(sc::find_stat_description("sram", "ch0.reads") == nullptr);  // a DRAM stat in another kind
}

TEST_CASE("every table entry names a known kind, a unit and a description, once", "[statdesc]") {
  const auto& kinds = sc::stat_kinds();
  std::set<std::string> seen;
  for (const auto& d : sc::stat_descriptions()) {
    CHECK_FALSE(d.kinds.empty());
    CHECK_FALSE(d.unit.empty());
    CHECK(d.desc.size() > 10);
    CHECK(d.desc.find('\n') == std::string::npos);
    CHECK(d.desc.find('|') == std::string::npos);  // a markdown table cell
    for (const auto& k : d.kinds) {
      CHECK(std::find(kinds.begin(), kinds.end(), k) != kinds.end());
      CHECK(seen.insert(k + "/" + d.name).second);  // no entry given twice for one kind
    }
  }
  const std::string md = sc::stat_descriptions_markdown();
  CHECK(md.find("| `ch<n>.bank<n>.reads` | burst |") != std::string::npos);
}

TEST_CASE("stats.json components carry desc, and none when the unit differs from the table's", "[statdesc]") {
  sc::StatsTree tree;
  tree.set_kind("top.memory", "dram");
  tree.add("top.memory", "reads", 4, "burst");
  tree.add("top.memory", "writes", 2, "byte");  // the table says burst
  tree.add("top.memory", "made_up", 1, "thing");
  tree.add_group("top.memory", "by_initiator", "salo", "requests", 3, "request");
  tree.add("top.other", "reads", 1, "burst");  // no kind set: only "any" entries apply
  const common::Json j = tree.to_json();
  CHECK(j["top.memory"]["reads"]["desc"] == sc::find_stat_description("dram", "reads")->desc);
  CHECK(j["top.memory"]["reads"]["value"] == 4.0);
  CHECK(j["top.memory"]["reads"]["unit"] == "burst");
  CHECK_FALSE(j["top.memory"]["writes"].contains("desc"));
  CHECK_FALSE(j["top.memory"]["made_up"].contains("desc"));
  CHECK(j["top.memory"]["by_initiator"]["salo"]["requests"].contains("desc"));
  CHECK_FALSE(j["top.other"]["reads"].contains("desc"));
}
