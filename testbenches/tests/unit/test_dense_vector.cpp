// The dense engine's Vector jobs, untimed against a backing store: each op's output against the
// model reference's double-precision ops (on the values the core read), cycles and action counts
// of a small case by hand, plan-time refusals, and the descriptor's round trip.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core_runner.hpp"
#include "models/common/accuracy.hpp"
#include "models/common/job_descriptor.hpp"
#include "models/common/model_ops.hpp"
#include "models/common/number_format.hpp"
#include "models/common/random.hpp"
#include "models/dense/dense_core.hpp"
#include "test_energy.hpp"

using namespace savp;
using common::ElemFormat;
using common::VectorOp;

namespace {

constexpr std::uint64_t kA = 0x10000, kB = 0x100000, kC = 0x200000, kOut = 0x300000;

struct VectorCase {
  VectorOp op = VectorOp::Add;
  ElemFormat in = ElemFormat::FP32, out = ElemFormat::FP32;
  std::uint64_t rows = 10, cols = 64, depth = 0;
  double param = 0.0;  // eps (norms), theta (rope)
};

common::JobDescriptor descriptor(const VectorCase& c) {
  common::JobDescriptor d;
  d.kind = common::JobKind::Vector;
  d.vector_op = c.op;
  d.format = c.in;
  d.out_format = c.out;
  d.rows = c.rows;
  d.cols = c.cols;
  d.depth = c.depth;
  d.addr_a = kA;
  d.addr_b = kB;
  d.addr_c = kC;
  d.addr_out = kOut;
  d.softmax_scale = c.param;
  return d;
}

std::vector<double> normals(std::size_t n, std::uint64_t seed, double mean = 0.0, double sd = 1.0) {
  common::Rng rng(seed);
  std::vector<double> v(n);
  for (double& x : v) x = mean + sd * rng.normal();
  return v;
}

// Writes values in a format; answers the values as stored (what the core reads).
std::vector<double> store(memory::BackingStore& mem, std::uint64_t addr, const std::vector<double>& v,
                          ElemFormat f) {
  const auto bytes = common::pack(v, f);
  mem.write(addr, bytes.data(), bytes.size());
  return common::unpack(bytes, f);
}

// The shared convention in double precision: the model reference's ops (model_ops.hpp); copy
// gathers rows `depth` elements apart.
std::vector<double> reference(const VectorCase& c, const std::vector<double>& x, const std::vector<double>& b,
                              const std::vector<double>& params, const std::vector<std::uint32_t>& pos) {
  const std::uint64_t n = c.cols;
  auto matrix = [&](const std::vector<double>& v) {
    common::MatrixD m(c.rows, n);
    m.data() = v;
    return m;
  };
  const std::vector<double> gamma(params.begin(), params.begin() + std::min<std::size_t>(n, params.size()));
  switch (c.op) {
    case VectorOp::LayerNorm:
      return common::layernorm(matrix(x), gamma, std::vector<double>(params.begin() + n, params.end()),
                               c.param)
          .data();
    case VectorOp::RmsNorm:
      return common::rmsnorm(matrix(x), gamma, c.param).data();
    case VectorOp::Gelu:
      return common::gelu(matrix(x)).data();
    case VectorOp::SiluMul:
      return common::silu_mul(matrix(x), matrix(b)).data();
    case VectorOp::Add:
      return common::add(matrix(x), matrix(b)).data();
    case VectorOp::Rope:
      return common::rope(matrix(x), pos, c.depth, c.param).data();
    case VectorOp::Copy:
      break;
  }
  std::vector<double> y(c.rows * n);
  for (std::uint64_t r = 0; r < c.rows; ++r) {
    for (std::uint64_t j = 0; j < n; ++j) y[r * n + j] = x[r * c.depth + j];
  }
  return y;
}

dense::DenseConfig small_buffers() {
  dense::DenseConfig cfg;
  cfg.input_buffer_bytes = 2048;  // a few rows per block: several blocks per job
  cfg.output_buffer_bytes = 2048;
  return cfg;
}

// Runs one vector job on fresh data; answers the accuracy against the double reference.
common::Accuracy run_vector(const VectorCase& c, const dense::DenseConfig& cfg, test::CoreRun* run = nullptr,
                            std::uint64_t seed = 7) {
  memory::BackingStore mem(16 << 20);
  const std::uint64_t src_cols = c.op == VectorOp::Copy ? c.depth : c.cols;
  // Activations around 0 with a spread; the norms get a mean offset to exercise the centring.
  const double mean = c.op == VectorOp::LayerNorm ? 3.0 : 0.0;
  const auto x = store(mem, kA, normals(c.rows * src_cols, seed, mean, 2.0), c.in);
  std::vector<double> b, params;
  std::vector<std::uint32_t> pos;
  if (c.op == VectorOp::Add || c.op == VectorOp::SiluMul)
    b = store(mem, kB, normals(c.rows * c.cols, seed + 1), c.in);
  if (c.op == VectorOp::LayerNorm || c.op == VectorOp::RmsNorm) {
    params = normals(c.cols, seed + 2, 1.0, 0.2);
    if (c.op == VectorOp::LayerNorm) {
      const auto beta = normals(c.cols, seed + 3, 0.0, 0.1);
      params.insert(params.end(), beta.begin(), beta.end());
    }
    params = store(mem, kC, params, ElemFormat::FP32);
  }
  if (c.op == VectorOp::Rope) {
    for (std::uint64_t r = 0; r < c.rows; ++r) pos.push_back(static_cast<std::uint32_t>(3 + 7 * r));
    mem.write(kC, reinterpret_cast<const std::uint8_t*>(pos.data()), 4 * pos.size());
  }
  dense::DenseCore core(cfg, test::test_energy());
  const test::CoreRun r = test::run_core(core, mem, descriptor(c));
  if (run) *run = r;
  std::vector<std::uint8_t> out(c.rows * c.cols * common::elem_bytes(c.out));
  mem.read(kOut, out.data(), out.size());
  const std::vector<double> got = common::unpack(out, c.out);
  return common::compare(got, reference(c, x, b, params, pos));
}

std::vector<VectorCase> every_op() {
  std::vector<VectorCase> cs(7);
  cs[0].op = VectorOp::LayerNorm;
  cs[0].param = 1e-5;
  cs[1].op = VectorOp::RmsNorm;
  cs[1].param = 1e-6;
  cs[2].op = VectorOp::Gelu;
  cs[3].op = VectorOp::SiluMul;
  cs[4].op = VectorOp::Add;
  cs[5].op = VectorOp::Rope;
  cs[5].depth = 16;  // 4 heads of 16
  cs[5].param = 10000.0;
  cs[6].op = VectorOp::Copy;
  cs[6].depth = 96;  // rows gathered 96 elements apart
  return cs;
}

std::uint64_t action(const dense::DenseCore& core, const std::string& a) {
  for (const auto& [sub, ledger] : core.actions()) {
    if (sub == "vector_unit") return ledger.count(a) ? ledger.at(a).count : ~0ull;
  }
  return ~0ull;
}

}  // namespace

