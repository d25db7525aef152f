#include "models/dense/dense_config.hpp"

namespace savp::dense {

std::string DenseConfig::format_name() const {
  switch (format) {
    case common::ElemFormat::FP32:
      return "fp32";
    case common::ElemFormat::FP16:
      return "fp16";
    default:
      return "int" + std::to_string(int_bits);
  }
}

double DenseConfig::default_tolerance() const {
  switch (format) {
    case common::ElemFormat::FP32:
      return 1e-5;
    case common::ElemFormat::FP16:
      return 5e-3;
    default:
      return int_bits >= 12 ? 1e-2 : 0.08;
  }
}

ArrayShape parse_array_shape(common::JsonNode& node, ArrayShape shape) {
  if (node.has("array")) {
    common::JsonNode a = node.object_at("array");
    shape.rows = static_cast<std::uint32_t>(a.get_int("rows", shape.rows, 1, 4096));
    shape.cols = static_cast<std::uint32_t>(a.get_int("cols", shape.cols, 1, 4096));
    a.finish();
  }
  return shape;
}

DenseConfig DenseConfig::parse(common::JsonNode node) {
  DenseConfig c;
  node.get_choice("type", {"dense"});
  c.name = node.get_string("name", c.name);
  c.clock_mhz = node.get_number_in("clock_mhz", c.clock_mhz, 1, 100000);
  c.array = parse_array_shape(node, c.array);
  c.dataflow = dataflow_from_string(node.get_choice("dataflow", {"os", "ws", "is"}, "os"));
  c.timing = timing_convention_from_string(node.get_choice("timing", {"pipelined", "scalesim"}, "pipelined"));
  if (node.has("datapath")) {
    common::JsonNode d = node.object_at("datapath");
    const std::string f = d.get_choice("format", {"fp32", "fp16", "int"}, "fp16");
    c.format = f == "fp32"   ? common::ElemFormat::FP32
               : f == "fp16" ? common::ElemFormat::FP16
                             : common::ElemFormat::INT;
    c.int_bits = static_cast<int>(d.get_int("int_bits", 8, 2, 16));
    c.accumulator_bits = static_cast<int>(d.get_int("accumulator_bits", 32, 8, 64));
    d.finish();
  }
  if (node.has("vector_unit")) {
    common::JsonNode v = node.object_at("vector_unit");
    c.vector_lanes = static_cast<std::uint32_t>(v.get_int("lanes", 32, 1, 65536));
    c.vector_pipeline_cycles = static_cast<std::uint32_t>(v.get_int("pipeline_cycles", 8, 0, 1000));
    v.finish();
  }
  if (node.has("buffers")) {
    common::JsonNode b = node.object_at("buffers");
    const std::int64_t max_kib = 1 << 20;  // 1 GiB
    c.input_buffer_bytes = static_cast<std::uint64_t>(b.get_int("input_kib", 64, 1, max_kib)) * 1024;
    c.weight_buffer_bytes = static_cast<std::uint64_t>(b.get_int("weight_kib", 256, 1, max_kib)) * 1024;
    c.output_buffer_bytes = static_cast<std::uint64_t>(b.get_int("output_kib", 256, 1, max_kib)) * 1024;
    b.finish();
  }
  if (node.has("dma")) c.dma = common::DmaSpec::parse(node.object_at("dma"));
  c.tolerance_rel_l2 = node.get_number_in("tolerance_rel_l2", -1.0, 0.0, 10.0);
  node.finish();
  return c;
}

}  // namespace savp::dense
