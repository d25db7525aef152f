// MemoryEstimate: the memory a scenario will need, worked out from the scenario alone before
// anything large is allocated (before the plan lists its jobs, before .npy files are read), so a
// typo such as seq_len 1e9 or a million heads is refused in milliseconds instead of ending in an
// out-of-memory kill. The estimate adds the dominant allocations of one run: the process itself,
// the operands of the job in flight as the host generates, packs and checks them (doubles, bus
// format, reference, read-back), the bytes the memory model stores (sparse pages: only what the
// host and the engine touch), the engine's own copies and schedules, .npy inputs, traffic request
// lists, trace events and the per-job statistics. It is an estimate, not a bound; the README
// compares it with the measured peak RSS of the shipped scenarios.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tlm/platform/scenario.hpp"

namespace savp::tb {

struct MemoryEstimate {
  std::vector<std::pair<std::string, double>> items;  // what, bytes
  double total() const;
  std::string describe() const;  // the largest items, for the refusal message
};

MemoryEstimate estimate_memory(const sc::Scenario& scenario);

// The size of a file, 0 when it cannot be read (the loader reports that later).
double file_bytes(const std::string& path);

// Default limit: 80 % of the physical memory (or of the cgroup's limit when that is lower).
std::uint64_t default_memory_limit();

// Throws common::InputError (exit 2) with the estimate, the limit and how to raise it when the
// estimate exceeds the limit; the same for the scenario's baseline run (naming outputs.baseline).
void check_memory(const sc::Scenario& scenario, std::uint64_t limit_bytes);

}  // namespace savp::tb
