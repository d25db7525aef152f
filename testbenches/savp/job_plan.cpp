#include "testbenches/savp/job_plan.hpp"

#include <algorithm>

#include "models/common/random.hpp"
#include "testbenches/savp/engine_flow.hpp"
#include "tlm/platform/platform.hpp"

namespace savp::tb {

using common::InputError;

std::uint64_t page_align(std::uint64_t v) { return (v + 4095) & ~std::uint64_t{4095}; }

namespace {

// Bytes of an operand region, refusing sizes that overflow 64 bits.
std::uint64_t region(std::uint64_t rows, std::uint64_t cols, std::uint64_t elem, const std::string& file) {
  const unsigned __int128 b = static_cast<unsigned __int128>(rows) * cols * elem;
  if (b > (static_cast<unsigned __int128>(1) << 62)) {
    throw InputError(file, "/workload",
                     "operand of " + std::to_string(rows) + " x " + std::to_string(cols) +
                         " elements is too large to address");
  }
  return page_align(static_cast<std::uint64_t>(b));
}

}  // namespace

std::uint64_t plan_end(const JobPlan& plan) {
  return std::max(plan.layout.end, plan.spatten ? plan.spatten->end : std::uint64_t{0});
}

JobPlan plan_workload_at(sc::Scenario& s, std::uint64_t base) {
  JobPlan plan;
  plan.base = base;
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
  // The address map: main memory from 0 up to the accelerators' CSR window.
  if (s.memory.size_bytes > sc::Platform::kCsrBase) {
    throw InputError(s.file, "/platform/memory/size_mib",
                     "main memory of " + std::to_string(s.memory.size_bytes >> 20) +
                         " MiB would overlap the accelerator CSR window at " + std::to_string(sc::Platform::kCsrBase >> 30) +
                         " GiB; at most " + std::to_string(sc::Platform::kCsrBase >> 20) + " MiB");
  }
  const sc::EngineDescriptor& engine = acc.engine();
  const EngineFlow& flow = engine_flow(acc);
  if (traffic != engine.traffic) {
    throw InputError(s.file, "/workload/accelerator",
                     std::string("a ") + (traffic ? "traffic workload needs a \"traffic\" accelerator"
                                                  : "compute workload needs an engine, not a traffic generator") +
                         "; accelerator " + std::to_string(w.accelerator) + " is of type \"" + acc.type + "\"");
  }
  if (!engine.padded_batches && !w.valid_len.empty()) {
    throw InputError(s.file, "/workload/valid_len",
                     "padded batches run on a \"sprint\" accelerator (padding removal); accelerator " +
                         std::to_string(w.accelerator) + " is of type \"" + acc.type + "\"");
  }
  if (!engine.trace_replay && (w.source == "trace" || w.generate)) {
    throw InputError(s.file, w.generate ? "/workload/generate" : "/workload/data/source",
                     std::string(w.generate ? "generation" : "a pruning-trace replay") +
                         " runs on a \"spatten\" accelerator; accelerator " + std::to_string(w.accelerator) +
                         " is of type \"" + acc.type + "\"");
  }
  if (!w.numerics) {
    const std::string why = flow.numerics_off ? flow.numerics_off(s) : "its timing depends on the data";
    if (!why.empty()) {
      throw InputError(s.file, "/workload/numerics",
                       "a timing-only run (numerics \"off\") cannot use the " + acc.type + " accelerator (" +
                           accelerator_path(s) + "): " + why);
    }
    plan.npy.reset();  // the files' shapes are checked; a timing-only run stores none of their values
  }
  plan.layout.descriptor = plan.base;  // the descriptor page comes first in every layout
  if (flow.own_plan) {
    flow.own_plan(s, plan);
    return plan;
  }
  plan.rows = gemm ? w.M : w.seq_len;
  plan.cols = gemm ? w.N : w.seq_len;
  plan.depth = gemm ? w.K : w.head_dim;
  plan.value_dim = gemm ? 0 : w.value_dim;

  const std::string why = flow.check(s, plan);
  if (!why.empty()) throw InputError(s.file, accelerator_path(s), "cannot run this workload: " + why);

  // Memory layout of one job; jobs run one after another and reuse it.
  const std::uint64_t e = common::elem_bytes(acc.format(), acc.int_bits());
  MemoryLayout& m = plan.layout;
  m.descriptor = plan.base;
  m.globals = plan.base + 4096;
  m.a = page_align(m.globals + 4 * w.pattern.global_tokens.size());
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
    if (flow.extra_regions) flow.extra_regions(s, m);
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
  JobPlan plan = plan_workload_at(s, 0);
  if (std::optional<sc::Scenario> b = baseline_scenario(s)) {
    if (!sc::valid_id(b->id)) {
      throw InputError(s.file, "/id",
                       "with outputs.baseline the id can have at most " + std::to_string(sc::kMaxIdBytes - 9) +
                           " characters (the baseline runs as \"<id>-baseline\")");
    }
    if (b->workload.source == "npy") b->workload.source = "synthetic";  // shapes known: no second read
    try {
      plan_workload_at(*b, 0);
    } catch (const InputError& e) {
      throw baseline_error(s, e);
    }
  }
  return plan;
}

}  // namespace savp::tb
