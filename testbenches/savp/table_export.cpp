#include "testbenches/savp/table_export.hpp"

#include <cstdio>

namespace savp::tb {

namespace {

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

std::string header(const common::EnergyTable& t, const char* what) {
  return "# SAVP energy table \"" + t.name() + "\" at " + number(t.node_nm()) + " nm: " + what +
         " (savp export-tables; Accelergy v0.3 shape)\n";
}

std::string sram_name(const common::SramAnchor& a) { return "sram_" + number(a.capacity_bytes) + "B"; }

}  // namespace

std::string accelergy_ert(const common::EnergyTable& t) {
  std::string out = header(t, "energy per action in pJ") + "ERT:\n  version: 0.3\n  tables:\n";
  auto action = [&](const std::string& name, double pj) {
    out += "    - name: " + name + "\n      arguments: null\n      energy: " + number(pj) + "\n";
  };
  for (const auto& [key, e] : t.entries()) {
    if (!e.priced) continue;
    out += "  - name: " + key + "\n    actions:\n";
    action(e.unit.empty() ? "op" : e.unit, e.pj);
  }
  for (const common::SramAnchor& a : t.sram_anchors()) {
    out += "  - name: " + sram_name(a) + "\n    actions:\n";
    action("read", a.read_pj_per_64b);
    action("write", a.write_pj_per_64b);
  }
  return out;
}

std::string accelergy_art(const common::EnergyTable& t) {
  std::string out = header(t, "area in um2") + "ART:\n  version: 0.3\n  tables:\n";
  for (const auto& [key, e] : t.entries())
    out += "  - name: " + key + "\n    area: " + number(e.area_um2) + "\n";
  for (const common::SramAnchor& a : t.sram_anchors())
    out += "  - name: " + sram_name(a) + "\n    area: " + number(t.sram_hw(a.capacity_bytes).area_um2) + "\n";
  return out;
}

}  // namespace savp::tb
