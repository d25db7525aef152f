// The one table of what every statistic in stats.json's "components" means: a one-line description
// and the unit it must carry (gem5-style stat descriptions). StatsTree::to_json writes the
// description as "desc" next to "value" and "unit" of every stat whose entry it finds.
//
// Key scheme: (component kind, stat name pattern).
// - The kind is what a component is ("accelerator", "router", "dram", "sram", "simple_memory",
//   "reram_pim", "protocol_checker", "host"), set by the component's report_stats through
//   StatsTree::set_kind; the same stat name may mean different things in two kinds (a router's
//   by_initiator latency is a hop through the bus, a memory's is the memory's own). Kind "any"
//   holds the stats every component may carry (area_mm2, leakage_mw) and is looked up last.
// - The name is the stat's path inside its component, dot-joined: "busy_cycles",
//   "phase_cycles.qk", "ch0.bank3.reads", and for a member of a group
//   "<group>.<member>.<stat>" ("by_initiator.salo.requests"). In a pattern, "<n>" stands for one or
//   more decimal digits and any other "<word>" for one or more characters of any kind (component
//   and window names contain dots). An exact name wins over a pattern; among patterns, the one with
//   the most literal characters wins.
// A stat without an entry, or whose unit differs from its entry's, is written without "desc"; the
// regress test "stats descriptions" fails naming it.
#pragma once

#include <string>
#include <vector>

namespace savp::sc {

struct StatDescription {
  std::vector<std::string> kinds;  // the component kinds the entry applies to
  std::string name;                // stat name or pattern (see above)
  std::string unit;                // the unit the stat must be reported in
  std::string desc;                // one line: what is counted or measured, over what
};

const std::vector<StatDescription>& stat_descriptions();

// The component kinds the table knows ("any" included).
const std::vector<std::string>& stat_kinds();

// True when `name` matches `pattern` (placeholders as above).
bool stat_name_matches(const std::string& pattern, const std::string& name);

// The entry describing stat `name` of a component of `kind`: the kind's own entries first, then
// kind "any"; nullptr when none matches.
const StatDescription* find_stat_description(const std::string& kind, const std::string& name);

// The table as markdown (one section per kind), for docs/outputs.md: `savp list stats`.
std::string stat_descriptions_markdown();

}  // namespace savp::sc
