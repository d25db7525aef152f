#include "testbenches/savp/simulation.hpp"

#include <chrono>

#include "testbenches/savp/host_driver.hpp"
#include "testbenches/savp/report.hpp"
#include "tlm/platform/platform.hpp"

namespace savp::tb {

SimulationOutcome simulate(const sc::Scenario& scenario, const JobPlan& plan, const std::string& vcd_base) {
  const auto t0 = std::chrono::steady_clock::now();
  sc::Platform platform("top", scenario, scenario.outputs.vcd ? vcd_base : std::string());
  HostDriver host("host", scenario, plan, sc::Platform::kCsrBase, sc::csr::kBlockBytes);
  platform.bind_initiator(host.init_socket);
  for (std::size_t i = 0; i < platform.irq.size(); ++i) host.irq[i].bind(platform.irq[i]);
  sc_core::sc_start();
  RunInfo info;
  info.simulated_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
  info.wall_clock_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  SimulationOutcome out;
  out.stats = build_stats(scenario, plan, host, platform, info);
  if (platform.trace() != nullptr) out.trace = platform.trace()->to_json();
  platform.close_vcd();
  out.error = host.error();
  for (const auto& a : platform.accelerators) {
    for (const auto& j : a->jobs()) {
      if (!j.error.empty() && out.error.empty()) out.error = std::string(a->name()) + ": " + j.error;
    }
  }
  for (const auto& v : platform.protocol_violations()) {
    if (out.error.empty()) out.error = "TLM base-protocol violation: " + v;
  }
  out.checks_passed = out.error.empty() && out.stats["totals"]["jobs_failed"].get<std::uint64_t>() == 0;
  return out;
}

}  // namespace savp::tb
