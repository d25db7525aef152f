#include "testbenches/savp/task_plan.hpp"

#include "testbenches/savp/model_plan.hpp"

#include <cstdio>

#include "testbenches/savp/comparison_runs.hpp"
#include "testbenches/savp/engine_flow.hpp"
#include "tlm/platform/platform.hpp"

namespace savp::tb {

using common::InputError;

SramWindow sram_window(const sc::Scenario& s) {
  if (!s.sram) return {};
  return {sc::Platform::kSramBase, s.sram->capacity_bytes};
}

sc::Scenario task_scenario(const sc::Scenario& s, std::size_t i, std::uint32_t accelerator) {
  sc::Scenario t = s;
  t.tasks.clear();
  t.resolved = common::Json();
  t.workload = s.tasks[i].workload;
  t.workload.accelerator = accelerator;
  t.outputs.baseline = nullptr;
  t.outputs.baseline_spec.reset();
  t.outputs.baseline_pointer.clear();
  t.outputs.alone = false;
  return t;
}

common::InputError task_error(const sc::Scenario& s, std::size_t i, const InputError& e, std::size_t lane) {
  const sc::TaskSpec& t = s.tasks[i];
  std::string where = e.path();
  if (where == "/workload/accelerator") {
    // The lane's accelerator does not suit the workload: the task's accelerator entry is at fault.
    where = t.pointer + "/accelerator" + (t.accelerator_list ? "/" + std::to_string(lane) : "");
  } else if (where.rfind("/workload", 0) == 0) {
    where = t.pointer + where;
  }
  if (where.empty()) where = t.pointer;
  const std::string file = e.file() == s.file || e.file().empty() ? s.file : e.file();
  return InputError(file, file == s.file ? where : e.path(), "task \"" + t.id + "\": " + e.message());
}

namespace {

std::string mib(std::uint64_t bytes) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", static_cast<double>(bytes) / (1 << 20));
  return b;
}

// Moves the regions the task places in the SRAM (Q = A, K = B, V = C, output) to `cursor` in the
// SRAM window; throws when the engine lays out its own regions or the window is too small.
void place_in_sram(const sc::Scenario& s, std::size_t i, TaskLane& lane, const SramWindow& sram,
                   std::uint64_t& cursor) {
  const sc::TaskSpec& t = s.tasks[i];
  const sc::TaskPlacement& p = t.placement;
  if (!p.any_sram()) return;
  const std::string at = t.pointer + "/placement";
  if (sram.bytes == 0) {
    throw InputError(
        s.file, at,
        "task \"" + t.id +
            "\" places operands in the shared SRAM, but the platform has none (give platform.sram)");
  }
  if (engine_flow(lane.scenario.accelerators[lane.accelerator]).own_plan) {
    throw InputError(
        s.file, at,
        "task \"" + t.id + "\": the " + lane.scenario.accelerators[lane.accelerator].type +
            " engine lays out its own regions; placement applies to engines that read Q, K, V and "
            "write the output as the descriptor's regions");
  }
  MemoryLayout& m = lane.plan.layout;
  const bool gemm = lane.scenario.workload.kind == common::WorkloadSpec::Kind::Gemm;
  if (gemm && p.v_sram) {
    throw InputError(s.file, at + "/v",
                     "task \"" + t.id + "\": a GEMM has no V operand (A is \"q\", B is \"k\")");
  }
  const std::uint64_t out_bytes =
      page_align(lane.plan.rows * (gemm ? lane.plan.cols : lane.plan.value_dim) * 4);
  struct Region {
    bool placed;
    std::uint64_t* addr;
    std::uint64_t bytes;
    const char* key;
  };
  const Region regions[] = {{p.q_sram, &m.a, m.b - m.a, "q"},
                            {p.k_sram, &m.b, (gemm ? m.out : m.c) - m.b, "k"},
                            {p.v_sram && !gemm, &m.c, m.out - m.c, "v"},
                            {p.out_sram, &m.out, out_bytes, "out"}};
  for (const Region& r : regions) {
    if (!r.placed) continue;
    if (cursor + r.bytes > sram.bytes) {
      throw InputError(s.file, at + "/" + r.key,
                       "task \"" + t.id + "\": the shared SRAM is too small: its " + r.key +
                           " region needs " + std::to_string((r.bytes + 1023) >> 10) + " KiB at offset " +
                           std::to_string(cursor >> 10) + " KiB of " + std::to_string(sram.bytes >> 10) +
                           " KiB");
    }
    *r.addr = sram.base + cursor;
    cursor += r.bytes;
  }
  if (gemm && p.out_sram) m.c = m.out;  // a GEMM's C region is its output
}

}  // namespace

