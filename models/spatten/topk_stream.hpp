// TopkStream: the cycles one SpAtten TopK module spends per selection when selections arrive back to
// back (one per query row), at the abstraction of the stage pipeline (spatten_timing.hpp). Source:
// the authors' RTL, mit-han-lab/spatten, spatten_hardware/hardware/src/main/scala/spatten/:
//   - TopK.scala forks each request (StreamFork, 3 ways) into the QuickSelect, a data FIFO of
//     capacity / P rows and a context FIFO; the compare-with-k, prefix-sum and zero-eliminator stage
//     (the filter, "drain") pops the data FIFO at P candidates per cycle once QuickSelect answers.
//   - utils/QuickSelect.scala: Fill (P candidates per cycle) -> Run passes -> AfterRun -> response
//     through an m2sPipe register (io.resp <-< response); the FSM is back in Fill one cycle after it
//     answers, while its answer waits in that register until the current row has drained.
// So the drain of selection r overlaps the fill of selection r + 1, and in steady state a selection
// occupies the TopK for max(fill, drain of the previous) + its Run passes. The zero eliminator's
// pipeline (ceil(log2 P) + 1) is paid once per pipeline fill (pipeline_fill_cycles), not per row.
// The fill is the row's candidates arriving: ceil(n / P) cycles at P per cycle, or longer when the
// stage that feeds the TopK delivers fewer per cycle (in SpAttenController.scala the softmax output
// feeds the TopK request stream directly).
#pragma once

#include <cstdint>

#include "models/spatten/topk_engine.hpp"

namespace savp::spatten {

class TopkStream {
 public:
  // The fill of a row of n candidates: at most `parallelism` per cycle, and no faster than the
  // upstream stage delivers them (upstream_cycles for the whole row).
  static std::uint64_t fill_cycles(std::uint64_t n, std::uint32_t parallelism, std::uint64_t upstream_cycles);

  // The TopK's occupancy for the next selection `res` whose input takes `fill` cycles:
  // max(fill, the previous selection's drain) + res.select_cycles. A bypassed selection (k == 0 or
  // k >= n: no select cycles) does not enter the TopK: 0 cycles, the previous drain left as it is.
  std::uint64_t next(const TopkResult& res, std::uint64_t fill);
  // The last selection's drain, still to run when the stream ends.
  std::uint64_t pending_drain() const { return drain_cycles_; }
  void reset() { drain_cycles_ = 0; }

 private:
  std::uint64_t drain_cycles_ = 0;  // the previous selection's filter, still in the data FIFO
};

}  // namespace savp::spatten
