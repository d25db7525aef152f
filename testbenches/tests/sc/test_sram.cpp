// SystemC component tests: the SRAM target behind the router, driven by initiator ports in LT and
// AT, with base-protocol checkers on every hop. LT and AT move the same bytes and count the same
// word accesses; only AT sees conflicts between two initiators hitting one bank in the same cycle.
#include <catch2/catch.hpp>
#include <systemc>

#include <functional>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "models/common/energy_table.hpp"
#include "models/common/json_reader.hpp"
#include "tlm/core/initiator_port.hpp"
#include "tlm/core/protocol_checker.hpp"
#include "tlm/interconnect/router.hpp"
#include "tlm/memory/sram_target.hpp"

#ifndef SAVP_SOURCE_DIR
#define SAVP_SOURCE_DIR "."
#endif

using namespace savp;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

constexpr std::uint64_t kBase = 0x2000'0000;

// A test initiator whose thread runs a body once.
struct Tester : sc_core::sc_module {
  std::function<void(sc::InitiatorPort&)> body;
  std::unique_ptr<sc::InitiatorPort> port;
  std::string failure;
  SC_HAS_PROCESS(Tester);
  Tester(sc_core::sc_module_name n, sc::TimingMode mode) : sc_module(n) {
    port = std::make_unique<sc::InitiatorPort>("port", sc::PortConfig{64, 8, sc_time(1, SC_NS), mode});
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

common::EnergyTable default_table() {
  common::Json j =
      common::load_json_file(std::string(SAVP_SOURCE_DIR) + "/scenarios/energy/default-45nm.json");
  return common::EnergyTable::parse(common::JsonNode(j, "default-45nm.json"));
}

// 64 KiB, 4 banks of one port, 8-byte words, 2-cycle latency at 1 GHz, word-interleaved.
memory::SramSpec test_spec() {
  memory::SramSpec s;
  s.name = "sram";
  s.capacity_bytes = 64 * 1024;
  s.banks = 4;
  s.ports = 1;
  s.word_bytes = 8;
  s.latency_cycles = 2;
  s.clock_mhz = 1000.0;
  return s;
}

// testers -> per-tester checker -> router (1 ns hop) -> checker -> SRAM.
struct Bench {
  std::vector<std::unique_ptr<Tester>> testers;
  std::vector<std::unique_ptr<sc::ProtocolChecker>> checkers;
  std::unique_ptr<sc::Router> bus;
  std::unique_ptr<sc::SramTarget> sram;
  // window_bytes: the router's window for the SRAM (0: its size); a larger one lets requests past
  // the end of the macro reach it.
  Bench(int n, sc::TimingMode mode, std::uint64_t window_bytes = 0) {
    bus = std::make_unique<sc::Router>("bus", sc::RouterConfig{sc_time(1, SC_NS), 0.0, 0.0});
    sram = std::make_unique<sc::SramTarget>("sram", test_spec(), default_table());
    for (int i = 0; i < n; ++i) {
      testers.push_back(std::make_unique<Tester>(("tester" + std::to_string(i)).c_str(), mode));
      checkers.push_back(
          std::make_unique<sc::ProtocolChecker>(("tester" + std::to_string(i) + "2bus_checker").c_str()));
      testers.back()->port->init_socket.bind(checkers.back()->tgt_socket);
      checkers.back()->init_socket.bind(bus->tgt_socket);
    }
    checkers.push_back(std::make_unique<sc::ProtocolChecker>("bus2sram_checker"));
    bus->init_socket.bind(checkers.back()->tgt_socket);
    checkers.back()->init_socket.bind(sram->tgt_socket);
    bus->map({"sram", kBase, window_bytes ? window_bytes : sram->size_bytes(), 0});
  }
  void check_clean() const {
    for (const auto& t : testers) CHECK(t->failure.empty());
    for (const auto& c : checkers) {
      std::string all;
      for (const auto& v : c->violations()) all += v + "\n";
      INFO(all);
      CHECK(c->violation_count() == 0);
      CHECK(c->in_flight() == 0);
    }
  }
  common::Json stats() const {
    sc::StatsTree tree;
    sram->report_stats(tree);
    return tree.to_json()["sram"];
  }
};

// One initiator writes 1 KiB in 64-byte bursts, reads it back, and overwrites 8 bytes at an
// unaligned address. The same in both modes: the bytes and the word counts must match.
void round_trip(sc::TimingMode mode) {
  Bench b(1, mode);
  std::vector<std::uint8_t> data(1024), back(1024, 0), patch(8, 0xAB), after(16, 0);
  std::iota(data.begin(), data.end(), 7);
  b.testers[0]->body = [&](sc::InitiatorPort& p) {
    sc_time t = p.transfer(true, kBase + 4096, data.data(), data.size(), sc_core::SC_ZERO_TIME);
    t = p.transfer(false, kBase + 4096, back.data(), back.size(), t);
    t = p.transfer(true, kBase + 4096 + 12, patch.data(), patch.size(), t);
    p.transfer(false, kBase + 4096 + 8, after.data(), after.size(), t);
  };
  sc_core::sc_start();
  b.check_clean();
  CHECK(back == data);
  std::vector<std::uint8_t> expect(data.begin() + 8, data.begin() + 24);
  std::fill(expect.begin() + 4, expect.begin() + 12, 0xAB);
  CHECK(after == expect);
  std::vector<std::uint8_t> stored(1024);
  b.sram->store().read(4096, stored.data(), stored.size());
  std::copy(patch.begin(), patch.end(), data.begin() + 12);
  CHECK(stored == data);
  const memory::SramCounters& c = b.sram->model().counters();
  CHECK(c.write_words == 128 + 2);  // 1 KiB = 128 words; 8 bytes at offset 12 straddle 2 words
  CHECK(c.read_words == 128 + 2);
  CHECK(c.bytes_written == 1024 + 8);
  CHECK(c.bytes_read == 1024 + 16);
  CHECK(b.sram->bytes_written() == 1024 + 8);
  // A 64-byte burst is 8 words, two per bank: one conflict cycle within each of the 32 bursts. In
  // LT that is all; in AT the bursts (issued 1 ns apart, each holding its banks 2 cycles) also queue
  // behind each other.
  if (mode == sc::TimingMode::LT) {
    CHECK(c.conflict_cycles == 32);
  } else {
    CHECK(c.conflict_cycles > 32);
  }
  const common::Json s = b.stats();
  CHECK(s["read_words"]["value"].get<double>() == 130);
  CHECK(s["write_words"]["value"].get<double>() == 130);
  CHECK(s["actions"]["read_word"]["count"].get<std::uint64_t>() == 130);
  const double rd = b.sram->model().read_pj_per_word();
  CHECK(rd == Approx(default_table().sram_pj_per_64b(64 * 1024, false)));
  CHECK(s["actions"]["read_word"]["energy_pj"].get<double>() == Approx(130 * rd));
  // Leakage is not an action; the macro reports its area and leakage from the table's per-bit figures,
  // its periphery (the per-bit figure's excess over the 0.346 um2 cell) grown by sqrt(4 banks).
  CHECK(!s["actions"].contains("leakage"));
  const double bank_factor = (0.346 + (1.215 - 0.346) * 2.0) / 1.215;
  CHECK(s["area_mm2"]["value"].get<double>() == Approx(64 * 1024 * 8 * 1.215e-6 * bank_factor));
  CHECK(s["leakage_mw"]["value"].get<double>() == Approx(64 * 1024 * 8 * 10.49e-6 * bank_factor));
}

// Two initiators each read one 8-byte word at t = 0 (round 1: words 0 and 4, both in bank 0) and
// at t = 100 ns (round 2: words 0 and 1, banks 0 and 1). Both threads synchronise before round 2,
// so that in LT neither issues round 2 (decoupled, ahead of time) before the other's round 1.
// Returns the four completion times.
std::vector<double> two_initiators(Bench& b) {
  std::vector<double> done(4, 0.0);
  std::vector<std::uint8_t> buf0(8), buf1(8);
  b.testers[0]->body = [&](sc::InitiatorPort& p) {
    done[0] = p.transfer(false, kBase, buf0.data(), 8, sc_core::SC_ZERO_TIME).to_seconds() * 1e9;
    sc::sync_to(sc_time(100, SC_NS), true);
    done[2] = p.transfer(false, kBase, buf0.data(), 8, sc_time(100, SC_NS)).to_seconds() * 1e9;
  };
  b.testers[1]->body = [&](sc::InitiatorPort& p) {
    done[1] = p.transfer(false, kBase + 32, buf1.data(), 8, sc_core::SC_ZERO_TIME).to_seconds() * 1e9;
    sc::sync_to(sc_time(100, SC_NS), true);
    done[3] = p.transfer(false, kBase + 8, buf1.data(), 8, sc_time(100, SC_NS)).to_seconds() * 1e9;
  };
  sc_core::sc_start();
  b.check_clean();
  return done;
}

}  // namespace

TEST_CASE("sram: LT round trip moves real bytes and counts words", "[sc][sram]") {
  round_trip(sc::TimingMode::LT);
}

TEST_CASE("sram: AT round trip moves the same bytes and counts the same words", "[sc][sram]") {
  round_trip(sc::TimingMode::AT);
}

TEST_CASE("sram: LT with two initiators on one bank sees no conflict (no queueing between callers)",
          "[sc][sram]") {
  Bench b(2, sc::TimingMode::LT);
  const std::vector<double> done = two_initiators(b);
  // Issued at 0, 1 ns hop -> cycle 1, accessed at 1, data at 1 + 2 = 3 ns, back over the hop at
  // 4 ns for both.
  CHECK(done[0] == Approx(4.0));  // hop in (1) + access (2) + hop back (1), as in AT
  CHECK(done[1] == Approx(4.0));
  CHECK(done[2] == Approx(104.0));
  CHECK(done[3] == Approx(104.0));
  CHECK(b.sram->model().counters().conflict_cycles == 0);
  CHECK(b.stats()["bank_conflict_cycles"]["value"].get<double>() == 0.0);
  CHECK(b.sram->model().counters().read_words == 4);
}

TEST_CASE("sram: AT with two initiators on one bank in one cycle serialises them but not on two banks",
          "[sc][sram]") {
  Bench b(2, sc::TimingMode::AT);
  const std::vector<double> done = two_initiators(b);
  // Round 1: both arrive at cycle 1 for bank 0: one is accessed at 1 (data at 3, + the router's
  // 1 ns hop back in AT = 4 ns), the other at 2 (5 ns). Round 2: banks 0 and 1, both accessed at
  // 101 -> 104 ns.
  CHECK(std::min(done[0], done[1]) == Approx(4.0));
  CHECK(std::max(done[0], done[1]) == Approx(5.0));
  CHECK(done[2] == Approx(104.0));
  CHECK(done[3] == Approx(104.0));
  CHECK(b.sram->model().counters().conflict_cycles == 1);
  CHECK(b.sram->model().counters().conflicted_requests == 1);
  CHECK(b.stats()["bank_conflict_cycles"]["value"].get<double>() == 1.0);
  CHECK(b.sram->model().counters().read_words == 4);  // same counts as LT
  CHECK(b.checkers.back()->transactions() == 4);
}

TEST_CASE("sram: an access beyond the macro is an address error", "[sc][sram]") {
  Bench b(1, sc::TimingMode::AT, 128 * 1024);  // the router passes it on: the SRAM must refuse it
  std::vector<std::uint8_t> buf(64);
  b.testers[0]->body = [&](sc::InitiatorPort& p) {
    p.transfer(false, kBase + 64 * 1024 - 32, buf.data(), 64, sc_core::SC_ZERO_TIME);
  };
  sc_core::sc_start();
  CHECK_THAT(b.testers[0]->failure, Catch::Contains("ADDRESS_ERROR"));
  for (const auto& c : b.checkers) CHECK(c->violation_count() == 0);
  CHECK(b.stats()["error_responses"]["value"].get<double>() == 1.0);
  // The port splits at 64-byte boundaries: the 32 bytes inside are served, the 32 beyond refused.
  CHECK(b.sram->model().counters().read_requests == 1);
  CHECK(b.sram->model().counters().read_words == 4);
}
