// savp compare A B [C...] [--csv]: the totals of several results side by side with their ratios to
// the first, for the "what changed?" question. A, B, ... are stats.json files or output directories
// holding one. Latency, cycles, stalls, energy (total, dynamic, static), area, DRAM traffic and
// bandwidth, operations, accuracy, and the model figures (TTFT, TPOT, tokens/s) when present.
// Exit 0; 2 on bad input (a missing file, a file that is not a savp stats.json, fewer than two),
// naming the file.
#pragma once

#include <string>
#include <vector>

namespace savp::tb {

int cmd_compare(const std::vector<std::string>& args);

}  // namespace savp::tb
