// The DRAM channel's read and write queues (AT): writes drained between the high and low watermarks,
// reads served first below them, reads forwarded from a queued write of the same burst, the
// write-queue keys' parsing and their bad values, and queue occupancy (a request holds its slot until
// its column command issues).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "models/common/json_reader.hpp"
#include "models/memory/dram_channel.hpp"
#include "models/memory/dram_spec.hpp"

#ifndef SAVP_SOURCE_DIR
#define SAVP_SOURCE_DIR "."
#endif

using namespace savp::memory;
using savp::common::InputError;
using savp::common::Json;
using savp::common::JsonNode;

namespace {

constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

Json preset_json(const std::string& name) {
  return savp::common::load_json_file(std::string(SAVP_SOURCE_DIR) + "/scenarios/memory/presets/" + name +
                                      ".json");
}

DramSpec parse(Json j) {
  JsonNode n(j, "test.json");
  return DramSpec::parse(n);
}

// Bank 0 of bank group 0, rank 0, channel 0.
DramRequest request(std::uint64_t id, bool write, std::uint32_t row, std::uint32_t column) {
  DramRequest r;
  r.id = id;
  r.write = write;
  r.addr.row = row;
  r.addr.column = column;
  return r;
}

// Decides at the cycles next_decision() names until the queues are empty; the completions in
// decision order.
std::vector<DramCompletion> drain(DramChannel& ch) {
  std::vector<DramCompletion> out;
  for (std::uint64_t now = 0, t; (t = ch.next_decision(now)) != kNever; now = t + 1) {
    if (const auto c = ch.decide(t)) out.push_back(*c);
  }
  return out;
}

std::string kinds(const std::vector<DramCompletion>& done) {  // 'W' for ids >= 100, else 'R'
  std::string s;
  for (const DramCompletion& c : done) s += c.id >= 100 ? 'W' : 'R';
  return s;
}

DramSpec small_write_queue(const std::string& preset) {
  DramSpec s = parse(preset_json(preset));
  s.write_queue_depth = 8;
  s.write_high_watermark = 6;
  s.write_low_watermark = 2;
  return s;
}

}  // namespace

