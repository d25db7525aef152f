// SaloCore with a tile backend ("backend": "rtl"), untimed against a backing store, with a pure C++
// stand-in for the verilated array (the co-simulation tests run the real RTL): the backend's rows
// are adopted (the output equals the C++ backend's), and any disagreement with the C++ array that
// runs alongside (cycles, an output bit, a range event, the drain) ends the job with an error. Also:
// without a registered RTL (a build without Verilator) "rtl" is refused with the reason. And the
// Q/K/V buffers' pricing: an unbounded buffer (0 vectors) is priced at the capacity the job fills.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "core_runner.hpp"
#include "models/common/job_descriptor.hpp"
#include "models/common/number_format.hpp"
#include "models/common/workload_generator.hpp"
#include "models/salo/salo_core.hpp"
#include "models/salo/tile_backend.hpp"
#include "test_energy.hpp"

using namespace savp;

namespace {

enum class Fault { None, Cycles, OutputBit, ExpEvents, Drain };

// The C++ array standing in for the RTL: compute_tile + merge_slices, optionally wrong.
class StandIn : public salo::TileBackend {
 public:
  StandIn(const salo::ArrayConfig& cfg, Fault f, int* tiles) : cfg_(cfg), fault_(f), tiles_(tiles) {}
  salo::BackendTile run(const salo::SaloTile& tile, salo::TileRunner& codes,
                        const std::vector<salo::RowPartial>& prev, bool flush) override {
    const salo::TileResult r = codes.run(tile);
    salo::BackendTile out;
    for (std::size_t i = 0; i < r.rows.size(); ++i)
      out.rows.push_back(salo::merge_slices(prev[i], r.rows[i], cfg_));
    out.cycles = r.cycles.body() + (flush ? r.cycles.flush : 0);
    out.exp_saturated = r.counters.exp_saturated;
    out.qk_saturated = r.counters.qk_saturated;
    if (++*tiles_ == 3) {  // the fault shows on the third tile
      if (fault_ == Fault::Cycles) out.cycles += 1;
      if (fault_ == Fault::ExpEvents) out.exp_saturated += 1;
      if (fault_ == Fault::OutputBit) {
        for (auto& p : out.rows) {
          if (!p.empty) {
            p.out_raw[0] ^= 1;
            break;
          }
        }
      }
    }
    return out;
  }
  std::uint64_t drain() override { return salo::drain_cycles(cfg_) + (fault_ == Fault::Drain ? 1 : 0); }

