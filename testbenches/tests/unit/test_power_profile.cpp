// PowerProfile (models/common/power_profile.hpp): energy at an instant and spread over an interval
// lands in the right bins and adds up to what was put in; leakage over the whole run or over
// power-gated intervals; widening past kMaxBins keeps every picojoule; power.csv's layout.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>
#include <string>

#include "models/common/power_profile.hpp"

using savp::common::PowerProfile;
using savp::common::PowerTable;

namespace {
double sum_all(const PowerTable& t) {
  double e = 0;
  for (std::size_t c = 0; c < t.components.size(); ++c) e += t.energy_pj(c);
  return e;
}
}  // namespace

TEST_CASE("power profile: instants and intervals land in their bins", "[power]") {
  PowerProfile p(100.0);
  const int a = p.component("top.b");
  const int b = p.component("top.a");
  p.add_at(a, 50.0, 7.0);             // bin 0
  p.add_at(a, 100.0, 3.0);            // a bin's start belongs to it: bin 1
  p.add_over(b, 50.0, 350.0, 300.0);  // 1 pJ/ns: 50, 100, 100, 50
  const PowerTable t = p.finish(320.0);
  REQUIRE(t.bins == 4);                                                 // up to 350 ns, past the run's end
  REQUIRE(t.components == std::vector<std::string>{"top.a", "top.b"});  // by name
  CHECK(t.dynamic_pj[0] == std::vector<double>{50.0, 100.0, 100.0, 50.0});
  CHECK(t.dynamic_pj[1] == std::vector<double>{7.0, 3.0, 0.0, 0.0});
  CHECK(t.total_w(1) == Approx(103.0 / 100.0 * 1e-3));  // pJ per ns = mW
  CHECK(sum_all(t) == Approx(310.0).epsilon(1e-15));
}

TEST_CASE("power profile: an empty interval is an instant; parts add up exactly", "[power]") {
  PowerProfile p(3.0);
  const int a = p.component("x");
  p.add_over(a, 10.0, 10.0, 2.0);
  double put = 2.0;
  for (int i = 0; i < 1000; ++i) {
    const double t0 = 0.37 * i, pj = 0.1 + 0.013 * i;
    p.add_over(a, t0, t0 + 7.3, pj);
    put += pj;
  }
  const PowerTable t = p.finish(0.0);
  CHECK(std::abs(sum_all(t) - put) <= 1e-12 * put);
}

TEST_CASE("power profile: leakage over the run or only while powered (gating)", "[power]") {
  PowerProfile p(1000.0);
  const int on = p.component("always");
  const int gated = p.component("gated");
  const int dark = p.component("never");
  p.add_leakage(on, 0.002);  // 2 mW = 2 pJ/ns
  p.add_leakage(gated, 0.001, {{500.0, 1500.0}, {2500.0, 2600.0}});
  p.add_leakage(dark, 0.5, {{0.0, 0.0}});  // gated, never woken
  const PowerTable t = p.finish(3000.0);
  REQUIRE(t.bins == 3);
  CHECK(t.static_pj[0] == std::vector<double>{2000.0, 2000.0, 2000.0});
  CHECK(t.static_pj[1][0] == Approx(500.0));
  CHECK(t.static_pj[1][1] == Approx(500.0));
  CHECK(t.static_pj[1][2] == Approx(100.0));
  CHECK(t.energy_pj(2) == 0.0);
  CHECK(t.dynamic_pj[0] == std::vector<double>{0.0, 0.0, 0.0});
}

TEST_CASE("power profile: past kMaxBins the bins widen and keep every picojoule", "[power]") {
  PowerProfile p(1.0);
  const int a = p.component("a");
  p.add_at(a, 0.5, 1.0);
  p.add_over(a, 10.0, 20.0, 4.0);
  p.add_at(a, static_cast<double>(PowerProfile::kMaxBins) * 3.5, 2.0);  // needs two doublings
  CHECK(p.bin_ns() == 4.0);
  const PowerTable t = p.finish(0.0);
  CHECK(t.bin_ns == 4.0);
  CHECK(t.bins <= PowerProfile::kMaxBins);
  CHECK(t.dynamic_pj[0][0] == 1.0);
  CHECK(sum_all(t) == Approx(7.0).epsilon(1e-15));
}

TEST_CASE("power profile: power.csv has bounds, dynamic then static W per component, total", "[power]") {
  PowerProfile p(500.0);
  p.add_at(p.component("m"), 100.0, 1000.0);  // 1000 pJ in 500 ns = 2 mW
  p.add_leakage(p.component("s"), 0.25);
  const std::string csv = savp::common::power_csv(p.finish(1000.0));
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  CHECK(line == "bin_start_ns,bin_end_ns,m.dynamic_w,s.dynamic_w,m.static_w,s.static_w,total_w");
  std::getline(in, line);
  CHECK(line == "0,500,0.002,0,0,0.25,0.252");
  std::getline(in, line);
  CHECK(line == "500,1000,0,0,0,0.25,0.25");
  CHECK(!std::getline(in, line));
}

TEST_CASE("power profile: a bin width <= 0 is refused", "[power]") {
  CHECK_THROWS(PowerProfile(0.0));
  CHECK_THROWS(PowerProfile(-1.0));
}