TEST_CASE("dense vector: every op matches the double reference in fp32 and fp16", "[vector]") {
  for (VectorCase c : every_op()) {
    INFO(common::vector_op_name(c.op));
    c.in = c.out = ElemFormat::FP32;
    test::CoreRun run;
    const common::Accuracy a32 = run_vector(c, small_buffers(), &run);
    CHECK(a32.rel_l2_err < 1e-5);  // the fp32 datapath's default tolerance
    CHECK(run.steps > 1);          // several blocks of rows
    c.in = c.out = ElemFormat::FP16;
    const common::Accuracy a16 = run_vector(c, small_buffers());
    CHECK(a16.rel_l2_err < 5e-3);                              // fp16's
    if (c.op != VectorOp::Copy) CHECK(a16.rel_l2_err > 1e-5);  // the results really are rounded to fp16
  }
}

TEST_CASE("dense vector: fp32 inputs (a GEMM's results) to fp16 results (the next GEMM's operands)",
          "[vector]") {
  for (VectorCase c : every_op()) {
    INFO(common::vector_op_name(c.op));
    c.in = ElemFormat::FP32;
    c.out = ElemFormat::FP16;
    CHECK(run_vector(c, small_buffers()).rel_l2_err < 5e-3);
  }
  VectorCase rope = every_op()[5];
  rope.param = 500000.0;  // Llama 3's theta
  CHECK(run_vector(rope, small_buffers()).rel_l2_err < 1e-5);
}