 private:
  salo::ArrayConfig cfg_;
  Fault fault_;
  int* tiles_;
};

salo::SaloConfig config(bool rtl) {
  salo::SaloConfig c;
  c.array.rows = c.scheduler.rows = 4;
  c.array.cols = c.scheduler.cols = 4;
  c.array.head_dim = 16;
  c.rtl_backend = rtl;
  return c;
}

using Ledgers = std::vector<std::pair<std::string, common::ActionLedger>>;

// One head (L = 48, window 8, one global token) through SaloCore; returns the output bytes (and,
// on request, the run and the core's priced actions).
std::vector<float> run_job(const salo::SaloConfig& cfg, test::CoreRun* run = nullptr,
                           Ledgers* actions = nullptr) {
  const std::uint64_t L = 48, d = 16;
  const common::QkvData qkv = common::generate_qkv(common::SyntheticParams{}, L, d, d, 7);
  memory::BackingStore mem(8 << 20);
  common::JobDescriptor jd;
  jd.kind = common::JobKind::Attention;
  jd.format = common::ElemFormat::FP16;
  jd.rows = jd.cols = L;
  jd.depth = jd.value_dim = d;
  jd.softmax_scale = 0.25;
  jd.addr_a = 0x10000;
  jd.addr_b = 0x20000;
  jd.addr_c = 0x30000;
  jd.addr_out = 0x40000;
  jd.window = 8;
  jd.addr_globals = 0x1000;
  jd.n_globals = 1;
  const std::uint32_t g = 5;
  mem.write(jd.addr_globals, reinterpret_cast<const std::uint8_t*>(&g), 4);
  const std::pair<const common::MatrixD*, std::uint64_t> operands[] = {
      {&qkv.q, jd.addr_a}, {&qkv.k, jd.addr_b}, {&qkv.v, jd.addr_c}};
  for (const auto& [m, a] : operands) {
    const auto bytes = common::pack(m->data(), common::ElemFormat::FP16, common::QuantParams{});
    mem.write(a, bytes.data(), bytes.size());
  }
  salo::SaloCore core(cfg, test::test_energy());
  const test::CoreRun r = test::run_core(core, mem, jd);
  if (run) *run = r;
  if (actions) *actions = core.actions();
  std::vector<float> out(L * d);
  mem.read(jd.addr_out, reinterpret_cast<std::uint8_t*>(out.data()), out.size() * 4);
  return out;
}

struct Registration {
  int tiles = 0;
  explicit Registration(Fault f) {
    salo::register_tile_rtl_backend(
        [this, f](const salo::ArrayConfig& a) {
          return std::unique_ptr<salo::TileBackend>(new StandIn(a, f, &tiles));
        },
        [](const salo::ArrayConfig& a) { return a.rows == 4 ? std::string() : std::string("only 4 rows"); });
  }
  ~Registration() { salo::register_tile_rtl_backend(nullptr, nullptr); }
};

}  // namespace

TEST_CASE("salo backend: without a registered RTL, rtl is refused with the reason") {
  CHECK(salo::tile_rtl_refusal(config(true).array).find("no RTL co-simulation") != std::string::npos);
  CHECK_THROWS_WITH(salo::SaloCore(config(true), test::test_energy()), Catch::Contains("Verilator"));
}

TEST_CASE("salo backend: the backend's rows are adopted and equal the C++ array's") {
  test::CoreRun model_run, rtl_run;
  const std::vector<float> want = run_job(config(false), &model_run);
  Registration reg(Fault::None);
  const std::vector<float> got = run_job(config(true), &rtl_run);
  CHECK(reg.tiles > 3);
  CHECK(got == want);
  CHECK(rtl_run.compute_cycles == model_run.compute_cycles);
  salo::ArrayConfig other = config(true).array;
  other.rows = 8;
  CHECK(salo::tile_rtl_refusal(other) == "only 4 rows");
}

TEST_CASE("salo backend: a disagreement with the C++ array ends the job") {
  for (Fault f : {Fault::Cycles, Fault::OutputBit, Fault::ExpEvents, Fault::Drain}) {
    Registration reg(f);
    INFO("fault " << static_cast<int>(f));
    CHECK_THROWS_WITH(run_job(config(true)), Catch::Contains("RTL/model disagreement"));
  }
}

TEST_CASE("salo buffers: an unbounded buffer is priced as the capacity the job fills", "[salo][hardening]") {
  // Unbounded K (0: never evicts) holds every key the job fetches: all 48 of the sequence. Its
  // accesses and price per access must equal those of a 48-vector buffer (which evicts nothing
  // either), not those of a one-vector buffer.
  salo::SaloConfig unbounded = config(false), exact = config(false);
  unbounded.scheduler.k_buffer_vectors = 0;
  exact.scheduler.k_buffer_vectors = 48;
  auto k_buffer = [](const Ledgers& l) {
    for (const auto& [name, ledger] : l) {
      if (name == "k_buffer") return ledger;
    }
    FAIL("no k_buffer ledger");
    return common::ActionLedger{};
  };
  Ledgers a, b;
  test::CoreRun ra, rb;
  const std::vector<float> out_a = run_job(unbounded, &ra, &a), out_b = run_job(exact, &rb, &b);
  CHECK(out_a == out_b);
  CHECK(ra.bytes_read == rb.bytes_read);
  const common::ActionLedger ka = k_buffer(a), kb = k_buffer(b);
  REQUIRE(ka.count("read_word") == 1);
  CHECK(ka.at("read_word").count == kb.at("read_word").count);
  CHECK(ka.at("write_word").count == kb.at("write_word").count);
  CHECK(ka.at("read_word").pj_each == Approx(kb.at("read_word").pj_each));
  CHECK(ka.at("write_word").pj_each == Approx(kb.at("write_word").pj_each));
  const double one_vector = test::test_energy().sram_pj_per_64b(16 * 2, false);
  CHECK(ka.at("read_word").pj_each == Approx(test::test_energy().sram_pj_per_64b(48 * 16 * 2, false)));
  CHECK(ka.at("read_word").pj_each > 1.5 * one_vector);
}

