// OutputDir: the rules that keep savp from losing or clobbering a user's data. An output directory
// (run or sweep) may be written only when it does not exist, is empty, or is a previous SAVP output
// (it holds the marker file savp writes first, or a stats.json / sweep.json that savp wrote);
// anything else is refused with exit code 2 unless --force. Even then savp replaces only the files
// it writes itself and never deletes anything else. One writer at a time: the command that claims a
// directory holds an exclusive lock on it (flock on its lock file, which holds the writer's pid)
// until it exits; a second writer is refused with exit code 2 and the holder's pid.
#pragma once

#include <string>

namespace savp::tb {

// The marker savp leaves in every directory it writes: {"savp_output": "run" | "sweep", version}.
inline constexpr const char* kOutputMarker = ".savp-output";
// The lock file of an output directory (the pid of the savp that holds it).
inline constexpr const char* kOutputLock = ".savp-lock";

// Throws common::InputError (exit 2) when `dir` exists, is not a directory, or is a non-empty
// directory that is not a SAVP output and force is false, or when another process holds its lock.
// Otherwise creates it (and parents), locks it for the rest of this process (a directory inside
// one this process already holds is covered by that lock) and writes the marker. kind: "run" or
// "sweep".
void claim_output_dir(const std::string& dir, const std::string& kind, bool force);

// True when `dir` is a directory a previous SAVP run or sweep wrote.
bool is_savp_output(const std::string& dir);

// Throws common::InputError naming the path when `dir` holds anything savp does not write (so
// savp may not replace it): the files of a run (marker, lock, stats, resolved.json, summary.csv,
// trace.json, waves, temporaries, baseline/ with the same) and of a sweep point (point.json,
// log.txt). A directory that holds none of marker, lock or point.json is foreign as a whole, and so
// is a path that is not a directory. A missing `dir` is fine.
void check_savp_dir(const std::string& dir);
// The same for a directory that holds only savp output directories (OUTDIR/alone/<task>).
void check_savp_dir_list(const std::string& dir);

// Removes a directory savp wrote, after check_savp_dir (nothing is removed when it throws).
void remove_savp_dir(const std::string& dir);

// The lock of the tasks of a cluster sweep (`sweep --run-point`, `sweep --collect`): shared among
// them, refused (common::InputError, exit 2) while a run or a sweep holds the directory, and a run
// or sweep is refused while any task holds it.
void share_output_dir(const std::string& dir);

// Opens `path` for writing as a new file: whatever stands there (an old file, a symlink planted in
// savp's own directory) is unlinked first, never written through; O_EXCL | O_NOFOLLOW refuse a
// link that appears between the two steps. Returns the descriptor (close-on-exec); throws
// std::runtime_error naming the path.
int create_fresh_file(const std::string& path);

}  // namespace savp::tb
