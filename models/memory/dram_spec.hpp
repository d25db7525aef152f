// DramSpec: one DRAM configuration (a JSON preset under scenarios/memory/presets/ with
// "kind": "dram"): geometry (channels, ranks, bank groups, banks, rows, columns, bus width, burst
// length, data rate), JEDEC timing in DRAM clock cycles, energy per action with sources, address
// mapping as a bit-field order and the page policy. Validation refuses inconsistent geometry and
// timing that violates JEDEC relations, naming the JSON path.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/common/json_reader.hpp"

namespace savp::memory {

struct DramGeometry {
  std::uint32_t channels = 1;
  std::uint32_t ranks = 1;
  std::uint32_t bank_groups = 4;
  std::uint32_t banks_per_group = 4;
  std::uint32_t rows = 32768;
  std::uint32_t columns = 1024;       // per row, in bus-width units
  std::uint32_t bus_width_bits = 64;  // per channel
  std::uint32_t burst_length = 8;     // beats per burst
  std::uint32_t data_rate = 2;        // beats per clock (DDR = 2)

  std::uint32_t banks() const { return bank_groups * banks_per_group; }
  std::uint64_t burst_bytes() const { return std::uint64_t{bus_width_bits} / 8 * burst_length; }
  std::uint64_t row_bytes() const { return std::uint64_t{bus_width_bits} / 8 * columns; }
  std::uint32_t burst_cycles() const { return burst_length / data_rate; }  // data-bus cycles per burst
  std::uint64_t capacity_bytes() const {
    return std::uint64_t{channels} * ranks * banks() * rows * row_bytes();
  }
};

// JEDEC timing constraints in DRAM clock cycles (tCK).
struct DramTiming {
  double tck_ns = 1.0;
  std::uint32_t RCD_RD = 14, RCD_WR = 14;  // ACT to RD / WR
  std::uint32_t RP = 14;                   // PRE to ACT (same bank)
  std::uint32_t RAS = 33;                  // ACT to PRE (same bank)
  std::uint32_t RC = 47;                   // ACT to ACT (same bank)
  std::uint32_t RL = 14;                   // RD to first data (CL)
  std::uint32_t WL = 12;                   // WR to first data (CWL)
  std::uint32_t CCD_S = 4, CCD_L = 6;      // column to column, other / same bank group
  std::uint32_t RRD_S = 4, RRD_L = 6;      // ACT to ACT, other / same bank group
  std::uint32_t FAW = 26;                  // window holding at most four ACTs (per rank)
  std::uint32_t WR = 15;                   // end of write data to PRE
  std::uint32_t RTP = 8;                   // RD to PRE
  std::uint32_t WTR_S = 3, WTR_L = 9;      // end of write data to RD, other / same bank group
  std::uint32_t RTW = 2;                   // extra bus turnaround read -> write (beyond RL - WL + burst)
  std::uint32_t RFC = 313;                 // REF to next ACT (per rank)
  std::uint32_t REFI = 9360;               // average refresh interval
};

// Energy per action for one channel, each from a named source (see the preset's energy_source).
struct DramEnergy {
  double act_pre_pj = 0.0;                // one ACT + its PRE
  double read_pj_per_bit = 0.0;           // core + I/O + PHY, per bit read
  double write_pj_per_bit = 0.0;          // per bit written
  double refresh_pj = 0.0;                // one REF (all banks of a rank)
  double background_active_mw = 0.0;      // standby power while a bank is open
  double background_precharged_mw = 0.0;  // standby power while all banks are closed
};

enum class PagePolicy { Open, Closed };

// How a channel's queue (AT) picks the next request: FR-FCFS (row hits that can issue now first,
// oldest first), FCFS (arrival order: no request starts before an older one) or FR-FCFS with a cap
// (FR-FCFS, but once a bank has served `scheduler_cap` row hits in a row, its younger row hits no
// longer overtake an older request to another row of that bank).
enum class DramScheduler { FrFcfs, Fcfs, FrFcfsCap };

struct DramSpec {
  std::string name;
  std::string description;
  DramGeometry geometry;
  DramTiming timing;
  DramEnergy energy;
  std::string energy_source;
  std::string timing_source;
  std::string controller_source;  // where the queue depths and write watermarks come from
  // Bit-field order of the address, most significant first, from the fields Ro (row), Bg (bank
  // group), Ba (bank in group), Ra (rank), Co (column, in bursts), Ch (channel); the byte offset
  // inside a burst is below them all. Named presets: "RoBaRaCoCh" (= RoBgBaRaCoCh),
  // "RoRaBaChCo" (= RoRaBgBaChCo), "RoCoBaRaCh" (= RoCoBgBaRaCh), "RoRaChBgBaCo".
  std::string mapping = "RoBaRaCoCh";
  PagePolicy page_policy = PagePolicy::Open;
  std::uint32_t queue_depth = 32;  // read queue per channel; a full queue back-pressures initiators (AT)
  // Write queue per channel (AT), drained between watermarks: once it holds write_high_watermark
  // writes the channel issues only writes until it holds write_low_watermark; below, writes go
  // only while no read is queued. Defaults from gem5's memory controller (src/mem/MemCtrl.py:
  // write_buffer_size 64, write_high_thresh_perc 85, write_low_thresh_perc 50): 64, 54, 32. A
  // depth given without watermarks takes 85 % and 50 % of it (rounded down, high >= 1, low < high).
  std::uint32_t write_queue_depth = 64;
  std::uint32_t write_high_watermark = 54;
  std::uint32_t write_low_watermark = 32;
  // When a request's queue slot frees (AT): when its column command issues ("column_command", the
  // default: a controller's ACT that waits for tRRD / tFAW keeps its request in the queue, so fewer
  // requests are in flight) or at the decision that places its commands ("decision", the model
  // before 2026-12-07: more in flight, latency under full load 14-25 % above a reference controller).
  bool slot_until_column = true;
  DramScheduler scheduler = DramScheduler::FrFcfs;
  std::uint32_t scheduler_cap = 4;  // fr_fcfs_cap: consecutive row hits per bank before the oldest

  // channels x bus bytes x data rate / tCK, in GB/s.
  double peak_bandwidth_gbps() const;
  // The mapping with Bg inserted before Ba where a named preset omits it.
  std::string expanded_mapping() const;

  // Parses the fields of a "kind": "dram" memory object (preset merged with scenario overrides by
  // MemorySpec). Throws InputError with the JSON path on inconsistent geometry (non power-of-two
  // fields the mapping needs, burst_length not a multiple of data_rate, ...) and on timing that
  // violates JEDEC relations (tRC < tRAS + tRP, tRAS < tRCD, tCCD_L < tCCD_S, tRRD_L < tRRD_S,
  // tREFI <= tRFC, ...).
  // Geometry, "timing" and "energy" keys are required; name, description, the sources, mapping,
  // page_policy, queue_depth, scheduler ("fr_fcfs" | "fcfs" | "fr_fcfs_cap"), scheduler_cap (only
  // with fr_fcfs_cap), write_queue_depth, write_high_watermark and write_low_watermark (low < high
  // <= depth), queue_slot_release ("decision" | "column_command") and controller_source are
  // optional. The nested timing and energy objects refuse unknown
  // keys; the memory object itself is left to MemorySpec (which also reads kind, preset, size_mib).
  static DramSpec parse(common::JsonNode node);
  // The top-level keys parse() reads, for MemorySpec to accept() before its own finish() (parse
  // takes the node by value, so the keys it reads are not marked on the caller's node).
  static const std::vector<std::string>& json_keys();
};

}  // namespace savp::memory
