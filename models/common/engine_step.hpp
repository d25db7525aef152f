// EngineStep / EngineCore: the contract between an engine's pure C++ core and the SystemC module
// that runs it. The core answers "what next?" with a step: memory reads into its buffers, a compute
// duration in engine cycles, and the writes its compute produced. The module moves the bytes over
// TLM, advances time, and hands the data back (reads_done) before issuing the writes. Cores never
// see SystemC; RTL co-simulation testbenches can drive the same cores.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/common/energy_table.hpp"
#include "models/common/job_descriptor.hpp"
#include "models/common/pim_command.hpp"

namespace savp::common {

struct MemTransfer {
  std::uint64_t addr = 0;
  std::uint64_t bytes = 0;
  std::uint8_t* dst = nullptr;        // reads: where the core wants the bytes
  const std::uint8_t* src = nullptr;  // writes: the bytes the core produced
};

struct EngineStep {
  std::string phase;                 // per-phase cycle accounting and trace name
  std::vector<PimCommand> pim;       // processing-in-memory commands, run in order before the reads
  std::vector<MemTransfer> reads;    // issued before the compute
  std::uint64_t compute_cycles = 0;  // engine cycles once the reads have arrived
  std::vector<MemTransfer> writes;   // filled by reads_done(); issued after the compute
  // Diagnostics the host reads back (e.g. pruning decisions): written through the debug interface,
  // zero time, not engine traffic, like the host's own backdoor loads.
  std::vector<MemTransfer> debug_writes;
  // The reads target a double-buffered buffer: they may be issued while the previous step computes.
  bool prefetch = false;
  // With prefetch: how many steps ahead of the compute the reads may run (buffer slots - 1): the
  // reads start once the step `prefetch_depth` before this one has started computing (1: double
  // buffering; more when the buffer holds several steps' operands).
  std::uint32_t prefetch_depth = 1;
  // The reads depend on bytes earlier steps wrote (an engine's DRAM scratch): they start only once
  // every earlier write has completed.
  bool fence = false;
};

// Why a job of some shape cannot run on an engine (why empty when it can), and the workload or
// accelerator key at fault; the job plan turns it into an InputError naming the scenario path.
struct JobCheck {
  std::string key, why;
};

// One finished job's engine-specific statistics (tokens kept, utilisation, ...), as name -> value.
struct EngineJobStats {
  std::vector<std::pair<std::string, double>> values;
};

class EngineCore {
 public:
  virtual ~EngineCore() = default;
  virtual void start(const JobDescriptor& job) = 0;
  virtual bool next(EngineStep& step) = 0;  // false when the job is complete
  virtual void reads_done(EngineStep& step) = 0;
  virtual EngineJobStats job_stats() const = 0;
  // Priced action counts per sub-component ("array", "vector_unit", "input_buffer", ...).
  virtual std::vector<std::pair<std::string, ActionLedger>> actions() const = 0;
  // Area and leakage per sub-component, named as in actions(): the units the engine instantiates
  // (one unit of every kind a component prices, per lane or PE) x the energy table's unit costs.
  virtual std::vector<std::pair<std::string, HardwareCost>> hardware() const = 0;
  // How far the current job is, from its plan: the fraction of its planned steps done, in [0, 1];
  // -1 when the core cannot say (its plan is not known ahead). Read by the progress meter only:
  // never by the simulation.
  virtual double job_fraction_done() const { return -1.0; }
};

}  // namespace savp::common