TEST_CASE("dense vector: cycles, actions and traffic of a small case by hand", "[vector]") {
  dense::DenseConfig cfg;
  cfg.vector_lanes = 8;
  cfg.vector_pipeline_cycles = 4;
  auto run = [&](VectorCase c, dense::DenseCore& core) {
    memory::BackingStore mem(16 << 20);
    return test::run_core(core, mem, descriptor(c));
  };
  VectorCase c;
  c.rows = 4;
  c.cols = 16;  // 64 elements: 8 lane-cycles per pass, one block
  c.in = c.out = ElemFormat::FP16;
  SECTION("layernorm: 3 passes + 1 rsqrt cycle per row + pipeline") {
    dense::DenseCore core(cfg, test::test_energy());
    c.op = VectorOp::LayerNorm;
    const test::CoreRun r = run(c, core);
    CHECK(r.compute_cycles == 3 * 8 + 4 + 4);
    CHECK(r.phase_cycles.at("vector_layernorm") == 32);
    CHECK(action(core, "add") == 5 * 64 + 4);
    CHECK(action(core, "mult") == 3 * 64 + 2 * 4);
    CHECK(action(core, "rsqrt") == 4);
    CHECK(action(core, "recip") == 1);
    CHECK(action(core, "exp") == 0);
    CHECK(r.bytes_read == 2 * 16 * 4 + 64 * 2);  // gamma, beta (fp32) + x (fp16)
    CHECK(r.bytes_written == 64 * 2);
  }
  SECTION("rmsnorm: 2 passes") {
    dense::DenseCore core(cfg, test::test_energy());
    c.op = VectorOp::RmsNorm;
    CHECK(run(c, core).compute_cycles == 2 * 8 + 4 + 4);
    CHECK(action(core, "mult") == 3 * 64 + 4);
    CHECK(action(core, "add") == 64 + 4);
    CHECK(action(core, "rsqrt") == 4);
  }
  SECTION("gelu and silu_mul: one pass through exp and reciprocal") {
    dense::DenseCore core(cfg, test::test_energy());
    c.op = VectorOp::Gelu;
    CHECK(run(c, core).compute_cycles == 8 + 4);
    CHECK(action(core, "mult") == 5 * 64);
    CHECK(action(core, "add") == 2 * 64);
    CHECK(action(core, "exp") == 64);
    CHECK(action(core, "recip") == 64);
    dense::DenseCore core2(cfg, test::test_energy());
    c.op = VectorOp::SiluMul;
    const test::CoreRun r = run(c, core2);
    CHECK(r.compute_cycles == 8 + 4);
    CHECK(r.bytes_read == 2 * 64 * 2);
    CHECK(action(core2, "mult") == 2 * 64);
    CHECK(action(core2, "add") == 64);
    CHECK(action(core2, "exp") == 64);
    CHECK(action(core2, "recip") == 64);
  }
  SECTION("rope: rotation pass + cos/sin of the rows' angles + theta^(-2i/d) once") {
    dense::DenseCore core(cfg, test::test_energy());
    c.op = VectorOp::Rope;
    c.depth = 8;  // 2 heads of 8: 4 angles per row
    c.param = 10000;
    const test::CoreRun r = run(c, core);
    CHECK(r.compute_cycles == 8 + 4 + 32 / 8 + (1 + 1));
    CHECK(r.bytes_read == 64 * 2 + 4 * 4);  // x + one uint32 position per row
    CHECK(action(core, "mult") == 2 * 64 + 16 + 4);
    CHECK(action(core, "add") == 64);
    CHECK(action(core, "sincos") == 32);
    CHECK(action(core, "exp") == 4 + 1);
  }
  SECTION("add and copy; blocks of rows sized to the buffers' halves") {
    dense::DenseCore core(cfg, test::test_energy());
    c.op = VectorOp::Add;
    CHECK(run(c, core).compute_cycles == 8 + 4);
    CHECK(action(core, "add") == 64);
    cfg.input_buffer_bytes = 4 * 16 * 2;  // halves of 2 rows of fp16
    dense::DenseCore core2(cfg, test::test_energy());
    c.op = VectorOp::Copy;
    c.depth = 40;
    const test::CoreRun r = run(c, core2);
    CHECK(r.steps == 2);
    CHECK(r.compute_cycles == 2 * (32 / 8 + 4));
    CHECK(r.bytes_read == 64 * 2);
    CHECK(action(core2, "add") == 0);
    CHECK(action(core2, "mult") == 0);
  }
}

