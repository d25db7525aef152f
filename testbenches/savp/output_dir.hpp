// OutputDir: the rules that keep savp from losing or clobbering a user's data. An output directory
// (run or sweep) may be written only when it does not exist, is empty, or is a previous SAVP output
// (it holds the marker file savp writes first, or a stats.json / sweep.json that savp wrote);
// anything else is refused with exit code 2 unless --force. Even then savp replaces only the files
// it writes itself and never deletes anything else.
#pragma once

#include <string>

namespace savp::tb {

// The marker savp leaves in every directory it writes: {"savp_output": "run" | "sweep", version}.
inline constexpr const char* kOutputMarker = ".savp-output";

// Throws common::InputError (exit 2) when `dir` exists, is not a directory, or is a non-empty
// directory that is not a SAVP output and force is false. Otherwise creates it (and parents) and
// writes the marker. kind: "run" or "sweep".
void claim_output_dir(const std::string& dir, const std::string& kind, bool force);

// True when `dir` is a directory a previous SAVP run or sweep wrote.
bool is_savp_output(const std::string& dir);

}  // namespace savp::tb
