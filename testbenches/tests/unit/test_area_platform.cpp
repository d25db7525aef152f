// Area and leakage of the hardware around the engines (models/common/energy_table.hpp,
// models/memory/reram_crossbar.hpp): SRAM banks (the periphery grows as sqrt(banks)), the DMA
// engines, SPRINT's ReRAM mats with their DACs and comparators, and area-only table entries.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "models/common/input_error.hpp"
#include "models/common/json_reader.hpp"
#include "models/memory/reram_crossbar.hpp"
#include "models/memory/sram_model.hpp"

using savp::common::EnergyTable;
using savp::common::HardwareCost;
using savp::common::InputError;
using savp::common::Json;
using savp::common::JsonNode;

namespace {

EnergyTable shipped_table() {
  Json j = savp::common::load_json_file(std::string(SAVP_SOURCE_DIR) + "/scenarios/energy/default-45nm.json");
  return EnergyTable::parse(JsonNode(j, "default-45nm.json"));
}

}  // namespace

TEST_CASE("SRAM: 16 banks of the same capacity cost the periphery's sqrt(16) in area and leakage",
          "[area][sram]") {
  const EnergyTable t = shipped_table();
  const double cell = t.sram_cell_area_um2(), per_bit = t.sram_area_um2_per_bit();
  REQUIRE(cell == Approx(0.346));  // Intel 45 nm 6T cell (Mistry IEDM 2007)
  REQUIRE(per_bit == Approx(1.215));
  const HardwareCost one = t.sram_hw(65536, 1), sixteen = t.sram_hw(65536, 16);
  // One bank: exactly the per-bit figures.
  CHECK(one.area_um2 == Approx(524288 * 1.215));
  CHECK(one.leakage_uw == Approx(524288 * 10.49e-3));
  // 16 banks: cell + periphery x 4, leakage by the same factor.
  const double factor = (cell + (per_bit - cell) * 4.0) / per_bit;
  CHECK(factor == Approx(3.146).epsilon(1e-3));
  CHECK(sixteen.area_um2 == Approx(one.area_um2 * factor));
  CHECK(sixteen.leakage_uw == Approx(one.leakage_uw * factor));
  // More banks always cost more.
  CHECK(t.sram_hw(65536, 2).area_um2 > one.area_um2);
  CHECK(t.sram_hw(65536, 2).area_um2 < sixteen.area_um2);
  // The SRAM model takes its spec's banks.
  savp::memory::SramSpec s;
  s.capacity_bytes = 65536;
  s.banks = 16;
  CHECK(savp::memory::SramModel(s, t).hardware().area_um2 == Approx(sixteen.area_um2));
  // At another node the whole per-bit figure scales by the SRAM factor, banks or not.
  const EnergyTable t7 = t.at_node(7, "f", "/p");
  const double sa = t.node_scaling().at(7).sram_area / t.node_scaling().at(45).sram_area;
  CHECK(t7.sram_hw(65536, 16).area_um2 == Approx(sixteen.area_um2 * sa));
}

TEST_CASE("DMA: per outstanding request a 96-bit register, plus a 64-bit address adder", "[area][dma]") {
  const EnergyTable t = shipped_table();
  const HardwareCost d = t.dma_hw(16);
  CHECK(d.area_um2 == Approx(16 * 12 * 47.84 + 2 * 137.0));  // 96 bits = 12 x the 8-bit register
  CHECK(d.leakage_uw == Approx(16 * 12 * 0.56 + 2 * 2.4));
  CHECK(t.dma_hw(32).area_um2 > d.area_um2);
}

TEST_CASE("ReRAM mats: cells, one DAC per row and DAC bit, one comparator per key", "[area][reram]") {
  const EnergyTable t = shipped_table();
  savp::memory::ReramSpec spec;  // 64 x 128 mats, 2-bit cells, 4-bit keys and DAC
  REQUIRE(spec.keys_per_mat() == 64);
  const HardwareCost mat = savp::memory::reram_mats_hw(spec, t, 1);
  const double expect = 64 * 128 * t.entry("reram_cell").area_um2 + 64 * 4 * t.entry("dac_1b").area_um2 +
                        64 * t.entry("analog_comparator").area_um2;
  CHECK(mat.area_um2 == Approx(expect));
  // The comparators dominate: 64 x 51.84 um2 (1/20 of ISAAC's 5-bit ADC, 32 -> 45 nm).
  CHECK(t.entry("analog_comparator").area_um2 == Approx(476.91 / 20 / 0.46).epsilon(1e-3));
  CHECK(mat.leakage_uw ==
        Approx(64 * 4 * t.entry("dac_1b").leakage_uw + 64 * t.entry("analog_comparator").leakage_uw));
  CHECK(savp::memory::reram_mats_hw(spec, t, 8).area_um2 == Approx(8 * mat.area_um2));
  // One head of 512 keys of 64: 8 mats; 65 keys need a second mat; a 128-wide head with split
  // embedding two slices.
  CHECK(spec.mats_for(512, 64) == 8);
  CHECK(spec.mats_for(65, 64) == 2);
  spec.split_embedding = true;
  CHECK(spec.mats_for(512, 128) == 16);
}

TEST_CASE("energy table: an area-only entry has no price", "[energy][area]") {
  const EnergyTable t = shipped_table();
  CHECK(!t.entry("router_port").priced);
  CHECK(t.hardware("router_port").area_um2 > 0);
  CHECK_THROWS_AS(t.pj("router_port"), InputError);
  CHECK_THROWS_WITH(t.pj("router_port"), Catch::Contains("/entries/router_port"));
  // An entry without pj and without area_um2 is refused, naming "pj".
  Json j = Json::parse(R"({"name": "x", "entries": {"a": {"source": "s"}}})");
  CHECK_THROWS_WITH(EnergyTable::parse(JsonNode(j, "x.json")),
                    Catch::Contains("/entries/a") && Catch::Contains("missing required key \"pj\""));
}
