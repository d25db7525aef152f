#include "models/common/npy.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "models/common/input_error.hpp"
#include "models/common/number_format.hpp"

namespace savp::common {

namespace {

constexpr unsigned char kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

enum class Kind { Float, Signed, Unsigned };

struct DtypeInfo {
  const char* descr;
  std::size_t itemsize;
  Kind kind;
};

constexpr DtypeInfo kDtypes[] = {
    {"<f2", 2, Kind::Float},    {"<f4", 4, Kind::Float},  {"<f8", 8, Kind::Float},
    {"<i1", 1, Kind::Signed},   {"|i1", 1, Kind::Signed}, {"<i2", 2, Kind::Signed},
    {"<i4", 4, Kind::Signed},   {"<i8", 8, Kind::Signed}, {"|u1", 1, Kind::Unsigned},
    {"<u1", 1, Kind::Unsigned},
};

std::string supported_list() {
  std::string s;
  for (const auto& d : kDtypes) {
    if (!s.empty()) s += ", ";
    s += d.descr;
  }
  return s;
}


std::uint64_t read_le(const std::uint8_t* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return v;
}

// Parser for the header: a Python dict literal with exactly the keys 'descr' (str),
// 'fortran_order' (bool) and 'shape' (tuple of ints), in any order, optional trailing commas,
// arbitrary whitespace, trailing padding.
class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& file) : text_(text), file_(file) {}

  struct Result {
    std::string descr;
    bool fortran_order = false;
    std::vector<long long> shape;
  };

  Result parse() {
    Result r;
    bool have_descr = false, have_fortran = false, have_shape = false;
    skip_ws();
    expect('{');
    for (;;) {
      skip_ws();
      if (peek() == '}') break;
      const std::size_t key_pos = pos_;
      const std::string key = parse_string();
      skip_ws();
      expect(':');
      skip_ws();
      auto once = [&](bool& seen) {
        if (seen) fail_at(key_pos, "duplicate key '" + key + "'");
        seen = true;
      };
      if (key == "descr") {
        once(have_descr);
        r.descr = parse_string();
      } else if (key == "fortran_order") {
        once(have_fortran);
        r.fortran_order = parse_bool();
      } else if (key == "shape") {
        once(have_shape);
        r.shape = parse_tuple();
      } else {
        fail_at(key_pos,
                "unexpected key '" + printable(key) + "' (expected 'descr', 'fortran_order' and 'shape')");
      }
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') break;
      fail("expected ',' or '}'");
    }
    ++pos_;  // '}'
    skip_ws();
    if (pos_ != text_.size()) fail("expected only whitespace after the closing '}'");
    if (!have_descr) fail_at(0, "missing key 'descr'");
    if (!have_fortran) fail_at(0, "missing key 'fortran_order'");
    if (!have_shape) fail_at(0, "missing key 'shape'");
    return r;
  }

