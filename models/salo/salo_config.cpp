#include "models/salo/salo_config.hpp"

#include "models/salo/tile_backend.hpp"

namespace savp::salo {

namespace {

Rounding parse_rounding(common::JsonNode& n) {
  return n.get_choice("rounding", {"nearest", "truncate"}, "nearest") == "nearest" ? Rounding::NearestAway
                                                                                   : Rounding::Floor;
}
Overflow parse_overflow(common::JsonNode& n) {
  return n.get_choice("overflow", {"saturate", "wrap"}, "saturate") == "saturate" ? Overflow::Saturate
                                                                                  : Overflow::Wrap;
}

}  // namespace

FixedParams parse_fixed_arithmetic(common::JsonNode node) {
  FixedParams f;
  if (node.has("qk")) {
    common::JsonNode n = node.object_at("qk");
    f.qk_overflow = parse_overflow(n);
    n.finish();
  }
  if (node.has("normalise")) {
    common::JsonNode n = node.object_at("normalise");
    f.norm_rounding = parse_rounding(n);
    f.norm_overflow = parse_overflow(n);
    f.reciprocal_bits = static_cast<int>(
        n.get_int("reciprocal_bits", f.reciprocal_bits, kReciprocalBitsMin, kReciprocalBitsMax));
    f.drop_exp_lsb = n.get_bool("drop_exp_lsb", f.drop_exp_lsb);
    n.finish();
  }
  if (node.has("pv")) {
    common::JsonNode n = node.object_at("pv");
    f.pv_rounding = parse_rounding(n);
    f.pv_overflow = parse_overflow(n);
    n.finish();
  }
  node.finish();
  return f;
}

SaloConfig SaloConfig::parse(common::JsonNode node) {
  SaloConfig c;
  node.get_choice("type", {"salo"});
  c.name = node.get_string("name", c.name);
  c.clock_mhz = node.get_number_in("clock_mhz", c.clock_mhz, 1, 100000);
  if (node.has("array")) {
    common::JsonNode a = node.object_at("array");
    c.array.rows = static_cast<std::uint32_t>(a.get_int("rows", 32, 1, 1024));
    c.array.cols = static_cast<std::uint32_t>(a.get_int("cols", 32, 1, 1024));
    c.array.global_rows = static_cast<std::uint32_t>(a.get_int("global_rows", 1, 0, 64));
    c.array.global_cols = static_cast<std::uint32_t>(a.get_int("global_cols", 1, 0, 64));
    c.array.head_dim = static_cast<std::uint32_t>(a.get_int("head_dim", 64, 1, 1024));
    a.finish();
  }
  const std::string dp = node.get_choice("datapath", {"fixed", "float"}, "fixed");
  c.array.datapath = dp == "fixed" ? Datapath::Fixed : Datapath::Float;
  if (node.has("fixed_arithmetic")) {
    if (c.array.datapath != Datapath::Fixed) {
      node.child("fixed_arithmetic")
          .fail("fixed_arithmetic applies to the fixed datapath only (datapath is \"" + dp + "\")");
    }
    c.array.fixed = parse_fixed_arithmetic(node.object_at("fixed_arithmetic"));
  }
  c.scheduler.rows = c.array.rows;
  c.scheduler.cols = c.array.cols;
  c.scheduler.global_rows = c.array.global_rows;
  c.scheduler.global_cols = c.array.global_cols;
  if (node.has("buffers")) {
    common::JsonNode b = node.object_at("buffers");
    c.scheduler.q_buffer_vectors = static_cast<std::uint32_t>(b.get_int("q_vectors", 64, 0, 1 << 24));
    c.scheduler.k_buffer_vectors = static_cast<std::uint32_t>(b.get_int("k_vectors", 1024, 0, 1 << 24));
    c.scheduler.v_buffer_vectors = static_cast<std::uint32_t>(b.get_int("v_vectors", 1024, 0, 1 << 24));
    b.finish();
  }
  c.scheduler.mapping_2d = node.get_choice("mapping_2d", {"raster", "column_strips"}, "raster") == "raster"
                               ? Mapping2d::Raster
                               : Mapping2d::ColumnStrips;
  if (node.has("dma")) c.dma = common::DmaSpec::parse(node.object_at("dma"));
  c.tolerance_rel_l2 = node.get_number_in("tolerance_rel_l2", -1.0, 0.0, 10.0);
  c.rtl_backend = node.get_choice("backend", {"model", "rtl"}, "model") == "rtl";
  node.finish();
  if (c.rtl_backend) {
    const std::string why = tile_rtl_refusal(c.array);
    if (!why.empty()) node.child("backend").fail("backend \"rtl\": " + why);
  }
  return c;
}

}  // namespace savp::salo
