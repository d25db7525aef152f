// Test harness: a small energy table with every entry the engine cores price (numbers are
// placeholders of the right magnitude, not sourced figures).
#pragma once

#include "models/common/energy_table.hpp"

namespace savp::test {

inline common::EnergyTable test_energy() {
  static const common::Json j = common::Json::parse(R"({
    "name": "t", "node_nm": 45,
    "entries": {
      "int8_mult": {"pj": 0.2, "source": "s"}, "int32_add": {"pj": 0.1, "source": "s"},
      "fp16_mult": {"pj": 1.1, "source": "s"}, "fp16_add": {"pj": 0.4, "source": "s"},
      "fp32_mult": {"pj": 3.7, "source": "s"}, "fp32_add": {"pj": 0.9, "source": "s"},
      "fp32_exp": {"pj": 18.4, "source": "s"}, "fp32_recip": {"pj": 16.6, "source": "s"},
      "fp32_compare": {"pj": 0.9, "source": "s"}, "regfile_8b": {"pj": 0.426, "source": "s"}},
    "sram": {"anchors": [{"capacity_bytes": 8192, "read_pj_per_64b": 10, "source": "s"},
                          {"capacity_bytes": 262144, "read_pj_per_64b": 43.35, "write_pj_per_64b": 30.88, "source": "s"}]}
  })");
  common::Json copy = j;
  return common::EnergyTable::parse(common::JsonNode(copy, "test"));
}

}  // namespace savp::test
