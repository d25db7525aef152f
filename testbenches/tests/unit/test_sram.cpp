// SRAM core model: spec parsing and validation, word splitting, bank interleaving, bank conflicts
// with one and two ports (shared across requests and within one request only), and energy as
// counts x prices with the price interpolated by the shipped 45 nm energy table. Every expected
// cycle is worked by hand in the comment next to it.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

#include "models/common/energy_table.hpp"
#include "models/common/json_reader.hpp"
#include "models/memory/sram_model.hpp"

#ifndef SAVP_SOURCE_DIR
#define SAVP_SOURCE_DIR "."
#endif

using namespace savp::memory;
using savp::common::EnergyTable;
using savp::common::InputError;
using savp::common::Json;
using savp::common::JsonNode;

namespace {

SramSpec parse_json(Json j) { return SramSpec::parse(JsonNode(j, "test.json", "/buffers/0")); }

std::string error_of(Json j) {
  try {
    parse_json(std::move(j));
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

// 1 KiB, 4 banks of 1 port, 8-byte words, 2-cycle latency, word-interleaved: words 0..3 in banks
// 0..3, word 4 in bank 0 again.
SramSpec small(std::uint32_t ports = 1, SramInterleave il = SramInterleave::Word) {
  SramSpec s;
  s.name = "buf";
  s.capacity_bytes = 1024;
  s.banks = 4;
  s.ports = ports;
  s.word_bytes = 8;
  s.latency_cycles = 2;
  s.interleave = il;
  return s;
}

EnergyTable default_table() {
  Json j = savp::common::load_json_file(std::string(SAVP_SOURCE_DIR) + "/scenarios/energy/default-45nm.json");
  return EnergyTable::parse(JsonNode(j, "default-45nm.json"));
}

}  // namespace

TEST_CASE("sram spec: a full spec parses and defaults fill the rest", "[sram]") {
  const SramSpec s = parse_json(Json::parse(R"({"kind": "sram", "name": "kv", "capacity_bytes": 65536,
      "banks": 8, "ports": 2, "word_bytes": 16, "latency_cycles": 3, "clock_mhz": 500, "interleave": "block",
      "leakage_mw_per_kib": 0.25, "leakage_source": "a test figure"})"));
  CHECK(s.name == "kv");
  CHECK(s.capacity_bytes == 65536);
  CHECK(s.banks == 8);
  CHECK(s.ports == 2);
  CHECK(s.word_bytes == 16);
  CHECK(s.latency_cycles == 3);
  CHECK(s.cycle_ns() == Approx(2.0));
  CHECK(s.interleave == SramInterleave::Block);
  CHECK(s.bank_bytes() == 8192);
  CHECK(s.leakage_mw() == Approx(16.0));  // 0.25 mW/KiB x 64 KiB
  const SramSpec d = parse_json(Json::parse(R"({"capacity_bytes": 4096})"));
  CHECK(d.banks == 1);
  CHECK(d.ports == 1);
  CHECK(d.word_bytes == 8);
  CHECK(d.latency_cycles == 1);
  CHECK(d.interleave == SramInterleave::Word);
  CHECK(d.leakage_mw_per_kib == 0.0);
  // By default the energy table's per-bit SRAM leakage applies, and the source says so.
  CHECK_THAT(d.leakage_source, Catch::Contains("sram.leakage_nw_per_bit"));
}

TEST_CASE("sram spec: invalid values are refused with the JSON path", "[sram]") {
  auto with = [](const std::string& key, Json v) {
    Json j = Json::parse(R"({"capacity_bytes": 1024, "banks": 4, "word_bytes": 8})");
    j[key] = std::move(v);
    return error_of(j);
  };
  CHECK_THAT(with("banks", 3),
             Catch::Contains("test.json: /buffers/0/banks: expected a power of two, found 3"));
  CHECK_THAT(with("word_bytes", 6),
             Catch::Contains("test.json: /buffers/0/word_bytes: expected a power of two, found 6"));
  CHECK_THAT(with("ports", 3), Catch::Contains("/buffers/0/ports: expected an integer in [1, 2], found 3"));
  CHECK_THAT(with("latency_cycles", 0), Catch::Contains("/buffers/0/latency_cycles: expected an integer"));
  CHECK_THAT(with("clock_mhz", 0), Catch::Contains("/buffers/0/clock_mhz: expected a number in"));
  CHECK_THAT(with("interleave", "row"), Catch::Contains("/buffers/0/interleave: expected one of word|block"));
  CHECK_THAT(
      with("capacity_bytes", 1000),
      Catch::Contains("/buffers/0/capacity_bytes: expected a multiple of banks x word_bytes = 4 x 8 = 32, "
                      "found 1000"));
  CHECK_THAT(with("leakage_mw_per_kib", 1.0),
             Catch::Contains("/buffers/0/leakage_mw_per_kib: a non-zero leakage needs a \"leakage_source\""));
  CHECK_THAT(with("leakage_mw_per_kib", -1.0), Catch::Contains("/buffers/0/leakage_mw_per_kib: expected"));
  CHECK_THAT(with("bankz", 2), Catch::Contains("/buffers/0/bankz: unknown key \"bankz\""));
  CHECK_THAT(error_of(Json::parse(R"({"banks": 4})")),
             Catch::Contains("/buffers/0: missing required key \"capacity_bytes\""));
  CHECK(with("leakage_source", "x") == "no error");
}

TEST_CASE("sram: word splitting and interleaving", "[sram]") {
  SramModel w(small(), 1.0, 1.0);
  CHECK(w.bank_of(0) == 0);
  CHECK(w.bank_of(7) == 0);
  CHECK(w.bank_of(8) == 1);
  CHECK(w.bank_of(24) == 3);
  CHECK(w.bank_of(32) == 0);  // wraps after banks x word_bytes
  CHECK(w.words_of(0, 8) == 1);
  CHECK(w.words_of(4, 8) == 2);  // straddles two words: both are accessed
  CHECK(w.words_of(0, 64) == 8);
  CHECK(w.words_of(7, 2) == 2);
  w.access_immediate(4, 8, false, 0);  // words 0 and 1
  CHECK(w.counters().read_words == 2);
  CHECK(w.counters().bytes_read == 8);
  CHECK(w.counters().bank_words == std::vector<std::uint64_t>{1, 1, 0, 0});

  SramModel b(small(1, SramInterleave::Block), 1.0, 1.0);  // 256 B per bank
  CHECK(b.bank_of(0) == 0);
  CHECK(b.bank_of(255) == 0);
  CHECK(b.bank_of(256) == 1);
  CHECK(b.bank_of(1023) == 3);
  // 64 B at 224: words 28..35, four in bank 0 and four in bank 1 -> 4 cycles with one port:
  // last word access at 3, done at 3 + 2.
  CHECK(b.access_immediate(224, 64, true, 0) == 5);
  CHECK(b.counters().bank_words == std::vector<std::uint64_t>{4, 4, 0, 0});
  CHECK(b.counters().write_words == 8);
  // The same 64 B word-interleaved: two words per bank -> 2 cycles.
  SramModel w2(small(), 1.0, 1.0);
  CHECK(w2.access_immediate(224, 64, true, 0) == 3);
  // Outside the macro, or empty: refused.
  CHECK_THROWS_AS(w2.access(1020, 8, false, 0), std::out_of_range);
  CHECK_THROWS_AS(w2.access_immediate(0, 0, false, 0), std::out_of_range);
  CHECK(w2.counters().read_requests == 0);
}

TEST_CASE("sram: bank conflicts within one request (LT), one and two ports", "[sram]") {
  SramModel one(small(1), 1.0, 1.0);
  // 4 words, one per bank: accessed at 10, data at 12, no conflict.
  CHECK(one.access_immediate(0, 32, false, 10) == 12);
  CHECK(one.counters().conflict_cycles == 0);
  // 8 words, two per bank: the second word of each bank at 11 -> done 13, 1 conflict cycle.
  CHECK(one.access_immediate(0, 64, false, 10) == 13);
  CHECK(one.counters().conflict_cycles == 1);
  // 5 words: bank 0 gets words 0 and 4 -> 2 cycles -> done 0 + 1 + 2.
  CHECK(one.access_immediate(0, 40, false, 0) == 3);
  // 16 words, four per bank -> 4 cycles -> done 20 + 3 + 2.
  CHECK(one.access_immediate(0, 128, false, 20) == 25);
  CHECK(one.counters().conflict_cycles == 1 + 1 + 3);
  CHECK(one.counters().conflicted_requests == 3);
  // The same request again at the same cycle: LT does not queue between requests.
  CHECK(one.access_immediate(0, 128, false, 20) == 25);

  SramModel two(small(2), 1.0, 1.0);
  CHECK(two.access_immediate(0, 64, false, 10) == 12);   // two words per bank, two ports: 1 cycle
  CHECK(two.access_immediate(0, 128, false, 20) == 23);  // four per bank: 2 cycles -> 21 + 2
  CHECK(two.access_immediate(0, 96, false, 0) == 3);     // 12 words, 3 per bank: ceil(3/2) = 2 cycles
  CHECK(two.counters().conflict_cycles == 0 + 1 + 1);
  CHECK(two.counters().read_words == 8 + 16 + 12);
}

TEST_CASE("sram: bank conflicts between requests in flight (AT), one port", "[sram]") {
  SramModel m(small(1), 1.0, 1.0);
  CHECK(m.access(0, 8, false, 0) == 2);   // bank 0 at cycle 0, data at 2
  CHECK(m.access(32, 8, false, 0) == 3);  // bank 0 again, same cycle: waits to 1 -> 3
  CHECK(m.access(8, 8, false, 0) == 2);   // bank 1 is free
  CHECK(m.counters().conflict_cycles == 1);
  // 8 words from cycle 0: bank 0 free at 2 -> words at 2, 3; bank 1 free at 1 -> 1, 2; banks 2, 3
  // at 0, 1. Last access 3 -> done 5, 3 conflict cycles.
  CHECK(m.access(0, 64, true, 0) == 5);
  CHECK(m.counters().conflict_cycles == 4);
  CHECK(m.counters().conflicted_requests == 2);
  // Much later the banks are free again.
  CHECK(m.access(0, 8, false, 100) == 102);
  CHECK(m.counters().conflict_cycles == 4);
  CHECK(m.counters().last_completion_cycle == 102);
  CHECK(m.counters().read_words == 4);
  CHECK(m.counters().write_words == 8);
  CHECK(m.counters().read_requests == 4);
  CHECK(m.counters().write_requests == 1);
}

TEST_CASE("sram: bank conflicts between requests in flight (AT), two ports", "[sram]") {
  SramModel m(small(2), 1.0, 1.0);
  CHECK(m.access(0, 8, false, 0) == 2);   // bank 0 port 0 at 0
  CHECK(m.access(32, 8, false, 0) == 2);  // bank 0 port 1 at 0: no conflict
  CHECK(m.access(64, 8, false, 0) == 3);  // both ports of bank 0 busy at 0: waits to 1
  CHECK(m.counters().conflict_cycles == 1);
  // After the same three requests bank 0's port 0 is free at 2 and port 1 at 1. 128 B from cycle 1
  // = 16 words, 4 per bank. Bank 0: port 1 -> 1, port 0 -> 2, port 1 -> 2, port 0 -> 3; the other
  // banks (both ports free) at 1, 1, 2, 2. Last access 3 -> done 5, 2 conflict cycles.
  SramModel n(small(2), 1.0, 1.0);
  n.access(0, 8, false, 0);
  n.access(32, 8, false, 0);
  n.access(64, 8, false, 0);
  CHECK(n.access(0, 128, false, 1) == 5);
  CHECK(n.counters().conflict_cycles == 1 + 2);
}

TEST_CASE("sram: energy is counts x prices, priced by the interpolated energy table", "[sram][energy]") {
  const EnergyTable t = default_table();
  SramSpec s = small();
  s.capacity_bytes = 32768;
  s.word_bytes = 16;
  SramModel m(s, t);
  // The table's log-log interpolation between 8 KiB (10 pJ read and write, Horowitz) and 256 KiB
  // (43.35 read, 30.88 write, Accelergy): 32 KiB is 2/5 of the way in log capacity.
  const double read64 = 10.0 * std::pow(43.35 / 10.0, 0.4);
  const double write64 = 10.0 * std::pow(30.88 / 10.0, 0.4);
  CHECK(t.sram_pj_per_64b(32768, false) == Approx(read64));
  CHECK(m.read_pj_per_word() == Approx(t.sram_pj_per_64b(32768, false) * 2));  // 16-byte word = 2 x 64 bit
  CHECK(m.write_pj_per_word() == Approx(t.sram_pj_per_64b(32768, true) * 2));
  CHECK(m.read_pj_per_word() == Approx(2 * read64));
  CHECK(m.write_pj_per_word() == Approx(2 * write64));
  // An 8-byte word of an 8 KiB macro is the anchor itself.
  SramSpec a = small();
  a.capacity_bytes = 8192;
  CHECK(SramModel(a, t).read_pj_per_word() == Approx(10.0));

  m.access(0, 256, false, 0);  // 16 word reads
  m.access(0, 24, true, 0);    // 2 word writes (24 B spans words 0 and 1)
  const auto ledger = m.actions();
  CHECK(ledger.at("read_word").count == 16);
  CHECK(ledger.at("write_word").count == 2);
  CHECK(ledger.at("read_word").energy_pj() == Approx(16 * 2 * read64));
  CHECK(ledger.at("write_word").energy_pj() == Approx(2 * 2 * write64));
  CHECK(m.dynamic_pj() == Approx(16 * 2 * read64 + 2 * 2 * write64));
  // Leakage is not an action: the report charges it over the powered time.
  CHECK(ledger.count("leakage") == 0);
  // Area and leakage from the table's per-bit figures x 32 KiB, the periphery's share (1.215 - 0.346
  // um2 per bit) x sqrt(banks) (EnergyTable::sram_hw).
  const double bits = 32768.0 * 8;
  const double grow = (0.346 + (1.215 - 0.346) * std::sqrt(static_cast<double>(s.banks))) / 1.215;
  CHECK(m.hardware().area_um2 == Approx(bits * 1.215 * grow));
  CHECK(m.hardware().leakage_uw == Approx(bits * 10.49e-3 * grow));
  CHECK(m.leakage_pj(1000.0) == Approx(bits * 10.49e-6 * 1000.0 * grow));  // mW x ns = pJ
}

TEST_CASE("sram: leakage energy is power x time", "[sram][energy]") {
  SramSpec s = small();
  s.capacity_bytes = 32768;
  s.clock_mhz = 500;  // 2 ns cycle
  s.leakage_mw_per_kib = 0.5;
  s.leakage_source = "test";
  SramModel m(s, 1.0, 1.0);
  CHECK(m.leakage_mw() == Approx(16.0));           // 0.5 mW/KiB x 32 KiB
  CHECK(m.leakage_pj(1000.0) == Approx(16000.0));  // 16 mW x 1000 ns = 16 nJ
  // A sourced leakage_mw_per_kib replaces the table's per-bit leakage; the area stays the table's.
  const EnergyTable t = default_table();
  SramModel n(s, t);
  CHECK(n.leakage_mw() == Approx(16.0));
  CHECK(n.hardware().area_um2 == Approx(t.sram_hw(32768, s.banks).area_um2));
}
