// HostDriver: the host CPU of the testbench. For every planned job it generates (or loads) the
// operands, loads them into main memory in the engine's number format through the TLM debug
// interface (a backdoor loader: zero simulated time, not counted as engine traffic), writes the job
// descriptor, programs the accelerator's CSRs with b_transport (descriptor address, doorbell),
// waits for the interrupt, acknowledges it, reads the output back and hands it with a
// double-precision reference to the scoreboard. Stops the simulation after the last job. With
// workload numerics "off" it writes only the descriptor and the engine's control data (global-token
// list, job block) and marks the job timing-only: no operands, reference or read-back.
#pragma once

#include <systemc>
#include <tlm>

#include <functional>
#include <limits>
#include <vector>

#include "models/common/accuracy.hpp"
#include "testbenches/savp/job_plan.hpp"
#include "tlm/core/initiator_port.hpp"

namespace savp::tb {

struct JobResult {
  JobSlot slot;
  common::Accuracy accuracy;
  bool passed = false;
  // Why the job failed when its host knows a reason beyond the status and the tolerance (stats.json
  // jobs[].failure, the exit message); empty otherwise.
  std::string failure;
  bool data_checked = false;  // traffic jobs: bytes checked instead of numerics
  bool timing_only = false;   // workload numerics "off": no output computed or checked
  bool data_ok = false;
  std::uint64_t status = 0;
  // Pruning engines: the output error of each layer against the exact reference, the fraction of
  // the reference's attention probability mass on the tokens kept, how often the reference's top-1
  // key was kept (negative: not measured).
  std::vector<double> layer_rel_l2;
  double mass_kept = -1, top1_kept = -1;
  // Engines with an approximate path (SPRINT without its digital recompute): that output's error.
  bool has_no_recompute = false;
  common::Accuracy accuracy_no_recompute;
  // Which of the accelerator's job records this job made (HostHooks::record_index), else max.
  std::size_t record = std::numeric_limits<std::size_t>::max();
};

// Packs a matrix in a bus format; INT uses a per-tensor symmetric scale, returned.
std::vector<std::uint8_t> pack_matrix(const common::MatrixD& m, common::ElemFormat fmt, int bits, double& scale);

// Writes the descriptor at desc_addr through the debug interface, programs the accelerator's CSRs at
// csr_base (descriptor address, doorbell), waits for its interrupt and acknowledges it; returns STATUS.
std::uint64_t kick_and_wait(sc::InitiatorPort& port, std::uint64_t csr_base, std::uint64_t desc_addr,
                            const common::JobDescriptor& d, const sc_core::sc_in<bool>& irq);

// How a host that runs one of several tasks fits beside the others (TaskRunner); a host without
// hooks runs its plan's jobs at once and stops the simulation after the last.
struct HostHooks {
  std::function<void()> wait_start;           // before the first job: the task's start condition
  std::function<bool(JobSlot&)> next_job;     // the next job of the task's queue; false when none is left
  std::function<std::size_t()> record_index;  // the accelerator's job-record count before a job starts
  std::function<void()> finished;             // after the last job (or an error)
};

class HostDriver : public sc_core::sc_module {
 public:
  tlm::tlm_initiator_socket<> init_socket;
  sc_core::sc_vector<sc_core::sc_in<bool>> irq;

  SC_HAS_PROCESS(HostDriver);
  HostDriver(sc_core::sc_module_name name, const sc::Scenario& scenario, const JobPlan& plan,
             std::uint64_t csr_base_0, std::uint64_t csr_stride, HostHooks hooks = {});

  const std::vector<JobResult>& results() const { return results_; }
  const common::AccuracyAccumulator& overall() const { return overall_; }
  const common::AccuracyAccumulator& overall_no_recompute() const { return overall_no_recompute_; }
  const std::string& error() const { return error_; }
  const sc::InitiatorPort& port() const { return port_; }

  // The host flows of the engine types (EngineFlow::run_job): one job each.
  void run_compute_job(const JobSlot& slot);  // attention or GEMM, on the shared plan
  void run_traffic_job(const JobSlot& slot);  // traffic_host.cpp
  void run_spatten_job(const JobSlot& slot);  // spatten_host.cpp
  void run_sprint_job(const JobSlot& slot);   // sprint_host.cpp
  void run_chela_job(const JobSlot& slot);    // chela_host.cpp

 private:
  void run();
  void run_job(const JobSlot& slot);  // by the flow of the workload's accelerator type
  // Q, K, V of one head: from the .npy files when the workload names them, else generated with seed.
  common::QkvData head_qkv(std::uint64_t index, std::uint64_t seed) const;
  // Writes the descriptor, rings the doorbell, waits for the IRQ, acknowledges it; returns STATUS.
  std::uint64_t kick_and_wait(const common::JobDescriptor& d);

  const sc::Scenario& scenario_;
  const JobPlan& plan_;
  std::uint64_t csr_base_;
  sc::InitiatorPort port_;
  std::vector<JobResult> results_;
  common::AccuracyAccumulator overall_, overall_no_recompute_;
  std::string error_;
  HostHooks hooks_;
};

}  // namespace savp::tb
