// The stat description table (key scheme in stat_descriptions.hpp). Each description was written
// from the code that computes the stat: the file named in the section comment.
#include "tlm/core/stat_descriptions.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace savp::sc {

namespace {

const std::vector<StatDescription>& table() {
  static const std::vector<StatDescription> t = {
      // Every component that prices its hardware (StatsTree::to_json from add_hardware).
      {{"any"},
       "area_mm2",
       "mm2",
       "Silicon area of the component (energy table area entries, scaled to the node)"},
      {{"any"},
       "leakage_mw",
       "mW",
       "Leakage power of the component while powered (energy table leakage entries)"},

      // tlm/accelerators/accelerator_base.cpp (every engine and traffic generator)
      {{"accelerator"}, "jobs", "job", "Jobs this accelerator ran (doorbells served, failed jobs included)"},
      {{"accelerator"},
       "busy_cycles",
       "cycle",
       "Sum over its jobs of job end - job start, in engine clock cycles (compute and stalls)"},
      {{"accelerator"},
       "stall_cycles",
       "cycle",
       "Stall cycles of its jobs: descriptor fetch + operand reads + write drain (the three disjoint causes "
       "of "
       "stall_cycles_by_cause; busy_cycles = sum of phase_cycles + this)"},
      {{"accelerator"},
       "stall_cycles_by_cause.<cause>",
       "cycle",
       "Stall cycles of cause <cause>, summed over its jobs: descriptor_fetch (job start to the descriptor's "
       "arrival), operand_reads (compute waiting for a step's reads), write_drain (last compute to the last "
       "write's completion)"},
      {{"accelerator"},
       "phase_cycles.<phase>",
       "cycle",
       "Compute cycles of the engine's steps in phase <phase>, summed over its jobs (stalls excluded)"},
      {{"accelerator"},
       "attributed_pj.<component>",
       "pJ",
       "Dynamic energy that memory/interconnect component <component> spent on this accelerator's DMA "
       "transactions"},
      {{"accelerator"}, "dma_read_requests", "request", "Timed read transactions its DMA port issued"},
      {{"accelerator"}, "dma_write_requests", "request", "Timed write transactions its DMA port issued"},
      {{"accelerator"}, "dma_bytes_read", "byte", "Bytes its DMA port read with timed transactions"},
      {{"accelerator"}, "dma_bytes_written", "byte", "Bytes its DMA port wrote with timed transactions"},
      {{"accelerator"},
       "power_gating.wakeups",
       "wakeup",
       "Powered periods of the gated logic (busy intervals merged across idle gaps up to the break-even "
       "time)"},
      {{"accelerator"}, "power_gating.powered_ns", "ns", "Total time the gated logic was powered"},
      {{"accelerator"},
       "power_gating.gated_ns",
       "ns",
       "Simulated run time minus powered time: time the logic was gated off"},
      {{"accelerator"},
       "power_gating.wake_energy_pj",
       "pJ",
       "Wake-up energy of all gated sub-components: wakeups x gateable leakage x break-even time"},

      // testbenches/savp/report.cpp, task_report.cpp (the host driver's initiator port)
      {{"host"},
       "dmi_grants",
       "grant",
       "DMI pointers the host's untimed loads and read-backs copied through (one per contiguous chunk of a "
       "granted region)"},
      {{"host"},
       "attributed_pj.<component>",
       "pJ",
       "Dynamic energy that component <component> spent on the host's timed transactions (its CSR accesses: "
       "descriptor address, doorbell, status, IRQ acknowledge)"},

      // tlm/interconnect/router.cpp
      {{"router"},
       "<window>.requests",
       "request",
       "Transactions forwarded to the output port of address window <window>"},
      {{"router"},
       "<window>.bytes",
       "byte",
       "Bytes (read and written) forwarded to the output port of address window <window>"},
      {{"router"},
       "<window>.busy_ns",
       "ns",
       "Time the window's output port was occupied: sum of bytes / port bandwidth (0 with unlimited "
       "bandwidth)"},
      {{"router"},
       "decode_errors",
       "error",
       "Transactions whose address matched no window (address error response)"},
      {{"router"},
       "by_initiator.<initiator>.requests",
       "request",
       "Transactions this initiator sent through the router"},
      {{"router"},
       "by_initiator.<initiator>.bytes_read",
       "byte",
       "Bytes this initiator read through the router"},
      {{"router"},
       "by_initiator.<initiator>.bytes_written",
       "byte",
       "Bytes this initiator wrote through the router"},
      {{"router"},
       "by_initiator.<initiator>.latency_avg_ns",
       "ns",
       "Mean time from a transaction entering the router to its response leaving it (target time included)"},
      {{"router"}, "by_initiator.<initiator>.latency_p99_ns", "ns", "99th percentile of that router latency"},
      {{"router"},
       "by_initiator.<initiator>.queueing_delay_avg_ns",
       "ns",
       "Mean time a transaction waited for its output port (arbitration and rate caps) before being "
       "forwarded"},
      {{"router"},
       "by_initiator.<initiator>.busy_share",
       "fraction",
       "Its share of the busy time of the ports it used (of their bytes when bandwidth is unlimited)"},

      // tlm/core/protocol_checker.cpp
      {{"protocol_checker"},
       "transactions",
       "transaction",
       "Transactions seen on this hop (b_transport calls and BEGIN_REQ)"},
      {{"protocol_checker"},
       "violations",
       "violation",
       "TLM-2.0 base-protocol rule violations detected on this hop"},
      {{"protocol_checker"},
       "in_flight_at_end",
       "transaction",
       "Non-blocking transactions still open at the end of the run"},
      {{"protocol_checker"},
       "peak_in_flight",
       "transaction",
       "Largest number of transactions open at once on this hop"},

      // tlm/memory/memory_target.cpp (per-initiator counters of every memory target)
      {{"dram", "sram", "simple_memory"},
       "by_initiator.<initiator>.requests",
       "request",
       "Transactions this memory served for the initiator"},
      {{"dram", "sram", "simple_memory"},
       "by_initiator.<initiator>.bytes_read",
       "byte",
       "Bytes the initiator read from this memory"},
      {{"dram", "sram", "simple_memory"},
       "by_initiator.<initiator>.bytes_written",
       "byte",
       "Bytes the initiator wrote to this memory"},
      {{"dram", "sram", "simple_memory"},
       "by_initiator.<initiator>.latency_avg_ns",
       "ns",
       "Mean time from a transaction's arrival at the memory to its completion"},
      {{"dram", "sram", "simple_memory"},
       "by_initiator.<initiator>.latency_p99_ns",
       "ns",
       "99th percentile of that memory latency"},
      {{"dram", "sram", "simple_memory"},
       "by_initiator.<initiator>.queueing_delay_avg_ns",
       "ns",
       "Mean time a transaction waited in the memory before being served (scheduler decision or bus free)"},
      {{"dram"},
       "by_initiator.<initiator>.row_hits",
       "request",
       "The initiator's bursts that found their row open"},
      {{"dram"},
       "by_initiator.<initiator>.row_misses",
       "request",
       "The initiator's bursts that found their bank closed"},
      {{"dram"},
       "by_initiator.<initiator>.row_conflicts",
       "request",
       "The initiator's bursts that found another row open (precharge first)"},
      {{"dram", "simple_memory"},
       "by_initiator.<initiator>.data_bus_busy_share",
       "fraction",
       "The initiator's share of the data-bus time of all initiators' transfers"},

      // tlm/memory/dram_target.cpp, models/memory/dram_channel.cpp
      {{"dram"}, "ch<n>.reads", "burst", "Read bursts channel <n> served"},
      {{"dram"}, "ch<n>.writes", "burst", "Write bursts channel <n> served"},
      {{"dram"}, "ch<n>.activates", "command", "ACT commands channel <n> issued"},
      {{"dram"}, "ch<n>.precharges", "command", "PRE commands channel <n> issued"},
      {{"dram"}, "ch<n>.refreshes", "command", "REF commands channel <n> issued"},
      {{"dram"}, "ch<n>.row_hits", "request", "Bursts of channel <n> that found their row open"},
      {{"dram"}, "ch<n>.row_misses", "request", "Bursts of channel <n> that found their bank closed"},
      {{"dram"}, "ch<n>.row_conflicts", "request", "Bursts of channel <n> that found another row open"},
      {{"dram"},
       "ch<n>.bandwidth_gbps",
       "GB/s",
       "Channel <n>'s bytes read and written / the memory's last completion time (average over the run)"},
      {{"dram"},
       "ch<n>.bank<n>.reads",
       "burst",
       "Read bursts this bank served (banks with no traffic omitted)"},
      {{"dram"}, "ch<n>.bank<n>.writes", "burst", "Write bursts this bank served"},
      {{"dram"}, "ch<n>.bank<n>.activates", "command", "ACT commands to this bank"},
      {{"dram"}, "ch<n>.bank<n>.row_hits", "request", "Bursts of this bank that found their row open"},
      {{"dram"}, "reads", "burst", "Read bursts, all channels"},
      {{"dram"}, "writes", "burst", "Write bursts, all channels"},
      {{"dram"}, "activates", "command", "ACT commands, all channels"},
      {{"dram"}, "precharges", "command", "PRE commands, all channels"},
      {{"dram"}, "refreshes", "command", "REF commands, all channels"},
      {{"dram"}, "row_hits", "request", "Bursts that found their row open, all channels"},
      {{"dram"}, "row_misses", "request", "Bursts that found their bank closed, all channels"},
      {{"dram"}, "row_conflicts", "request", "Bursts that found another row open, all channels"},
      {{"dram"},
       "reads_forwarded_from_write_queue",
       "request",
       "Reads served from a queued write of the same burst (AT; no DRAM command, not in reads); "
       "reported when not zero"},
      {{"dram"}, "bytes_read", "byte", "Bytes of the read transactions this DRAM served"},
      {{"dram"}, "bytes_written", "byte", "Bytes of the write transactions this DRAM served"},
      {{"dram"},
       "avg_latency_ns",
       "ns",
       "Mean burst latency: arrival at the channel controller to the end of its data"},
      {{"dram"}, "max_latency_ns", "ns", "Largest burst latency of any channel"},
      {{"dram"},
       "p99_latency_ns_max_over_channels",
       "ns",
       "The largest of the channels' 99th-percentile burst latencies"},
      {{"dram"},
       "peak_bandwidth_gbps",
       "GB/s",
       "Peak data bandwidth of the preset: all channels' data buses busy"},

      // tlm/memory/sram_target.cpp, models/memory/sram_model.cpp
      {{"sram"}, "capacity_bytes", "byte", "Capacity of the SRAM"},
      {{"sram"}, "banks", "bank", "Banks of the SRAM"},
      {{"sram"}, "read_requests", "request", "Read transactions served"},
      {{"sram"}, "write_requests", "request", "Write transactions served"},
      {{"sram"},
       "read_words",
       "word",
       "Bank words read: each transaction reads the words it covers in every bank it spans"},
      {{"sram"}, "write_words", "word", "Words written to the banks"},
      {{"sram"}, "bytes_read", "byte", "Bytes of the read transactions served"},
      {{"sram"}, "bytes_written", "byte", "Bytes of the write transactions served"},
      {{"sram"},
       "bank_conflict_cycles",
       "cycle",
       "SRAM cycles requests waited for a busy bank (last bank access - arrival, summed)"},
      {{"sram"}, "conflicted_requests", "request", "Requests that waited for a busy bank at least one cycle"},
      {{"sram"},
       "error_responses",
       "request",
       "Transactions refused (address out of range, byte enables, bad command)"},
      {{"sram"}, "bank<n>.words", "word", "Words bank <n> read and wrote (banks never touched omitted)"},
      {{"sram"},
       "end_ns",
       "ns",
       "The later of the simulated end time and the last request's completion: the span leakage is charged "
       "over"},

      // tlm/memory/simple_memory.cpp (the "ideal" and fixed-latency memory)
      {{"simple_memory"}, "read_requests", "request", "Read transactions served"},
      {{"simple_memory"}, "write_requests", "request", "Write transactions served"},
      {{"simple_memory"}, "bytes_read", "byte", "Bytes of the read transactions served"},
      {{"simple_memory"}, "bytes_written", "byte", "Bytes of the write transactions served"},
      {{"simple_memory"},
       "bus_busy_ns",
       "ns",
       "Time the data bus was occupied: sum of bytes / bandwidth (0 if unlimited)"},
      {{"simple_memory"},
       "avg_latency_ns",
       "ns",
       "Mean time from a transaction's arrival to its completion (bus wait + transfer + fixed latency)"},
      {{"simple_memory"},
       "pages_touched",
       "page",
       "Pages the sparse backing store allocated (host memory held for the simulated contents)"},

      // tlm/memory/reram_pim_target.cpp, models/memory/reram_crossbar.cpp
      {{"reram_pim"}, "pim_commands", "command", "In-memory pruning commands executed"},
      {{"reram_pim"},
       "refused_commands",
       "command",
       "Transactions on the PIM socket refused for lack of a command extension"},
      {{"reram_pim"},
       "threshold_steps",
       "query",
       "Query rows scored against the stored keys in the crossbars and thresholded (one per query)"},
      {{"reram_pim"},
       "transposed_keys",
       "key",
       "Kept keys read back through the transposed (column) read path"},
      {{"reram_pim"}, "bytes_written", "byte", "Bytes programmed into the ReRAM cells by timed writes"},
  };
  return t;
}

std::size_t literal_chars(const std::string& pattern) {
  std::size_t n = 0;
  bool in = false;
  for (char c : pattern) {
    if (c == '<') in = true;
    if (!in) ++n;
    if (c == '>') in = false;
  }
  return n;
}

bool match_from(const std::string& p, std::size_t pi, const std::string& s, std::size_t si) {
  if (pi == p.size()) return si == s.size();
  if (p[pi] != '<') return si < s.size() && p[pi] == s[si] && match_from(p, pi + 1, s, si + 1);
  const std::size_t close = p.find('>', pi);
  if (close == std::string::npos) return false;
  const bool digits = p.compare(pi, close - pi + 1, "<n>") == 0;
  for (std::size_t end = si + 1; end <= s.size(); ++end) {  // one or more characters
    if (digits && !std::isdigit(static_cast<unsigned char>(s[end - 1]))) return false;
    if (match_from(p, close + 1, s, end)) return true;
  }
  return false;
}

const StatDescription* find_in(const std::string& kind, const std::string& name) {
  const StatDescription* best = nullptr;
  std::size_t best_literal = 0;
  for (const StatDescription& d : table()) {
    if (std::find(d.kinds.begin(), d.kinds.end(), kind) == d.kinds.end()) continue;
    if (d.name == name) return &d;
    if (d.name.find('<') == std::string::npos || !stat_name_matches(d.name, name)) continue;
    const std::size_t lit = literal_chars(d.name);
    if (best == nullptr || lit > best_literal) {
      best = &d;
      best_literal = lit;
    }
  }
  return best;
}

}  // namespace

