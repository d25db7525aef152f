// The SoC's shared memory system, on the platform a scenario builds: the shared SRAM
// (platform.sram) on the router at Platform::kSramBase, loaded by debug transport and read over the
// bus; per-initiator statistics of the memory targets (by_initiator), enabled by a scenario with
// tasks, adding up to the targets' totals; the DRAM scheduler key reaching the channels.
#include <catch2/catch.hpp>
#include <systemc>

#include <functional>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "tlm/core/initiator_port.hpp"
#include "tlm/memory/dram_target.hpp"
#include "tlm/platform/platform.hpp"
#include "tlm/platform/scenario.hpp"

using namespace savp;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

const std::string kScenarios = std::string(SAVP_SOURCE_DIR) + "/scenarios";

// A test initiator (a host-side or accelerator-like port) whose thread runs a body once.
struct Tester : sc_core::sc_module {
  std::function<void(sc::InitiatorPort&)> body;
  std::unique_ptr<sc::InitiatorPort> port;
  std::string failure;
  SC_HAS_PROCESS(Tester);
  Tester(sc_core::sc_module_name n, sc::TimingMode mode, std::uint32_t id) : sc_module(n) {
    sc::PortConfig c{64, 16, sc_time(1, SC_NS), mode};
    c.initiator_id = id;
    port = std::make_unique<sc::InitiatorPort>("port", c);
    SC_THREAD(run);
  }
  void run() {
    try {
      if (body) body(*port);
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
};

sc::Scenario scenario(std::vector<std::string> sets) {
  return sc::load_scenario(kScenarios + "/default.json", sets, kScenarios);
}

// A stand-in for the lead's task list: any task turns on the per-initiator statistics.
void add_task(sc::Scenario& s) {
  sc::TaskSpec t;
  t.id = "t0";
  t.accelerators = {0};
  t.workload = s.workload;
  s.tasks.push_back(t);
}

common::Json stats_of(const sc::Platform& top) {
  sc::StatsTree tree;
  top.report_stats(tree);
  return tree.to_json();
}

double value(const common::Json& stat) { return stat["value"].get<double>(); }

}  // namespace

TEST_CASE(
    "soc memory: the shared SRAM is on the bus at sram_base, debug loads read back over the bus, "
    "two AT initiators on one bank serialise",
    "[sc][soc][sram]") {
  sc::Scenario s =
      scenario({"timing_mode=AT",
                R"(platform.sram={"size_kib": 64, "banks": 4, "word_bytes": 8, "latency_cycles": 2,
                                "clock_mhz": 1000})"});
  REQUIRE(s.sram.has_value());
  add_task(s);
  sc::Platform top("top", s);
  REQUIRE(top.sram != nullptr);
  CHECK(top.sram->size_bytes() == 64 * 1024);
  bool mapped = false;
  for (const sc::AddressWindow& w : top.bus.windows()) {
    if (w.name == "sram") mapped = w.base == sc::Platform::kSramBase && w.size == 64 * 1024;
  }
  CHECK(mapped);
  Tester host("host_tester", sc::TimingMode::AT, 0), a("a", sc::TimingMode::AT, 1),
      b("b", sc::TimingMode::AT, 7);
  top.bind_initiator(host.port->init_socket);
  top.bind_initiator(a.port->init_socket);
  top.bind_initiator(b.port->init_socket);
  const std::uint64_t base = top.sram_base();

  std::vector<std::uint8_t> data(256), back(256, 0);
  std::iota(data.begin(), data.end(), 3);
  host.body = [&](sc::InitiatorPort& p) { p.debug(true, base + 1024, data.data(), data.size()); };
  // Words are 8 bytes, 4 banks word-interleaved: offsets 0 and 32 are bank 0, 8 is bank 1.
  sc_time a_same, b_same, a_other, b_other;
  std::uint64_t wa = 0, wb = 0;
  a.body = [&](sc::InitiatorPort& p) {
    wait(sc_time(10, SC_NS));
    // One burst at a time (pipelined bursts would queue behind each other's banks).
    sc_time t = sc_core::sc_time_stamp();
    for (std::size_t off = 0; off < back.size(); off += 64) {
      const sc_time done = p.transfer(false, base + 1024 + off, back.data() + off, 64, t);
      CHECK(done > t);  // real timing, not a debug access
      t = done;
    }
    a_same = p.transfer(false, base + 0, reinterpret_cast<std::uint8_t*>(&wa), 8, sc_time(1000, SC_NS));
    a_other = p.transfer(false, base + 0, reinterpret_cast<std::uint8_t*>(&wa), 8, sc_time(2000, SC_NS));
  };
  b.body = [&](sc::InitiatorPort& p) {
    b_same = p.transfer(false, base + 32, reinterpret_cast<std::uint8_t*>(&wb), 8, sc_time(1000, SC_NS));
    b_other = p.transfer(false, base + 8, reinterpret_cast<std::uint8_t*>(&wb), 8, sc_time(2000, SC_NS));
  };
  sc_core::sc_start();
  for (const Tester* t : {&host, &a, &b}) CHECK(t->failure.empty());
  for (const auto& v : top.protocol_violations()) FAIL_CHECK(v);
  CHECK(back == data);

  const common::Json c = stats_of(top)["top.sram"];
  const common::Json& by = c["by_initiator"];
  CHECK(value(by["dense0"]["requests"]) == 4 + 2);  // 256 bytes in 64-byte bursts, then two words
  CHECK(value(by["initiator7"]["requests"]) == 2);
  CHECK(value(by["dense0"]["bytes_read"]) == 256 + 16);
  CHECK(value(by["host"]["requests"]) == 0);  // debug transport is not counted
  CHECK(!by["dense0"].contains("row_hits"));  // DRAM-only fields
  const double waited =
      value(by["dense0"]["queueing_delay_avg_ns"]) * 6 + value(by["initiator7"]["queueing_delay_avg_ns"]) * 2;
  // Same bank at the same time: one of the two waits a cycle (1 ns) for the bank's port; other banks
  // and the lone bursts: no wait.
  CHECK(waited == Approx(1.0));
  CHECK(std::abs((a_same - b_same).to_seconds() * 1e9) == Approx(1.0));
  CHECK(a_other == b_other);
  // The snapshot API answers the same counts.
  CHECK(top.sram->initiator_counters(7).requests == 2);
  CHECK(top.sram->initiator_counters(1).bytes_read == 256 + 16);
  // The SRAM's energy is in the tree's totals: read words priced; its leakage is a hardware figure.
  CHECK(c["actions"]["read_word"]["count"].get<std::uint64_t>() == 32 + 4);
  CHECK(c["leakage_mw"]["value"].get<double>() > 0);
}

TEST_CASE("soc memory: per-initiator DRAM statistics add up to the memory's totals", "[sc][soc][dram]") {
  sc::Scenario s = scenario({"timing_mode=AT", "platform.memory.preset=ddr4"});
  add_task(s);
  sc::Platform top("top", s);
  Tester a("a", sc::TimingMode::AT, 0), b("b", sc::TimingMode::AT, 1);
  top.bind_initiator(a.port->init_socket);
  top.bind_initiator(b.port->init_socket);
  // a streams sequential reads, b scattered reads and writes: both share the channel's queue.
  std::vector<std::uint8_t> seq(64 * 256), scattered(64);
  a.body = [&](sc::InitiatorPort& p) { p.transfer(false, 0, seq.data(), seq.size(), sc_core::SC_ZERO_TIME); };
  b.body = [&](sc::InitiatorPort& p) {
    sc_time t = sc_core::SC_ZERO_TIME;
    std::uint64_t x = 99;
    for (int i = 0; i < 64; ++i) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      t = p.transfer(i % 4 == 0, ((x >> 20) % (1u << 20)) * 64, scattered.data(), 64, t);
    }
  };
  sc_core::sc_start();
  CHECK(a.failure.empty());
  CHECK(b.failure.empty());
  const common::Json m = stats_of(top)["top.memory"];
  REQUIRE(m.contains("by_initiator"));
  const common::Json& by = m["by_initiator"];
  REQUIRE(by.size() == 2);  // host, dense0
  double requests = 0, read = 0, written = 0, hits = 0, misses = 0, conflicts = 0, share = 0, latency = 0;
  for (const auto& [name, st] : by.items()) {
    requests += value(st["requests"]);
    read += value(st["bytes_read"]);
    written += value(st["bytes_written"]);
    hits += value(st["row_hits"]);
    misses += value(st["row_misses"]);
    conflicts += value(st["row_conflicts"]);
    share += value(st["data_bus_busy_share"]);
    latency += value(st["latency_avg_ns"]) * value(st["requests"]);
    CHECK(value(st["latency_p99_ns"]) >= value(st["latency_avg_ns"]) * 0.5);
  }
  CHECK(value(by["host"]["requests"]) == 256);
  CHECK(value(by["dense0"]["requests"]) == 64);
  CHECK(value(by["dense0"]["bytes_written"]) == 16 * 64);
  CHECK(requests == value(m["reads"]) + value(m["writes"]));
  CHECK(read == value(m["bytes_read"]));
  CHECK(written == value(m["bytes_written"]));
  CHECK(hits == value(m["row_hits"]));
  CHECK(misses == value(m["row_misses"]));
  CHECK(conflicts == value(m["row_conflicts"]));
  CHECK(share == Approx(1.0));
  CHECK(latency / requests == Approx(value(m["avg_latency_ns"])).epsilon(1e-9));
  CHECK(value(by["host"]["queueing_delay_avg_ns"]) > 0);  // 16 outstanding reads wait in the queue
  // Snapshots: a difference of two is what a task reports; here start = nothing.
  const memory::InitiatorCounters end = top.memory().initiator_counters(0);
  const memory::InitiatorCounters d = end.since(memory::InitiatorCounters{});
  CHECK(d.requests == 256);
  CHECK(d.latency_ns.mean() == Approx(value(by["host"]["latency_avg_ns"])));
}

