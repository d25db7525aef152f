// SramSpec / SramModel: one on-chip SRAM macro (an engine's buffer or scratchpad) as a pure C++
// timing and counting core, at word/cycle abstraction.
//
// Structure: capacity_bytes split into `banks` banks (a power of two), each with `ports` ports (1 or
// 2), accessed `word_bytes` (a power of two) at a time. Banks are word-interleaved by default
// (bank = (addr / word_bytes) % banks) or block-interleaved (bank = addr / (capacity / banks)).
//
// Timing: a request of `bytes` at `addr` touches every word that overlaps [addr, addr + bytes)
// (a partial word costs a full word access). Each word occupies one port of its bank for one cycle,
// so a bank serves at most `ports` words per cycle and words beyond that wait (bank conflicts). The
// request completes `latency_cycles` after the cycle its last word is accessed:
//     completion = arrival + conflict_cycles + latency_cycles,
// where conflict_cycles = (cycle of the last word access) - arrival. Two timing variants:
//  - access(): ports are shared with every earlier request (their port reservations persist), so
//    requests from different callers in flight together conflict (AT);
//  - access_immediate(): only the request's own words compete for the ports (LT: no queueing
//    between callers), but every word is counted the same way.
// Words of one request are placed in address order, each on the port of its bank that frees first
// (first come, first served; a request arriving while ports are reserved by earlier requests waits
// behind them).
//
// Energy (counts x prices, DESIGN principle 3): one action per word, read_word and write_word.
// The price per word is EnergyTable::sram_pj_per_64b(capacity_bytes, write) (the table's CACTI-style
// log-log interpolation in capacity between sourced anchors: Horowitz ISSCC 2014 8 KB, Accelergy
// 40 nm 256 KB) scaled linearly by word_bytes / 8: a W-byte word access is priced as W/8 64-bit
// accesses of a macro of the whole capacity (bit-line and sense-amplifier energy grow with the bits
// read per access; the anchors are per 64-bit access). Area and leakage (hardware()) come from the
// table's per-bit SRAM figures x capacity, the periphery's share growing with the bank count
// (EnergyTable::sram_hw(capacity, banks)); a sourced leakage_mw_per_kib in the spec replaces the
// table's leakage (as given: per KiB, whatever the banks). Static energy = leakage x powered time is charged
// by the report over the whole run (not an action here).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/common/energy_table.hpp"
#include "models/common/json_reader.hpp"

namespace savp::memory {

enum class SramInterleave { Word, Block };

struct SramSpec {
  std::string name = "sram";
  std::string description;
  std::uint64_t capacity_bytes = 64 * 1024;
  std::uint32_t banks = 1;           // power of two
  std::uint32_t ports = 1;           // per bank: 1 or 2
  std::uint32_t word_bytes = 8;      // access width, power of two
  std::uint32_t latency_cycles = 1;  // from the cycle a word is accessed to its data (>= 1)
  double clock_mhz = 1000.0;
  SramInterleave interleave = SramInterleave::Word;
  double leakage_mw_per_kib = 0.0;  // 0: the energy table's per-bit SRAM leakage
  std::string leakage_source = kTableLeakageSource;

  static constexpr const char* kTableLeakageSource =
      "the energy table's sram.leakage_nw_per_bit x capacity (unless a sourced leakage_mw_per_kib is given)";

  // Keys: kind ("sram", optional), name, description, capacity_bytes (required), banks, ports,
  // word_bytes, latency_cycles, clock_mhz, interleave ("word" | "block"), leakage_mw_per_kib,
  // leakage_source (required when leakage_mw_per_kib > 0). Unknown keys are refused; every error
  // names the file and the JSON path of the offending value.
  static SramSpec parse(common::JsonNode node);
  // The platform's shared SRAM (platform.sram): size_kib (required; capacity = size_kib x 1024),
  // banks, ports, word_bytes, latency_cycles, clock_mhz, leakage_mw_per_kib and leakage_source, as
  // parse() checks them; word-interleaved, named "sram". Unknown keys are refused.
  static SramSpec parse_platform(common::JsonNode node);
  // The largest platform.sram size_kib (its address window is 4 GiB).
  static constexpr std::int64_t kMaxPlatformKib = std::int64_t{1} << 22;

