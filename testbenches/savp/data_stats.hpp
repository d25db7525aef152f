// `savp data-stats SCENARIO [--set PATH=VALUE]... [--json] [--radius N]`: the attention statistics
// (models/common/attention_statistics.hpp) of an attention workload's data, per head index (means
// over the batch elements and layers) and over all heads, without simulating anything. The data
// are exactly the run's: the .npy heads, or the synthetic generator with the run's per-head seeds.
// For characterising real operands against synthetic ones and for fitting the generator.
#pragma once

#include <string>
#include <vector>

namespace savp::tb {

// Returns the exit code; throws common::InputError (exit 2) for a scenario it cannot characterise.
int cmd_data_stats(const std::vector<std::string>& args, const std::string& data_dir);

}  // namespace savp::tb
