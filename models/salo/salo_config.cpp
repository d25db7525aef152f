#include "models/salo/salo_config.hpp"

#include "models/salo/tile_backend.hpp"

namespace savp::salo {

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
