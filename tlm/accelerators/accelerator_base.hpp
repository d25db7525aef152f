// AcceleratorBase: the SystemC shell every engine shares. A CSR block on a target socket (the host
// writes the job-descriptor address and rings the doorbell), a DMA initiator socket to the shared
// memory, and an interrupt line. On a doorbell the module fetches the descriptor over the bus,
// hands it to its pure C++ EngineCore and runs the core's steps: reads through the initiator port,
// compute time in engine cycles, writes; double-buffered reads are prefetched while the previous
// step computes. Each job's latency, per-phase cycles and stats are recorded; the IRQ rises at the
// end and stays high until the host acknowledges it.
//
// CSR map (64-bit registers, byte offsets): 0x00 ID (RO, kIdValue), 0x08 DESC_ADDR (RW), 0x10 DOORBELL (WO,
// write 1 to start), 0x18 STATUS (RO: 0 idle, 1 busy, 2 done, 3 error), 0x20 IRQ_ACK (WO),
// 0x28 LAST_JOB_CYCLES (RO).
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/common/dma_spec.hpp"
#include "models/common/engine_step.hpp"
#include "models/common/power_gating.hpp"
#include "models/common/power_profile.hpp"
#include "tlm/core/initiator_port.hpp"
#include "tlm/core/stats_tree.hpp"
#include "tlm/core/trace_writer.hpp"

namespace savp::sc {

namespace csr {
constexpr std::uint64_t kId = 0x00, kDescAddr = 0x08, kDoorbell = 0x10, kStatus = 0x18, kIrqAck = 0x20,
                        kLastJobCycles = 0x28, kBlockBytes = 0x1000;
constexpr std::uint64_t kIdValue = 0x5341565000000001ull;  // "SAVP", register map version 1
constexpr std::uint64_t kStatusIdle = 0, kStatusBusy = 1, kStatusDone = 2, kStatusError = 3;
}  // namespace csr

struct JobRecord {
  sc_core::sc_time start, end;
  std::uint64_t cycles = 0;
  std::map<std::string, std::uint64_t> phase_cycles;  // compute cycles by phase
  // One accounting: cycles = sum of phase_cycles + stall_cycles, stall_cycles = sum of
  // stalls_by_cause, whose causes are disjoint: "descriptor_fetch" (before the first step),
  // "operand_reads" (the compute waiting for a step's reads; by phase in operand_read_stalls_by_phase)
  // and "write_drain" (after the last compute, until the last write completed).
  std::uint64_t stall_cycles = 0;
  std::map<std::string, std::uint64_t> stalls_by_cause;
  std::map<std::string, std::uint64_t>
      operand_read_stalls_by_phase;                 // sums to stalls_by_cause["operand_reads"]
  std::uint64_t bytes_read = 0, bytes_written = 0;  // DMA traffic of this job
  common::EngineJobStats engine;
  double engine_energy_pj = 0.0;                   // energy of the engine's actions in this job
  std::map<std::string, double> memory_energy_pj;  // what the hops charged this job's traffic
  std::string error;
};

struct AcceleratorTiming {
  TimingMode mode = TimingMode::LT;
  double clock_period_ns = 1.0;
  common::DmaSpec dma;
  // A streaming fetcher: a step's reads may be issued right behind the previous step's last
  // request instead of after its last response (LT; AT issues after the response, see README).
  bool stream_reads = false;
};

inline AcceleratorTiming accelerator_timing(double clock_period_ns, const common::DmaSpec& dma,
                                            TimingMode mode) {
  return AcceleratorTiming{mode, clock_period_ns, dma};
}

class AcceleratorBase : public sc_core::sc_module, public StatsSource {
 public:
  tlm_utils::simple_target_socket<AcceleratorBase> tgt_socket;  // CSRs
  tlm::tlm_initiator_socket<> init_socket;  // DMA to memory (bound to the dma port inside)
  sc_core::sc_out<bool> irq;

  SC_HAS_PROCESS(AcceleratorBase);
  AcceleratorBase(sc_core::sc_module_name name, std::string type, std::unique_ptr<common::EngineCore> core,
                  const AcceleratorTiming& timing);

