// The router's quality of service and per-initiator statistics: two initiators (ids 1 and 2)
// stream reads through one 16 GB/s router port (64 B requests: 4 ns each) to a memory with
// unlimited bandwidth, so the port is the bottleneck and the arbitration decides who is served.
// Snapshots of initiator_counters() taken while both wait show each policy's shares; the
// per-initiator statistics add up to the port's; caps hold an initiator's bandwidth in AT and LT;
// the trace's bandwidth counters integrate to the bytes moved.
#include <catch2/catch.hpp>
#include <systemc>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tlm/core/initiator_port.hpp"
#include "tlm/core/trace_writer.hpp"
#include "tlm/interconnect/router.hpp"
#include "tlm/memory/simple_memory.hpp"
#include "tlm/platform/platform.hpp"

using namespace savp;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

constexpr std::uint64_t kBytes = 64 * 256;  // per initiator: 256 requests of 64 B

// A test initiator whose thread runs a body once.
struct Streamer : sc_core::sc_module {
  std::function<void(sc::InitiatorPort&)> body;
  std::unique_ptr<sc::InitiatorPort> port;
  std::string failure;
  SC_HAS_PROCESS(Streamer);
  Streamer(sc_core::sc_module_name n, std::uint32_t id, sc::TimingMode mode) : sc_module(n) {
    port = std::make_unique<sc::InitiatorPort>("port", sc::PortConfig{64, 16, sc_time(1, SC_NS), mode});
    port->set_initiator(id);
    SC_THREAD(run);
  }
  void run() {
    try {
      body(*port);
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
};

// Two streamers ("a" id 1, "b" id 2) reading kBytes each from their own region at time 0.
struct Duo {
  memory::MemorySpec spec;
  sc::Router bus{"bus", sc::RouterConfig{sc_time(1, SC_NS), 16.0, 0.0}};
  std::unique_ptr<sc::SimpleMemory> mem;
  Streamer a, b;
  std::vector<std::uint8_t> buf_a = std::vector<std::uint8_t>(kBytes),
                            buf_b = std::vector<std::uint8_t>(kBytes);
  sc_time done_a, done_b;
  Duo(sc::Arbitration policy, std::vector<sc::InitiatorQos> qos, sc::TimingMode mode = sc::TimingMode::AT,
      bool per_initiator = true)
      : a("a", 1, mode), b("b", 2, mode) {
    spec.size_bytes = 1 << 20;
    spec.latency_ns = 20;
    spec.bandwidth_gbps = 0;
    mem = std::make_unique<sc::SimpleMemory>("memory", spec);
    bus.init_socket.bind(mem->tgt_socket);
    bus.map({"memory", 0, spec.size_bytes, 0});
    a.port->init_socket.bind(bus.tgt_socket);
    b.port->init_socket.bind(bus.tgt_socket);
    bus.set_arbitration(policy, std::move(qos));
    if (per_initiator) bus.enable_per_initiator({"host", "a", "b"});
    a.body = [this](sc::InitiatorPort& p) { done_a = p.transfer(false, 0, buf_a.data(), kBytes, sc_time()); };
    b.body = [this](sc::InitiatorPort& p) {
      done_b = p.transfer(false, 65536, buf_b.data(), kBytes, sc_time());
    };
  }
  std::uint64_t served(std::uint32_t id) const { return bus.initiator_counters(id).requests; }
  void finish() {
    sc_core::sc_start();
    REQUIRE(a.failure.empty());
    REQUIRE(b.failure.empty());
  }
  common::Json stats() const {
    sc::StatsTree tree;
    bus.report_stats(tree);
    return tree.to_json()["bus"];
  }
};

sc::InitiatorQos qos_with(std::int64_t priority, std::uint32_t weight, double cap_gbps) {
  sc::InitiatorQos q;
  q.priority = priority;
  q.weight = weight;
  q.bandwidth_cap_gbps = cap_gbps;
  return q;
}

double ns(const sc_time& t) { return t.to_seconds() * 1e9; }

// The by_initiator statistics add up to the port's requests and bytes, and the busy shares of the
// initiators that used the one port add up to 1.
void check_sums(const common::Json& bus) {
  REQUIRE(bus.contains("by_initiator"));
  double requests = 0, bytes = 0, share = 0;
  for (const auto& [who, s] : bus["by_initiator"].items()) {
    requests += s["requests"]["value"].get<double>();
    bytes += s["bytes_read"]["value"].get<double>() + s["bytes_written"]["value"].get<double>();
    share += s["busy_share"]["value"].get<double>();
  }
  CHECK(requests == bus["memory.requests"]["value"].get<double>());
  CHECK(bytes == bus["memory.bytes"]["value"].get<double>());
  CHECK(share == Approx(1.0));
}

double stat(const common::Json& bus, const std::string& who, const std::string& name) {
  return bus["by_initiator"][who][name]["value"].get<double>();
}

}  // namespace

TEST_CASE("router qos: round_robin serves two waiting initiators alike", "[sc][router]") {
  Duo d(sc::Arbitration::RoundRobin, {});
  sc_core::sc_start(sc_time(1000, SC_NS));  // both still streaming (2048 ns of port time in all)
  const double sa = static_cast<double>(d.served(1)), sb = static_cast<double>(d.served(2));
  CHECK(sa + sb >= 240);  // the port was busy: one 4 ns slot after another
  CHECK(std::fabs(sa - sb) <= 2);
  d.finish();
  CHECK(std::fabs(ns(d.done_a) - ns(d.done_b)) <= 10);
  const common::Json bus = d.stats();
  check_sums(bus);
  CHECK(stat(bus, "a", "requests") == 256);
  CHECK(stat(bus, "a", "bytes_read") == kBytes);
  CHECK(stat(bus, "a", "bytes_written") == 0);
  CHECK(stat(bus, "host", "requests") == 0);
  CHECK(stat(bus, "a", "busy_share") == Approx(0.5));
  // Latency: hop, queue, 20 ns memory, hop back (the port's 4 ns spaces the requests: the target
  // sees each when it starts on the port); the queue wait is part of it.
  CHECK(stat(bus, "a", "queueing_delay_avg_ns") > 0.0);
  CHECK(stat(bus, "a", "latency_avg_ns") == Approx(stat(bus, "a", "queueing_delay_avg_ns") + 22.0));
  CHECK(stat(bus, "a", "latency_p99_ns") >= stat(bus, "a", "latency_avg_ns"));
}

TEST_CASE("router qos: fixed_priority serves the high initiator first and starves the low one",
          "[sc][router]") {
  // b (id 2) has priority 5; a keeps the default 0.
  Duo d(sc::Arbitration::FixedPriority, {qos_with(0, 1, 0), qos_with(0, 1, 0), qos_with(5, 1, 0)});
  sc_core::sc_start(sc_time(900, SC_NS));
  CHECK(d.served(2) >= 200);
  CHECK(d.served(1) <= 1);  // at most the request that found the port idle at time 0
  d.finish();
  CHECK(ns(d.done_b) <= 256 * 4 + 60);
  CHECK(ns(d.done_a) >= 2 * 256 * 4 - 8);  // after b's stream
  const common::Json bus = d.stats();
  check_sums(bus);
  // a's request that found b waiting sat in the queue until b's stream ended (an initiator has one
  // request in the router at a time: the next waits for its END_REQ).
  CHECK(d.bus.initiator_counters(1).latency_ns.max() >= 256 * 4 - 40);
  CHECK(d.bus.initiator_counters(2).latency_ns.max() <= 30);
  CHECK(stat(bus, "a", "latency_avg_ns") > stat(bus, "b", "latency_avg_ns"));
  CHECK(stat(bus, "a", "queueing_delay_avg_ns") > stat(bus, "b", "queueing_delay_avg_ns"));
}

TEST_CASE("router qos: weighted 3:1 serves the waiting initiators about 3:1", "[sc][router]") {
  Duo d(sc::Arbitration::Weighted, {qos_with(0, 1, 0), qos_with(0, 3, 0), qos_with(0, 1, 0)});
  sc_core::sc_start(sc_time(1000, SC_NS));  // a needs about 1365 ns at 3/4 of the port
  const double sa = static_cast<double>(d.served(1)), sb = static_cast<double>(d.served(2));
  CHECK(sa + sb >= 240);
  CHECK(sa / sb == Approx(3.0).epsilon(0.05));
  d.finish();
  check_sums(d.stats());
  CHECK(ns(d.done_a) < ns(d.done_b));
}

TEST_CASE("router qos: a bandwidth cap holds an AT initiator at or below it", "[sc][router]") {
  // a capped at 4 GB/s (a 64 B request every 16 ns at most); b takes the rest of the port.
  Duo d(sc::Arbitration::RoundRobin, {qos_with(0, 1, 0), qos_with(0, 1, 4.0), qos_with(0, 1, 0)});
  d.finish();
  const double end_a = ns(d.done_a), end_b = ns(d.done_b);
  CHECK(static_cast<double>(kBytes) / end_a <=
        4.0 * 256.0 / 255.0);                                // the last request starts 255 x 16 ns in
  CHECK(static_cast<double>(kBytes) / end_a >= 0.95 * 4.0);  // and the cap is not stricter than asked
  CHECK(end_b < end_a / 2);                                  // b was not held back by a's cap
  const common::Json bus = d.stats();
  check_sums(bus);
  CHECK(stat(bus, "a", "queueing_delay_avg_ns") > 0);  // a's requests wait in the queue for their turn
}

TEST_CASE("router qos: a bandwidth cap holds an LT initiator at or below it", "[sc][router]") {
  Duo d(sc::Arbitration::RoundRobin, {qos_with(0, 1, 0), qos_with(0, 1, 2.0), qos_with(0, 1, 0)},
        sc::TimingMode::LT);
  d.b.body = [](sc::InitiatorPort&) {};  // a alone
  d.finish();
  const double end_a = ns(d.done_a);
  CHECK(end_a >= 255 * 32.0);  // 64 B every 32 ns at most
  CHECK(static_cast<double>(kBytes) / end_a >= 0.95 * 2.0);
  const common::Json bus = d.stats();
  check_sums(bus);
  CHECK(stat(bus, "b", "requests") == 0);
}

TEST_CASE("router qos: without per-initiator accounting the report has no by_initiator", "[sc][router]") {
  Duo d(sc::Arbitration::RoundRobin, {}, sc::TimingMode::AT, false);
  d.finish();
  const common::Json bus = d.stats();
  CHECK_FALSE(bus.contains("by_initiator"));
  CHECK(bus["memory.requests"]["value"] == 512);
  CHECK(d.bus.initiator_counters(1).requests == 0);
}

TEST_CASE("router qos: snapshots subtract to what an initiator moved in between", "[sc][router]") {
  Duo d(sc::Arbitration::RoundRobin, {});
  sc_core::sc_start(sc_time(500, SC_NS));
  const sc::RouterInitiatorCounters start = d.bus.initiator_counters(1);
  d.finish();
  const sc::RouterInitiatorCounters end = d.bus.initiator_counters(1);
  REQUIRE(end.by_window.count("memory") == 1);
  CHECK(end.requests == 256);
  CHECK(end.by_window.at("memory").bytes_read == kBytes);
  CHECK(end.latency_ns.count() == 256);
  CHECK(start.requests > 0);
  CHECK(start.requests < 256);
  const sc::RouterInitiatorCounters window = end.since(start);
  CHECK(window.requests == 256 - start.requests);
  CHECK(window.by_window.at("memory").requests == 256 - start.requests);
  CHECK(window.by_window.at("memory").bytes_read == (256 - start.requests) * 64);
  CHECK(window.latency_ns.count() == 256 - start.latency_ns.count());
  CHECK(window.queueing_delay_ns == Approx(end.queueing_delay_ns - start.queueing_delay_ns));
}

TEST_CASE("router qos: per-initiator bandwidth counters in the trace integrate to the bytes moved",
          "[sc][router]") {
  sc::TraceWriter trace;
  Duo d(sc::Arbitration::RoundRobin, {});
  d.bus.set_trace(&trace);
  d.finish();
  const common::Json j = trace.to_json();
  std::map<std::string, std::vector<std::pair<double, double>>> series;  // name -> (ts us, GB/s)
  for (const auto& e : j["traceEvents"]) {
    if (e["ph"] == "C")
      series[e["name"].get<std::string>()].emplace_back(e["ts"].get<double>(),
                                                        e["args"]["value"].get<double>());
  }
  REQUIRE(series.size() == 2);
  for (const auto& [name, points] : series) {
    INFO(name);
    double bytes = 0;
    for (std::size_t i = 0; i + 1 < points.size(); ++i) {
      bytes += points[i].second * (points[i + 1].first - points[i].first) * 1000.0;  // GB/s x ns
      CHECK(points[i].second <= 16.0 * 1.01);                                        // never above the port
    }
    CHECK(points.back().second == 0.0);
    CHECK(bytes == Approx(static_cast<double>(kBytes)));
  }
  CHECK(j["otherData"]["counter_bin_ns"] == 1000.0);
}

TEST_CASE("trace writer: counters widen their bins to stay small and keep their sums", "[sc][trace]") {
  sc::TraceWriter trace;
  const int c = trace.counter("bus", "x GB/s");
  double total = 0;
  for (int i = 0; i < 20000; ++i) {  // one 64 B request every 1 us for 20 ms
    trace.count(c, i * 1000.0 + 3.0, 64.0);
    total += 64.0;
  }
  CHECK(trace.counter_bin_ns() == 8000.0);  // 20000 bins of 1 us -> 2500 of 8 us
  const common::Json j = trace.to_json();
  double bytes = 0;
  std::size_t n = 0;
  std::vector<std::pair<double, double>> points;
  for (const auto& e : j["traceEvents"]) {
    if (e["ph"] == "C") points.emplace_back(e["ts"].get<double>(), e["args"]["value"].get<double>()), ++n;
  }
  CHECK(n <= sc::TraceWriter::kMaxCounterBins + 1);
  for (std::size_t i = 0; i + 1 < points.size(); ++i)
    bytes += points[i].second * (points[i + 1].first - points[i].first) * 1000.0;
  CHECK(bytes == Approx(total));
  CHECK(trace.events() == 0);  // counters are not complete events
}

TEST_CASE("router qos: the platform gives the bus the scenario's policy and settings by initiator id",
          "[sc][router][platform]") {
  const std::string dir = std::string(SAVP_SOURCE_DIR) + "/scenarios";
  sc::Scenario s = sc::load_scenario(
      dir + "/default.json",
      {"platform.accelerators=[\"hardware/dense-32x32.json\",{\"type\":\"traffic\",\"name\":\"tg\"}]",
       "platform.interconnect.arbitration=fixed_priority", "platform.interconnect.priority.tg=7",
       "platform.interconnect.bandwidth_caps_gbps.dense0=3.5"},
      dir);
  sc::Platform p("top", s);
  CHECK(p.bus.arbitration() == sc::Arbitration::FixedPriority);
  CHECK(p.bus.qos(0).priority == 0);  // the host
  CHECK(p.bus.qos(0).bandwidth_cap_gbps == 0);
  CHECK(p.bus.qos(1).bandwidth_cap_gbps == 3.5);  // dense0
  CHECK(p.bus.qos(1).priority == 0);
  CHECK(p.bus.qos(2).priority == 7);   // tg
  CHECK_FALSE(p.bus.per_initiator());  // a single-workload scenario: no per-initiator report
}

TEST_CASE("router qos: a scenario with tasks turns on the bus's per-initiator accounting",
          "[sc][router][platform]") {
  const std::string dir = std::string(SAVP_SOURCE_DIR) + "/scenarios";
  sc::Scenario s = sc::load_scenario(dir + "/default.json", {}, dir);
  s.tasks.emplace_back();  // the task list's contents do not matter to the platform
  sc::Platform p("top", s);
  CHECK(p.bus.per_initiator());
  sc::StatsTree tree;
  p.report_stats(tree);
  const common::Json bus = tree.to_json()["top.bus"];
  REQUIRE(bus.contains("by_initiator"));
  CHECK(bus["by_initiator"].contains("host"));
  CHECK(bus["by_initiator"].contains("dense0"));
}
