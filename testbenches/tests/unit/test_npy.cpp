// Unit tests for models/common/npy: .npy reading (v1/v2/v3, every dtype), writing, slicing,
// and every rejection with its InputError message.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "models/common/input_error.hpp"
#include "models/common/npy.hpp"

using namespace savp::common;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<std::uint8_t>;

// A private scratch directory, removed when the test program exits.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("savp_test_npy_" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string temp_path(const std::string& name) {
  static const TempDir dir;
  return (dir.path / name).string();
}

// A .npy image: magic, version, header length (2 bytes for v1, 4 for v2/v3), header, data.
Bytes npy_bytes(const std::string& dict, const Bytes& data, int major = 1, int minor = 0) {
  Bytes b{0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<std::uint8_t>(major), static_cast<std::uint8_t>(minor)};
  std::string header = dict;
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  while ((8 + len_bytes + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  for (std::size_t i = 0; i < len_bytes; ++i)
    b.push_back(static_cast<std::uint8_t>(header.size() >> (8 * i)));
  b.insert(b.end(), header.begin(), header.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

std::string write_file(const std::string& name, const Bytes& bytes) {
  const std::string p = temp_path(name);
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return p;
}

std::string dict(const std::string& descr, const std::string& shape) {
  return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
}

template <typename T>
Bytes le_bytes(const std::vector<T>& v) {
  Bytes b;
  for (const T& x : v) {
    std::uint64_t raw = 0;
    std::memcpy(&raw, &x, sizeof(T));
    for (std::size_t i = 0; i < sizeof(T); ++i) b.push_back(static_cast<std::uint8_t>(raw >> (8 * i)));
  }
  return b;
}

// Runs f, requires an InputError naming `file`, whose message contains `phrase` (and `path`).
template <typename F>
void require_input_error(F&& f, const std::string& file, const std::string& phrase,
                         const std::string& path = "") {
  bool thrown = false;
  try {
    f();
  } catch (const InputError& e) {
    thrown = true;
    const std::string what = e.what();
    INFO("message: " << what);
    CHECK(e.file() == file);
    CHECK(what.find(file) != std::string::npos);
    CHECK(what.find(phrase) != std::string::npos);
    if (!path.empty()) CHECK(e.path() == path);
  }
  if (!thrown) FAIL("expected an InputError containing '" << phrase << "'");
}

void require_rejected(const std::string& name, const Bytes& bytes, const std::string& phrase,
                      const std::string& path = "", std::size_t max_elements = kNpyDefaultMaxElements) {
  const std::string p = write_file(name, bytes);
  require_input_error([&] { read_npy(p, max_elements); }, p, phrase, path);
}

}  // namespace

TEST_CASE("npy: write/read round trip", "[npy]") {
  const std::string pf = temp_path("rt_f4.npy");
  const std::vector<float> vf{1.0f, -2.5f, 0.1f, 3.0e-8f, 65504.0f, -0.0f};
  write_npy(pf, {2, 3}, vf);
  const NpyArray af = read_npy(pf);
  CHECK(af.dtype == "<f4");
  CHECK(af.shape == std::vector<std::size_t>{2, 3});
  CHECK(af.file == pf);
  REQUIRE(af.values.size() == vf.size());
  for (std::size_t i = 0; i < vf.size(); ++i) CHECK(af.values[i] == static_cast<double>(vf[i]));
  CHECK(!fs::exists(pf + ".tmp"));

  // header is 64-byte aligned and in NumPy's own layout
  std::ifstream in(pf, std::ios::binary);
  Bytes raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t hlen = raw[8] | (raw[9] << 8);
  CHECK((10 + hlen) % 64 == 0);
  CHECK(raw.size() == 10 + hlen + 4 * vf.size());
  const std::string header(raw.begin() + 10, raw.begin() + 10 + static_cast<long>(hlen));
  CHECK(header.rfind("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 0) == 0);
  CHECK(header.back() == '\n');

  const std::string pd = temp_path("rt_f8.npy");
  const std::vector<double> vd{0.1, -1e300, 4.9e-324, 7.0};
  write_npy(pd, {4}, vd);
  const NpyArray ad = read_npy(pd);
  CHECK(ad.dtype == "<f8");
  CHECK(ad.shape == std::vector<std::size_t>{4});
  CHECK(ad.values == vd);

  MatrixD m(2, 2);
  m(0, 0) = 1;
  m(0, 1) = 2;
  m(1, 0) = 3;
  m(1, 1) = 4;
  const std::string pm = temp_path("rt_m.npy");
  write_npy(pm, m);
  const MatrixD back = npy_matrix(read_npy(pm));
  CHECK(back.rows() == 2);
  CHECK(back.cols() == 2);
  CHECK(back.data() == m.data());

  MatrixF mf(1, 3, 0.5f);
  write_npy(pm, mf);  // overwrites
  const NpyArray amf = read_npy(pm);
  CHECK(amf.dtype == "<f4");
  CHECK(amf.shape == std::vector<std::size_t>{1, 3});
  CHECK(amf.values == std::vector<double>{0.5, 0.5, 0.5});

  CHECK_THROWS_AS(write_npy(pf, {2, 2}, vf), std::invalid_argument);
  CHECK_THROWS_AS(write_npy(pf, {0}, std::vector<float>{}), std::invalid_argument);
  require_input_error([&] { write_npy(temp_path("no/such/dir/x.npy"), {6}, vf); },
                      temp_path("no/such/dir/x.npy"), "cannot open for writing");
}

TEST_CASE("npy: every supported dtype", "[npy]") {
  struct Case {
    std::string descr;
    Bytes data;
    std::vector<double> expect;
  };
  const std::vector<Case> cases{
      {"<f2",
       Bytes{0x00, 0x3C, 0x66, 0x2E, 0x00, 0xC0, 0x01, 0x00},
       {1.0, static_cast<double>(0.0999755859375f), -2.0, std::ldexp(1.0, -24)}},
      {"<f4",
       le_bytes(std::vector<float>{1.5f, -0.25f, 0.1f, 1e30f}),
       {1.5, -0.25, static_cast<double>(0.1f), static_cast<double>(1e30f)}},
      {"<f8", le_bytes(std::vector<double>{0.1, -2.0, 1e-300, 3.0}), {0.1, -2.0, 1e-300, 3.0}},
      {"<i1", Bytes{0x00, 0x7F, 0x80, 0xFF}, {0, 127, -128, -1}},
      {"|i1", Bytes{0x05, 0xFB, 0x01, 0x81}, {5, -5, 1, -127}},
      {"<i2", Bytes{0x34, 0x12, 0xFF, 0xFF, 0x00, 0x80, 0xFF, 0x7F}, {0x1234, -1, -32768, 32767}},
      {"<i4",
       le_bytes(std::vector<std::int32_t>{-2147483647 - 1, 2147483647, -7, 0}),
       {-2147483648.0, 2147483647.0, -7, 0}},
      {"<i8",
       le_bytes(std::vector<std::int64_t>{-(std::int64_t{1} << 40), 123456789012LL, -1, 0}),
       {-std::ldexp(1.0, 40), 123456789012.0, -1, 0}},
      {"|u1", Bytes{0x00, 0x7F, 0x80, 0xFF}, {0, 127, 128, 255}},
  };
  for (const auto& c : cases) {
    INFO("dtype " << c.descr);
    const std::string p = write_file("dtype.npy", npy_bytes(dict(c.descr, "(2, 2)"), c.data));
    const NpyArray a = read_npy(p);
    CHECK(a.dtype == c.descr);
    CHECK(a.shape == std::vector<std::size_t>{2, 2});
    CHECK(a.values == c.expect);
  }
}

TEST_CASE("npy: format versions and header dict variants", "[npy]") {
  const Bytes data = le_bytes(std::vector<float>{1, 2, 3, 4, 5, 6});
  for (int major : {1, 2, 3}) {
    INFO("version " << major);
    const std::string p = write_file("ver.npy", npy_bytes(dict("<f4", "(3, 2)"), data, major));
    const NpyArray a = read_npy(p);
    CHECK(a.shape == std::vector<std::size_t>{3, 2});
    CHECK(a.values == std::vector<double>{1, 2, 3, 4, 5, 6});
  }
  const std::vector<std::string> dicts{
      "{'shape': (6,), 'fortran_order': False, 'descr': '<f4'}",
      "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (6,)}",
      "  {  'fortran_order' :False ,'shape':( 6 , ) ,'descr':'<f4' ,  }  ",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (6L,), }",
      "{'descr':'<f4','fortran_order':False,'shape':(1,2,3)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 6,), }",
  };
  for (const auto& d : dicts) {
    INFO("header " << d);
    const std::string p = write_file("dict.npy", npy_bytes(d, data));
    const NpyArray a = read_npy(p);
    CHECK(a.size() == 6);
    CHECK(a.values == std::vector<double>{1, 2, 3, 4, 5, 6});
  }
  // 0-d array: shape () holds one value
  const std::string p0 =
      write_file("scalar.npy", npy_bytes(dict("<f8", "()"), le_bytes(std::vector<double>{2.5})));
  const NpyArray s = read_npy(p0);
  CHECK(s.shape.empty());
  CHECK(s.values == std::vector<double>{2.5});
  // parse from memory
  const Bytes mem = npy_bytes(dict("|u1", "(2,)"), Bytes{7, 9});
  const NpyArray m = parse_npy(mem.data(), mem.size(), "memory");
  CHECK(m.values == std::vector<double>{7, 9});
  CHECK(m.file == "memory");
}

TEST_CASE("npy: matrices from 2-D arrays and N-D slices", "[npy]") {
  NpyArray a;
  a.file = "slices.npy";
  a.shape = {2, 3, 2, 2};
  for (int i = 0; i < 24; ++i) a.values.push_back(i);
  const MatrixD m = npy_matrix(a, {1, 2});  // offset (1*3+2)*4 = 20
  CHECK(m.rows() == 2);
  CHECK(m.cols() == 2);
  CHECK(m.data() == std::vector<double>{20, 21, 22, 23});
  CHECK(npy_matrix(a, {0, 1})(1, 0) == 6);

  NpyArray b;
  b.file = "two.npy";
  b.shape = {2, 3};
  b.values = {1, 2, 3, 4, 5, 6};
  const MatrixD mb = npy_matrix(b);
  CHECK(mb.rows() == 2);
  CHECK(mb(1, 2) == 6);

  require_input_error([&] { npy_matrix(a, {1}); }, "slices.npy", "expected 2 leading indices");
  require_input_error([&] { npy_matrix(a, {2, 0}); }, "slices.npy", "index 2 out of range");
  require_input_error([&] { npy_matrix(a, {0, 3}); }, "slices.npy", "out of range for dimension 1");
  require_input_error([&] { npy_matrix(b, {0}); }, "two.npy", "expected 0 leading indices");
  NpyArray c;
  c.file = "one.npy";
  c.shape = {4};
  c.values = {1, 2, 3, 4};
  require_input_error([&] { npy_matrix(c); }, "one.npy", "at least 2 dimensions, found shape (4,)");
}

TEST_CASE("npy: file-level rejections", "[npy][reject]") {
  const std::string missing = temp_path("does_not_exist.npy");
  require_input_error([&] { read_npy(missing); }, missing, "cannot open .npy file");
  const std::string dir = temp_path("a_directory.npy");
  fs::create_directories(dir);
  require_input_error([&] { read_npy(dir); }, dir, "is a directory");

  const Bytes good = npy_bytes(dict("<f4", "(2,)"), le_bytes(std::vector<float>{1, 2}));
  Bytes bad_magic = good;
  bad_magic[1] = 'X';
  require_rejected("bad_magic.npy", bad_magic, "bad magic", "byte 0");
  require_rejected("empty.npy", Bytes{}, "bad magic");
  require_rejected("short.npy", Bytes{0x93, 'N', 'U'}, "file is only 3 bytes");
  require_rejected("text.npy", Bytes{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'}, "bad magic");

  require_rejected("v4.npy", npy_bytes(dict("<f4", "(2,)"), le_bytes(std::vector<float>{1, 2}), 4),
                   "unsupported .npy format version 4.0 (expected 1.0, 2.0 or 3.0)", "byte 6");
  require_rejected("v11.npy", npy_bytes(dict("<f4", "(2,)"), le_bytes(std::vector<float>{1, 2}), 1, 1),
                   "unsupported .npy format version 1.1");

  Bytes cut_len(good.begin(), good.begin() + 9);
  require_rejected("cut_len.npy", cut_len, "header length field", "header");
  Bytes cut_header(good.begin(), good.begin() + 40);
  require_rejected("cut_header.npy", cut_header, "header truncated", "header");
}

TEST_CASE("npy: malformed header dicts", "[npy][reject]") {
  const Bytes d4 = le_bytes(std::vector<float>{1, 2});
  const std::vector<std::pair<std::string, std::string>> cases{
      {"'descr': '<f4', 'fortran_order': False, 'shape': (2,)", "expected '{'"},
      {"{'descr' '<f4', 'fortran_order': False, 'shape': (2,)}", "expected ':'"},
      {"{'descr': '<f4' 'fortran_order': False, 'shape': (2,)}", "expected ',' or '}'"},
      {"{'descr': '<f4', 'fortran_order': False}", "missing key 'shape'"},
      {"{'fortran_order': False, 'shape': (2,)}", "missing key 'descr'"},
      {"{'descr': '<f4', 'shape': (2,)}", "missing key 'fortran_order'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "unexpected key 'extra'"},
      {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", "duplicate key 'descr'"},
      {"{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}", "expected ',' or '}'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'unterminated}", "unterminated string"},
      {"{'descr': '<f4', 'fortran_order': false, 'shape': (2,)}", "expected True or False"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2)}", "not a tuple"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': [2]}", "expected '('"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,,)}", "expected an integer"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2 3)}", "expected ',' or ')'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (a,)}", "expected an integer"},
      {"{'descr': <f4, 'fortran_order': False, 'shape': (2,)}", "expected a quoted string"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} trailing", "only whitespace after"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", "expected ',' or '}'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", "integer too large"},
  };
  for (const auto& c : cases) {
    INFO("header " << c.first);
    require_rejected("malformed.npy", npy_bytes(c.first, d4), c.second, "header");
    require_rejected("malformed.npy", npy_bytes(c.first, d4), "malformed header dict", "header");
  }
}

TEST_CASE("npy: semantic header rejections", "[npy][reject]") {
  const Bytes d4 = le_bytes(std::vector<float>{1, 2, 3, 4});
  require_rejected("fortran.npy", npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", d4),
                   "fortran_order is True", "header");
  require_rejected("big.npy", npy_bytes(dict(">f4", "(4,)"), d4), "big-endian dtype '>f4' is not supported",
                   "header");
  require_rejected("big_i2.npy", npy_bytes(dict(">i2", "(8,)"), d4), "big-endian");
  require_rejected("c8.npy", npy_bytes(dict("<c8", "(2,)"), d4),
                   "unsupported dtype '<c8': expected one of <f2, <f4", "header");
  require_rejected("u4.npy", npy_bytes(dict("<u4", "(4,)"), d4), "unsupported dtype '<u4'");
  require_rejected("obj.npy", npy_bytes(dict("|O", "(4,)"), d4), "unsupported dtype '|O'");
  require_rejected("zero.npy", npy_bytes(dict("<f4", "(2, 0)"), Bytes{}),
                   "shape dimension 1 is 0: expected a positive size", "header");
  require_rejected("neg.npy", npy_bytes(dict("<f4", "(-4,)"), d4), "shape dimension 0 is -4", "header");
  require_rejected("overflow.npy", npy_bytes(dict("<f4", "(4294967296, 4294967296, 16)"), d4),
                   "element count overflows", "header");
  require_rejected("limit.npy", npy_bytes(dict("<f4", "(10, 10)"), Bytes(400)),
                   "array has 100 elements (10, 10), more than the limit of 50", "header", 50);
  require_rejected("deflimit.npy", npy_bytes(dict("|u1", "(65536, 32769)"), Bytes{}),
                   "more than the limit of 2147483648", "header");
  // exactly at the limit is fine
  const std::string ok = write_file("atlimit.npy", npy_bytes(dict("<f4", "(4,)"), d4));
  CHECK(read_npy(ok, 4).size() == 4);
}

TEST_CASE("npy: data size rejections", "[npy][reject]") {
  const std::string hdr = dict("<f4", "(3, 4)");
  const Bytes full = npy_bytes(hdr, Bytes(48, 0));
  const std::size_t offset = full.size() - 48;
  Bytes truncated(full.begin(), full.end() - 8);
  require_rejected("trunc.npy", truncated, "data truncated: expected 48 bytes of data",
                   "byte " + std::to_string(offset));
  require_rejected("trunc.npy", truncated, "found 40");
  require_rejected("nodata.npy", npy_bytes(hdr, Bytes{}), "found 0");
  Bytes extra = full;
  extra.insert(extra.end(), {1, 2, 3});
  require_rejected("extra.npy", extra, "file has 3 extra bytes", "byte " + std::to_string(offset + 48));
  const std::string ok = write_file("exact.npy", full);
  CHECK(read_npy(ok).size() == 12);
}
