// InputError: the single exception type for bad user input (scenario, sweep, .npy, trace files).
// It carries the file, the JSON pointer (or a location inside a binary file) and what was expected
// versus found, so every front end prints the same actionable message and exits with code 2.
#pragma once

#include <stdexcept>
#include <string>

namespace savp::common {

class InputError : public std::runtime_error {
 public:
  InputError(std::string file, std::string path, std::string message)
      : std::runtime_error(compose(file, path, message)),
        file_(std::move(file)),
        path_(std::move(path)),
        message_(std::move(message)) {}

  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  const std::string& message() const { return message_; }

 private:
  static std::string compose(const std::string& file, const std::string& path, const std::string& message) {
    std::string s = file.empty() ? std::string("<input>") : file;
    if (!path.empty()) s += ": " + path;
    return s + ": " + message;
  }
  std::string file_;
  std::string path_;
  std::string message_;
};

}  // namespace savp::common