TEST_CASE("salo: check_job names the key at fault, the workload's or the accelerator's",
          "[salo][hardening]") {
  salo::SaloConfig c;  // 32 x 32, head_dim 64, buffers 64 / 1024 / 1024
  common::AttentionPattern p;
  p.window = 64;
  p.global_tokens = {0};
  CHECK(salo::SaloCore::check_job(c, 512, 64, 64, p).why.empty());
  CHECK(salo::SaloCore::check_job(c, 512, 32, 64, p).key == "head_dim");
  const auto v = salo::SaloCore::check_job(c, 512, 64, 32, p);
  CHECK(v.key == "value_dim");
  CHECK_THAT(v.why, Catch::Contains("value_dim 32"));
  salo::SaloConfig small_k = c;
  small_k.scheduler.k_buffer_vectors = 8;
  CHECK(salo::SaloCore::check_job(small_k, 512, 64, 64, p).key == "buffers/k_vectors");
  salo::SaloConfig no_global = c;
  no_global.scheduler.global_cols = 0;
  CHECK(salo::SaloCore::check_job(no_global, 512, 64, 64, p).key == "array/global_cols");
  CHECK(salo::SaloCore::is_accelerator_key("buffers/k_vectors"));
  CHECK(salo::SaloCore::is_accelerator_key("array/global_cols"));
  CHECK_FALSE(salo::SaloCore::is_accelerator_key("value_dim"));
  CHECK_FALSE(salo::SaloCore::is_accelerator_key("pattern"));
}

TEST_CASE("salo: the plan check and the jobs share one schedule per arguments", "[salo]") {
  salo::SaloConfig c;
  common::AttentionPattern p;
  p.window = 64;
  p.global_tokens = {0};
  const auto a = salo::shared_schedule(p, 512, c.scheduler, 0);
  CHECK(salo::shared_schedule(p, 512, c.scheduler, 0) == a);  // built once
  const salo::Schedule fresh = salo::schedule(p, 512, c.scheduler, 0);
  CHECK(a->tiles.size() == fresh.tiles.size());
  CHECK(a->stats.k_fetched == fresh.stats.k_fetched);
  common::AttentionPattern wider = p;
  wider.window = 128;
  const auto b = salo::shared_schedule(wider, 512, c.scheduler, 0);
  CHECK(b != a);  // any other argument builds anew
  CHECK(b->tiles.size() == salo::schedule(wider, 512, c.scheduler, 0).tiles.size());
  salo::SchedulerConfig small_q = c.scheduler;
  small_q.q_buffer_vectors = 128;
  CHECK(salo::shared_schedule(wider, 512, small_q, 0) != b);
  salo::SchedulerConfig tiny_k = c.scheduler;
  tiny_k.k_buffer_vectors = 8;
  CHECK_THROWS_AS(salo::shared_schedule(p, 512, tiny_k, 0), salo::ScheduleError);
  CHECK(salo::shared_schedule(p, 512, c.scheduler, 0)->tiles.size() == fresh.tiles.size());
}
