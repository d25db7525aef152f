// Timing-only transactions (TimingOnlyExtension: a data-less transfer of an initiator port) on the
// memory targets behind the router, with protocol checkers on both hops: two identical platforms run
// the same requests at the same times, one with data and one without; completion times, the targets'
// statistics (timing, energy, counters) and the energy the hops charged are the same, while the
// timing-only side leaves the backing store as it was (a write without data changes no byte).
#include <catch2/catch.hpp>
#include <systemc>

#include <memory>
#include <string>
#include <vector>

#include "models/common/energy_table.hpp"
#include "models/common/json_reader.hpp"
#include "models/memory/memory_spec.hpp"
#include "models/memory/sram_model.hpp"
#include "tlm/core/initiator_port.hpp"
#include "tlm/core/protocol_checker.hpp"
#include "tlm/interconnect/router.hpp"
#include "tlm/memory/dram_target.hpp"
#include "tlm/memory/simple_memory.hpp"
#include "tlm/memory/sram_target.hpp"

using namespace savp;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

enum class Kind { Dram, Sram, Simple };
constexpr std::uint64_t kSize = 1 << 20;
constexpr std::uint64_t kAt = 0x2000, kBytes = 16 * 1024;

memory::MemorySpec preset(const std::string& name) {
  common::Json j = common::Json::object();
  j["preset"] = name;
  return memory::MemorySpec::parse(common::JsonNode(j, "test"),
                                   std::string(SAVP_SOURCE_DIR) + "/scenarios/memory/presets");
}

common::EnergyTable energy() {
  common::Json j =
      common::load_json_file(std::string(SAVP_SOURCE_DIR) + "/scenarios/energy/default-45nm.json");
  return common::EnergyTable::parse(common::JsonNode(j, "default-45nm.json"));
}

// port -> checker -> router -> checker -> memory. Writes pattern P with data at kAt, then reads it
// back and overwrites it with pattern Q: with data, or (timing_only) without any; records when each
// transfer completed and what the memory holds at kAt afterwards (debug read).
struct Side : sc_core::sc_module {
  bool timing_only;
  sc::InitiatorPort port;
  sc::ProtocolChecker c1{"c1"}, c2{"c2"};
  sc::Router bus{"bus", sc::RouterConfig{sc_time(1, SC_NS), 0.0, 0.0}};
  std::unique_ptr<sc::DramTarget> dram;
  std::unique_ptr<sc::SramTarget> sram;
  std::unique_ptr<sc::SimpleMemory> simple;
  sc::MemoryTarget* mem = nullptr;
  std::vector<double> done_ns;
  std::vector<std::uint8_t> after;
  std::string failure;

  SC_HAS_PROCESS(Side);
  Side(sc_core::sc_module_name n, Kind kind, sc::TimingMode mode, bool timing_only)
      : sc_module(n),
        timing_only(timing_only),
        port("port", sc::PortConfig{64, 8, sc_time(1, SC_NS), mode, true, 1}) {
    if (kind == Kind::Dram) {
      dram = std::make_unique<sc::DramTarget>("mem", preset("hbm2").dram, kSize);
      mem = dram.get();
    } else if (kind == Kind::Sram) {
      memory::SramSpec s;
      s.name = "mem";
      s.capacity_bytes = kSize;
      s.banks = 4;
      s.word_bytes = 8;
      s.latency_cycles = 2;
      sram = std::make_unique<sc::SramTarget>("mem", s, energy());
      mem = sram.get();
    } else {
      simple = std::make_unique<sc::SimpleMemory>("mem", preset("simple"));
      mem = simple.get();
    }
    port.init_socket.bind(c1.tgt_socket);
    c1.init_socket.bind(bus.tgt_socket);
    bus.init_socket.bind(c2.tgt_socket);
    c2.init_socket.bind(mem->target_socket());
    bus.map({"mem", 0, kSize, 0});
    SC_THREAD(run);
  }

