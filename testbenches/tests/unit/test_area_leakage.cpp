// Area, leakage and technology-node scaling of the energy table (models/common/energy_table.hpp)
// and of the engine cores' hardware(): every component that prices actions reports its area and
// leakage under the same name, built from the table's unit costs by the documented rules.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "models/chela/chela_core.hpp"
#include "models/common/input_error.hpp"
#include "models/common/json_reader.hpp"
#include "models/dense/dense_core.hpp"
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