const std::vector<StatDescription>& stat_descriptions() { return table(); }

const std::vector<std::string>& stat_kinds() {
  static const std::vector<std::string> kinds = {"accelerator",      "host",      "router",
                                                 "protocol_checker", "dram",      "sram",
                                                 "simple_memory",    "reram_pim", "any"};
  return kinds;
}

bool stat_name_matches(const std::string& pattern, const std::string& name) {
  return match_from(pattern, 0, name, 0);
}

const StatDescription* find_stat_description(const std::string& kind, const std::string& name) {
  if (const StatDescription* d = find_in(kind, name)) return d;
  return kind == "any" ? nullptr : find_in("any", name);
}

std::string stat_descriptions_markdown() {
  std::ostringstream out;
  out << "<!-- generated by `savp list stats` from tlm/core/stat_descriptions.cpp -->\n";
  out << "Every stat under `components` in stats.json is `{\"value\": v, \"unit\": u, \"desc\": d}`. "
         "In a name, `<n>` is a number and any other `<word>` a name (component, window, initiator, "
         "phase).\n";
  for (const std::string& kind : stat_kinds()) {
    out << "\n### " << kind << "\n\n| stat | unit | description |\n|---|---|---|\n";
    for (const StatDescription& d : table()) {
      if (std::find(d.kinds.begin(), d.kinds.end(), kind) == d.kinds.end()) continue;
      std::string desc;  // "<phase>" would be an HTML tag in markdown: a code span, readable as text too
      for (char c : d.desc)
        desc += c == '<' ? std::string("`<") : c == '>' ? std::string(">`") : std::string(1, c);
      out << "| `" << d.name << "` | " << d.unit << " | " << desc << " |\n";
    }
  }
  return out.str();
}

}  // namespace savp::sc
