#include "testbenches/savp/host_driver.hpp"

#include <cstring>
#include <future>

#include "models/common/attention_reference.hpp"
#include "models/common/job_descriptor.hpp"
#include "models/common/number_format.hpp"
#include "testbenches/savp/engine_flow.hpp"
#include "tlm/accelerators/accelerator_base.hpp"

namespace savp::tb {

using sc_core::sc_time;

HostDriver::HostDriver(sc_core::sc_module_name name, const sc::Scenario& scenario, const JobPlan& plan,
                       std::uint64_t csr_base_0, std::uint64_t csr_stride, HostHooks hooks)
    : sc_module(name),
      init_socket("init_socket"),
      irq("irq", scenario.accelerators.size()),
      scenario_(scenario),
      plan_(plan),
      csr_base_(csr_base_0 + csr_stride * scenario.workload.accelerator),
      port_("port", sc::PortConfig{64, 1, sc_time(1, sc_core::SC_NS), sc::TimingMode::LT, true}),
      hooks_(std::move(hooks)) {
  port_.init_socket.bind(init_socket);
  SC_THREAD(run);
}

void HostDriver::run() {
  try {
    if (hooks_.wait_start) hooks_.wait_start();
    if (hooks_.next_job) {
      JobSlot slot;
      while (hooks_.next_job(slot)) run_job(slot);
    } else {
      for (const JobSlot& slot : plan_.jobs) run_job(slot);
    }
  } catch (const std::exception& e) {
    error_ = e.what();
  }
  if (hooks_.finished) {
    hooks_.finished();
  } else {
    sc_core::sc_stop();
  }
}

std::vector<std::uint8_t> pack_matrix(const common::MatrixD& m, common::ElemFormat fmt, int bits, double& scale) {
  common::QuantParams q;
  q.bits = bits;
  if (fmt == common::ElemFormat::INT) q = common::symmetric_params(m.data(), bits);
  scale = q.scale;
  return common::pack(m.data(), fmt, q);
}

std::uint64_t kick_and_wait(sc::InitiatorPort& port, std::uint64_t csr_base, std::uint64_t desc_addr,
                            const common::JobDescriptor& d, const sc_core::sc_in<bool>& irq) {
  auto desc = d.serialise();
  port.debug(true, desc_addr, desc.data(), desc.size());
  // Program the accelerator and wait for its interrupt.
  sc_time t = port.write_word(csr_base + sc::csr::kDescAddr, desc_addr, sc_core::sc_time_stamp());
  t = port.write_word(csr_base + sc::csr::kDoorbell, 1, t);
  sc::sync_to(t, true);
  sc_core::wait(irq.posedge_event());
  sc_time done;
  const std::uint64_t status = port.read_word(csr_base + sc::csr::kStatus, sc_core::sc_time_stamp(), done);
  done = port.write_word(csr_base + sc::csr::kIrqAck, 1, done);
  sc::sync_to(done, true);
  return status;
}

std::uint64_t HostDriver::kick_and_wait(const common::JobDescriptor& d) {
  return tb::kick_and_wait(port_, csr_base_, plan_.layout.descriptor, d, irq[scenario_.workload.accelerator]);
}

common::QkvData HostDriver::head_qkv(std::uint64_t index, std::uint64_t seed) const {
  const common::WorkloadSpec& w = scenario_.workload;
  return plan_.npy ? plan_.npy->head(index)
                   : common::generate_qkv(w.synthetic, w.seq_len, w.head_dim, w.value_dim, seed);
}

void HostDriver::run_job(const JobSlot& slot) {
  const std::size_t before = results_.size();
  const std::size_t record = hooks_.record_index ? hooks_.record_index() : before;
  (this->*engine_flow(scenario_.accelerators[scenario_.workload.accelerator]).run_job)(slot);
  if (results_.size() > before) results_.back().record = record;
}

void HostDriver::run_compute_job(const JobSlot& slot) {
  const sc::AcceleratorSpec& acc = scenario_.accelerators[scenario_.workload.accelerator];
  const common::WorkloadSpec& w = scenario_.workload;
  const MemoryLayout& m = plan_.layout;
  const common::ElemFormat fmt = acc.format();
  const bool gemm = w.kind == common::WorkloadSpec::Kind::Gemm;

  common::JobDescriptor d;
  d.format = fmt;
  d.int_bits = static_cast<std::uint32_t>(acc.int_bits());
  d.timing_only = !w.numerics;
  d.addr_a = m.a;
  d.addr_b = m.b;
  d.addr_c = m.c;
  d.addr_out = m.out;
  common::MatrixD ref;
  common::QkvData qkv;
  std::future<common::MatrixD> reference;
  std::uint64_t out_rows = 0, out_cols = 0;
  if (gemm) {
    d.kind = common::JobKind::Gemm;
    d.rows = w.M;
    d.cols = w.N;
    d.depth = w.K;
    if (!d.timing_only) {
      common::MatrixD a, b;
      common::generate_gemm(w.M, w.N, w.K, slot.seed, a, b);
      auto pa = pack_matrix(a, fmt, acc.int_bits(), d.scale_a);
      auto pb = pack_matrix(b, fmt, acc.int_bits(), d.scale_b);
      port_.debug(true, m.a, pa.data(), pa.size());
      port_.debug(true, m.b, pb.data(), pb.size());
      ref = common::reference_gemm(a, b);
    }
    out_rows = w.M;
    out_cols = w.N;
  } else {
    if (!d.timing_only) {
      qkv = head_qkv(slot.index, slot.seed);
      auto pq = pack_matrix(qkv.q, fmt, acc.int_bits(), d.scale_a);
      auto pk = pack_matrix(qkv.k, fmt, acc.int_bits(), d.scale_b);
      auto pv = pack_matrix(qkv.v, fmt, acc.int_bits(), d.scale_c);
      port_.debug(true, m.a, pq.data(), pq.size());
      port_.debug(true, m.b, pk.data(), pk.size());
      port_.debug(true, m.c, pv.data(), pv.size());
    }
    d.kind = common::JobKind::Attention;
    d.rows = d.cols = w.seq_len;
    d.depth = w.head_dim;
    d.value_dim = w.value_dim;
    d.softmax_scale = w.effective_softmax_scale();
    d.set_pattern(w.pattern, m.globals);
    if (d.n_globals) {
      std::vector<std::uint8_t> g(4 * d.n_globals);
      std::memcpy(g.data(), w.pattern.global_tokens.data(), g.size());
      port_.debug(true, m.globals, g.data(), g.size());
    }
    // The scoreboard's reference runs on a worker thread while the engine simulates the job (it is
    // not needed before the readback); the SystemC thread never touches it.
    if (!d.timing_only)
      reference = std::async(std::launch::async, [&qkv, &w, scale = d.softmax_scale] {
        return common::reference_attention(qkv.q, qkv.k, qkv.v, w.pattern, scale);
      });
    out_rows = w.seq_len;
    out_cols = w.value_dim;
  }
  JobResult r;
  r.slot = slot;
  r.status = kick_and_wait(d);
  if (d.timing_only) {  // nothing to read back or check
    r.timing_only = true;
    r.passed = r.status == sc::csr::kStatusDone;
    results_.push_back(r);
    return;
  }
  if (reference.valid()) ref = reference.get();

  // Read the output (fp32) and score it against the reference.
  std::vector<std::uint8_t> out(out_rows * out_cols * 4);
  port_.debug(false, m.out, out.data(), out.size());
  std::vector<double> got(out_rows * out_cols);
  for (std::size_t i = 0; i < got.size(); ++i) {
    float f;
    std::memcpy(&f, &out[4 * i], 4);
    got[i] = f;
  }
  r.accuracy = overall_.add(got.data(), ref.data().data(), got.size());
  r.passed = r.status == sc::csr::kStatusDone && r.accuracy.rel_l2_err <= acc.tolerance_rel_l2();
  results_.push_back(r);
}

}  // namespace savp::tb