 private:
  int peek() const { return pos_ < text_.size() ? static_cast<unsigned char>(text_[pos_]) : -1; }
  void skip_ws() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  std::string found() const {
    if (pos_ >= text_.size()) return "end of header";
    return "'" + printable(text_.substr(pos_, 12)) + "'";
  }
  [[noreturn]] void fail(const std::string& what) const { fail_at(pos_, what); }
  [[noreturn]] void fail_at(std::size_t at, const std::string& what) const {
    const std::string f = at == pos_ ? found()
                                     : (at < text_.size() ? "'" + printable(text_.substr(at, 12)) + "'"
                                                          : std::string("end of header"));
    throw InputError(file_, "header",
                     "malformed header dict: " + what + " at offset " + std::to_string(at) + ", found " + f +
                         " (header: " + printable(trimmed()) + ")");
  }
  std::string trimmed() const {
    std::size_t end = text_.size();
    while (end > 0 && (text_[end - 1] == ' ' || text_[end - 1] == '\n')) --end;
    return text_.substr(0, end);
  }
  void expect(char c) {
    if (peek() != static_cast<unsigned char>(c)) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string parse_string() {
    const int q = peek();
    if (q != '\'' && q != '"') fail("expected a quoted string");
    const std::size_t start = ++pos_;
    while (pos_ < text_.size() && text_[pos_] != static_cast<char>(q)) {
      if (text_[pos_] == '\\') fail("escape sequences are not supported in strings");
      ++pos_;
    }
    if (pos_ >= text_.size()) fail_at(start - 1, "unterminated string");
    return text_.substr(start, pos_++ - start);
  }
  bool parse_bool() {
    if (text_.compare(pos_, 4, "True") == 0) {
      pos_ += 4;
      return true;
    }
    if (text_.compare(pos_, 5, "False") == 0) {
      pos_ += 5;
      return false;
    }
    fail("expected True or False");
  }
  long long parse_int() {
    bool neg = false;
    if (peek() == '-' || peek() == '+') {
      neg = peek() == '-';
      ++pos_;
      skip_ws();
    }
    if (peek() < '0' || peek() > '9') fail("expected an integer");
    const std::size_t start = pos_;
    unsigned long long v = 0;
    constexpr unsigned long long kMax =
        static_cast<unsigned long long>(std::numeric_limits<long long>::max());
    while (peek() >= '0' && peek() <= '9') {
      const unsigned digit = static_cast<unsigned>(peek() - '0');
      if (v > (kMax - digit) / 10) fail_at(start, "integer too large");
      v = v * 10 + digit;
      ++pos_;
    }
    if (peek() == 'L' || peek() == 'l') ++pos_;  // Python 2 long suffix
    const long long s = static_cast<long long>(v);
    return neg ? -s : s;
  }
  std::vector<long long> parse_tuple() {
    const std::size_t open = pos_;
    expect('(');
    std::vector<long long> dims;
    skip_ws();
    if (peek() == ')') {
      ++pos_;
      return dims;  // () : 0-d
    }
    bool trailing_comma = false;
    for (;;) {
      skip_ws();
      dims.push_back(parse_int());
      skip_ws();
      trailing_comma = false;
      if (peek() == ',') {
        ++pos_;
        trailing_comma = true;
        skip_ws();
        if (peek() == ')') break;
        continue;
      }
      if (peek() == ')') break;
      fail("expected ',' or ')' in shape tuple");
    }
    ++pos_;  // ')'
    if (dims.size() == 1 && !trailing_comma)
      fail_at(open,
              "shape is a parenthesised integer, not a tuple (a 1-d shape needs a trailing "
              "comma, e.g. (" +
                  std::to_string(dims[0]) + ",))");
    return dims;
  }

  const std::string& text_;
  const std::string& file_;
  std::size_t pos_ = 0;
};

std::string shape_string(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

double decode(const std::uint8_t* p, const DtypeInfo& d) {
  const std::uint64_t raw = read_le(p, d.itemsize);
  switch (d.kind) {
    case Kind::Float:
      if (d.itemsize == 2) return static_cast<double>(half_to_float(static_cast<std::uint16_t>(raw)));
      if (d.itemsize == 4) {
        const std::uint32_t b = static_cast<std::uint32_t>(raw);
        float f;
        std::memcpy(&f, &b, 4);
        return static_cast<double>(f);
      } else {
        double x;
        std::memcpy(&x, &raw, 8);
        return x;
      }
    case Kind::Signed:
      switch (d.itemsize) {
        case 1:
          return static_cast<double>(static_cast<std::int8_t>(raw));
        case 2:
          return static_cast<double>(static_cast<std::int16_t>(raw));
        case 4:
          return static_cast<double>(static_cast<std::int32_t>(raw));
        default:
          return static_cast<double>(static_cast<std::int64_t>(raw));
      }
    case Kind::Unsigned:
      return static_cast<double>(raw);
  }
  return 0.0;
}

}  // namespace

NpyArray parse_npy(const std::uint8_t* bytes, std::size_t size, const std::string& file,
                   std::size_t max_elements) {
  // ---- magic and version ----
  if (size < 8 || std::memcmp(bytes, kMagic, 6) != 0) {
    std::string got(reinterpret_cast<const char*>(bytes), size < 6 ? size : 6);
    throw InputError(file, "byte 0",
                     "bad magic: expected \\x93NUMPY (not a .npy file), found '" + printable(got) + "'" +
                         (size < 8 ? " (file is only " + std::to_string(size) + " bytes)" : ""));
  }
  const unsigned major = bytes[6], minor = bytes[7];
  if (!((major == 1 || major == 2 || major == 3) && minor == 0))
    throw InputError(file, "byte 6",
                     "unsupported .npy format version " + std::to_string(major) + "." +
                         std::to_string(minor) + " (expected 1.0, 2.0 or 3.0)");
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  const std::size_t prefix = 8 + len_bytes;
  if (size < prefix)
    throw InputError(file, "header",
                     "file truncated in the header length field: expected " + std::to_string(prefix) +
                         " bytes, found " + std::to_string(size));
  const std::size_t header_len = static_cast<std::size_t>(read_le(bytes + 8, len_bytes));
  if (size - prefix < header_len)
    throw InputError(file, "header",
                     "header truncated: header length field says " + std::to_string(header_len) +
                         " bytes, found " + std::to_string(size - prefix));
  const std::string header(reinterpret_cast<const char*>(bytes + prefix), header_len);

  // ---- header dict ----
  const HeaderParser::Result h = HeaderParser(header, file).parse();
  if (h.fortran_order)
    throw InputError(file, "header",
                     "fortran_order is True: expected C-order data (fortran_order False); save "
                     "with np.ascontiguousarray");

  const DtypeInfo* dt = nullptr;
  for (const auto& d : kDtypes)
    if (h.descr == d.descr) dt = &d;
  if (!dt) {
    if (!h.descr.empty() && h.descr[0] == '>')
      throw InputError(file, "header",
                       "big-endian dtype '" + printable(h.descr) +
                           "' is not supported: expected little-endian, one of " + supported_list());
    throw InputError(file, "header",
                     "unsupported dtype '" + printable(h.descr) + "': expected one of " + supported_list());
  }

  NpyArray a;
  a.file = file;
  a.dtype = h.descr;
  std::size_t count = 1;
  for (std::size_t i = 0; i < h.shape.size(); ++i) {
    const long long d = h.shape[i];
    if (d <= 0)
      throw InputError(file, "header",
                       "shape dimension " + std::to_string(i) + " is " + std::to_string(d) +
                           ": expected a positive size (zero or negative dims not supported)");
    const auto du = static_cast<unsigned long long>(d);
    if (du > std::numeric_limits<std::size_t>::max() / count)
      throw InputError(file, "header", "element count overflows: the shape product is too large");
    count *= static_cast<std::size_t>(du);
    a.shape.push_back(static_cast<std::size_t>(du));
  }
  if (count > max_elements)
    throw InputError(file, "header",
                     "array has " + std::to_string(count) + " elements " + shape_string(a.shape) +
                         ", more than the limit of " + std::to_string(max_elements));
  if (count > std::numeric_limits<std::size_t>::max() / dt->itemsize)
    throw InputError(file, "header", "element count overflows: data size is too large");

  // ---- data ----
  const std::size_t offset = prefix + header_len;
  const std::size_t expected = count * dt->itemsize;
  const std::size_t available = size - offset;
  if (available < expected)
    throw InputError(file, "byte " + std::to_string(offset),
                     "data truncated: expected " + std::to_string(expected) + " bytes of data (" +
                         std::to_string(count) + " x " + h.descr + "), found " + std::to_string(available));
  if (available > expected)
    throw InputError(file, "byte " + std::to_string(offset + expected),
                     "file has " + std::to_string(available - expected) +
                         " extra bytes after the data (expected file size " +
                         std::to_string(offset + expected) + ", found " + std::to_string(size) + ")");

  a.values.resize(count);
  const std::uint8_t* p = bytes + offset;
  for (std::size_t i = 0; i < count; ++i, p += dt->itemsize) a.values[i] = decode(p, *dt);
  return a;
}

NpyArray read_npy(const std::string& path, std::size_t max_elements) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw InputError(path, "", "cannot read .npy file: is a directory, expected a file");
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
    throw InputError(path, "", "cannot read .npy file: not a regular file (a device or pipe)");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw InputError(path, "",
                     std::string("cannot open .npy file: ") + (err ? std::strerror(err) : "unknown error"));
  }
  std::vector<std::uint8_t> bytes;
  in.seekg(0, std::ios::end);
  const std::streamoff end = in.tellg();
  if (!in || end < 0) throw InputError(path, "", "cannot read .npy file (not a regular file?)");
  in.seekg(0, std::ios::beg);
  // The magic first: a large file that is not a .npy is refused without being read whole.
  std::uint8_t head[8] = {};
  if (end >= 8 && (!in.read(reinterpret_cast<char*>(head), 8) || std::memcmp(head, kMagic, 6) != 0))
    parse_npy(head, 8, path, max_elements);  // throws "bad magic"
  in.seekg(0, std::ios::beg);
  bytes.resize(static_cast<std::size_t>(end));
  if (!bytes.empty() && !in.read(reinterpret_cast<char*>(bytes.data()), end))
    throw InputError(path, "", "cannot read .npy file (read error or not a regular file)");
  return parse_npy(bytes.data(), bytes.size(), path, max_elements);
}

