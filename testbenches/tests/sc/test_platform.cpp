// The whole platform for one scenario: host -> CSRs -> dense engine -> memory -> IRQ -> host.
#include <catch2/catch.hpp>
#include <systemc>

#include "testbenches/savp/job_plan.hpp"
#include "testbenches/savp/simulation.hpp"

using namespace savp;

namespace {
const std::string kScenarios = std::string(SAVP_SOURCE_DIR) + "/scenarios";
}

TEST_CASE("platform: a dense attention job flows end to end with exact traffic", "[sc][platform]") {
  sc::Scenario s =
      sc::load_scenario(kScenarios + "/default.json",
                        {"workload.seq_len=128", "workload.heads=1", "workload.head_dim=32"}, kScenarios);
  tb::JobPlan plan = tb::make_plan(s);
  const tb::SimulationOutcome out = tb::simulate(s, plan);
  INFO(out.error);
  REQUIRE(out.error.empty());
  CHECK(out.checks_passed);
  const auto& t = out.stats["totals"];
  CHECK(t["jobs"] == 1);
  // fp16 Q, K, V read once (K/V fit the weight buffer), the 192-byte descriptor, fp32 O written.
  CHECK(t["dram_bytes_read"] == 3 * 128 * 32 * 2 + 192);
  CHECK(t["dram_bytes_written"] == 128 * 32 * 4);  // value_dim defaults to head_dim
  const auto& j = out.stats["jobs"][0];
  CHECK(j["engine_stats"]["macs"] == 2 * 128.0 * 128 * 32);  // QK^T and PV
  // Latency at least the compute the phases account for, and the job fits in the simulated time.
  std::uint64_t phases = 0;
  for (const auto& [k, v] : j["phase_cycles"].items()) phases += v.get<std::uint64_t>();
  CHECK(j["cycles"].get<std::uint64_t>() >= phases);
  CHECK(j["rel_l2_err"].get<double>() < 5e-3);
  // Energy: the components add up to the total.
  double sum = 0;
  for (const auto& [k, v] : t["energy_by_component_pj"].items()) sum += v.get<double>();
  CHECK(sum == Approx(t["energy_pj"].get<double>()));
  CHECK(out.stats["components"].contains("top.dense0"));
  CHECK(out.stats["components"]["top.memory"]["bytes_read"]["value"] == t["dram_bytes_read"]);
}

TEST_CASE("platform: slower memory makes the same job take longer, same data and counts", "[sc][platform]") {
  // Two elaborations are not allowed in one process; compare against numbers from the model: the
  // job is memory bound with a 0.5 GB/s memory, so its latency exceeds the bytes / bandwidth time.
  sc::Scenario s = sc::load_scenario(
      kScenarios + "/default.json",
      {"workload.seq_len=128", "workload.heads=1", "platform.memory.bandwidth_gbps=0.5"}, kScenarios);
  tb::JobPlan plan = tb::make_plan(s);
  const tb::SimulationOutcome out = tb::simulate(s, plan);
  REQUIRE(out.error.empty());
  const auto& j = out.stats["jobs"][0];
  const double bytes = j["dram_bytes_read"].get<double>() + j["dram_bytes_written"].get<double>();
  CHECK(j["latency_ns"].get<double>() >= bytes / 0.5);
  CHECK(j["stall_cycles"].get<std::uint64_t>() > 0);
}

TEST_CASE("platform: per-hop energy attributed to transactions adds up to the components' totals",
          "[sc][platform]") {
  sc::Scenario s = sc::load_scenario(kScenarios + "/default.json",
                                     {"workload.seq_len=128", "workload.heads=1", "platform.memory.preset=hbm2",
                                      "timing_mode=AT", "platform.interconnect.pj_per_byte=0.5"},
                                     kScenarios);
  tb::JobPlan plan = tb::make_plan(s);
  const tb::SimulationOutcome out = tb::simulate(s, plan);
  REQUIRE(out.error.empty());
  const auto& c = out.stats["components"];
  double bus = 0, memory = 0;
  for (const auto& [name, stats] : c.items()) {
    if (stats.contains("attributed_pj.top.bus")) bus += stats["attributed_pj.top.bus"]["value"].get<double>();
    if (stats.contains("attributed_pj.top.memory")) memory += stats["attributed_pj.top.memory"]["value"].get<double>();
  }
  const auto& mem = c["top.memory"]["actions"];
  const double mem_total = mem["activate"]["energy_pj"].get<double>() + mem["read_burst"]["energy_pj"].get<double>() +
                           mem["write_burst"]["energy_pj"].get<double>();
  CHECK(bus > 0);
  CHECK(bus == Approx(c["top.bus"]["actions"]["hop_byte"]["energy_pj"].get<double>()).epsilon(1e-12));
  CHECK(memory == Approx(mem_total).epsilon(1e-12));
  // A job's energy is its engine's actions plus what its traffic was charged.
  const auto& j = out.stats["jobs"][0];
  double sum = 0;
  for (const auto& [k, v] : j["energy_by_component_pj"].items()) sum += v.get<double>();
  CHECK(sum == Approx(j["energy_pj"].get<double>()));
  CHECK(j["energy_by_component_pj"].contains("top.memory"));
}