TEST_CASE("dram write queue: keys, gem5 defaults and bad values", "[dram][write_queue]") {
  const DramSpec d = parse(preset_json("ddr4"));
  CHECK(d.write_queue_depth == 64);     // gem5 MemCtrl write_buffer_size
  CHECK(d.write_high_watermark == 54);  // 85 % of 64, rounded down
  CHECK(d.write_low_watermark == 32);   // 50 %
  Json j = preset_json("hbm2");
  j["write_queue_depth"] = 8;
  const DramSpec e = parse(j);
  CHECK(e.write_high_watermark == 6);
  CHECK(e.write_low_watermark == 4);
  j["write_queue_depth"] = 1;
  CHECK(parse(j).write_high_watermark == 1);
  CHECK(parse(j).write_low_watermark == 0);
  auto error = [](const std::string& key, int value, const std::string& key2 = "", int value2 = 0) {
    Json k = preset_json("ddr4");
    k[key] = value;
    if (!key2.empty()) k[key2] = value2;
    try {
      parse(k);
    } catch (const InputError& ex) {
      return std::string(ex.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error("write_queue_depth", 0), Catch::Contains("/write_queue_depth"));
  CHECK_THAT(error("write_high_watermark", 65), Catch::Contains("/write_high_watermark"));
  CHECK_THAT(error("write_low_watermark", 54), Catch::Contains("/write_low_watermark"));
  CHECK_THAT(error("write_high_watermark", 10, "write_low_watermark", 10),
             Catch::Contains("/write_low_watermark"));
  CHECK_THAT(error("write_high_watermark", 40), Catch::Contains("no error"));
  CHECK_THAT(error("write_high_watermark", 20), Catch::Contains("/write_high_watermark"));  // low 32
  CHECK(d.slot_until_column);  // default "column_command"
  Json c = preset_json("ddr4");
  c["queue_slot_release"] = "decision";
  CHECK_FALSE(parse(c).slot_until_column);
  c["queue_slot_release"] = "column_command";
  CHECK(parse(c).slot_until_column);
  c["queue_slot_release"] = "rd";
  CHECK_THROWS_AS(parse(c), InputError);
}

TEST_CASE("dram write queue: reads go first while the writes stay below the high watermark",
          "[dram][write_queue]") {
  for (const char* name : {"ddr4", "hbm2"}) {
    INFO(name);
    const DramSpec spec = small_write_queue(name);  // the channel keeps a reference
    DramChannel ch(spec, 0);
    // Five writes (one below the high watermark) arrive before four reads, all to one open row.
    for (std::uint32_t k = 0; k < 5; ++k) CHECK_FALSE(ch.enqueue(request(100 + k, true, 1, k)));
    for (std::uint32_t k = 0; k < 4; ++k) CHECK_FALSE(ch.enqueue(request(k, false, 1, 10 + k)));
    const std::vector<DramCompletion> done = drain(ch);
    // The first write is alone in its queue only until the reads arrive (same cycle): reads first,
    // then the writes once no read is queued.
    CHECK(kinds(done) == "RRRRWWWWW");
  }
}

TEST_CASE("dram write queue: at the high watermark writes drain down to the low watermark",
          "[dram][write_queue]") {
  for (const char* name : {"ddr4", "hbm2"}) {
    INFO(name);
    const DramSpec spec = small_write_queue(name);  // the channel keeps a reference
    DramChannel ch(spec, 0);
    for (std::uint32_t k = 0; k < 6; ++k) CHECK_FALSE(ch.enqueue(request(100 + k, true, 1, k)));  // = high
    for (std::uint32_t k = 0; k < 4; ++k) CHECK_FALSE(ch.enqueue(request(k, false, 1, 10 + k)));
    const std::vector<DramCompletion> done = drain(ch);
    // 6 -> 2 queued writes (4 drained), then the reads, then the writes left.
    CHECK(kinds(done) == "WWWWRRRRWW");
    CHECK(ch.stats(done.back().done).writes == 6);
    CHECK(ch.stats(done.back().done).reads == 4);
  }
}

TEST_CASE("dram write queue: the write queue back-pressures writes alone", "[dram][write_queue]") {
  const DramSpec spec = small_write_queue("ddr4");  // the channel keeps a reference
  DramChannel ch(spec, 0);
  for (std::uint32_t k = 0; k < 8; ++k) ch.enqueue(request(100 + k, true, 1, k));
  CHECK(ch.full(true, 0));
  CHECK_FALSE(ch.full(false, 0));
  CHECK_THROWS_AS(ch.enqueue(request(200, true, 1, 20)), std::logic_error);
  CHECK_FALSE(ch.enqueue(request(0, false, 1, 30)));
  CHECK(ch.queued() == 9);
}

TEST_CASE("dram write queue: a read of a queued write's burst is served from the write queue",
          "[dram][write_queue]") {
  const DramSpec spec = small_write_queue("hbm2");  // the channel keeps a reference
  DramChannel ch(spec, 0);
  CHECK_FALSE(ch.enqueue(request(100, true, 3, 5)));
  DramRequest hit = request(1, false, 3, 5);
  hit.arrival = 7;
  const auto f = ch.enqueue(hit);
  REQUIRE(f.has_value());
  CHECK(f->forwarded);
  CHECK(f->id == 1);
  CHECK(f->done == 7);                               // at its arrival: no DRAM command
  CHECK_FALSE(ch.enqueue(request(2, false, 3, 6)));  // another column: queued
  CHECK_FALSE(ch.enqueue(request(3, false, 4, 5)));  // another row: queued
  const std::vector<DramCompletion> done = drain(ch);
  CHECK(done.size() == 3);
  const DramChannelStats s = ch.stats(done.back().done);
  CHECK(s.reads_forwarded == 1);
  CHECK(s.reads == 2);
  CHECK(s.writes == 1);
  // Once the write has gone to DRAM, a read of its burst goes to DRAM too.
  DramRequest later = request(4, false, 3, 5);
  later.arrival = done.back().done + 1;
  CHECK_FALSE(ch.enqueue(later));
}

TEST_CASE("dram queue occupancy: a request holds its slot until its column command issues",
          "[dram][write_queue]") {
  const bool hold = GENERATE(true, false);
  INFO("queue_slot_release " << (hold ? "column_command" : "decision"));
  for (const char* name : {"ddr4", "hbm2"}) {
    INFO(name);
    DramSpec s = parse(preset_json(name));
    s.queue_depth = 4;
    s.slot_until_column = hold;
    DramChannel ch(s, 0);
    // Reads to a new row of another bank each time: every one needs an ACT, and the ACTs queue up
    // behind tRRD / tFAW, so a decided request's RD lies well after its decision.
    const std::uint32_t banks = s.geometry.banks();
    const std::uint64_t n = 200;
    std::uint64_t now = 0, issued = 0, completed = 0, in_flight_max = 0, held_seen = 0;
    std::vector<std::uint64_t> column_cycles;  // of the decided requests
    while (completed < n) {
      while (issued < n && !ch.full(false, now)) {
        DramRequest r;
        r.id = issued;
        r.arrival = now;
        r.addr.bank_group = static_cast<std::uint32_t>(issued % banks) / s.geometry.banks_per_group;
        r.addr.bank = static_cast<std::uint32_t>(issued % banks) % s.geometry.banks_per_group;
        r.addr.row = static_cast<std::uint32_t>(1 + issued);
        ch.enqueue(r);
        ++issued;
      }
      const std::uint64_t held = static_cast<std::uint64_t>(std::count_if(
          column_cycles.begin(), column_cycles.end(), [now](std::uint64_t c) { return c > now; }));
      held_seen = std::max(held_seen, held);
      in_flight_max = std::max<std::uint64_t>(in_flight_max, ch.queued() + held);
      const std::uint64_t d = ch.next_decision(now), release = ch.next_release(false, now);
      REQUIRE((d != kNever || release != kNever));
      if (d <= release) {
        if (const auto c = ch.decide(d)) {
          column_cycles.push_back(c->command);
          ++completed;
        }
        now = d + 1;
      } else {
        now = release;
      }
    }
    if (hold) {
      CHECK(in_flight_max == 4);  // the queue is full at times and never exceeded
      CHECK(held_seen >= 1);      // decided requests did wait for their RD while holding slots
    } else {
      CHECK(in_flight_max > 4);  // slots free at the decision: more requests in flight
    }
  }
}