MatrixD npy_matrix(const NpyArray& a, const std::vector<std::size_t>& leading_index) {
  const std::size_t nd = a.shape.size();
  if (nd < 2)
    throw InputError(a.file, "shape",
                     "expected an array with at least 2 dimensions, found shape " + shape_string(a.shape));
  if (leading_index.size() != nd - 2)
    throw InputError(a.file, "shape",
                     "expected " + std::to_string(nd - 2) + " leading indices for shape " +
                         shape_string(a.shape) + ", found " + std::to_string(leading_index.size()));
  std::size_t offset = 0;
  for (std::size_t i = 0; i < nd - 2; ++i) {
    if (leading_index[i] >= a.shape[i])
      throw InputError(a.file, "shape",
                       "index " + std::to_string(leading_index[i]) + " out of range for dimension " +
                           std::to_string(i) + " of size " + std::to_string(a.shape[i]) + " (shape " +
                           shape_string(a.shape) + ")");
    offset = offset * a.shape[i] + leading_index[i];
  }
  const std::size_t rows = a.shape[nd - 2], cols = a.shape[nd - 1];
  std::size_t total = 1;
  for (auto d : a.shape) total *= d;
  if (a.values.size() != total)
    throw std::invalid_argument("npy_matrix: values do not match shape " + shape_string(a.shape));
  MatrixD m(rows, cols);
  const double* src = a.values.data() + offset * rows * cols;
  std::copy(src, src + rows * cols, m.data().begin());
  return m;
}

