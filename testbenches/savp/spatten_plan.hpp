// SpattenPlan: how the host lays out and describes a SpAtten job (one per batch element: every
// layer and head at once, since cascade pruning spans them), worked out and checked before any
// SystemC module exists. Data modes (synthetic or .npy): per (layer, head) Q (fp16), K as MSB and
// LSB regions and V at the progressive-quantisation widths (or fp32), the output (fp32), the scale
// table and the decision log. Replay mode: the recorded pruning trace's command rows and regions
// sized for the widest replayed rows.
#pragma once

#include <cstdint>
#include <memory>

#include "models/spatten/pruning_trace.hpp"
#include "models/spatten/spatten_job.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::tb {

struct SpattenPlan {
  spatten::SpattenJob job;  // the block the host writes (addresses filled in)
  std::uint64_t block_addr = 0, end = 0;
  std::shared_ptr<spatten::PruningTrace> trace;
};

// Throws common::InputError (exit 2) when the scenario cannot run on the SpAtten engine.
SpattenPlan plan_spatten(const sc::Scenario& s, std::uint64_t first_free);

}  // namespace savp::tb
