#include "models/sprint/sprint_config.hpp"

namespace savp::sprint {

SprintConfig SprintConfig::parse(common::JsonNode node) {
  SprintConfig c;
  node.get_choice("type", {"sprint"});
  c.name = node.get_string("name", c.name);
  c.config = node.get_choice("config", {"S", "M", "L"}, "M");
  // sprint.md "Configurations": S 16 KB / 1 CORELET, M 32 KB / 2, L 64 KB / 4.
  c.budget_kib = c.config == "S" ? 16 : c.config == "M" ? 32 : 64;
  c.corelets = c.config == "S" ? 1 : c.config == "M" ? 2 : 4;
  c.budget_kib = static_cast<std::uint32_t>(node.get_int("budget_kib", c.budget_kib, 1, 1 << 20));
  c.corelets = static_cast<std::uint32_t>(node.get_int("corelets", c.corelets, 1, 64));
  c.clock_mhz = node.get_number_in("clock_mhz", c.clock_mhz, 1, 100000);
  c.qk_lanes = static_cast<std::uint32_t>(node.get_int("qk_lanes", c.qk_lanes, 1, 4096));
  c.v_lanes = static_cast<std::uint32_t>(node.get_int("v_lanes", c.v_lanes, 1, 4096));
  c.softmax_lanes = static_cast<std::uint32_t>(node.get_int("softmax_lanes", c.softmax_lanes, 1, 4096));
  c.softmax_latency =
      static_cast<std::uint32_t>(node.get_int("softmax_latency", c.softmax_latency, 0, 1 << 16));
  c.key_lsb_bits = static_cast<int>(node.get_int("key_lsb_bits", c.key_lsb_bits, 0, 12));
  c.value_bits = static_cast<int>(node.get_int("value_bits", c.value_bits, 2, 16));
  c.in_memory_pruning = node.get_bool("in_memory_pruning", c.in_memory_pruning);
  c.padding_removal = node.get_bool("padding_removal", c.padding_removal);
  c.pointer = node.get_choice("pointer", {"rotating", "in_order"}, c.pointer);
  if (node.has("threshold")) {
    common::JsonNode t = node.object_at("threshold");
    c.threshold.kind = t.get_choice("policy", {"fixed", "calibrated"}, c.threshold.kind);
    if (c.threshold.kind == "fixed") {
      c.threshold.value = t.get_number("value", c.threshold.value);
      if (!(c.threshold.value >= -1.0 && c.threshold.value <= 1.0)) {
        t.child("value").fail_expected("a threshold in [-1, 1] (a fraction of the largest possible score)");
      }
    } else {
      c.threshold.keep_ratio = t.get_number("keep_ratio", c.threshold.keep_ratio);
      if (!(c.threshold.keep_ratio > 0.0 && c.threshold.keep_ratio <= 1.0)) {
        t.child("keep_ratio").fail_expected("a keep ratio in (0, 1]");
      }
      c.threshold.calibration_queries = static_cast<std::uint32_t>(
          t.get_int("calibration_queries", c.threshold.calibration_queries, 1, 1 << 20));
    }
    t.finish();
  }
  if (node.has("pim")) c.pim = memory::ReramSpec::parse(node.object_at("pim"));
  if (c.pim.msb_bits + c.key_lsb_bits > 12) {
    node.child("key_lsb_bits")
        .fail("K MSB + LSB bits must be at most 12 (the on-chip datapath), found " +
              std::to_string(c.pim.msb_bits) + " + " + std::to_string(c.key_lsb_bits));
  }
  if (node.has("dma")) c.dma = common::DmaSpec::parse(node.object_at("dma"), c.dma);
  c.tolerance_rel_l2 = node.get_number_in("tolerance_rel_l2", c.tolerance_rel_l2, 0.0, 10.0);
  node.finish();
  return c;
}

}  // namespace savp::sprint
