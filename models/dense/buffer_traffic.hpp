// On-chip buffer traffic of one GEMM on a systolic array, by dataflow: how many operand elements
// are read from the input/weight buffers and how many output (partial-sum) elements are written to
// and read back from the output buffer. The stationary operand is read once; the streamed operand
// once per fold of the other dimension; partial sums are spilled once per fold of the reduction
// dimension when the reduction is split across folds (WS, IS). Same fold structure as SCALE-Sim's.
#pragma once

#include <cstdint>

#include "models/dense/systolic_timing.hpp"

namespace savp::dense {

struct BufferTraffic {
  std::uint64_t a_reads = 0;   // elements of A (M x K)
  std::uint64_t b_reads = 0;   // elements of B (K x N)
  std::uint64_t c_writes = 0;  // output / partial-sum elements written
  std::uint64_t c_reads = 0;   // partial sums read back for accumulation
};

BufferTraffic gemm_buffer_traffic(ArrayShape array, GemmShape g, Dataflow df);

}  // namespace savp::dense
