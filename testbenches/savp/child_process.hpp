// ChildProcess: the one way savp starts another program (a baseline run, a sweep point, sbatch,
// squeue). fork + execv with an argv vector: no shell ever parses a scenario id, a path or an
// option value. The child's standard output and error go to a file or are captured through a pipe.
// Every child dies with its parent, however the parent ends (SIGKILL included): the child sets
// PR_SET_PDEATHSIG (SIGKILL) between fork and exec and then checks that the parent it was forked
// from is still there (getppid), so no window remains in which the parent can die unnoticed.
// PDEATHSIG follows the thread that forked: start children from the main thread.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace savp::tb {

// Starts argv[0] (a path; see find_program) with argv, its standard output and error truncated
// into `output_file`. Returns the child's pid; throws std::runtime_error when the program cannot
// be started (the message names it and the reason).
pid_t start_child(const std::vector<std::string>& argv, const std::string& output_file);

// Waits for the child (retrying after signals) and returns its exit code, 128 + the signal number
// when a signal ended it.
int wait_child(pid_t pid);

// Waits for whichever child of this process ends first (retrying after signals); returns its pid
// (-1 when there is none) and sets `code` as wait_child does.
pid_t wait_any_child(int& code);

// Runs argv to completion, its standard output and error captured; `exit_code` receives
// wait_child's code. Throws std::runtime_error when the program cannot be started.
std::string run_captured(const std::vector<std::string>& argv, int& exit_code);

// The absolute path of `name` found in $PATH (a name holding a slash is returned as is), or ""
// when it is not there.
std::string find_program(const std::string& name);

}  // namespace savp::tb