TEST_CASE(
    "soc memory: a single-workload scenario reports no by_initiator, the scheduler key reaches the channels",
    "[sc][soc][dram]") {
  sc::Scenario s = scenario({"timing_mode=AT", "platform.memory.preset=hbm2",
                             "platform.memory.scheduler=fr_fcfs_cap", "platform.memory.scheduler_cap=3"});
  REQUIRE(s.tasks.empty());
  sc::Platform top("top", s);
  const auto& dram = dynamic_cast<const sc::DramTarget&>(top.memory());
  CHECK(dram.channel(0).spec().scheduler == memory::DramScheduler::FrFcfsCap);
  CHECK(dram.channel(0).spec().scheduler_cap == 3);
  CHECK(top.sram == nullptr);
  Tester a("a", sc::TimingMode::AT, 0);
  top.bind_initiator(a.port->init_socket);
  std::vector<std::uint8_t> buf(64 * 16);
  a.body = [&](sc::InitiatorPort& p) { p.transfer(false, 0, buf.data(), buf.size(), sc_core::SC_ZERO_TIME); };
  sc_core::sc_start();
  CHECK(a.failure.empty());
  const common::Json st = stats_of(top);
  CHECK(value(st["top.memory"]["reads"]) == 16);
  CHECK_FALSE(st["top.memory"].contains("by_initiator"));
  CHECK_FALSE(st.contains("top.sram"));
  CHECK(top.memory().initiator_counters(0).requests == 0);
}
