// The verilated SpAtten top-k RTL (testbenches/cosim/rtl/topk_engine.sv) through its transactors
// against models/spatten TopkEngine on the same jobs and seed: identical kept sets, thresholds,
// passes, comparisons and cycles, on random scores, heavy ties, all-equal inputs, signed zeros and
// negative values, for two pass overheads. Also: the order-preserving encoding, waves.vcd, and a
// Verilog $finish stopping the simulation (sc_stop).
#include <catch2/catch.hpp>
#include <systemc>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "models/common/random.hpp"
#include "models/spatten/topk_engine.hpp"
#include "testbenches/cosim/thread_runner.hpp"
#include "testbenches/cosim/topk_rtl.hpp"

using namespace savp;
using savp::cosim::TopkRtl;

namespace {

spatten::TopkConfig config(std::uint32_t overhead) {
  spatten::TopkConfig c;
  c.parallelism = cosim::kTopkP;
  c.pass_overhead_cycles = overhead;
  return c;
}

std::vector<double> job(common::Rng& rng, int kind, std::size_t n) {
  std::vector<double> v(n);
  for (auto& x : v) {
    switch (kind) {
      case 0: x = rng.normal(); break;                                          // distinct
      case 1: x = static_cast<double>(rng.below(5)) - 2.0; break;               // heavy ties
      case 2: x = 0.25; break;                                                  // all equal
      default: x = rng.below(3) == 0 ? (rng.below(2) ? 0.0 : -0.0) : -rng.uniform();  // zeros, negatives
    }
  }
  return v;
}

void compare_with_model(std::uint32_t overhead, bool delta) {
  const std::uint64_t seed = 1234;
  TopkRtl rtl("topk", config(overhead), seed, 1.0, delta);
  spatten::TopkEngine model(config(overhead), seed);
  cosim::ThreadRunner r("runner");
  int checked = 0;
  r.body = [&] {
    common::Rng rng(99);
    for (int i = 0; i < 60; ++i) {
      const std::size_t n = 2 + rng.below(i < 50 ? 300 : 2000);
      const std::size_t k = 1 + rng.below(n - 1);
      const auto v = job(rng, i % 4, n);
      spatten::TopkResult want = model.select(v, k), got;
      rtl.select(v.data(), n, k, got);
      INFO("job " << i << " n=" << n << " k=" << k << " kind=" << i % 4);
      REQUIRE(got.kept == want.kept);
      CHECK(got.threshold == want.threshold);
      CHECK(got.passes == want.passes);
      CHECK(got.comparisons == want.comparisons);
      CHECK(got.cycles == want.cycles);
      ++checked;
    }
  };
  sc_core::sc_start();
  REQUIRE(r.failure.empty());
  CHECK(checked == 60);
}

}  // namespace

TEST_CASE("top-k RTL: order-preserving candidate codes") {
  const std::vector<double> xs{-1e300, -3.5, -1.0, -1e-300, 0.0, 1e-300, 0.5, 1.0, 7.25, 1e300};
  for (std::size_t i = 0; i + 1 < xs.size(); ++i) {
    CHECK(cosim::topk_encode(xs[i]) < cosim::topk_encode(xs[i + 1]));
    CHECK(cosim::topk_decode(cosim::topk_encode(xs[i])) == xs[i]);
  }
  CHECK(cosim::topk_encode(-0.0) == cosim::topk_encode(0.0));
}

TEST_CASE("top-k RTL equals TopkEngine: kept sets; threshold; passes; comparisons; cycles (timed clock)") {
  compare_with_model(3, false);
}

TEST_CASE("top-k RTL equals TopkEngine with pass_overhead_cycles 5 (delta clock: no SystemC time)") {
  compare_with_model(5, true);
  CHECK(sc_core::sc_time_stamp() == sc_core::SC_ZERO_TIME);
}

TEST_CASE("top-k RTL: refuses what it was not built for") {
  spatten::TopkConfig c = config(3);
  c.parallelism = cosim::kTopkP * 2;
  CHECK_FALSE(cosim::topk_rtl_check(c).empty());
  c = config(2);
  CHECK_FALSE(cosim::topk_rtl_check(c).empty());
  c = config(3);
  c.kind = spatten::TopkKind::SortingNetwork;
  CHECK_FALSE(cosim::topk_rtl_check(c).empty());
  CHECK(cosim::topk_rtl_check(config(3)).empty());
}

TEST_CASE("top-k RTL: waves.vcd on request") {
  const std::string path = (std::filesystem::path(SAVP_TEST_OUT_DIR) / "topk_rtl_waves.vcd").string();
  std::filesystem::remove(path);
  {
    TopkRtl rtl("topk", config(3), 5, 2.0, false, path);
    cosim::ThreadRunner r("runner");
    r.body = [&] {
      spatten::TopkResult out;
      const std::vector<double> v{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4};
      rtl.select(v.data(), v.size(), 6, out);
      CHECK(out.kept.size() == 6);
    };
    sc_core::sc_start();
    REQUIRE(r.failure.empty());
  }
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string vcd = ss.str();
  CHECK(vcd.find("$timescale") != std::string::npos);
  CHECK(vcd.find("$enddefinitions") != std::string::npos);
  CHECK(vcd.find("cycles") != std::string::npos);  // an RTL register is traced
  CHECK(vcd.find("#2000") != std::string::npos);   // time in ps: cycle 1 of a 2 ns clock
}

TEST_CASE("top-k RTL: a Verilog $finish stops the SystemC simulation") {
  TopkRtl rtl("topk", config(3), 5, 1.0, false);
  cosim::ThreadRunner r("runner");
  r.body = [&] {
    const std::vector<double> v{1, 2, 3};
    spatten::TopkResult out;
    rtl.select(v.data(), v.size(), 1, out);  // legal: resets and initialises the RTL
    rtl.reg_write(0x10, 0);                  // k = 0: the engine must never be started with it
    rtl.reg_write(0x18, 1);                  // START -> $finish in the RTL
    rtl.reg_read(0x20);
  };
  sc_core::sc_start(1, sc_core::SC_MS);
  CHECK(rtl.clock().finished());
  CHECK(sc_core::sc_get_status() == sc_core::SC_STOPPED);
  CHECK(sc_core::sc_time_stamp() < sc_core::sc_time(1, sc_core::SC_MS));
  CHECK(r.failure.find("$finish") != std::string::npos);
}