  const std::string& type() const { return type_; }
  void limit_burst(std::uint32_t bytes) { dma_.limit_burst(bytes); }
  // The platform's initiator id of the DMA port (InitiatorExtension on every request).
  void set_initiator(std::uint32_t id) { dma_.set_initiator(id); }
  // Timeline output (trace.json): jobs, engine phases and DMA read windows on this engine's tracks.
  void set_trace(TraceWriter* trace);
  // Power over time (outputs.power): the engine's energy by sub-component ("<name>.<ledger>", as in
  // the statistics), each step's spread uniformly over its compute interval; what a job spends
  // outside its steps (at its start or after its last step) over the job's whole interval.
  void set_power(common::PowerProfile* power) { power_ = power; }
  // waves.vcd: the busy flag.
  const sc_core::sc_signal<bool>& busy() const { return busy_; }
  const std::vector<JobRecord>& jobs() const { return jobs_; }
  // The progress meter's view of the running job: the fraction of its planned steps done (0 when
  // idle or when the core cannot say). Never read by the simulation.
  double running_job_fraction() const {
    if (status_ != csr::kStatusBusy) return 0.0;
    const double f = core_->job_fraction_done();
    return f > 0.0 ? std::min(f, 1.0) : 0.0;
  }
  // Power gating (platform.accelerators[i].power_gating): on when break_even_ns > 0 (the energy
  // table's power_gating.break_even_cycles x this engine's clock period; models/common/power_gating.hpp).
  // The logic of every sub-component gates; the leakage of its state (SRAM buffers) stays powered.
  void set_power_gating(double break_even_ns) { break_even_ns_ = break_even_ns; }
  bool power_gated() const { return break_even_ns_ > 0.0; }
  // Its powered periods: its jobs' [start, end) merged across idle gaps <= the break-even time.
  common::GatingSchedule gating_schedule() const;
  // Energy of one wake-up of a sub-component: its gateable leakage x the break-even time (pJ).
  double wake_pj(const common::HardwareCost& hw) const;
  // Area and leakage by sub-component (the core's hardware() and the engine's DMA, "dma", set by the
  // platform from hardware_inventory's dma_hardware(); reported as "<name>.<sub>"). A power-gated
  // engine gates all of them, its DMA included.
  void set_dma_hardware(const common::HardwareCost& hw) { dma_hw_ = hw; }
  std::vector<std::pair<std::string, common::HardwareCost>> hardware() const;
  double clock_period_ns() const { return timing_.clock_period_ns; }
  void report_stats(StatsTree& tree) const override;

 protected:
  // Runs a step's processing-in-memory commands from `start`; returns when their results are in.
  // Engines without a PIM port refuse them.
  virtual sc_core::sc_time run_pim(std::vector<common::PimCommand>& commands, sc_core::sc_time start);

 private:
  void csr_b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  void run();
  void run_job(JobRecord& rec);
  void drive_irq();
  void write_thread();  // AT: issues each step's writes while the next step proceeds
  sc_core::sc_time flush_writes_lt(sc_core::sc_time write_free);  // LT: deferred writes, in order

  std::string type_;
  std::unique_ptr<common::EngineCore> core_;
  AcceleratorTiming timing_;
  sc_core::sc_time clk_;
  InitiatorPort dma_;
  struct PendingWrite {
    std::vector<common::MemTransfer> list;
    std::vector<std::vector<std::uint8_t>> data;  // copies: the core may reuse its buffers
    sc_core::sc_time start;
  };
  std::deque<PendingWrite> writes_;
  sc_core::sc_event writes_posted_, writes_drained_;
  bool write_busy_ = false;
  std::string write_error_;
  sc_core::sc_time write_free_;
  sc_core::sc_event doorbell_;
  bool irq_level_ = false;
  sc_core::sc_signal<bool> busy_{"busy"};
  TraceWriter* trace_ = nullptr;
  int trace_phases_ = 0, trace_jobs_ = 0, trace_dma_ = 0;
  common::PowerProfile* power_ = nullptr;
  std::map<std::string, std::pair<int, double>> power_last_;  // ledger -> (component id, energy recorded)
  // Puts each ledger's energy spent since the last call on [t0, t1).
  void record_power(const sc_core::sc_time& t0, const sc_core::sc_time& t1);
  sc_core::sc_event irq_update_;  // the IRQ line is driven by one process, whoever changes it
  std::uint64_t desc_addr_ = 0, status_ = csr::kStatusIdle, last_cycles_ = 0;
  std::vector<JobRecord> jobs_;
  double break_even_ns_ = 0.0;   // 0: not power-gated
  common::HardwareCost dma_hw_;  // the DMA's area and leakage (none: no DMA hardware)
};

}  // namespace savp::sc
