#include "tlm/platform/task_spec.hpp"

#include <algorithm>
#include <functional>

#include "tlm/platform/scenario.hpp"

namespace savp::sc {

using common::Json;
using common::JsonNode;

namespace {

TaskPlacement parse_placement(JsonNode node) {
  TaskPlacement p;
  const std::vector<std::string> where{"dram", "sram"};
  p.q_sram = node.get_choice("q", where, "dram") == "sram";
  p.k_sram = node.get_choice("k", where, "dram") == "sram";
  p.v_sram = node.get_choice("v", where, "dram") == "sram";
  p.out_sram = node.get_choice("out", where, "dram") == "sram";
  node.finish();
  return p;
}

TaskSpec parse_task(JsonNode node, std::size_t n_accelerators) {
  TaskSpec t;
  t.pointer = node.pointer();
  t.id = node.get_string("id");
  if (!valid_id(t.id)) node.child("id").fail_expected(std::string("a task id of ") + kIdRule);
  JsonNode acc = node.child("accelerator");
  const std::string range =
      "an accelerator index below the number of accelerators (" + std::to_string(n_accelerators) + ")";
  auto index = [&](JsonNode e) {
    const Json& v = e.value();
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0 ||
        static_cast<std::uint64_t>(v.get<std::int64_t>()) >= n_accelerators) {
      e.fail_expected(range);
    }
    return static_cast<std::uint32_t>(v.get<std::int64_t>());
  };
  t.accelerator_list = acc.value().is_array();
  if (t.accelerator_list) {
    const std::size_t n = acc.array_size();
    if (n == 0) acc.fail_expected("at least one accelerator index");
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t a = index(acc.element(i));
      if (std::find(t.accelerators.begin(), t.accelerators.end(), a) != t.accelerators.end()) {
        acc.element(i).fail("accelerator " + std::to_string(a) + " is already in this task's list");
      }
      t.accelerators.push_back(a);
    }
  } else {
    t.accelerators.push_back(index(acc));
  }
  JsonNode w = node.object_at("workload");
  if (w.has("accelerator")) {
    w.child("accelerator")
        .fail("a task gives its accelerator in the task (\"accelerator\"), not in its workload");
  }
  t.workload = common::WorkloadSpec::parse(w);
  t.workload.accelerator = t.accelerators.front();
  t.start_ns = node.get_number_in("start_ns", 0.0, 0.0, 1e15);
  if (node.has("after")) {
    JsonNode after = node.child("after");
    for (std::size_t i = 0; i < after.array_size(); ++i) {
      JsonNode e = after.element(i);
      if (!e.value().is_string()) e.fail_expected("a task id");
      t.after.push_back(e.value().get<std::string>());
    }
  }
  t.repeat = static_cast<std::uint64_t>(node.get_int("repeat", 1, 1, 1'000'000));
  if (node.has("placement")) t.placement = parse_placement(node.object_at("placement"));
  node.accept("after");  // optional keys: named among the known ones when an unknown key is refused
  node.accept("placement");
  node.finish();
  return t;
}

}  // namespace

std::vector<TaskSpec> parse_tasks(JsonNode node, std::size_t n_accelerators) {
  std::vector<TaskSpec> tasks;
  const std::size_t n = node.array_size();
  if (n == 0) node.fail_expected("at least one task");
  for (std::size_t i = 0; i < n; ++i) {
    JsonNode e = node.element(i).as_object();
    tasks.push_back(parse_task(e, n_accelerators));
    for (std::size_t j = 0; j < i; ++j) {
      if (tasks[j].id == tasks[i].id) e.child("id").fail("duplicate task id \"" + tasks[i].id + "\"");
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < tasks[i].after.size(); ++k) {
      const std::string& name = tasks[i].after[k];
      const bool known =
          std::any_of(tasks.begin(), tasks.end(), [&](const TaskSpec& t) { return t.id == name; });
      JsonNode at = node.element(i).as_object().child("after").element(k);
      if (!known) at.fail("no task has the id \"" + common::printable(name) + "\"");
      if (name == tasks[i].id) at.fail("a task cannot wait for itself");
    }
  }
  // A cycle (through `after` and the queue order on shared accelerators) would never start.
  const auto deps = task_dependencies(tasks);
  std::vector<int> state(n, 0);  // 0 unvisited, 1 on the path, 2 done
  std::vector<std::size_t> path;
  std::function<void(std::size_t)> visit = [&](std::size_t i) {
    state[i] = 1;
    path.push_back(i);
    for (std::size_t d : deps[i]) {
      if (state[d] == 1) {
        std::string cycle;
        const auto from = std::find(path.begin(), path.end(), d);
        for (auto it = from; it != path.end(); ++it) cycle += "\"" + tasks[*it].id + "\" -> ";
        cycle += "\"" + tasks[d].id + "\"";
        JsonNode t = node.element(i).as_object();
        (t.has("after") ? t.child("after") : t)
            .fail("the tasks wait for each other and would never start: " + cycle +
                  " (each waits for the next, through \"after\" or the list order of tasks sharing an "
                  "accelerator)");
      }
      if (state[d] == 0) visit(d);
    }
    path.pop_back();
    state[i] = 2;
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (state[i] == 0) visit(i);
  }
  return tasks;
}

std::vector<std::vector<std::size_t>> task_dependencies(const std::vector<TaskSpec>& tasks) {
  std::vector<std::vector<std::size_t>> deps(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    for (const std::string& name : tasks[i].after) {
      for (std::size_t j = 0; j < tasks.size(); ++j) {
        if (tasks[j].id == name) deps[i].push_back(j);
      }
    }
    for (std::uint32_t a : tasks[i].accelerators) {
      for (std::size_t j = i; j-- > 0;) {
        const auto& other = tasks[j].accelerators;
        if (std::find(other.begin(), other.end(), a) != other.end()) {
          deps[i].push_back(j);
          break;
        }
      }
    }
    std::sort(deps[i].begin(), deps[i].end());
    deps[i].erase(std::unique(deps[i].begin(), deps[i].end()), deps[i].end());
  }
  return deps;
}

}  // namespace savp::sc