namespace {

template <typename T>
void write_npy_impl(const std::string& path, const std::vector<std::size_t>& shape, const T* data,
                    std::size_t n, const char* descr) {
  if (shape.empty()) throw std::invalid_argument("write_npy: empty shape");
  std::size_t count = 1;
  for (auto d : shape) {
    if (d == 0) throw std::invalid_argument("write_npy: zero dimension in shape");
    if (d > std::numeric_limits<std::size_t>::max() / count)
      throw std::invalid_argument("write_npy: shape product overflows");
    count *= d;
  }
  if (count != n)
    throw std::invalid_argument("write_npy: shape " + shape_string(shape) + " has " + std::to_string(count) +
                                " elements but data has " + std::to_string(n));

  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': " + shape_string(shape) + ", }";
  // Pad with spaces so that magic(6) + version(2) + len(2) + header + '\n' is a multiple of 64.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  if (header.size() > 0xFFFF) throw std::invalid_argument("write_npy: header too long for v1.0");

  std::string out;
  out.reserve(10 + header.size() + n * sizeof(T));
  out.append(reinterpret_cast<const char*>(kMagic), 6);
  out += static_cast<char>(1);
  out += static_cast<char>(0);
  out += static_cast<char>(header.size() & 0xFF);
  out += static_cast<char>((header.size() >> 8) & 0xFF);
  out += header;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t raw = 0;
    std::memcpy(&raw, &data[i], sizeof(T));
    for (std::size_t b = 0; b < sizeof(T); ++b) out += static_cast<char>((raw >> (8 * b)) & 0xFF);
  }

  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) {
      const int err = errno;
      throw InputError(
          path, "", std::string("cannot open for writing: ") + (err ? std::strerror(err) : "unknown error"));
    }
    f.write(out.data(), static_cast<std::streamsize>(out.size()));
    f.close();
    if (!f) {
      std::remove(tmp.c_str());
      throw InputError(path, "", "write failed (disk full?)");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    throw InputError(path, "", std::string("cannot rename temporary file into place: ") + std::strerror(err));
  }
}

}  // namespace

void write_npy(const std::string& path, const std::vector<std::size_t>& shape,
               const std::vector<float>& data) {
  write_npy_impl(path, shape, data.data(), data.size(), "<f4");
}

void write_npy(const std::string& path, const std::vector<std::size_t>& shape,
               const std::vector<double>& data) {
  write_npy_impl(path, shape, data.data(), data.size(), "<f8");
}

void write_npy(const std::string& path, const MatrixD& m) {
  write_npy_impl(path, {m.rows(), m.cols()}, m.data().data(), m.size(), "<f8");
}

void write_npy(const std::string& path, const MatrixF& m) {
  write_npy_impl(path, {m.rows(), m.cols()}, m.data().data(), m.size(), "<f4");
}

}  // namespace savp::common