TaskPlan make_task_plan(sc::Scenario& s) {
  TaskPlan plan;
  const SramWindow sram = sram_window(s);
  const auto deps = sc::task_dependencies(s.tasks);
  std::uint64_t cursor = 0, sram_cursor = 0;
  for (std::size_t i = 0; i < s.tasks.size(); ++i) {
    const sc::TaskSpec& t = s.tasks[i];
    if (s.outputs.alone && !sc::valid_id(alone_id(s, i))) {
      throw InputError(s.file, t.pointer + "/id",
                       "with outputs.alone, the scenario id and the task id together can have at most " +
                           std::to_string(sc::kMaxIdBytes - 7) + " characters (the task runs alone as \"" +
                           common::printable(s.id, 40) + "-alone-<task id>\")");
    }
    TaskRun run;
    run.task = i;
    run.after = deps[i];
    for (std::size_t k = 0; k < t.accelerators.size(); ++k) {
      const std::uint32_t a = t.accelerators[k];
      TaskLane lane;
      lane.accelerator = a;
      lane.scenario = task_scenario(s, i, a);
      try {
        lane.plan = plan_workload_at(lane.scenario, cursor);
      } catch (const InputError& e) {
        if (cursor == 0 || e.path().rfind("/platform/memory", 0) != 0) throw task_error(s, i, e, k);
        // The tasks before it take the memory below its regions: say so.
        throw task_error(s, i,
                         InputError(e.file(), e.path(),
                                    e.message() + "; its regions start at " + mib(cursor) +
                                        " MiB, after those of the tasks before it in the list"),
                         k);
      }
      cursor = page_align(plan_end(lane.plan));
      place_in_sram(s, i, lane, sram, sram_cursor);
      run.lanes.push_back(std::move(lane));
    }
    const TaskLane& first = run.lanes.front();
    for (const TaskLane& l : run.lanes) {
      if (&l.scenario.accelerators[l.accelerator].engine() !=
          &first.scenario.accelerators[first.accelerator].engine()) {
        throw InputError(s.file, t.pointer + "/accelerator",
                         "task \"" + t.id +
                             "\": its accelerators share its jobs and must be of one engine type (" +
                             first.scenario.accelerators[first.accelerator].type + " and " +
                             l.scenario.accelerators[l.accelerator].type + ")");
      }
    }
    // The workload may have learnt its shape from files (npy): the task keeps what the plan found.
    s.tasks[i].workload = first.scenario.workload;
    s.tasks[i].workload.accelerator = t.accelerators.front();
    for (std::uint64_t r = 0; r < t.repeat; ++r) {
      for (const JobSlot& j : first.plan.jobs) run.jobs.push_back(j);
    }
    plan.tasks.push_back(std::move(run));
  }
  plan.dram_bytes = cursor;
  plan.sram_bytes = sram_cursor;
  return plan;
}

void check_plan(sc::Scenario& s) {
  if (!s.tasks.empty()) {
    make_task_plan(s);
  } else if (s.workload.kind == common::WorkloadSpec::Kind::Model) {
    make_model_plan(s);
  } else {
    make_plan(s);
  }
}

}  // namespace savp::tb
