// TaskRunner: the host side of a scenario's `tasks` (task_plan.hpp). One HostDriver per lane (a
// task on one of its accelerators), each its own SystemC thread with its own socket on the bus, so
// the tasks' engines run at the same time and contend for the memory system. A task starts when
// the tasks it waits for have finished (its `after` and the task before it on each of its
// accelerators) and simulated time has reached its start_ns; its lanes then take jobs from the
// task's queue until it is empty; it ends when its last lane finishes. The simulation stops when
// every task has ended. Everything is decided by simulated time and SystemC's deterministic
// scheduling: the same scenario gives the same interleaving every run.
#pragma once

#include <systemc>

#include <functional>
#include <memory>
#include <vector>

#include "testbenches/savp/host_driver.hpp"
#include "testbenches/savp/task_plan.hpp"

namespace savp::tb {

// What the runner records of each task.
struct TaskTimes {
  bool started = false, done = false;
  sc_core::sc_time start, end;
};

class TaskRunner : public sc_core::sc_module {
 public:
  // record_count(a): how many job records accelerator a has made so far (the platform's).
  // on_start / on_end(task): called when the task starts and ends (counter snapshots).
  TaskRunner(sc_core::sc_module_name name, const sc::Scenario& scenario, const TaskPlan& plan,
             std::uint64_t csr_base_0, std::uint64_t csr_stride,
             std::function<std::size_t(std::uint32_t)> record_count,
             std::function<void(std::size_t, bool)> on_edge);

  // The lane hosts of task t, in its accelerator order.
  const std::vector<std::unique_ptr<HostDriver>>& hosts(std::size_t t) const { return hosts_[t]; }
  const TaskTimes& times(std::size_t t) const { return state_[t].times; }
  std::size_t task_count() const { return state_.size(); }

 private:
  struct State {
    TaskTimes times;
    std::size_t lanes_left = 0, next_job = 0;
    std::unique_ptr<sc_core::sc_event> done_event;
  };
  void wait_start(std::size_t t);
  void lane_finished(std::size_t t);

  const sc::Scenario& scenario_;
  const TaskPlan& plan_;
  std::function<void(std::size_t, bool)> on_edge_;
  std::vector<State> state_;
  std::vector<std::vector<std::unique_ptr<HostDriver>>> hosts_;
  std::size_t tasks_left_ = 0;
};

}  // namespace savp::tb
