// SweepSpec: a design-space sweep as a JSON file gives it. "base" (a scenario path, relative to the
// sweep file), then the points: "grid" ({"dotted.path": [values]}: the cartesian product), "zip"
// ({"dotted.path": [values]} all of one length: values that move together, crossed with the grid),
// or an explicit "points" list ([{"dotted.path": value, ...}], instead of grid and zip); "seed": true
// gives every point its own seed derived from the base's; "id": a point-id pattern with {index} and
// {dotted.path} placeholders (default "p{index}"; ids keep to [A-Za-z0-9_.-], never starting with '.',
// other characters become '_'). Each point carries a fingerprint of its resolved scenario and named input files.
// Validated like scenarios before anything runs: unknown keys, empty axes, paths that do not exist
// in the base, and every point's scenario (the base with the point's --set values) must load and
// plan; errors name the sweep file and the path.
// Axes that overlap (the same path in grid and zip, a path and its prefix, two spellings of one
// path) or a "seed" axis with "seed": true are refused: the points would not be the ones written.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/common/json_reader.hpp"

namespace savp::tb {

struct SweepPoint {
  std::string id;
  std::vector<std::pair<std::string, common::Json>> values;  // dotted path -> value
  std::string fingerprint;  // of the savp version, the point's fully resolved scenario and the files
                            // it names (memory preset, .npy and trace inputs), hex
  std::vector<std::string> sets() const;                     // as --set PATH=JSON arguments
};

struct SweepSpec {
  std::string file;               // the sweep file as given
  std::string base;               // the base scenario, resolved against the sweep file
  std::vector<std::string> axes;  // dotted paths, in column order
  std::vector<SweepPoint> points;
  common::Json resolved;  // the sweep after resolution (written to OUTDIR/sweep.json)
};

// The most points a sweep may have: each is loaded and planned before anything runs, so a typo that
// multiplies the grid (a long value list, one axis too many) is refused instead of running for hours.
constexpr std::size_t kMaxSweepPoints = 100000;

// Throws common::InputError (exit 2) for a bad sweep, or one with more than max_points points;
// data_dir: the shipped scenarios/ tree.
SweepSpec load_sweep(const std::string& path, const std::string& data_dir,
                     std::size_t max_points = kMaxSweepPoints);

}  // namespace savp::tb
