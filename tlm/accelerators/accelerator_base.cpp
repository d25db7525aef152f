#include "tlm/accelerators/accelerator_base.hpp"

#include <algorithm>
#include <cmath>

namespace savp::sc {

using sc_core::SC_NS;
using sc_core::sc_time;

AcceleratorBase::AcceleratorBase(sc_core::sc_module_name name, std::string type,
                                 std::unique_ptr<common::EngineCore> core, const AcceleratorTiming& timing)
    : sc_module(name),
      tgt_socket("tgt_socket"),
      init_socket("init_socket"),
      irq("irq"),
      type_(std::move(type)),
      core_(std::move(core)),
      timing_(timing),
      clk_(timing.clock_period_ns, SC_NS),
      dma_("dma", PortConfig{timing.dma.max_burst_bytes, timing.dma.outstanding,
                             sc_time(timing.clock_period_ns * timing.dma.issue_interval_cycles, SC_NS),
                             timing.mode, true}) {
  dma_.init_socket.bind(init_socket);
  if (timing.mode == TimingMode::AT) SC_THREAD(write_thread);
  tgt_socket.register_b_transport(this, &AcceleratorBase::csr_b_transport);
  SC_THREAD(run);
  SC_METHOD(drive_irq);
  sensitive << irq_update_;
  dont_initialize();
}

void AcceleratorBase::drive_irq() { irq.write(irq_level_); }

void AcceleratorBase::set_trace(TraceWriter* trace) {
  trace_ = trace;
  if (trace_ == nullptr) return;
  const std::string n = name();
  trace_jobs_ = trace_->track("engines", n + " jobs");
  trace_phases_ = trace_->track("engines", n + " compute");
  trace_dma_ = trace_->track("engines", n + " dma reads");
}

sc_time AcceleratorBase::flush_writes_lt(sc_time write_free) {
  while (!writes_.empty()) {
    write_free = dma_.transfer_all(true, writes_.front().list, std::max(write_free, writes_.front().start));
    writes_.pop_front();
  }
  return write_free;
}

void AcceleratorBase::write_thread() {
  for (;;) {
    while (writes_.empty()) sc_core::wait(writes_posted_);
    write_busy_ = true;
    PendingWrite w = std::move(writes_.front());
    writes_.pop_front();
    try {
      write_free_ = dma_.transfer_all(true, w.list, w.start);
    } catch (const std::exception& e) {
      write_error_ = e.what();
    }
    write_busy_ = false;
    writes_drained_.notify(sc_core::SC_ZERO_TIME);
  }
}

void AcceleratorBase::csr_b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
  const std::uint64_t off = trans.get_address();
  if (trans.get_data_length() != 8 || off % 8 != 0 || off >= csr::kBlockBytes) {
    trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  std::uint8_t* p = trans.get_data_ptr();
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  std::uint64_t out = 0;
  bool ok = true;
  if (trans.is_write()) {
    switch (off) {
      case csr::kDescAddr:
        desc_addr_ = v;
        break;
      case csr::kDoorbell:
        if (v == 1 && status_ != csr::kStatusBusy) {
          status_ = csr::kStatusBusy;
          doorbell_.notify(delay);
        }
        break;
      case csr::kIrqAck:
        irq_level_ = false;
        irq_update_.notify(delay);
        if (status_ == csr::kStatusDone) status_ = csr::kStatusIdle;
        break;
      default:
        ok = false;
    }
  } else {
    switch (off) {
      case csr::kId:
        out = csr::kIdValue;
        break;
      case csr::kDescAddr:
        out = desc_addr_;
        break;
      case csr::kStatus:
        out = status_;
        break;
      case csr::kLastJobCycles:
        out = last_cycles_;
        break;
      default:
        ok = false;
    }
    for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(out >> (8 * i));
  }
  delay += clk_;  // one engine cycle per register access
  trans.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

void AcceleratorBase::run() {
  for (;;) {
    sc_core::wait(doorbell_);
    JobRecord rec;
    rec.start = sc_core::sc_time_stamp();
    busy_.write(true);
    try {
      run_job(rec);
      status_ = csr::kStatusDone;
    } catch (const std::exception& e) {
      rec.error = e.what();
      status_ = csr::kStatusError;
    }
    rec.end = sc_core::sc_time_stamp();
    rec.cycles = static_cast<std::uint64_t>(std::llround((rec.end - rec.start) / clk_));
    last_cycles_ = rec.cycles;
    busy_.write(false);
    if (trace_ != nullptr) {
      trace_->complete(trace_jobs_, "job " + std::to_string(jobs_.size()), rec.start.to_seconds() * 1e9,
                       (rec.end - rec.start).to_seconds() * 1e9, {{"cycles", rec.cycles}});
    }
    jobs_.push_back(std::move(rec));
    irq_level_ = true;
    irq_update_.notify(sc_core::SC_ZERO_TIME);
  }
}

namespace {
double ledger_energy(const std::vector<std::pair<std::string, common::ActionLedger>>& all) {
  double e = 0.0;
  for (const auto& [sub, ledger] : all) {
    for (const auto& [a, p] : ledger) e += p.energy_pj();
  }
  return e;
}
}  // namespace

void AcceleratorBase::record_power(const sc_time& t0, const sc_time& t1) {
  for (const auto& [sub, ledger] : core_->actions()) {
    double pj = 0.0;
    for (const auto& [a, p] : ledger) pj += p.energy_pj();
    auto it = power_last_.find(sub);
    if (it == power_last_.end()) {
      const int id = power_->component(std::string(name()) + "." + sub);
      it = power_last_.emplace(sub, std::make_pair(id, 0.0)).first;
    }
    if (pj == it->second.second) continue;
    power_->add_over(it->second.first, t0.to_seconds() * 1e9, t1.to_seconds() * 1e9, pj - it->second.second);
    it->second.second = pj;
  }
}

sc_time AcceleratorBase::run_pim(std::vector<common::PimCommand>& commands, sc_time start) {
  if (!commands.empty())
    throw BusError(std::string(name()) + ": processing-in-memory command without a PIM port");
  return start;
}

void AcceleratorBase::run_job(JobRecord& rec) {
  const PortStats before = dma_.stats();
  const std::map<std::string, double> attributed_before = dma_.attributed_pj();
  const double energy_before = ledger_energy(core_->actions());
  if (power_ != nullptr) record_power(rec.start, rec.start);  // nothing, unless spent between jobs
  // Fetch the descriptor over the bus.
  std::vector<std::uint8_t> desc(common::JobDescriptor::kBytes);
  sc_time t = dma_.transfer(false, desc_addr_, desc.data(), desc.size(), sc_core::sc_time_stamp());
  core_->start(common::JobDescriptor::deserialise(desc.data(), desc.size()));
  // Cycles from the job's start to an instant, rounded once: every stall below is a difference of
  // two of these, so compute + stalls telescope to the job's cycles exactly (no rounding drift).
  auto at = [this, &rec](const sc_time& x) {
    return static_cast<std::uint64_t>(std::llround((x - rec.start) / clk_));
  };
  rec.stalls_by_cause["descriptor_fetch"] = at(t);
  rec.stalls_by_cause["operand_reads"] = 0;

  // Absolute time cursors: when the compute unit is free, when the previous step's compute ended
  // (the double-buffered half it used becomes free), when the write channel is free.
  sc_time compute_free = t, write_free = t, read_free = t;
  std::deque<sc_time> compute_starts;  // of the last steps, newest last (buffer slots they hold)
  common::EngineStep step;
  while (core_->next(step)) {
    // Reads: a prefetchable step's reads start as soon as the read channel is free and a buffer
    // slot is released: the step prefetch_depth before this one has started computing (so the one
    // before that has finished with its slot). Depth 1 is double buffering.
    sc_time read_start = std::max(read_free, compute_free);
    if (step.prefetch) {
      const std::size_t depth = std::max<std::uint32_t>(1, step.prefetch_depth);
      const sc_time slot_free =
          compute_starts.size() >= depth ? compute_starts[compute_starts.size() - depth] : t;
      read_start = std::max(read_free, slot_free);
    }
    if (step.fence) {  // read-after-write through memory: drain every earlier write first
      if (timing_.mode == TimingMode::LT) {
        write_free = flush_writes_lt(write_free);
      } else {
        while (!writes_.empty() || write_busy_) sc_core::wait(writes_drained_);
        write_free = std::max(write_free, write_free_);
      }
      read_start = std::max(read_start, write_free);
    }
    // PIM commands run in the memory; a prefetchable step's overlap the compute like its reads.
    if (!step.pim.empty())
      read_start = run_pim(step.pim, step.prefetch ? read_start : std::max(read_start, compute_free));
    sc_time last_issue;
    const sc_time reads_done = dma_.transfer_all(false, step.reads, read_start, &last_issue);
    // A step that moves nothing (pure compute) leaves the read channel where it was.
    if (!step.reads.empty() || !step.pim.empty()) {
      read_free = timing_.stream_reads && !step.reads.empty() ? std::max(read_start, last_issue) : reads_done;
    }
    if (trace_ != nullptr && !step.reads.empty()) {
      trace_->complete(trace_dma_, "read " + step.phase, read_start.to_seconds() * 1e9,
                       (reads_done - read_start).to_seconds() * 1e9);
    }
    // LT: the previous step's writes go out after this step's reads, which start earlier in
    // simulated time; issuing in start-time order keeps the memory's busy-until bookkeeping honest.
    // (A step without reads leaves them pending: the next step's reads may start earlier still.)
    if (timing_.mode == TimingMode::LT && !step.reads.empty()) write_free = flush_writes_lt(write_free);
    core_->reads_done(step);
    for (auto& d : step.debug_writes) dma_.debug(true, d.addr, const_cast<std::uint8_t*>(d.src), d.bytes);
    const sc_time start = std::max(reads_done, compute_free);
    if (start > compute_free) {
      const std::uint64_t waited = at(start) - at(compute_free);
      rec.stalls_by_cause["operand_reads"] += waited;
      rec.operand_read_stalls_by_phase[step.phase] += waited;
    }
    compute_starts.push_back(start);
    if (compute_starts.size() > 64) compute_starts.pop_front();
    compute_free = start + clk_ * static_cast<double>(step.compute_cycles);
    if (power_ != nullptr) record_power(start, compute_free);
    rec.phase_cycles[step.phase] += step.compute_cycles;
    if (trace_ != nullptr && step.compute_cycles > 0) {
      trace_->complete(trace_phases_, step.phase, start.to_seconds() * 1e9,
                       (compute_free - start).to_seconds() * 1e9, {{"cycles", step.compute_cycles}});
    }
    if (!step.writes.empty()) {
      // Copies: the core may reuse its output buffers before the writes are issued. A write without
      // data (a timing-only job's) stays without: the port times it and moves nothing.
      PendingWrite w;
      w.start = compute_free;
      for (const auto& x : step.writes) {
        if (x.src == nullptr) {
          w.list.push_back({x.addr, x.bytes, nullptr, nullptr});
          continue;
        }
        w.data.emplace_back(x.src, x.src + x.bytes);
        w.list.push_back({x.addr, x.bytes, nullptr, w.data.back().data()});
      }
      writes_.push_back(std::move(w));
      if (timing_.mode == TimingMode::AT) writes_posted_.notify(sc_core::SC_ZERO_TIME);
    }
    sync_to(std::min(compute_free, read_free));
  }
  if (timing_.mode == TimingMode::AT) {
    while (!writes_.empty() || write_busy_) sc_core::wait(writes_drained_);
    write_free = std::max(write_free, write_free_);
  } else {
    write_free = flush_writes_lt(write_free);
  }
  const sc_time end = std::max({compute_free, write_free, read_free});
  sync_to(end, true);
  // Until the job's end as run() records it (now, which an AT wait may have moved past `end`).
  rec.stalls_by_cause["write_drain"] = at(std::max(end, sc_core::sc_time_stamp())) - at(compute_free);
  rec.stall_cycles = 0;
  for (const auto& [cause, c] : rec.stalls_by_cause) rec.stall_cycles += c;
  if (!write_error_.empty()) {
    const std::string e = write_error_;
    write_error_.clear();
    throw BusError(e);
  }
  rec.engine = core_->job_stats();
  if (power_ != nullptr) record_power(rec.start, end);
  for (const auto& [component, pj] : dma_.attributed_pj()) {
    auto it = attributed_before.find(component);
    const double delta = pj - (it == attributed_before.end() ? 0.0 : it->second);
    if (delta != 0.0) rec.memory_energy_pj[component] = delta;
  }
  rec.engine_energy_pj = ledger_energy(core_->actions()) - energy_before;
  rec.bytes_read = dma_.stats().bytes_read - before.bytes_read;
  rec.bytes_written = dma_.stats().bytes_written - before.bytes_written;
}

void AcceleratorBase::report_stats(StatsTree& tree) const {
  const std::string n = name();
  tree.set_kind(n, "accelerator");
  std::uint64_t cycles = 0, stalls = 0;
  std::map<std::string, std::uint64_t> phases, causes;
  for (const auto& j : jobs_) {
    cycles += j.cycles;
    stalls += j.stall_cycles;
    for (const auto& [p, c] : j.phase_cycles) phases[p] += c;
    for (const auto& [k, c] : j.stalls_by_cause) causes[k] += c;
  }
  // busy_cycles = sum of phase_cycles.* + stall_cycles; stall_cycles = sum of stall_cycles_by_cause.*
  tree.add(n, "jobs", static_cast<double>(jobs_.size()), "job");
  tree.add(n, "busy_cycles", static_cast<double>(cycles), "cycle");
  tree.add(n, "stall_cycles", static_cast<double>(stalls), "cycle");
  for (const auto& [p, c] : phases) tree.add(n, "phase_cycles." + p, static_cast<double>(c), "cycle");
  for (const auto& [k, c] : causes)
    tree.add(n, "stall_cycles_by_cause." + k, static_cast<double>(c), "cycle");
  for (const auto& [component, pj] : dma_.attributed_pj())
    tree.add(n, "attributed_pj." + component, pj, "pJ");
  const PortStats& ps = dma_.stats();
  tree.add(n, "dma_read_requests", static_cast<double>(ps.read_requests), "request");
  tree.add(n, "dma_write_requests", static_cast<double>(ps.write_requests), "request");
  tree.add(n, "dma_bytes_read", static_cast<double>(ps.bytes_read), "byte");
  tree.add(n, "dma_bytes_written", static_cast<double>(ps.bytes_written), "byte");
  for (const auto& [sub, ledger] : core_->actions()) tree.add_actions(n + "." + sub, ledger);
  for (const auto& [sub, cost] : hardware()) tree.add_hardware(n + "." + sub, cost);
  if (!power_gated()) return;
  // Power gating: each sub-component's logic leaks over the powered periods only and pays one
  // wake-up per period (a "wakeup" action, dynamic energy); its state's leakage stays whole-run.
  const common::GatingSchedule g = gating_schedule();
  const double powered_ns = g.powered_total_ns();
  double wake_total_pj = 0.0;
  for (const auto& [sub, cost] : hardware()) {
    tree.set_gated_powered_ns(n + "." + sub, powered_ns);
    const double each_pj = wake_pj(cost);
    if (each_pj > 0.0 && g.wakeups() > 0) {
      tree.add_actions(n + "." + sub, {{"wakeup", common::PricedAction{g.wakeups(), each_pj, "wakeup"}}});
      wake_total_pj += each_pj * static_cast<double>(g.wakeups());
    }
  }
  const double end_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
  tree.add(n, "power_gating.wakeups", static_cast<double>(g.wakeups()), "wakeup");
  tree.add(n, "power_gating.powered_ns", powered_ns, "ns");
  tree.add(n, "power_gating.gated_ns", std::max(0.0, end_ns - powered_ns), "ns");
  tree.add(n, "power_gating.wake_energy_pj", wake_total_pj, "pJ");
}

std::vector<std::pair<std::string, common::HardwareCost>> AcceleratorBase::hardware() const {
  auto hw = core_->hardware();
  if (dma_hw_.area_um2 > 0.0 || dma_hw_.leakage_uw > 0.0) hw.emplace_back("dma", dma_hw_);
  return hw;
}

common::GatingSchedule AcceleratorBase::gating_schedule() const {
  std::vector<std::pair<double, double>> busy;
  for (const JobRecord& j : jobs_) busy.emplace_back(j.start.to_seconds() * 1e9, j.end.to_seconds() * 1e9);
  return common::gating_schedule(std::move(busy), break_even_ns_);
}

double AcceleratorBase::wake_pj(const common::HardwareCost& hw) const {
  return common::wake_energy_pj(hw.gateable_leakage_mw(), break_even_ns_);
}

}  // namespace savp::sc
