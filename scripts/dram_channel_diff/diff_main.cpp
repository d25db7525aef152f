// Differential check of the DRAM channel: this tree's DramChannel and another commit's, driven with
// the same calls (queued mode as the DRAM target drives it, and LT serve), every answer compared:
// next_decision cycles, decisions and completions. 48 configurations: the hbm2, ddr4, lpddr4 and
// hbm2-pc presets, open and closed page, 1 and 2 ranks, queue depths 8-32, sequential, mixed
// read/write, random and hot-row traffic. Exit status 0 when every answer agrees.
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>
#include "models/common/json_reader.hpp"
#include "models/memory/dram_channel.hpp"
#include "models/memory/dram_spec.hpp"
#include "old_channel.hpp"
using namespace savp::memory;
using savp::common::Json;
using savp::common::JsonNode;
#include "convert.hpp"
static XComp mk(const std::optional<DramCompletion>& d) {
  if (!d) return XComp{false, 0, 0, 0, 0};
  return XComp{true, d->id, d->command, d->done, static_cast<int>(d->outcome)};
}
static bool same(const XComp& a, const XComp& b) {
  return a.has == b.has &&
         (!a.has || (a.id == b.id && a.command == b.command && a.done == b.done && a.outcome == b.outcome));
}
int main(int argc, char** argv) {
  const std::string dir = std::string(argc > 1 ? argv[1] : "scenarios/memory/presets") + "/";
  long checks = 0, decisions = 0;
  const char* presets[] = {"hbm2", "ddr4", "lpddr4", "hbm2-pc"};
  for (int variant = 0; variant < 48; ++variant) {
    std::string pname = presets[variant % 4];
    Json j = savp::common::load_json_file(dir + pname + ".json");
    JsonNode n(j, "p");
    DramSpec spec = DramSpec::parse(n);
    std::mt19937_64 rng(1000 + variant);
    if (variant % 3 == 1) spec.page_policy = PagePolicy::Closed;
    if (variant % 5 == 2 && spec.geometry.ranks == 1) spec.geometry.ranks = 2;
    spec.queue_depth = (variant % 2) ? 32 : 8 + variant % 7;
    const int mode = variant % 4;  // 0 sequential reads, 1 seq mixed writes, 2 random, 3 few rows hot
    const bool lt = variant % 6 == 5;
    DramChannel nw(spec, 0);
    void* od = old_make(&spec, 0);
    std::uint64_t t = 0, id = 1, seq = 0;
    const auto& g = spec.geometry;
    auto gen = [&]() {
      XReq r{};
      r.id = id++;
      r.ch = 0;
      r.write = mode == 1 ? (rng() % 4 == 0) : (mode >= 2 ? rng() % 3 == 0 : false);
      if (mode <= 1) {
        const std::uint64_t s = seq++;
        r.bg = s % g.bank_groups;
        r.col = (s / g.bank_groups) % (g.columns / g.burst_length);
        r.rank = (s / (g.bank_groups * (g.columns / g.burst_length))) % g.ranks;
        r.bank = (s / (g.bank_groups * (g.columns / g.burst_length) * g.ranks)) % g.banks_per_group;
        r.row = static_cast<std::uint32_t>(
            (s / (g.bank_groups * (g.columns / g.burst_length) * g.ranks * g.banks_per_group)) % g.rows);
      } else {
        r.rank = rng() % g.ranks;
        r.bg = rng() % g.bank_groups;
        r.bank = rng() % g.banks_per_group;
        r.row = mode == 3 ? rng() % 3 : rng() % g.rows;
        r.col = rng() % (g.columns / g.burst_length);
      }
      r.arrival = t + rng() % 3;
      return r;
    };
    const int steps = 60000;
    for (int k = 0; k < steps; ++k) {
      if (lt) {
        XReq r = gen();
        if (rng() % 50 == 0) t += rng() % 4000;  // idle gaps (refresh catch-up)
        r.arrival = t;
        const XComp a = mk(nw.serve(conv(r)));
        const XComp b = old_serve(od, r);
        ++checks;
        if (!same(a, b)) {
          std::printf("MISMATCH serve variant %d step %d\n", variant, k);
          return 1;
        }
        t += rng() % 3;
        continue;
      }
      // Arrivals: a burst of 0-4 requests (fewer at times, with idle gaps).
      int burst = rng() % 5;
      if (rng() % 200 == 0) {
        t += rng() % 5000;
        burst = 1;
      }
      for (int b = 0; b < burst; ++b) {
        const XReq r = gen();
        if (nw.full(r.write, t)) break;
        if (nw.full(r.write, t) != old_full(od)) {  // the old channel: one queue for both kinds
          std::printf("MISMATCH full\n");
          return 1;
        }
        nw.enqueue(conv(r));
        old_enqueue(od, r);
        // The target asks for the next decision after an enqueue too.
        if (rng() % 2) {
          const std::uint64_t x = nw.next_decision(t), y = old_next(od, t);
          ++checks;
          if (x != y) {
            std::printf("MISMATCH next after enqueue variant %d step %d: %llu vs %llu\n", variant, k,
                        (unsigned long long)x, (unsigned long long)y);
            return 1;
          }
        }
      }
      const std::uint64_t x = nw.next_decision(t), y = old_next(od, t);
      ++checks;
      if (x != y) {
        std::printf("MISMATCH next variant %d step %d: %llu vs %llu\n", variant, k, (unsigned long long)x,
                    (unsigned long long)y);
        return 1;
      }
      if (x == ~0ull) {
        t += 1 + rng() % 8;
        continue;
      }
      // Go to the decision, or stop short when requests arrive earlier.
      if (x > t && rng() % 3 == 0) {
        t += 1 + rng() % (x - t);
        if (t < x) continue;
      }
      t = x;
      const XComp a = mk(nw.decide(t)), b = old_decide(od, t);
      ++checks;
      ++decisions;
      if (!same(a, b)) {
        std::printf(
            "MISMATCH decide variant %d step %d at %llu: new %d id %llu cmd %llu / old %d id %llu cmd %llu\n",
            variant, k, (unsigned long long)t, a.has, (unsigned long long)a.id, (unsigned long long)a.command,
            b.has, (unsigned long long)b.id, (unsigned long long)b.command);
        return 1;
      }
      t += 1;
    }
    std::printf("variant %2d %-7s %s q%u ranks %u mode %d %s: ok\n", variant, pname.c_str(),
                spec.page_policy == PagePolicy::Closed ? "closed" : "open  ", spec.queue_depth, g.ranks, mode,
                lt ? "LT" : "AT");
  }
  std::printf("all equal: %ld checks, %ld decisions\n", checks, decisions);
  return 0;
}
