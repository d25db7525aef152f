#include "testbenches/savp/task_runner.hpp"

#include <string>

namespace savp::tb {

using sc_core::sc_time;

TaskRunner::TaskRunner(sc_core::sc_module_name name, const sc::Scenario& scenario, const TaskPlan& plan,
                       std::uint64_t csr_base_0, std::uint64_t csr_stride,
                       std::function<std::size_t(std::uint32_t)> record_count,
                       std::function<void(std::size_t, bool)> on_edge)
    : sc_module(name), scenario_(scenario), plan_(plan), on_edge_(std::move(on_edge)) {
  state_.resize(plan.tasks.size());
  hosts_.resize(plan.tasks.size());
  tasks_left_ = plan.tasks.size();
  for (std::size_t t = 0; t < plan.tasks.size(); ++t) {
    const TaskRun& run = plan.tasks[t];
    state_[t].lanes_left = run.lanes.size();
    state_[t].done_event = std::make_unique<sc_core::sc_event>(("done_" + std::to_string(t)).c_str());
    for (std::size_t k = 0; k < run.lanes.size(); ++k) {
      const TaskLane& lane = run.lanes[k];
      HostHooks hooks;
      hooks.wait_start = [this, t] { wait_start(t); };
      hooks.next_job = [this, t](JobSlot& slot) {
        State& st = state_[t];
        if (st.next_job >= plan_.tasks[t].jobs.size()) return false;
        slot = plan_.tasks[t].jobs[st.next_job++];
        return true;
      };
      hooks.record_index = [record_count, a = lane.accelerator] { return record_count(a); };
      hooks.finished = [this, t] { lane_finished(t); };
      const std::string host = "t" + std::to_string(t) + "_" + std::to_string(k);
      hosts_[t].push_back(std::make_unique<HostDriver>(host.c_str(), lane.scenario, lane.plan, csr_base_0,
                                                       csr_stride, std::move(hooks)));
    }
  }
}

void TaskRunner::wait_start(std::size_t t) {
  for (std::size_t d : plan_.tasks[t].after) {
    while (!state_[d].times.done) sc_core::wait(*state_[d].done_event);
  }
  const sc_time start(scenario_.tasks[plan_.tasks[t].task].start_ns, sc_core::SC_NS);
  if (sc_core::sc_time_stamp() < start) sc_core::wait(start - sc_core::sc_time_stamp());
  State& st = state_[t];
  if (!st.times.started) {
    st.times.started = true;
    st.times.start = sc_core::sc_time_stamp();
    if (on_edge_) on_edge_(t, true);
  }
}

void TaskRunner::lane_finished(std::size_t t) {
  State& st = state_[t];
  if (--st.lanes_left != 0) return;
  st.times.done = true;
  st.times.end = sc_core::sc_time_stamp();
  if (!st.times.started) st.times.start = st.times.end;  // an error before it started
  if (on_edge_) on_edge_(t, false);
  st.done_event->notify(sc_core::SC_ZERO_TIME);
  if (--tasks_left_ == 0) sc_core::sc_stop();
}

}  // namespace savp::tb
