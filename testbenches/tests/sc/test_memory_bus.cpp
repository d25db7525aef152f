// SystemC component tests: the simple memory target behind the router, driven by an initiator port.
#include <tlm_utils/peq_with_cb_and_phase.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <catch2/catch.hpp>
#include <systemc>

#include <functional>
#include <cmath>
#include <numeric>

#include "tlm/core/initiator_port.hpp"
#include "tlm/interconnect/router.hpp"
#include "tlm/memory/simple_memory.hpp"

using namespace savp;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

// A test initiator whose thread runs a body once.
struct Tester : sc_core::sc_module {
  std::function<void(sc::InitiatorPort&)> body;
  std::unique_ptr<sc::InitiatorPort> port;
  std::string failure;
  SC_HAS_PROCESS(Tester);
  Tester(sc_core::sc_module_name n, std::uint32_t burst, std::uint32_t outstanding, sc::TimingMode mode,
         sc_time interval = sc_time(1, SC_NS))
      : sc_module(n) {
    port = std::make_unique<sc::InitiatorPort>("port", sc::PortConfig{burst, outstanding, interval, mode});
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

struct Bench {
  memory::MemorySpec spec;
  std::unique_ptr<sc::Router> bus;
  std::unique_ptr<sc::SimpleMemory> mem;
  std::unique_ptr<Tester> tester;
  Bench(double latency_ns, double gbps, std::uint32_t burst = 64, std::uint32_t outstanding = 8,
        sc::TimingMode mode = sc::TimingMode::LT) {
    spec.size_bytes = 1 << 20;
    spec.latency_ns = latency_ns;
    spec.bandwidth_gbps = gbps;
    bus = std::make_unique<sc::Router>("bus", sc::RouterConfig{sc_time(1, SC_NS), 0.0, 0.0});
    mem = std::make_unique<sc::SimpleMemory>("memory", spec);
    tester = std::make_unique<Tester>("tester", burst, outstanding, mode);
    bus->init_socket.bind(mem->tgt_socket);
    bus->map({"memory", 0x1000'0000, spec.size_bytes, 0});
    tester->port->init_socket.bind(bus->tgt_socket);
  }
};

// An AT target that ends every request from within its forward call (END_REQ on the backward path
// before nb_transport_fw returns, as the base protocol allows) and answers 10 ns later.
struct EagerTarget : sc_core::sc_module {
  tlm_utils::simple_target_socket<EagerTarget> tgt_socket;
  tlm_utils::peq_with_cb_and_phase<EagerTarget> peq;
  std::uint64_t served = 0;
  SC_HAS_PROCESS(EagerTarget);
  explicit EagerTarget(sc_core::sc_module_name n)
      : sc_module(n), tgt_socket("tgt_socket"), peq(this, &EagerTarget::respond) {
    tgt_socket.register_nb_transport_fw(this, &EagerTarget::nb_transport_fw);
  }
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& t, tlm::tlm_phase& phase, sc_time& delay) {
    if (phase != tlm::BEGIN_REQ) return tlm::TLM_COMPLETED;  // END_RESP
    t.acquire();
    tlm::tlm_phase end = tlm::END_REQ;
    sc_time now = sc_core::SC_ZERO_TIME;
    tgt_socket->nb_transport_bw(t, end, now);
    peq.notify(t, tlm::BEGIN_RESP, delay + sc_time(10, SC_NS));
    return tlm::TLM_ACCEPTED;
  }
  void respond(tlm::tlm_generic_payload& t, const tlm::tlm_phase&) {
    t.set_response_status(tlm::TLM_OK_RESPONSE);
    tlm::tlm_phase p = tlm::BEGIN_RESP;
    sc_time d = sc_core::SC_ZERO_TIME;
    ++served;
    tgt_socket->nb_transport_bw(t, p, d);
    t.release();
  }
};

}  // namespace

TEST_CASE("memory: bytes written through the router read back, with latency and bandwidth timing",
          "[sc][memory]") {
  Bench b(50.0, 10.0, 64, 64);  // 10 GB/s = 0.1 ns per byte; enough requests in flight to cover latency
  std::vector<std::uint8_t> data(1024), back(1024, 0);
  std::iota(data.begin(), data.end(), 0);
  sc_time write_done, read_done;
  b.tester->body = [&](sc::InitiatorPort& p) {
    write_done = p.transfer(true, 0x1000'0000 + 4096, data.data(), data.size(), sc_core::SC_ZERO_TIME);
    read_done = p.transfer(false, 0x1000'0000 + 4096, back.data(), back.size(), write_done);
  };
  sc_core::sc_start();
  REQUIRE(b.tester->failure.empty());
  CHECK(back == data);
  // 16 bursts of 64 B occupy the bus 6.4 ns each = 102.4 ns, + 50 ns latency + 1 ns hop each way.
  CHECK(write_done.to_seconds() * 1e9 == Approx(1.0 + 102.4 + 50.0 + 1.0).margin(1e-6));
  CHECK(b.mem->bytes_written() == 1024);
  CHECK(b.mem->bytes_read() == 1024);
  CHECK(b.tester->port->stats().write_requests == 16);
}

TEST_CASE("memory: unmapped addresses give an address error that the port reports", "[sc][memory]") {
  Bench b(10.0, 0.0);
  std::vector<std::uint8_t> buf(64);
  b.tester->body = [&](sc::InitiatorPort& p) {
    p.transfer(false, 0x2000'0000, buf.data(), 64, sc_core::SC_ZERO_TIME);
  };
  sc_core::sc_start();
  CHECK_THAT(b.tester->failure, Catch::Contains("TLM_ADDRESS_ERROR_RESPONSE"));
  CHECK(b.bus->decode_errors() == 1);
}

TEST_CASE("memory: a request straddling the end of memory is refused, not wrapped", "[sc][memory]") {
  Bench b(10.0, 0.0);
  std::vector<std::uint8_t> buf(64);
  b.tester->body = [&](sc::InitiatorPort& p) {
    p.transfer(false, 0x1000'0000 + (1 << 20) - 32, buf.data(), 64, sc_core::SC_ZERO_TIME);
  };
  sc_core::sc_start();
  CHECK_THAT(b.tester->failure, Catch::Contains("ADDRESS_ERROR"));
}

TEST_CASE("memory: outstanding-request limit serialises latency", "[sc][memory]") {
  // Unlimited bandwidth, 100 ns latency: with 1 outstanding request 4 bursts take 4 x 102 ns (hop, 100 ns, hop back); with
  // 4 outstanding they overlap (issued 1 ns apart).
  Bench b(100.0, 0.0, 64, 1);
  std::vector<std::uint8_t> buf(256);
  sc_time done;
  b.tester->body = [&](sc::InitiatorPort& p) {
    done = p.transfer(false, 0x1000'0000, buf.data(), 256, sc_core::SC_ZERO_TIME);
  };
  sc_core::sc_start();
  REQUIRE(b.tester->failure.empty());
  CHECK(done.to_seconds() * 1e9 == Approx(4 * 102.0));  // hop, 100 ns, hop back; one at a time
}

TEST_CASE("memory: pipelined requests overlap their latency", "[sc][memory]") {
  Bench b(100.0, 0.0, 64, 4);
  std::vector<std::uint8_t> buf(256);
  sc_time done;
  b.tester->body = [&](sc::InitiatorPort& p) {
    done = p.transfer(false, 0x1000'0000, buf.data(), 256, sc_core::SC_ZERO_TIME);
  };
  sc_core::sc_start();
  REQUIRE(b.tester->failure.empty());
  CHECK(done.to_seconds() * 1e9 == Approx(3.0 + 102.0));
}

TEST_CASE("memory: too few requests in flight cannot cover the latency (Little's law)", "[sc][memory]") {
  // 8 outstanding x 64 B per (50 ns latency + 6.4 ns transfer) < 10 GB/s: the tail is latency bound.
  Bench b(50.0, 10.0, 64, 8);
  std::vector<std::uint8_t> data(1024);
  sc_time done;
  b.tester->body = [&](sc::InitiatorPort& p) {
    done = p.transfer(true, 0x1000'0000, data.data(), 1024, sc_core::SC_ZERO_TIME);
  };
  sc_core::sc_start();
  REQUIRE(b.tester->failure.empty());
  // Hand-worked: burst 8 issues when burst 0 completes (58.4 ns, with the hop back) and completes
  // at 116.8 ns; each later burst completes 6.4 ns after the previous one: 116.8 + 7 x 6.4.
  CHECK(done.to_seconds() * 1e9 == Approx(161.6));
}

TEST_CASE("memory: backdoor loads use direct memory pointers, a page at a time, through the router",
          "[sc][memory]") {
  Bench b(50.0, 10.0);
  std::vector<std::uint8_t> data(10000), back(10000, 0);
  std::iota(data.begin(), data.end(), 7);
  b.tester->body = [&](sc::InitiatorPort& p) {
    p.debug(true, 0x1000'0000 + 100, data.data(), data.size());  // spans pages 0..2
    p.transfer(false, 0x1000'0000 + 100, back.data(), back.size(), sc_core::SC_ZERO_TIME);
  };
  sc_core::sc_start();
  REQUIRE(b.tester->failure.empty());
  CHECK(back == data);  // bytes written through the pointers are what the timed path reads
  CHECK(b.tester->port->stats().dmi_grants == 3);
  CHECK(b.mem->bytes_written() == 0);  // a backdoor, not traffic
}

TEST_CASE("memory: two AT initiators share a bandwidth-limited router port round-robin", "[sc][memory]") {
  memory::MemorySpec spec;
  spec.size_bytes = 1 << 20;
  spec.latency_ns = 10;
  spec.bandwidth_gbps = 0;
  sc::Router bus("bus", sc::RouterConfig{sc_time(1, SC_NS), 16.0, 0.25});  // 16 GB/s port
  sc::SimpleMemory mem("memory", spec);
  Tester a("a", 64, 16, sc::TimingMode::AT), c("c", 64, 16, sc::TimingMode::AT);
  bus.init_socket.bind(mem.tgt_socket);
  bus.map({"memory", 0, spec.size_bytes, 0});
  a.port->init_socket.bind(bus.tgt_socket);
  c.port->init_socket.bind(bus.tgt_socket);
  std::vector<std::uint8_t> ba(64 * 256), bc(64 * 256);
  sc_time da, dc;
  a.body = [&](sc::InitiatorPort& p) { da = p.transfer(false, 0, ba.data(), ba.size(), sc_core::SC_ZERO_TIME); };
  c.body = [&](sc::InitiatorPort& p) { dc = p.transfer(false, 65536, bc.data(), bc.size(), sc_core::SC_ZERO_TIME); };
  sc_core::sc_start();
  REQUIRE(a.failure.empty());
  REQUIRE(c.failure.empty());
  // 2 x 16 KiB over one 16 GB/s port: 2048 ns of occupancy; round-robin finishes both together.
  const double end_a = da.to_seconds() * 1e9, end_c = dc.to_seconds() * 1e9;
  CHECK(std::max(end_a, end_c) >= 2048.0);
  CHECK(std::max(end_a, end_c) <= 2048.0 + 20.0);
  CHECK(std::fabs(end_a - end_c) <= 8.5);  // interleaved (within two 4 ns slots), not one after the other
  sc::StatsTree tree;
  bus.report_stats(tree);
  CHECK(tree.energy_pj() == Approx(2 * 64 * 256 * 0.25));
}

TEST_CASE("memory: an AT port whose target ends requests inside the forward call issues them all, no recursion",
          "[sc][memory]") {
  // The port sends its next request straight from an END_REQ on the backward path; from within its
  // own forward call that must not re-enter it (20000 nested calls would overflow the thread's stack).
  EagerTarget target("target");
  Tester t("tester", 64, 1u << 20, sc::TimingMode::AT, sc_core::SC_ZERO_TIME);
  t.port->init_socket.bind(target.tgt_socket);
  std::vector<std::uint8_t> buf(64 * 20000);
  sc_time done;
  t.body = [&](sc::InitiatorPort& p) { done = p.transfer(false, 0, buf.data(), buf.size(), sc_core::SC_ZERO_TIME); };
  sc_core::sc_start();
  REQUIRE(t.failure.empty());
  CHECK(target.served == 20000);
  CHECK(t.port->stats().read_requests == 20000);
  CHECK(done == sc_time(10, SC_NS));  // all issued at 0 (no issue interval), all answered 10 ns later
}