TEST_CASE("dense vector: rsqrt and sincos are priced, and only appear once a vector job ran", "[vector]") {
  dense::DenseCore core(dense::DenseConfig{}, test::test_energy());
  CHECK(action(core, "rsqrt") == ~0ull);  // an engine that never ran a vector job: today's ledger
  CHECK(action(core, "exp") == 0);
  memory::BackingStore mem(16 << 20);
  VectorCase c;
  c.op = VectorOp::RmsNorm;
  c.rows = 2;
  c.cols = 8;
  c.param = 1e-6;
  test::run_core(core, mem, descriptor(c));
  for (const auto& [sub, ledger] : core.actions()) {
    if (sub != "vector_unit") continue;
    CHECK(ledger.at("rsqrt").count == 2);
    CHECK(ledger.at("rsqrt").pj_each == Approx(16.6 + 3 * 3.7));  // recip + 3 fp32 multiplies
    CHECK(ledger.at("sincos").pj_each == Approx(18.4));           // as an fp32 exp
  }
  const auto stats = core.job_stats().values;
  auto stat = [&](const std::string& k) {
    for (const auto& [name, v] : stats)
      if (name == k) return v;
    return -1.0;
  };
  CHECK(stat("vector_elements") == 16);
  CHECK(stat("vector_blocks") == 1);
  CHECK(stat("vector_busy_cycles") == 2 * 1 + 2 + 8);  // 2 passes of 16 / 32 lanes, 2 rows, pipeline
  CHECK(stat("macs") == 0);
}

TEST_CASE("dense vector: rows too long for the buffers and impossible shapes are refused", "[vector]") {
  dense::DenseConfig cfg;  // 64 KiB input, 256 KiB weight and output buffers
  VectorCase c;
  c.op = VectorOp::Add;
  c.cols = 4096;  // 2 inputs x 16 KiB: 64 KiB, the whole input buffer: fits double-buffered
  CHECK(dense::DenseCore::check_vector_job(cfg, descriptor(c)).why.empty());
  c.cols = 8192;
  const common::JobCheck in = dense::DenseCore::check_vector_job(cfg, descriptor(c));
  CHECK(in.key == "buffers/input_kib");
  CHECK_THAT(in.why, Catch::Contains("65536 bytes of input buffer") &&
                         Catch::Contains("128 KiB double-buffered") &&
                         Catch::Contains("the engine has 64 KiB"));
  dense::DenseCore core(cfg, test::test_energy());
  CHECK_THROWS_WITH(core.start(descriptor(c)), Catch::Contains("input buffer"));
  c.op = VectorOp::LayerNorm;  // gamma and beta: 2 x 4 x 40000 bytes > 256 KiB
  c.cols = 40000;
  cfg.input_buffer_bytes = 1 << 20;
  cfg.output_buffer_bytes = 1 << 20;
  CHECK(dense::DenseCore::check_vector_job(cfg, descriptor(c)).key == "buffers/weight_kib");
  c.op = VectorOp::Gelu;
  c.in = ElemFormat::FP16;   // 400 KB of operands per row fit the 1 MiB input buffer double-buffered,
  c.out = ElemFormat::FP32;  // 800 KB of fp32 results do not fit the output buffer's halves
  c.cols = 200000;
  CHECK(dense::DenseCore::check_vector_job(cfg, descriptor(c)).key == "buffers/output_kib");
  c.cols = 64;
  c.op = VectorOp::Rope;
  c.depth = 24;  // does not divide 64
  CHECK(dense::DenseCore::check_vector_job(cfg, descriptor(c)).key == "head_dim");
  c.depth = 0;
  CHECK(dense::DenseCore::check_vector_job(cfg, descriptor(c)).key == "head_dim");
  c.op = VectorOp::Copy;
  c.depth = 32;  // source rows closer than a row
  CHECK(dense::DenseCore::check_vector_job(cfg, descriptor(c)).key == "src_stride");
  c.depth = 64;
  c.out = ElemFormat::INT;
  CHECK(dense::DenseCore::check_vector_job(cfg, descriptor(c)).key == "format");
}

