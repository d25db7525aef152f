// Area, leakage and technology-node scaling of the energy table (models/common/energy_table.hpp)
// and of the engine cores' hardware(): every component that prices actions reports its area and
// leakage under the same name, built from the table's unit costs by the documented rules; the
// hardware around the engines: SRAM banks (the periphery grows as sqrt(banks)), the DMA engines,
// SPRINT's ReRAM mats with their DACs and comparators, and area-only table entries.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "models/chela/chela_core.hpp"
#include "models/common/input_error.hpp"
#include "models/common/json_reader.hpp"
#include "models/dense/dense_core.hpp"
#include "models/memory/reram_crossbar.hpp"
#include "models/memory/sram_model.hpp"
#include "models/salo/salo_core.hpp"
#include "models/spatten/spatten_core.hpp"
#include "models/sprint/sprint_core.hpp"

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

template <typename Core>
void check_names(const Core& core) {
  std::set<std::string> priced, built;
  for (const auto& [name, ledger] : core.actions()) priced.insert(name);
  for (const auto& [name, cost] : core.hardware()) {
    built.insert(name);
    CHECK(cost.area_um2 >= 0);
    CHECK(cost.leakage_uw >= 0);
  }
  CHECK(priced == built);
}

double area_of(const std::vector<std::pair<std::string, HardwareCost>>& hw, const std::string& name) {
  for (const auto& [n, c] : hw) {
    if (n == name) return c.area_um2;
  }
  return -1;
}

}  // namespace

TEST_CASE("energy table: every shipped entry has a sourced area and leakage", "[energy][area]") {
  const EnergyTable t = shipped_table();
  for (const auto& [key, e] : t.entries()) {
    INFO(key);
    CHECK(e.area_um2 > 0);
    // Non-volatile ReRAM cells draw no standby current (their entry says so); every other unit leaks.
    if (key == "reram_cell")
      CHECK(e.leakage_uw == 0);
    else
      CHECK(e.leakage_uw > 0);
    CHECK(!e.area_source.empty());
    CHECK(!e.leakage_source.empty());
  }
  // SRAM per bit: 64 KiB = 524288 bits x 1.215 um2 and x 10.49 nW.
  CHECK(t.sram_hw(65536).area_um2 == Approx(524288 * 1.215));
  CHECK(t.sram_hw(65536).leakage_uw == Approx(524288 * 10.49e-3));
}

TEST_CASE("energy table: area and leakage follow the energy's width rules", "[energy][area]") {
  const EnergyTable t = shipped_table();
  CHECK(t.int_mult_hw(16).area_um2 == Approx(4 * 282.0));  // ~ width^2
  CHECK(t.int_mult_hw(16).leakage_uw == Approx(4 * 5.0));
  CHECK(t.int_add_hw(16).area_um2 == Approx(137.0 / 2));   // ~ width
  CHECK(t.register_hw(16).area_um2 == Approx(2 * 47.84));  // ~ bits
  CHECK(t.mac_hw("int", 8, 32).area_um2 == Approx(282.0 + 137.0));
  CHECK(t.mac_hw("fp16", 16, 32).area_um2 == Approx(1640.0 + 4184.0));
  CHECK(t.mac_hw("fp32", 32, 32).leakage_uw == Approx(120.0 + 53.0));
}

TEST_CASE("energy table: a 45 -> 7 nm table scales every entry by the node factors", "[energy][node]") {
  const EnergyTable t = shipped_table();
  const EnergyTable s = t.at_node(7, "f.json", "/platform/technology/node_nm");
  CHECK(s.node_nm() == 7);
  const auto& f45 = t.node_scaling().at(45);
  const auto& f7 = t.node_scaling().at(7);
  const double e = f7.energy / f45.energy, la = f7.logic_area / f45.logic_area,
               sa = f7.sram_area / f45.sram_area, lk = f7.leakage / f45.leakage;
  CHECK(la == Approx(0.059));  // Stillmaker and Baas, 45 -> 7 nm area
  REQUIRE(s.entries().size() == t.entries().size());
  for (const auto& [key, a] : t.entries()) {
    INFO(key);
    const auto& b = s.entries().at(key);
    CHECK(b.pj == Approx(a.pj * e));
    CHECK(b.area_um2 == Approx(a.area_um2 * la));
    CHECK(b.leakage_uw == Approx(a.leakage_uw * lk));
  }
  for (std::size_t i = 0; i < t.sram_anchors().size(); ++i) {
    CHECK(s.sram_anchors()[i].read_pj_per_64b == Approx(t.sram_anchors()[i].read_pj_per_64b * e));
    CHECK(s.sram_anchors()[i].write_pj_per_64b == Approx(t.sram_anchors()[i].write_pj_per_64b * e));
  }
  CHECK(s.sram_hw(8192).area_um2 == Approx(t.sram_hw(8192).area_um2 * sa));
  CHECK(s.sram_hw(8192).leakage_uw == Approx(t.sram_hw(8192).leakage_uw * lk));
  CHECK(s.sram_pj_per_64b(32768, false) == Approx(t.sram_pj_per_64b(32768, false) * e));
  // The table's own node is the identity.
  CHECK(t.at_node(45, "f", "/p").entries().at("int8_mult").pj == t.entries().at("int8_mult").pj);
  // A node the table does not list is refused at the given path.
  CHECK_THROWS_AS(t.at_node(5, "f.json", "/platform/technology/node_nm"), InputError);
  CHECK_THROWS_WITH(t.at_node(5, "f.json", "/platform/technology/node_nm"),
                    Catch::Contains("/platform/technology/node_nm") && Catch::Contains("5 nm is not in"));
}

TEST_CASE("engines: every priced component reports area and leakage under the same name", "[area]") {
  const EnergyTable t = shipped_table();
  savp::salo::SaloConfig salo;
  savp::salo::SaloCore sc(salo, t);
  check_names(sc);
  // 32 x 32 + a global row and column of 9/18-bit MACs.
  const double pes = 32 * 32 + 32 + 32;
  CHECK(area_of(sc.hardware(), "pe_array") == Approx(pes * t.mac_hw("int", 9, 18).area_um2));
  savp::spatten::SpattenConfig sp;
  savp::spatten::SpattenCore spc(sp, t, 1);
  check_names(spc);
  CHECK(area_of(spc.hardware(), "qk_array") ==
        Approx(sp.qk_multipliers * (t.int_mult_hw(12).area_um2 + t.int_add_hw(24).area_um2)));
  CHECK(area_of(spc.hardware(), "key_sram") == Approx(t.sram_hw(196 * 1024).area_um2));
  savp::sprint::SprintConfig spr;
  savp::sprint::SprintCore sprc(spr, t);
  check_names(sprc);
  savp::chela::ChelaConfig ch;
  savp::chela::ChelaCore chc(ch, t);
  check_names(chc);
  savp::dense::DenseConfig de;
  savp::dense::DenseCore dec(de, t);
  check_names(dec);
  CHECK(area_of(dec.hardware(), "input_buffer") ==
        Approx(t.sram_hw(static_cast<double>(de.input_buffer_bytes)).area_um2));
}

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
