#include "models/dense/buffer_traffic.hpp"
#include "models/common/int_math.hpp"

namespace savp::dense {

namespace {
using common::ceil_div;
}  // namespace

BufferTraffic gemm_buffer_traffic(ArrayShape array, GemmShape g, Dataflow df) {
  BufferTraffic t;
  const std::uint64_t R = array.rows, C = array.cols;
  switch (df) {
    case Dataflow::OS:  // rows <- M, cols <- N, K streams: every fold re-reads its A and B blocks
      t.a_reads = g.M * g.K * ceil_div(g.N, C);
      t.b_reads = g.K * g.N * ceil_div(g.M, R);
      t.c_writes = g.M * g.N;
      break;
    case Dataflow::WS: {  // rows <- K, cols <- N, B stationary, M streams
      const std::uint64_t kf = ceil_div(g.K, R);
      t.b_reads = g.K * g.N;
      t.a_reads = g.M * g.K * ceil_div(g.N, C);
      t.c_writes = g.M * g.N * kf;
      t.c_reads = g.M * g.N * (kf - 1);
      break;
    }
    case Dataflow::IS: {  // rows <- K, cols <- M, A stationary, N streams
      const std::uint64_t kf = ceil_div(g.K, R);
      t.a_reads = g.M * g.K;
      t.b_reads = g.K * g.N * ceil_div(g.M, C);
      t.c_writes = g.M * g.N * kf;
      t.c_reads = g.M * g.N * (kf - 1);
      break;
    }
  }
  return t;
}

}  // namespace savp::dense
