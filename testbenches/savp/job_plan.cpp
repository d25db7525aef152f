#include "testbenches/savp/job_plan.hpp"

#include "models/chela/chela_core.hpp"
#include "models/common/random.hpp"
#include "models/dense/dense_core.hpp"
#include "models/salo/salo_core.hpp"
#include "models/sprint/sprint_core.hpp"
#include "tlm/platform/platform.hpp"

namespace savp::tb {

using common::InputError;

namespace {

std::uint64_t align(std::uint64_t v) { return (v + 4095) & ~std::uint64_t{4095}; }

// Bytes of an operand region, refusing sizes that overflow 64 bits.
std::uint64_t region(std::uint64_t rows, std::uint64_t cols, std::uint64_t elem, const std::string& file) {
  const unsigned __int128 b = static_cast<unsigned __int128>(rows) * cols * elem;
  if (b > (static_cast<unsigned __int128>(1) << 62)) {
    throw InputError(file, "/workload",
                     "operand of " + std::to_string(rows) + " x " + std::to_string(cols) +
                         " elements is too large to address");
  }
  return align(static_cast<std::uint64_t>(b));
}

// The plan of the scenario's own workload on its own accelerator (make_plan adds the baseline).
JobPlan plan_workload(sc::Scenario& s) {
  JobPlan plan;
  common::WorkloadSpec& w = s.workload;
  const sc::AcceleratorSpec& acc = s.accelerators[w.accelerator];
  if (w.kind == common::WorkloadSpec::Kind::Attention && w.source == "npy") {
    try {
      plan.npy = std::make_shared<common::NpyWorkload>(common::load_npy_workload(w, s.file));
    } catch (const InputError& e) {
      // Name the scenario and the key that points at the .npy file, then the place in that file.
      const char* key = e.file() == w.q_file   ? "q"
                        : e.file() == w.k_file ? "k"
                        : e.file() == w.v_file ? "v"
                                               : nullptr;
      if (!key) throw;
      throw InputError(s.file, std::string("/workload/data/") + key,
                       e.file() + (e.path().empty() ? "" : " (" + e.path() + ")") + ": " + e.message());
    }
    w.seq_len = plan.npy->q.shape[plan.npy->q.shape.size() - 2];
    const std::string why = w.pattern.check(w.seq_len);
    if (!why.empty()) throw InputError(s.file, "/workload/pattern", why);
  }
  const bool gemm = w.kind == common::WorkloadSpec::Kind::Gemm;
  const bool traffic = w.kind == common::WorkloadSpec::Kind::Traffic;
  const std::string acc_path = "/platform/accelerators/" + std::to_string(w.accelerator);
  // The address map: main memory from 0 up to the accelerators' CSR window.
  if (s.memory.size_bytes > sc::Platform::kCsrBase) {
    throw InputError(s.file, "/platform/memory/size_mib",
                     "main memory of " + std::to_string(s.memory.size_bytes >> 20) +
                         " MiB would overlap the accelerator CSR window at " + std::to_string(sc::Platform::kCsrBase >> 30) +
                         " GiB; at most " + std::to_string(sc::Platform::kCsrBase >> 20) + " MiB");
  }
  if (traffic != (acc.type == "traffic")) {
    throw InputError(s.file, "/workload/accelerator",
                     std::string("a ") + (traffic ? "traffic workload needs a \"traffic\" accelerator"
                                                  : "compute workload needs an engine, not a traffic generator") +
                         "; accelerator " + std::to_string(w.accelerator) + " is of type \"" + acc.type + "\"");
  }
  if (traffic) {
    plan.layout.a = 4096;
    plan.layout.end = plan.layout.a + w.region_bytes;
    if (plan.layout.end > s.memory.size_bytes) {
      throw InputError(s.file, "/workload/region_kib",
                       "the traffic region (" + std::to_string(w.region_bytes >> 10) + " KiB) does not fit the " +
                           std::to_string(s.memory.size_bytes >> 20) + " MiB memory");
    }
    JobSlot j;
    j.seed = common::derive_seed(s.seed, 0);
    plan.jobs.push_back(j);
    return plan;
  }
  if (acc.type != "sprint" && !w.valid_len.empty()) {
    throw InputError(s.file, "/workload/valid_len",
                     "padded batches run on a \"sprint\" accelerator (padding removal); accelerator " +
                         std::to_string(w.accelerator) + " is of type \"" + acc.type + "\"");
  }
  if (acc.type != "spatten" && (w.source == "trace" || w.generate)) {
    throw InputError(s.file, w.generate ? "/workload/generate" : "/workload/data/source",
                     std::string(w.generate ? "generation" : "a pruning-trace replay") +
                         " runs on a \"spatten\" accelerator; accelerator " + std::to_string(w.accelerator) +
                         " is of type \"" + acc.type + "\"");
  }
  if (acc.type == "spatten") {
    plan.spatten = std::make_shared<SpattenPlan>(plan_spatten(s, 4096));
    plan.rows = plan.cols = plan.spatten->job.seq_len;
    plan.depth = w.head_dim;
    plan.value_dim = w.value_dim;
    for (std::uint64_t b = 0; b < w.batch; ++b) {
      JobSlot j;
      j.index = b;
      j.batch = b;
      j.seed = common::derive_seed(s.seed, b);
      plan.jobs.push_back(j);
    }
    return plan;
  }
  plan.rows = gemm ? w.M : w.seq_len;
  plan.cols = gemm ? w.N : w.seq_len;
  plan.depth = gemm ? w.K : w.head_dim;
  plan.value_dim = gemm ? 0 : w.value_dim;

  std::string why;
  if (acc.type == "salo") {
    if (gemm) throw InputError(s.file, "/workload/kind", "the SALO engine runs attention, not GEMMs");
    const auto c = salo::SaloCore::check_job(acc.salo, w.seq_len, w.head_dim, w.value_dim, w.pattern);
    if (!c.why.empty()) {
      const std::string key = (salo::SaloCore::is_accelerator_key(c.key) ? acc_path : "/workload") + "/" + c.key;
      throw InputError(s.file, key, "the SALO engine (" + acc_path + ") cannot run this: " + c.why);
    }
  } else if (acc.type == "sprint") {
    if (gemm) throw InputError(s.file, "/workload/kind", "the SPRINT engine runs attention, not GEMMs");
    const common::AttentionPattern& p = w.pattern;
    if (p.window || p.dilation != 1 || !p.global_tokens.empty() || p.grid_h) {
      throw InputError(s.file, "/workload/pattern",
                       "SPRINT prunes dense attention (optionally causal): no window, dilation, global tokens "
                       "or 2D window");
    }
    const auto c = sprint::SprintCore::check_job(acc.sprint, w.seq_len, w.head_dim, w.value_dim);
    if (!c.why.empty()) {
      throw InputError(s.file, acc_path + "/" + c.key, "the SPRINT engine (" + acc_path + ") cannot run this: " + c.why);
    }
  } else if (acc.type == "chela") {
    if (gemm) throw InputError(s.file, "/workload/kind", "the CHELA engine runs attention, not GEMMs");
    const common::AttentionPattern& p = w.pattern;
    if (p.window || p.dilation != 1 || !p.global_tokens.empty() || p.grid_h) {
      throw InputError(s.file, "/workload/pattern",
                       "CHELA runs linear attention over the whole sequence (causal or not): no window, dilation, "
                       "global tokens or 2D window");
    }
    const auto c = chela::ChelaCore::check_job(acc.chela, w.seq_len, w.head_dim, w.value_dim);
    if (!c.why.empty()) {
      throw InputError(s.file, acc_path + "/" + c.key, "the CHELA engine (" + acc_path + ") cannot run this: " + c.why);
    }
  } else {
    why = dense::DenseCore::check_job(acc.dense, gemm ? common::JobKind::Gemm : common::JobKind::Attention, plan.rows,
                                      plan.cols, plan.depth, plan.value_dim);
  }
  if (!why.empty()) throw InputError(s.file, acc_path, "cannot run this workload: " + why);

  // Memory layout of one job; jobs run one after another and reuse it.
  const std::uint64_t e = common::elem_bytes(acc.format(), acc.int_bits());
  MemoryLayout& m = plan.layout;
  m.descriptor = 0;
  m.globals = 4096;
  m.a = align(m.globals + 4 * w.pattern.global_tokens.size());
  if (gemm) {
    m.b = m.a + region(w.M, w.K, e, s.file);
    m.c = m.b + region(w.K, w.N, e, s.file);
    m.out = m.c;
    m.end = m.out + region(w.M, w.N, 4, s.file);
  } else {
    m.b = m.a + region(w.seq_len, w.head_dim, e, s.file);
    m.c = m.b + region(w.seq_len, w.head_dim, e, s.file);
    m.out = m.c + region(w.seq_len, w.value_dim, e, s.file);
    m.end = m.out + region(w.seq_len, w.value_dim, 4, s.file);
    if (acc.type == "chela") {  // job block, kernels and FFT scratch after the output
      m.diag = m.end;
      m.end = chela::chela_regions(acc.chela, m.diag, w.seq_len, w.value_dim).end;
    }
    if (acc.type == "sprint") {  // diagnostics right after the output: keep bits + output without recompute
      m.diag = m.out + w.seq_len * w.value_dim * 4;
      m.end = align(m.diag + sprint::SprintCore::diag_bytes(w.seq_len, w.value_dim));
      if (w.seq_len * w.head_dim > sc::Platform::kPimBytes) {
        throw InputError(s.file, "/workload/seq_len", "the head's K MSB codes do not fit the PIM window");
      }
    }
  }
  if (m.end > s.memory.size_bytes) {
    throw InputError(s.file, "/platform/memory",
                     "one job needs " + std::to_string((m.end + (1 << 20) - 1) >> 20) +
                         " MiB of main memory (operands and output), the memory has " +
                         std::to_string(s.memory.size_bytes >> 20) + " MiB (raise platform.memory.size_mib)");
  }
  for (std::uint64_t b = 0; b < (gemm ? 1 : w.batch); ++b) {
    for (std::uint64_t l = 0; l < (gemm ? 1 : w.layers); ++l) {
      for (std::uint64_t h = 0; h < (gemm ? 1 : w.heads); ++h) {
        JobSlot j;
        j.index = plan.jobs.size();
        j.batch = b;
        j.layer = l;
        j.head = h;
        j.seed = common::derive_seed(s.seed, b, l, h);
        plan.jobs.push_back(j);
      }
    }
  }
  return plan;
}

}  // namespace

std::optional<sc::Scenario> baseline_scenario(const sc::Scenario& s) {
  if (!s.outputs.baseline_spec) return std::nullopt;
  sc::Scenario b = s;
  b.id = s.id + "-baseline";
  b.accelerators[s.workload.accelerator] = *s.outputs.baseline_spec;
  b.outputs.baseline = nullptr;
  b.outputs.baseline_spec.reset();
  b.outputs.baseline_pointer.clear();
  b.outputs.trace = b.outputs.vcd = b.outputs.rtl_waves = false;
  return b;
}

common::InputError baseline_error(const sc::Scenario& s, const common::InputError& e) {
  // The baseline stands in the workload's accelerator slot: name its own keys under outputs.baseline.
  const std::string slot = "/platform/accelerators/" + std::to_string(s.workload.accelerator);
  std::string where = e.path();
  if (where.rfind(slot, 0) == 0) where = s.outputs.baseline_pointer + where.substr(slot.size());
  const std::string type = s.outputs.baseline_spec ? s.outputs.baseline_spec->type : "";
  const std::string lead = "cannot run this workload: ";
  std::string why = e.message();
  if (why.rfind(lead, 0) == 0) why = why.substr(lead.size());
  if (!where.empty() && where != s.outputs.baseline_pointer) why = where + ": " + why;
  return InputError(s.file, s.outputs.baseline_pointer, "the baseline (" + type + ") " + lead + why);
}

JobPlan make_plan(sc::Scenario& s) {
  JobPlan plan = plan_workload(s);
  if (std::optional<sc::Scenario> b = baseline_scenario(s)) {
    if (!sc::valid_id(b->id)) {
      throw InputError(s.file, "/id",
                       "with outputs.baseline the id can have at most " + std::to_string(sc::kMaxIdBytes - 9) +
                           " characters (the baseline runs as \"<id>-baseline\")");
    }
    if (b->workload.source == "npy") b->workload.source = "synthetic";  // shapes known: no second read
    try {
      plan_workload(*b);
    } catch (const InputError& e) {
      throw baseline_error(s, e);
    }
  }
  return plan;
}

}  // namespace savp::tb
