// Where savp finds the JSON files a scenario names: the presets of a directory by name, and the
// data-directory fallback for relative paths not found beside the including file (a shipped
// scenario copied elsewhere). Implemented with JsonNode (json_reader.cpp), which applies the fallback.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace savp::common {

// The names of the presets in a directory: the stems of its *.json files, sorted (none: empty).
std::vector<std::string> json_file_stems(const std::string& dir);

// Where files named by a relative path are looked up when they are not found beside the including
// file: the data directory (the shipped scenarios/ tree; "" turns the fallback off, the default).
// The path without its leading "../" and "./" components is looked up in data_dir, then in each of
// its subdirectories (sorted); the first existing file is used (a path with ".." further on is not
// looked up), and `notice` is called once per file found so (to say so on stderr).
void set_include_fallback(const std::string& data_dir, std::function<void(const std::string&)> notice);

}  // namespace savp::common
