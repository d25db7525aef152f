// InputError: the single exception type for bad user input (scenario, sweep, .npy, trace files).
// It carries the file, the JSON pointer (or a location inside a binary file) and what was expected
// versus found, so every front end prints the same actionable message and exits with code 2.
#pragma once

#include <stdexcept>
#include <cctype>
#include <cstdio>
#include <string>
#include <string_view>

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

// Printable rendering of untrusted text for messages: newlines as \n, other non-printables as \xNN,
// text longer than `limit` cut with "...".
inline std::string printable(std::string_view text, std::size_t limit = 160) {
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (std::isprint(c)) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  if (text.size() > limit) out += "...";
  return out;
}

}  // namespace savp::common
