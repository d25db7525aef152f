#include "testbenches/fuzz/fuzz_support.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace savp::fuzz {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxFiles = 8;

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 32 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

}  // namespace

std::vector<Section> split_sections(std::string_view input) {
  constexpr auto npos = std::string_view::npos;
  // The index of the '%' of the next header line at or after `from` (a line start), or npos.
  auto next_header = [&](std::size_t from) {
    if (from == 0 && input.substr(0, 3) == "%% ") return std::size_t{0};
    const std::size_t at = input.find("\n%% ", from == 0 ? 0 : from - 1);
    return at == npos ? npos : at + 1;
  };
  std::vector<Section> out;
  std::string name = "main.json";
  std::size_t pos = 0;
  for (;;) {
    const std::size_t h = next_header(pos);
    const std::size_t end = h == npos ? input.size() : (h > pos ? h - 1 : h);  // the '\n' is the separator's
    if (!name.empty()) out.push_back({name, std::string(input.substr(pos, end - pos))});
    if (h == npos) break;
    const std::size_t eol = input.find('\n', h);
    name = std::string(input.substr(h + 3, eol == npos ? npos : eol - h - 3));
    if (!valid_name(name)) name.clear();
    pos = eol == npos ? input.size() : eol + 1;
  }
  return out;
}

std::vector<std::string> section_lines(const std::vector<Section>& sections, const std::string& name) {
  std::vector<std::string> lines;
  for (const Section& s : sections) {
    if (s.name != name) continue;
    std::size_t pos = 0;
    while (pos <= s.data.size()) {
      std::size_t eol = s.data.find('\n', pos);
      if (eol == std::string::npos) eol = s.data.size();
      if (eol > pos) lines.push_back(s.data.substr(pos, eol - pos));
      pos = eol + 1;
    }
  }
  return lines;
}

std::string data_dir() {
  if (const char* env = std::getenv("SAVP_DATA_DIR")) return env;
  return SAVP_DATA_DIR;
}

Sandbox::Sandbox() {
  // scripts/fuzz names a directory it removes afterwards (a crashed harness leaves its sandbox).
  const char* env = std::getenv("SAVP_FUZZ_TMPDIR");
  const fs::path base = env                          ? fs::path(env)
                        : fs::is_directory("/dev/shm") ? fs::path("/dev/shm")
                                                       : fs::temp_directory_path();
  std::string templ = (base / "savp-fuzz-XXXXXX").string();
  if (!mkdtemp(templ.data())) throw std::runtime_error("cannot create a sandbox under " + base.string());
  root_ = templ;
  files_dir_ = (fs::path(root_) / "x").string();
  fs::create_directory(files_dir_);
  for (const auto& entry : fs::directory_iterator(data_dir())) {
    const std::string name = entry.path().filename().string();
    fs::create_symlink(entry.path(), fs::path(root_) / name);
    fs::create_symlink(entry.path(), fs::path(files_dir_) / name);
    reserved_.push_back(name);
  }
}

Sandbox::~Sandbox() {
  std::error_code ec;
  fs::remove_all(root_, ec);  // removes the links, never what they point to
}

std::string Sandbox::write(const std::vector<Section>& sections) {
  for (const std::string& name : written_) fs::remove(fs::path(files_dir_) / name);
  written_.clear();
  for (const Section& s : sections) {
    if (s.name == "set" || written_.size() >= kMaxFiles) continue;
    if (std::find(reserved_.begin(), reserved_.end(), s.name) != reserved_.end()) continue;
    std::ofstream(fs::path(files_dir_) / s.name, std::ios::binary) << s.data;
    if (std::find(written_.begin(), written_.end(), s.name) == written_.end()) written_.push_back(s.name);
  }
  return (fs::path(files_dir_) / "main.json").string();
}

}  // namespace savp::fuzz
