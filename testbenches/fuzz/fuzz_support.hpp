// Shared by the libFuzzer harnesses (fuzz_<reader>.cpp): how an input is turned into files, and what
// counts as the expected outcome. A harness calls its reader through expect_input_error(): an
// InputError (the documented refusal of bad input, exit code 2 in savp) is fine, anything else
// (another exception, a crash, a sanitizer report, a hang, a huge allocation) reaches libFuzzer.
//
// Multi-file inputs (a scenario and its includes, a sweep and its base, --set lines) use a small
// container: the input is split at lines "%% NAME"; the text before the first such line is
// "main.json", each section is a file NAME written next to it ([A-Za-z0-9._-], at most 8 files),
// except a section named "set", whose lines are --set assignments. The files live in a per-process
// sandbox directory (under $SAVP_FUZZ_TMPDIR, else /dev/shm), SANDBOX/x/, where SANDBOX and SANDBOX/x both link every entry of the shipped
// scenarios/ tree, so includes such as "hardware/..." and "../hardware/..." in seeds taken from
// shipped scenarios resolve as they do in the source tree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/common/input_error.hpp"

namespace savp::fuzz {

template <class F>
void expect_input_error(F&& run) {
  try {
    run();
  } catch (const common::InputError&) {
    // the expected refusal of bad input
  }
}

struct Section {
  std::string name;
  std::string data;
};

// Splits a container input (see above); sections with invalid names are dropped.
std::vector<Section> split_sections(std::string_view input);

// The lines of the section named `name` (empty lines dropped).
std::vector<std::string> section_lines(const std::vector<Section>& sections, const std::string& name);

// The shipped scenarios/ tree ($SAVP_DATA_DIR overrides the build's path, as in savp).
std::string data_dir();

class Sandbox {
 public:
  Sandbox();
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // Removes the files of the previous input, writes the file sections of this one (not "set") and
  // returns the path of main.json (which exists only when the input had a main section).
  std::string write(const std::vector<Section>& sections);
  // The directory the files are written to.
  const std::string& dir() const { return files_dir_; }

 private:
  std::string root_;
  std::string files_dir_;
  std::vector<std::string> reserved_;  // names of the links into scenarios/
  std::vector<std::string> written_;
};

}  // namespace savp::fuzz