  void run() {
    try {
      std::vector<std::uint8_t> p(kBytes), q(kBytes), back(kBytes, 0);
      for (std::uint64_t i = 0; i < kBytes; ++i) {
        p[i] = static_cast<std::uint8_t>(i * 7 + 1);
        q[i] = static_cast<std::uint8_t>(i * 5 + 2);
      }
      std::uint8_t* rd = timing_only ? nullptr : back.data();
      std::uint8_t* wr = timing_only ? nullptr : q.data();
      sc_time t = port.transfer(true, kAt, p.data(), kBytes, sc_core::SC_ZERO_TIME);
      done_ns.push_back(t.to_seconds() * 1e9);
      t = port.transfer(false, kAt, rd, kBytes, t);
      done_ns.push_back(t.to_seconds() * 1e9);
      t = port.transfer(true, kAt, wr, kBytes, t);
      done_ns.push_back(t.to_seconds() * 1e9);
      // A list of transfers as an engine issues them, half with data and half without.
      std::vector<common::MemTransfer> list;
      for (std::uint64_t k = 0; k < 8; ++k)
        list.push_back({kAt + 2 * kBytes + k * 1000, 100 + k, nullptr, nullptr});
      t = port.transfer_all(false, list, t);
      done_ns.push_back(t.to_seconds() * 1e9);
      sc::sync_to(t, true);
      after.assign(kBytes, 0);
      port.debug(false, kAt, after.data(), kBytes);
      if (!timing_only && back != p) failure = "the data read back differ from what was written";
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }

  common::Json stats() const {
    sc::StatsTree tree;
    mem->report_stats(tree);
    common::Json j = tree.to_json()[std::string(name()) + ".mem"];
    j.erase("pages_touched");  // the data footprint (backing-store pages): what must differ
    return j;
  }
};

void same_cost_without_data(Kind kind, sc::TimingMode mode) {
  Side with("with_data", kind, mode, false), without("timing_only", kind, mode, true);
  sc_core::sc_start();
  REQUIRE(with.failure.empty());
  REQUIRE(without.failure.empty());
  for (const Side* s : {&with, &without}) {
    CHECK(s->c1.violation_count() == 0);
    CHECK(s->c2.violation_count() == 0);
  }
  CHECK(with.done_ns == without.done_ns);
  CHECK(with.stats() == without.stats());
  // What each hop charged (keys: the hops' names, under each side's own module).
  auto charged = [](const Side& s) {
    std::vector<std::pair<std::string, double>> v;
    for (const auto& [hop, pj] : s.port.attributed_pj()) v.emplace_back(hop.substr(hop.find('.')), pj);
    return v;
  };
  CHECK(charged(with).size() == 2);  // router and memory
  CHECK(charged(with) == charged(without));
  CHECK(with.port.stats().bytes_read == without.port.stats().bytes_read);
  CHECK(with.port.stats().write_requests == without.port.stats().write_requests);
  CHECK(with.mem->bytes_written() == without.mem->bytes_written());
  // With data the memory holds Q; without, the timing-only write left P in place.
  std::vector<std::uint8_t> p(kBytes), q(kBytes);
  for (std::uint64_t i = 0; i < kBytes; ++i) {
    p[i] = static_cast<std::uint8_t>(i * 7 + 1);
    q[i] = static_cast<std::uint8_t>(i * 5 + 2);
  }
  CHECK(with.after == q);
  CHECK(without.after == p);
}

}  // namespace

TEST_CASE("timing only: DRAM in LT times and prices a data-less transfer as one with data",
          "[sc][timing_only]") {
  same_cost_without_data(Kind::Dram, sc::TimingMode::LT);
}

TEST_CASE("timing only: DRAM in AT times and prices a data-less transfer as one with data",
          "[sc][timing_only]") {
  same_cost_without_data(Kind::Dram, sc::TimingMode::AT);
}

TEST_CASE("timing only: the shared SRAM in AT counts a data-less transfer as one with data",
          "[sc][timing_only]") {
  same_cost_without_data(Kind::Sram, sc::TimingMode::AT);
}

TEST_CASE("timing only: the simple memory in LT times a data-less transfer as one with data",
          "[sc][timing_only]") {
  same_cost_without_data(Kind::Simple, sc::TimingMode::LT);
}
