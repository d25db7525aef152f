#include "testbenches/savp/output_dir.hpp"

#include <filesystem>

#include "models/common/input_error.hpp"
#include "models/common/json_reader.hpp"
#include "testbenches/savp/report.hpp"

namespace savp::tb {

namespace fs = std::filesystem;

namespace {

// A stats.json or sweep.json of an older SAVP output (before the marker existed).
bool written_by_savp(const fs::path& file) {
  try {
    const common::Json j = common::load_json_file(file.string());
    return j.is_object() && (j.contains("savp_version") ||
                             (j.contains("base") && (j.contains("grid") || j.contains("zip") || j.contains("points"))));
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

bool is_savp_output(const std::string& dir) {
  const fs::path d(dir);
  std::error_code ec;
  if (!fs::is_directory(d, ec)) return false;
  return fs::exists(d / kOutputMarker, ec) || written_by_savp(d / "stats.json") || written_by_savp(d / "sweep.json");
}

void claim_output_dir(const std::string& dir, const std::string& kind, bool force) {
  const fs::path d(dir);
  std::error_code ec;
  const bool exists = fs::exists(d, ec);
  if (exists && !fs::is_directory(d, ec)) {
    throw common::InputError(dir, "", "the output path exists and is not a directory");
  }
  if (exists && !fs::is_empty(d, ec) && !is_savp_output(dir) && !force) {
    throw common::InputError(dir, "",
                             "the output directory is not empty and is not a SAVP output directory; choose "
                             "another -o, or pass --force to write into it anyway (savp only replaces the "
                             "files it writes and never deletes others)");
  }
  fs::create_directories(d, ec);
  if (ec) throw common::InputError(dir, "", "cannot create the output directory: " + ec.message());
  const common::Json marker = {{"savp_output", kind}, {"savp_version", SAVP_VERSION}};
  try {
    write_file_atomic((d / kOutputMarker).string(), marker.dump() + "\n");
  } catch (const std::exception& e) {
    throw common::InputError(dir, "", std::string("cannot write into the output directory: ") + e.what());
  }
}

}  // namespace savp::tb