  double cycle_ns() const { return 1000.0 / clock_mhz; }
  std::uint64_t bank_bytes() const { return capacity_bytes / banks; }
  double leakage_mw() const { return leakage_mw_per_kib * static_cast<double>(capacity_bytes) / 1024.0; }
};

struct SramCounters {
  std::uint64_t read_requests = 0, write_requests = 0;
  std::uint64_t read_words = 0, write_words = 0;    // word accesses (the priced actions)
  std::uint64_t bytes_read = 0, bytes_written = 0;  // bytes requested
  std::uint64_t conflict_cycles = 0;                // sum over requests of cycles lost to bank conflicts
  std::uint64_t conflicted_requests = 0;            // requests that lost at least one cycle
  std::uint64_t last_completion_cycle = 0;
  std::vector<std::uint64_t> bank_words;  // word accesses per bank
};

class SramModel {
 public:
  // Prices from the energy table's SRAM anchors (see the header comment for the rule).
  SramModel(SramSpec spec, const common::EnergyTable& energy);
  // Explicit prices per word access (pJ), e.g. for a table without SRAM anchors in a test.
  SramModel(SramSpec spec, double read_pj_per_word, double write_pj_per_word);

  const SramSpec& spec() const { return spec_; }

  std::uint32_t bank_of(std::uint64_t addr) const;
  // Words touched by [addr, addr + bytes).
  std::uint64_t words_of(std::uint64_t addr, std::uint64_t bytes) const;
  // Cycles the request's own words need on the ports of its busiest bank (at least 1): what it
  // takes with no other request in flight (access_immediate() charges exactly this).
  std::uint64_t own_cycles(std::uint64_t addr, std::uint64_t bytes) const;

  // Timed access with ports shared across requests (AT). Returns the completion cycle. Throws
  // std::out_of_range when [addr, addr + bytes) is empty or not inside the capacity.
  std::uint64_t access(std::uint64_t addr, std::uint32_t bytes, bool write, std::uint64_t arrival_cycle);
  // Access in which only the request's own words conflict (LT); counts as access() does.
  std::uint64_t access_immediate(std::uint64_t addr, std::uint32_t bytes, bool write,
                                 std::uint64_t arrival_cycle);

  const SramCounters& counters() const { return counters_; }

  double read_pj_per_word() const { return read_pj_; }
  double write_pj_per_word() const { return write_pj_; }
  // Area and leakage of the macro (see the header comment).
  const common::HardwareCost& hardware() const { return hardware_; }
  double leakage_mw() const { return hardware_.leakage_mw(); }
  // Leakage energy over [0, end_ns): power x time (mW x ns = pJ).
  double leakage_pj(double end_ns) const { return leakage_mw() * end_ns; }
  double dynamic_pj() const;
  // Priced actions: read_word, write_word (unit "word").
  common::ActionLedger actions() const;

 private:
  // Calls fn(bank, words) for every bank that [addr, addr + bytes) touches, after checking the range.
  template <typename Fn>
  void for_each_bank(std::uint64_t addr, std::uint64_t bytes, Fn&& fn) const;
  std::uint64_t account(std::uint32_t bytes, bool write, std::uint64_t arrival, std::uint64_t last_access);

  SramSpec spec_;
  double read_pj_ = 0.0, write_pj_ = 0.0;
  common::HardwareCost hardware_;
  std::uint32_t word_shift_ = 0;
  // Per bank and port: the first cycle the port is free (access()).
  std::vector<std::uint64_t> port_free_;
  SramCounters counters_;
};

}  // namespace savp::memory
