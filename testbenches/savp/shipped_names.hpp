// The shipped files `savp list` names and `savp run NAME` finds: scenarios and sweeps of the data
// directory (the scenarios/ tree) by their path relative to it, and the hardware presets
// (hardware/<name>.json) with the citation each carries in its "source".
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace savp::tb {

struct ShippedFiles {
  std::vector<std::string> scenarios;  // e.g. "salo/small.json", sorted
  std::vector<std::string> sweeps;     // e.g. "sweeps/dense-small.json", sorted
};
ShippedFiles shipped_files(const std::string& data_dir);

// (name, source) of every hardware preset, sorted by name; source "" when the file gives none.
std::vector<std::pair<std::string, std::string>> hardware_presets(const std::string& data_dir);

// The scenario file `arg` names: arg itself when it exists; otherwise a shipped scenario by the name
// `savp list` prints (with or without ".json"), as a path in data_dir. InputError (exit 2) for an
// absolute path or one with "..", and for a name that matches no shipped scenario. `shipped` says
// whether the name was looked up.
std::string find_scenario(const std::string& arg, const std::string& data_dir, bool& shipped);

// `savp list`: engines, presets (memory, hardware with their sources), energy tables, the address
// map, workload kinds, and the shipped scenarios and sweeps.
void print_list(std::ostream& out, const std::string& data_dir);

}  // namespace savp::tb
