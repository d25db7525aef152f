// Npy: the NumPy .npy file format, the way real workload tensors (Q/K/V, masks, references) enter
// and leave the prototype. Models the on-disk layout (magic, version 1.0/2.0/3.0 header with a
// Python-literal dict, little-endian C-order data) and refuses anything else with an InputError
// naming the file, the location ("header", "byte N") and what was expected versus found.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "models/common/tensor.hpp"

namespace savp::common {

// A loaded array. values are converted to double, in C (row-major) order. int64 values beyond
// 2^53 lose precision in the conversion. shape {} is a 0-d scalar (one value).
struct NpyArray {
  std::vector<std::size_t> shape;
  std::string dtype;  // the descr as stored, e.g. "<f4", "|u1"
  std::vector<double> values;
  std::string file;  // where it came from (for error messages); may be empty

  std::size_t ndim() const { return shape.size(); }
  std::size_t size() const { return values.size(); }
};

// Default cap on the element count of one array (a guard against corrupt shapes).
constexpr std::size_t kNpyDefaultMaxElements = std::size_t{1} << 31;

// Reads a .npy file. Supported dtypes: <f2 <f4 <f8 <i1 |i1 <i2 <i4 <i8 |u1 <u1.
// Throws InputError for: unreadable file, bad magic, unsupported version, malformed header dict,
// fortran_order True, big-endian/unsupported dtype, zero or negative dims, element count overflow
// or > max_elements, truncated data, extra bytes after the data.
NpyArray read_npy(const std::string& path, std::size_t max_elements = kNpyDefaultMaxElements);

// Same, from bytes in memory; `file` only labels error messages.
NpyArray parse_npy(const std::uint8_t* bytes, std::size_t size, const std::string& file,
                   std::size_t max_elements = kNpyDefaultMaxElements);

// The matrix formed by the last two dims of `a` at `leading_index` (one index per leading dim;
// empty for a 2-D array). Throws InputError (file = a.file, path "shape") if `a` has fewer than two
// dims, the index has the wrong length, or an index is out of range.
MatrixD npy_matrix(const NpyArray& a, const std::vector<std::size_t>& leading_index = {});

// Writers (format version 1.0, C order). shape must be non-empty with no zero dims and its product
// must equal data.size() (std::invalid_argument otherwise). The file is written to path + ".tmp"
// and renamed, so a failed write never leaves a half-written file; failures throw InputError.
void write_npy(const std::string& path, const std::vector<std::size_t>& shape,
               const std::vector<float>& data);  // '<f4'
void write_npy(const std::string& path, const std::vector<std::size_t>& shape,
               const std::vector<double>& data);            // '<f8'
void write_npy(const std::string& path, const MatrixD& m);  // '<f8', shape (rows, cols)
void write_npy(const std::string& path, const MatrixF& m);  // '<f4', shape (rows, cols)

}  // namespace savp::common