TEST_CASE("dense vector: an integer datapath refuses vector jobs", "[vector]") {
  dense::DenseConfig cfg;
  cfg.format = ElemFormat::INT;
  VectorCase c;
  const common::JobCheck k = dense::DenseCore::check_vector_job(cfg, descriptor(c));
  CHECK(k.key == "datapath/format");
  CHECK_THAT(k.why, Catch::Contains("vector jobs need a floating-point datapath") && Catch::Contains("int8"));
  cfg.format = ElemFormat::FP16;
  CHECK(dense::DenseCore::check_vector_job(cfg, descriptor(c)).why.empty());
}

TEST_CASE("dense vector: the descriptor round trip keeps every field; other kinds keep their layout",
          "[vector]") {
  VectorCase c;
  c.op = VectorOp::Rope;
  c.in = ElemFormat::FP32;
  c.out = ElemFormat::FP16;
  c.rows = 17;
  c.cols = 4096;
  c.depth = 128;
  c.param = 500000.0;
  const common::JobDescriptor d = descriptor(c);
  const std::vector<std::uint8_t> bytes = d.serialise();
  REQUIRE(bytes.size() == common::JobDescriptor::kBytes);
  CHECK(bytes.size() == 24 * 8);
  CHECK(common::load_le64(&bytes[21 * 8]) == (5ull | (1ull << 32)));  // op rope, results fp16
  const common::JobDescriptor e = common::JobDescriptor::deserialise(bytes.data(), bytes.size());
  CHECK(e.kind == common::JobKind::Vector);
  CHECK(e.vector_op == VectorOp::Rope);
  CHECK(e.format == ElemFormat::FP32);
  CHECK(e.out_format == ElemFormat::FP16);
  CHECK(e.rows == 17);
  CHECK(e.cols == 4096);
  CHECK(e.depth == 128);
  CHECK(e.addr_a == kA);
  CHECK(e.addr_b == kB);
  CHECK(e.addr_c == kC);
  CHECK(e.addr_out == kOut);
  CHECK(e.softmax_scale == 500000.0);
  CHECK(e.serialise() == bytes);
  // A traffic job's word 21 is still its pattern and read share, whatever the vector fields hold.
  common::JobDescriptor t;
  t.kind = common::JobKind::Traffic;
  t.traffic_pattern = 2;
  t.read_permille = 700;
  t.vector_op = VectorOp::Copy;
  t.out_format = ElemFormat::FP16;
  const auto tb = t.serialise();
  CHECK(common::load_le64(&tb[21 * 8]) == (2ull | (700ull << 32)));
  const common::JobDescriptor u = common::JobDescriptor::deserialise(tb.data(), tb.size());
  CHECK(u.traffic_pattern == 2);
  CHECK(u.read_permille == 700);
}
