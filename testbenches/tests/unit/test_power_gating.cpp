// Power gating of an engine's logic (models/common/power_gating.hpp): busy intervals merge into
// powered periods across idle gaps no longer than the break-even time, one wake-up per period, a
// wake-up costs the gateable leakage x the break-even time; the energy table carries the rule with
// its source, and SRAM leakage is state (it stays powered).
#include <catch2/catch.hpp>

#include <string>

#include "models/common/energy_table.hpp"
#include "models/common/power_gating.hpp"

using savp::common::EnergyTable;
using savp::common::gating_schedule;
using savp::common::Json;
using savp::common::JsonNode;

TEST_CASE("power gating: busy intervals merge across gaps up to the break-even time", "[power][gating]") {
  // Gaps: 5 ns (<= 10: stays powered), 10 ns (= break-even: stays powered), 11 ns (gates).
  const auto g = gating_schedule({{120.0, 130.0}, {0.0, 100.0}, {105.0, 110.0}, {141.0, 150.0}}, 10.0);
  REQUIRE(g.wakeups() == 2);
  CHECK(g.powered_ns[0] == std::pair<double, double>{0.0, 130.0});
  CHECK(g.powered_ns[1] == std::pair<double, double>{141.0, 150.0});
  CHECK(g.powered_total_ns() == Approx(139.0));
  // Never busy: no wake-up, never powered.
  CHECK(gating_schedule({}, 10.0).wakeups() == 0);
  CHECK(gating_schedule({}, 10.0).powered_total_ns() == 0.0);
  // Back-to-back jobs are one period.
  CHECK(gating_schedule({{0.0, 50.0}, {50.0, 80.0}}, 0.5).wakeups() == 1);
}

TEST_CASE("power gating: one wake-up costs the gateable leakage over the break-even time",
          "[power][gating]") {
  CHECK(savp::common::wake_energy_pj(2.0, 10.0) == Approx(20.0));  // 2 mW x 10 ns = 20 pJ
  CHECK(savp::common::wake_energy_pj(0.0, 10.0) == 0.0);
}

TEST_CASE("power gating: the shipped table's rule has a source; SRAM leakage is state", "[power][gating]") {
  Json j = savp::common::load_json_file(std::string(SAVP_SOURCE_DIR) + "/scenarios/energy/default-45nm.json");
  const EnergyTable t = EnergyTable::parse(JsonNode(j, "default-45nm.json"));
  REQUIRE(t.power_gating().known());
  CHECK(t.power_gating().break_even_cycles == 10.0);
  CHECK_THAT(t.power_gating().source, Catch::Contains("Hu") && Catch::Contains("ISLPED 2004"));
  const auto sram = t.sram_hw(4096);
  CHECK(sram.state_leakage_uw == sram.leakage_uw);
  CHECK(sram.gateable_leakage_mw() == 0.0);
  const auto mac = t.mac_hw("fp16", 16, 32);  // logic: all of it gates
  CHECK(mac.state_leakage_uw == 0.0);
  CHECK(mac.gateable_leakage_mw() == Approx(mac.leakage_mw()));
  // Scaled to another node the rule is unchanged (cycles; overhead and leakage scale together).
  CHECK(t.at_node(7, "f", "/p").power_gating().break_even_cycles == 10.0);
}

TEST_CASE("power gating: the table's entry is checked", "[power][gating][input]") {
  auto parse = [](const std::string& gating) {
    Json j =
        savp::common::load_json_file(std::string(SAVP_SOURCE_DIR) + "/scenarios/energy/default-45nm.json");
    j["power_gating"] = Json::parse(gating);
    try {
      EnergyTable::parse(JsonNode(j, "t.json"));
    } catch (const savp::common::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(parse(R"({"break_even_cycles": 10, "source": "s"})") == "no error");
  CHECK_THAT(parse(R"({"break_even_cycles": 0, "source": "s"})"),
             Catch::Contains("/power_gating/break_even_cycles"));
  CHECK_THAT(parse(R"({"break_even_cycles": 10})"),
             Catch::Contains("/power_gating: missing required key \"source\""));
  CHECK_THAT(parse(R"({"source": "s"})"), Catch::Contains("missing required key \"break_even_cycles\""));
  CHECK_THAT(parse(R"({"break_even_cycles": 10, "source": "s", "x": 1})"), Catch::Contains("/power_gating"));
}
