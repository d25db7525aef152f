// DenseConfig: the parameters of the dense systolic-array baseline engine as a scenario gives them
// (platform.accelerators[i] with "type": "dense"), with defaults in C++ and validation that names
// the JSON path of any impossible value.
#pragma once

#include <cstdint>
#include <string>

#include "models/common/dma_spec.hpp"
#include "models/common/json_reader.hpp"
#include "models/common/number_format.hpp"
#include "models/dense/systolic_timing.hpp"

namespace savp::dense {

struct DenseConfig {
  std::string name = "dense0";
  double clock_mhz = 1000.0;
  ArrayShape array{32, 32};
  Dataflow dataflow = Dataflow::OS;
  TimingConvention timing = TimingConvention::Pipelined;
  // Datapath: operand format on the bus and in the array; accumulators are fp32 for float formats
  // and accumulator_bits-wide integers for "int".
  common::ElemFormat format = common::ElemFormat::FP16;
  int int_bits = 8;
  int accumulator_bits = 32;
  // Vector unit for softmax: lanes and pipeline depth.
  std::uint32_t vector_lanes = 32;
  std::uint32_t vector_pipeline_cycles = 8;
  // On-chip buffers (bytes): input (Q / A), weight (K, V / B, double-buffered halves when
  // streaming), output (scores / C partial sums).
  std::uint64_t input_buffer_bytes = 64 * 1024;
  std::uint64_t weight_buffer_bytes = 256 * 1024;
  std::uint64_t output_buffer_bytes = 256 * 1024;
  common::DmaSpec dma;
  // Scoreboard tolerance on the relative L2 error (default by format when negative).
  double tolerance_rel_l2 = -1.0;

  std::string format_name() const;
  double default_tolerance() const;
  double effective_tolerance() const {
    return tolerance_rel_l2 >= 0 ? tolerance_rel_l2 : default_tolerance();
  }
  double clock_period_ns() const { return 1000.0 / clock_mhz; }

  static DenseConfig parse(common::JsonNode node);
};

// The optional "array": {"rows", "cols"} of an engine built on a systolic array (dense, chela);
// absent keys keep `shape`'s values.
ArrayShape parse_array_shape(common::JsonNode& node, ArrayShape shape);

}  // namespace savp::dense
