// Test harness: runs an EngineCore to completion against a BackingStore without SystemC (untimed),
// the way an RTL or model-only testbench would, and reports the traffic and cycles it asked for.
#pragma once

#include <map>
#include <string>

#include "models/common/engine_step.hpp"
#include "models/memory/backing_store.hpp"

namespace savp::test {

struct CoreRun {
  std::uint64_t bytes_read = 0, bytes_written = 0, compute_cycles = 0, steps = 0;
  std::map<std::string, std::uint64_t> phase_cycles;
};

inline CoreRun run_core(common::EngineCore& core, memory::BackingStore& mem, const common::JobDescriptor& d) {
  CoreRun r;
  core.start(d);
  common::EngineStep step;
  while (core.next(step)) {
    for (const auto& t : step.reads) {
      mem.read(t.addr, t.dst, t.bytes);
      r.bytes_read += t.bytes;
    }
    core.reads_done(step);
    r.compute_cycles += step.compute_cycles;
    r.phase_cycles[step.phase] += step.compute_cycles;
    for (const auto& t : step.writes) {
      mem.write(t.addr, t.src, t.bytes);
      r.bytes_written += t.bytes;
    }
    ++r.steps;
  }
  return r;
}

}  // namespace savp::test
