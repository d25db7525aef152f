// SPRINT transposable ReRAM crossbar (models/memory/reram_spec.hpp, reram_crossbar.hpp): spec
// defaults, parsing and validation (errors name the key), exact in-memory scores and keep vectors
// with noise off, per-seed determinism and sigma-monotone decision flips with noise on, fixed device
// variation across reads, split embeddings summing their slices, and the counters, prices and timing
// the header documents (every expected count worked by hand next to it).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "models/common/json_reader.hpp"
#include "models/common/random.hpp"
#include "models/memory/reram_crossbar.hpp"
#include "models/memory/reram_spec.hpp"

using namespace savp::memory;
using savp::common::InputError;
using savp::common::Json;
using savp::common::JsonNode;
using savp::common::Rng;

namespace {

ReramSpec parse_json(Json j) { return ReramSpec::parse(JsonNode(j, "test.json", "/pim")); }

std::string error_of(Json j) {
  try {
    parse_json(std::move(j));
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

template <typename T>
std::string error_with(const std::string& key, T value) {
  Json j = Json::object();
  j[key] = value;
  return error_of(j);
}

std::vector<std::int8_t> random_keys(const ReramSpec& s, std::size_t n, std::size_t d, std::uint64_t seed) {
  Rng r(seed);
  const int span = s.key_max() - s.key_min() + 1;
  std::vector<std::int8_t> k(n * d);
  for (auto& v : k) v = static_cast<std::int8_t>(s.key_min() + static_cast<int>(r.below(span)));
  return k;
}

std::vector<std::int32_t> random_query(const ReramSpec& s, std::size_t d, std::uint64_t seed) {
  Rng r(seed);
  const std::int32_t span = s.query_max() - s.query_min() + 1;
  std::vector<std::int32_t> q(d);
  for (auto& v : q) v = s.query_min() + static_cast<std::int32_t>(r.below(span));
  return q;
}

double median_score(std::vector<std::int64_t> v) {
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[v.size() / 2]);
}

// Decisions of a noisy crossbar that differ from the exact (dot >= threshold) ones, over `queries`
// queries against the same keys.
std::size_t flips(const ReramSpec& s, std::uint64_t seed, const std::vector<std::int8_t>& keys, std::size_t n,
                  std::size_t d, int queries) {
  ReramCrossbar x(s, seed);
  x.store_keys(keys.data(), n, d);
  std::size_t f = 0;
  for (int t = 0; t < queries; ++t) {
    const auto q = random_query(s, d, 1000 + t);
    const auto exact = x.exact_scores(q.data());
    const double thr = median_score(exact);
    const auto keep = x.prune(q.data(), thr);
    for (std::size_t j = 0; j < n; ++j) f += keep[j] != (exact[j] >= thr ? 1 : 0);
  }
  return f;
}

}  // namespace

TEST_CASE("reram spec: defaults name SPRINT's figures and a full spec parses", "[reram]") {
  const ReramSpec d = parse_json(Json::object());
  CHECK(d.crossbar_rows == 64);
  CHECK(d.crossbar_cols == 128);
  CHECK(d.cell_bits == 2);
  CHECK(d.msb_bits == 4);
  CHECK(d.dac_bits == 4);
  CHECK(d.sense_bits == 12);
  CHECK_FALSE(d.split_embedding);
  CHECK_FALSE(d.noise);
  CHECK(d.clock_mhz == 1000.0);
  CHECK(d.threshold_cycles == 7);
  CHECK(d.read_pj_per_bit == 3.1);
  CHECK(d.write_pj_per_bit == 24.4);
  CHECK(d.mac_pj == 0.10);
  CHECK(d.dac_pj == 0.417);
  CHECK(d.comparator_pj == Approx(0.033));  // 0.99 pJ (5-bit ADC) / 30
  CHECK(d.cells_per_element() == 2);        // ceil(4 / 2)
  CHECK(d.keys_per_mat() == 64);            // 128 columns / 2 columns per key
  CHECK(d.required_sense_bits() == 12);     // 64 x 15 x 3 + 1 = 2881 levels <= 4096
  CHECK(d.query_min() == -8);
  CHECK(d.query_max() == 7);
  CHECK(d.key_min() == -8);
  CHECK(d.key_max() == 7);
  CHECK_FALSE(d.check().has_value());

  const ReramSpec s = parse_json(Json::parse(R"({"kind": "reram", "name": "kmsb", "crossbar_rows": 128,
      "crossbar_cols": 256, "cell_bits": 1, "msb_bits": 3, "dac_bits": 2, "sense_bits": 10,
      "split_embedding": true, "noise": true, "conductance_sigma": 0.1, "read_noise_sigma": 0.02,
      "comparator_offset_sigma": 0.01, "clock_mhz": 500, "read_cycles": 20, "write_cycles": 80,
      "threshold_cycles": 5, "copyq_cycles": 10, "bus_bits": 128, "read_pj_per_bit": 1,
      "write_pj_per_bit": 2, "mac_pj": 3, "dac_pj": 4, "comparator_pj": 5})"));
  CHECK(s.name == "kmsb");
  CHECK(s.crossbar_rows == 128);
  CHECK(s.crossbar_cols == 256);
  CHECK(s.cell_bits == 1);
  CHECK(s.msb_bits == 3);
  CHECK(s.dac_bits == 2);
  CHECK(s.sense_bits == 10);
  CHECK(s.split_embedding);
  CHECK(s.noise);
  CHECK(s.conductance_sigma == 0.1);
  CHECK(s.read_noise_sigma == 0.02);
  CHECK(s.comparator_offset_sigma == 0.01);
  CHECK(s.cycle_ns() == Approx(2.0));
  CHECK(s.read_cycles == 20);
  CHECK(s.write_cycles == 80);
  CHECK(s.threshold_cycles == 5);
  CHECK(s.copyq_cycles == 10);
  CHECK(s.bus_bits == 128);
  CHECK(s.comparator_pj == 5);
  CHECK(s.cells_per_element() == 3);    // 3 one-bit cells per element
  CHECK(s.keys_per_mat() == 85);        // floor(256 / 3)
  CHECK(s.required_sense_bits() == 9);  // 128 x 3 x 1 + 1 = 385 levels -> 9 bits
}

TEST_CASE("reram spec: bad inputs are refused and the error names the key", "[reram]") {
  // Bits per cell beyond the comparator's resolution: 64 x 15 x 7 + 1 = 6721 levels need 13 bits.
  CHECK_THAT(error_with("cell_bits", 3),
             Catch::Contains("test.json: /pim/cell_bits: cell_bits = 3 bits per cell is beyond what the "
                             "DAC/comparator path resolves") &&
                 Catch::Contains("64 x 15 x 7 + 1 = 6721 current levels, which need 13 sense bits, but "
                                 "sense_bits is 12"));
  CHECK(error_of(Json::parse(R"({"cell_bits": 3, "sense_bits": 13})")) == "no error");
  // The same rule blamed on the key the JSON gives when cell_bits is left at its default.
  CHECK_THAT(error_with("sense_bits", 11), Catch::Contains("/pim/sense_bits: cell_bits = 2 bits per cell"));
  CHECK_THAT(error_with("dac_bits", 5), Catch::Contains("/pim/dac_bits: cell_bits = 2") &&
                                            Catch::Contains("which need 13 sense bits"));  // 64x31x3+1 = 5953
  CHECK_THAT(error_with("crossbar_rows", 128), Catch::Contains("/pim/crossbar_rows: cell_bits = 2"));
  // A key's digit columns must fit one mat: 4-bit codes in 1-bit cells take 4 columns.
  CHECK_THAT(error_of(Json::parse(R"({"crossbar_cols": 3, "cell_bits": 1})")),
             Catch::Contains("/pim/crossbar_cols: crossbar_cols = 3 cannot hold one key") &&
                 Catch::Contains("takes 4 adjacent columns"));
  CHECK_THAT(
      error_with("threshold_cycles", 8),
      Catch::Contains("/pim/threshold_cycles: the in-memory threshold step takes under 8 memory cycles") &&
          Catch::Contains("found 8"));
  CHECK(error_with("threshold_cycles", 7) == "no error");
  CHECK_THAT(error_with("threshold_cycles", 0),
             Catch::Contains("/pim/threshold_cycles: expected an integer"));
  CHECK_THAT(error_with("msb_bits", 9),
             Catch::Contains("/pim/msb_bits: expected an integer in [1, 8], found 9"));
  CHECK_THAT(error_with("cell_bits", 0), Catch::Contains("/pim/cell_bits: expected an integer in [1, 8]"));
  CHECK_THAT(error_with("crossbar_rows", 0), Catch::Contains("/pim/crossbar_rows: expected an integer"));
  CHECK_THAT(error_with("conductance_sigma", 1.5),
             Catch::Contains("/pim/conductance_sigma: expected a number in"));
  CHECK_THAT(error_with("read_noise_sigma", -0.1),
             Catch::Contains("/pim/read_noise_sigma: expected a number in"));
  CHECK_THAT(error_with("mac_pj", -1), Catch::Contains("/pim/mac_pj: expected a number in"));
  CHECK_THAT(error_with("noise", "yes"), Catch::Contains("/pim/noise: expected true or false"));
  CHECK_THAT(error_with("split_embedding", 1),
             Catch::Contains("/pim/split_embedding: expected true or false"));
  CHECK_THAT(error_with("kind", "sram"), Catch::Contains("/pim/kind: expected one of reram"));
  CHECK_THAT(error_with("rowz", 64), Catch::Contains("/pim/rowz: unknown key \"rowz\""));

  // A spec built in code is checked by the crossbar.
  ReramSpec bad;
  bad.cell_bits = 4;
  REQUIRE(bad.check().has_value());
  CHECK(bad.check()->keys.front() == "cell_bits");
  CHECK_THROWS_AS(ReramCrossbar(bad, 1), std::invalid_argument);
  bad = ReramSpec{};
  bad.threshold_cycles = 9;
  CHECK_THROWS_WITH(ReramCrossbar(bad, 1), Catch::Contains("under 8 memory cycles"));
}

TEST_CASE("reram spec: a head wider than the crossbar needs split_embedding", "[reram]") {
  ReramSpec s;
  CHECK(s.check_head_dim(64).empty());
  CHECK(s.check_head_dim(1).empty());
  CHECK_THAT(s.check_head_dim(0), Catch::Contains("at least 1"));
  CHECK_THAT(s.check_head_dim(65), Catch::Contains("head dimension 65 exceeds crossbar_rows = 64") &&
                                       Catch::Contains("split_embedding is false"));
  std::vector<std::int8_t> keys(65 * 2, 0);
  ReramCrossbar x(s, 1);
  CHECK_THROWS_WITH(x.store_keys(keys.data(), 2, 65), Catch::Contains("split_embedding is false"));
  s.split_embedding = true;
  CHECK(s.check_head_dim(65).empty());
  CHECK(s.embedding_slices(65) == 2);
  CHECK(s.embedding_slices(128) == 2);
  CHECK(s.embedding_slices(129) == 3);
}

TEST_CASE("reram crossbar: with noise off the currents are the integer dot products", "[reram]") {
  ReramSpec s;
  const std::size_t n = 300, d = 64;
  const auto keys = random_keys(s, n, d, 7);
  ReramCrossbar x(s, 42);
  x.store_keys(keys.data(), n, d);
  CHECK(x.slices() == 1);
  CHECK(x.mats_per_slice() == 5);  // ceil(300 / 64)
  CHECK(x.mats() == 5);
  CHECK(x.full_scale_current() == 64.0 * 8 * 8);
  for (int t = 0; t < 4; ++t) {
    const auto q = random_query(s, d, 100 + t);
    const auto exact = x.exact_scores(q.data());
    for (std::size_t j = 0; j < n; ++j) {
      std::int64_t dot = 0;
      for (std::size_t i = 0; i < d; ++i) dot += std::int64_t{q[i]} * keys[j * d + i];
      REQUIRE(exact[j] == dot);
    }
    // Thresholds at a stored score (ties keep), between scores, and at the extremes.
    for (double thr : {static_cast<double>(exact[3]), median_score(exact) + 0.5, -1e9, 1e9}) {
      std::vector<double> cur;
      const auto keep = x.prune(q.data(), thr, &cur);
      REQUIRE(keep.size() == n);
      for (std::size_t j = 0; j < n; ++j) {
        REQUIRE(cur[j] == static_cast<double>(exact[j]));
        REQUIRE(keep[j] == (exact[j] >= thr ? 1 : 0));
      }
    }
    CHECK(x.currents(q.data()) == std::vector<double>(exact.begin(), exact.end()));
  }
  CHECK(x.comparator_offsets() == std::vector<double>(n, 0.0));

  // Extreme codes: -8 x -8 over 64 rows is the full scale.
  std::vector<std::int8_t> lo(d, -8);
  std::vector<std::int32_t> qlo(d, -8);
  x.store_keys(lo.data(), 1, d);
  CHECK(x.currents(qlo.data())[0] == x.full_scale_current());
}

TEST_CASE("reram crossbar: noise is deterministic per seed and flips grow with sigma", "[reram]") {
  ReramSpec s;
  s.noise = true;
  const std::size_t n = 256, d = 64;
  const auto keys = random_keys(s, n, d, 3);
  const auto q = random_query(s, d, 5);

  auto run = [&](std::uint64_t seed) {
    ReramCrossbar x(s, seed);
    x.store_keys(keys.data(), n, d);
    std::vector<double> c1, c2;
    x.prune(q.data(), 0.0, &c1);
    x.prune(q.data(), 0.0, &c2);
    return std::make_pair(c1, c2);
  };
  const auto a = run(11), b = run(11), c = run(12);
  CHECK(a.first == b.first);  // same seed, same keys, same reads: bit-identical
  CHECK(a.second == b.second);
  CHECK(a.first != c.first);   // another seed: other devices and noise
  CHECK(a.first != a.second);  // read noise differs from read to read

  // Flipped decisions against the exact (dot >= median) ones, summed over 20 queries.
  auto flips_with = [&](double g, double r, double o) {
    ReramSpec t = s;
    t.conductance_sigma = g;
    t.read_noise_sigma = r;
    t.comparator_offset_sigma = o;
    return flips(t, 21, keys, n, d, 20);
  };
  // Conductance variation only: the deviation of every current is linear in sigma with the same
  // draws, so each decision can only flip once as sigma grows.
  const std::size_t g0 = flips_with(0.0, 0, 0), g1 = flips_with(0.02, 0, 0), g2 = flips_with(0.1, 0, 0),
                    g3 = flips_with(0.3, 0, 0);
  CHECK(g0 == 0);
  CHECK(g1 <= g2);
  CHECK(g2 <= g3);
  CHECK(g1 < g3);
  CHECK(g3 > 0);
  // Read noise only, and comparator offsets only: the same monotone growth.
  const std::size_t r1 = flips_with(0, 0.001, 0), r2 = flips_with(0, 0.01, 0), r3 = flips_with(0, 0.05, 0);
  CHECK(r1 <= r2);
  CHECK(r2 <= r3);
  CHECK(r1 < r3);
  const std::size_t o1 = flips_with(0, 0, 0.001), o2 = flips_with(0, 0, 0.01), o3 = flips_with(0, 0, 0.05);
  CHECK(o1 <= o2);
  CHECK(o2 <= o3);
  CHECK(o1 < o3);
  // 0.3 relative conductance variation flips a sizeable share of the 5120 decisions; 0.02 few.
  CHECK(g3 > 5120 / 50);
  CHECK(g1 < g3 / 2);
}

TEST_CASE("reram crossbar: conductance variation is fixed across reads, redrawn by a write", "[reram]") {
  ReramSpec s;
  s.noise = true;
  s.conductance_sigma = 0.1;
  s.read_noise_sigma = 0.0;
  s.comparator_offset_sigma = 0.0;
  const std::size_t n = 64, d = 64;
  const auto keys = random_keys(s, n, d, 9);
  const auto q = random_query(s, d, 10);
  ReramCrossbar x(s, 77);
  x.store_keys(keys.data(), n, d);
  const auto exact = x.exact_scores(q.data());
  std::vector<double> c1, c2;
  x.prune(q.data(), 0.0, &c1);
  x.prune(q.data(), 0.0, &c2);
  CHECK(c1 == c2);  // same devices, no read noise: the same currents
  CHECK(x.currents(q.data()) == c1);
  std::size_t differ = 0;
  for (std::size_t j = 0; j < n; ++j) differ += c1[j] != static_cast<double>(exact[j]);
  CHECK(differ > n / 2);  // the variation is there
  // Re-writing the same keys programs the cells again: new variation.
  x.store_keys(keys.data(), n, d);
  CHECK(x.currents(q.data()) != c1);

  // Comparator offsets belong to the comparator (key slot), not to the data written.
  ReramSpec o = s;
  o.conductance_sigma = 0.0;
  o.comparator_offset_sigma = 0.01;
  ReramCrossbar y(o, 5);
  y.store_keys(keys.data(), n, d);
  const auto off = y.comparator_offsets();
  std::vector<std::int8_t> other = random_keys(o, n, d, 99);
  y.store_keys(other.data(), n, d);
  CHECK(y.comparator_offsets() == off);
  // keep == (input >= threshold) with the offset included in the reported input.
  std::vector<double> cur;
  const auto keep = y.prune(q.data(), 3.0, &cur);
  const auto ex = y.exact_scores(q.data());
  for (std::size_t j = 0; j < n; ++j) {
    CHECK(cur[j] == Approx(static_cast<double>(ex[j]) + off[j]).margin(1e-9));
    CHECK(keep[j] == (cur[j] >= 3.0 ? 1 : 0));
  }
}

TEST_CASE("reram crossbar: a split embedding sums the currents of its slices", "[reram]") {
  ReramSpec s;
  s.split_embedding = true;
  const std::size_t n = 70, d = 100, d0 = 64, d1 = 36;  // slice 0: dims 0..63, slice 1: dims 64..99
  const auto keys = random_keys(s, n, d, 13);
  const auto q = random_query(s, d, 14);
  ReramCrossbar x(s, 1);
  x.store_keys(keys.data(), n, d);
  CHECK(x.slices() == 2);
  CHECK(x.mats_per_slice() == 2);  // ceil(70 / 64)
  CHECK(x.mats() == 4);
  CHECK(x.full_scale_current() == 2 * 64.0 * 8 * 8);
  // Each slice on a crossbar of its own.
  std::vector<std::int8_t> k0, k1;
  for (std::size_t j = 0; j < n; ++j) {
    k0.insert(k0.end(), keys.begin() + j * d, keys.begin() + j * d + d0);
    k1.insert(k1.end(), keys.begin() + j * d + d0, keys.begin() + (j + 1) * d);
  }
  ReramCrossbar x0(s, 1), x1(s, 1);
  x0.store_keys(k0.data(), n, d0);
  x1.store_keys(k1.data(), n, d1);
  const auto c = x.currents(q.data());
  const auto c0 = x0.currents(q.data());
  const auto c1 = x1.currents(q.data() + d0);
  const auto exact = x.exact_scores(q.data());
  for (std::size_t j = 0; j < n; ++j) {
    REQUIRE(c[j] == c0[j] + c1[j]);
    REQUIRE(c[j] == static_cast<double>(exact[j]));
  }
  const double thr = median_score(exact);
  const auto keep = x.prune(q.data(), thr);
  for (std::size_t j = 0; j < n; ++j) REQUIRE(keep[j] == (c0[j] + c1[j] >= thr ? 1 : 0));
}

TEST_CASE("reram crossbar: counters, energy and timing count what the header says", "[reram]") {
  ReramSpec s;  // 64 x 128 mats, 2-bit cells, 4-bit MSBs and DAC
  const std::size_t n = 200, d = 64;
  const auto keys = random_keys(s, n, d, 1);
  ReramCrossbar x(s, 1);
  x.store_keys(keys.data(), n, d);
  ReramCounters c = x.counters();
  CHECK(c.keys_written == 200);
  CHECK(c.bits_written == 200 * 64 * 2 * 2);  // keys x dims x cells per element x cell bits = 51200
  CHECK(c.queries == 0);
  CHECK(c.macs == 0);
  CHECK(x.mats_per_slice() == 4);  // ceil(200 / 64)

  const auto q = random_query(s, d, 2);
  x.currents(q.data());  // diagnostics count nothing
  x.exact_scores(q.data());
  CHECK(x.counters().macs == 0);
  for (int t = 0; t < 3; ++t) x.prune(q.data(), 0.0);
  c = x.counters();
  CHECK(c.queries == 3);
  CHECK(c.copyq_bits == 3 * 4 * 64);      // dac_bits x D per query = 768
  CHECK(c.macs == 3 * 64 * 200);          // D x N per query = 38400
  CHECK(c.dac_drives == 3 * 4 * 64 * 4);  // dac_bits x D x mats_per_slice per query = 3072
  CHECK(c.comparator_ops == 3 * 200);     // one per key per query
  CHECK(c.readp_bits == 3 * 200);         // the pruning vector
  CHECK(c.transposed_bits == 0);

  const std::vector<std::uint32_t> sel = {5, 0, 199, 17, 5};
  const auto codes = x.transposed_read(sel);
  REQUIRE(codes.size() == sel.size() * d);
  for (std::size_t m = 0; m < sel.size(); ++m) {
    for (std::size_t i = 0; i < d; ++i) REQUIRE(codes[m * d + i] == keys[sel[m] * d + i]);
  }
  CHECK_THROWS_AS(x.transposed_read({200}), std::out_of_range);
  c = x.counters();
  CHECK(c.transposed_reads == 1);
  CHECK(c.transposed_keys == 5);
  CHECK(c.transposed_bits == 5 * 4 * 64);  // msb_bits x D per selected key = 1280
  CHECK(c.bits_read() == 600 + 1280);

  // Energy: 51200 x 24.4 + 38400 x 0.10 + 3072 x 0.417 + 600 x 0.033 + 1880 x 3.1.
  const auto ledger = reram_actions(c, s);
  CHECK(ledger.at("write_bit").energy_pj() == Approx(51200 * 24.4));
  CHECK(ledger.at("in_memory_mac").energy_pj() == Approx(38400 * 0.10));
  CHECK(ledger.at("dac_drive").energy_pj() == Approx(3072 * 0.417));
  CHECK(ledger.at("comparator").energy_pj() == Approx(600 * 0.99 / 30));
  CHECK(ledger.at("read_bit").energy_pj() == Approx(1880 * 3.1));
  CHECK(energy_pj(c, s) == Approx(1249280.0 + 3840.0 + 1281.024 + 19.8 + 5828.0));

  // Timing: tAxTh 7, CopyQ 14, ReadP of 200 bits = 27 + ceil(200 / 64) = 31, transposed read of 5
  // keys = 27 + 1280 / 64 = 47, storing 200 keys = 50 + 51200 / 64 = 850.
  CHECK(x.threshold_cycles() == 7);
  CHECK(x.copyq_cycles() == 14);
  CHECK(x.readp_cycles() == 31);
  CHECK(x.transposed_read_cycles(5) == 47);
  CHECK(x.store_cycles(200) == 850);

  x.reset_counters();
  CHECK(x.counters().macs == 0);

  // Split embedding: D = 100 over two slices of 2 mats each (70 keys): drives dac_bits x D x 2.
  ReramSpec sp;
  sp.split_embedding = true;
  ReramCrossbar y(sp, 1);
  const auto k2 = random_keys(sp, 70, 100, 4);
  y.store_keys(k2.data(), 70, 100);
  const auto q2 = random_query(sp, 100, 5);
  y.prune(q2.data(), 0.0);
  CHECK(y.counters().dac_drives == 4 * 100 * 2);
  CHECK(y.counters().macs == 100 * 70);
  CHECK(y.counters().comparator_ops == 70);

  // 3-bit cells (with the 13 sense bits they need): 4-bit codes take 2 cells = 6 programmed bits.
  ReramSpec c3;
  c3.cell_bits = 3;
  c3.sense_bits = 13;
  ReramCrossbar z(c3, 1);
  z.store_keys(keys.data(), 10, d);
  CHECK(z.counters().bits_written == 10 * 64 * 6);
}

TEST_CASE("reram crossbar: codes are range-checked and queries quantised", "[reram]") {
  ReramSpec s;
  ReramCrossbar x(s, 1);
  std::vector<std::int32_t> q(4, 0);
  CHECK_THROWS_AS(x.prune(q.data(), 0.0), std::logic_error);  // nothing stored
  std::vector<std::int8_t> k = {0, 1, -8, 7};
  x.store_keys(k.data(), 1, 4);
  CHECK(x.prune(q.data(), 0.0) == std::vector<std::uint8_t>{1});
  k[2] = -9;
  CHECK_THROWS_WITH(x.store_keys(k.data(), 1, 4), Catch::Contains("key 0 element 2 has MSB code -9"));
  q[1] = 8;
  CHECK_THROWS_WITH(x.prune(q.data(), 0.0), Catch::Contains("query element 1 has code 8"));
  q[1] = 0;
  CHECK_THROWS_AS(x.prune(q.data(), std::nan("")), std::invalid_argument);

  const double v[] = {0.0, 0.24, 0.26, 0.75, -0.75, 100.0, -100.0, 0.125};
  const auto codes = x.quantise_query(v, 8, 0.25);
  // /0.25: 0, 0.96, 1.04, 3, -3, 400 -> 7, -400 -> -8, 0.5 -> 0 (ties to even)
  CHECK(codes == std::vector<std::int32_t>{0, 1, 1, 3, -3, 7, -8, 0});
  CHECK_THROWS_AS(x.quantise_query(v, 8, 0.0), std::invalid_argument);
}
