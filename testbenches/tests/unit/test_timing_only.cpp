// Timing-only jobs (JobDescriptor::timing_only, workload numerics "off") on the dense, SALO, CHELA and
// traffic cores, untimed against a backing store: every step (phase, reads and writes by address and
// size, compute cycles, prefetch and fence flags), the job statistics and the priced actions are those
// of the same job with its operands, while no operand transfer carries a data pointer (only control
// data: the global-token list, CHELA's job block) and nothing reaches the output region.
#include <catch2/catch.hpp>

#include <cstring>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "models/chela/chela_core.hpp"
#include "models/chela/chela_job.hpp"
#include "models/common/job_descriptor.hpp"
#include "models/common/number_format.hpp"
#include "models/common/workload_generator.hpp"
#include "models/dense/dense_core.hpp"
#include "models/memory/backing_store.hpp"
#include "models/memory/traffic_core.hpp"
#include "models/salo/salo_core.hpp"

using namespace savp;

namespace {

common::EnergyTable table() {
  common::Json j =
      common::load_json_file(std::string(SAVP_SOURCE_DIR) + "/scenarios/energy/default-45nm.json");
  return common::EnergyTable::parse(common::JsonNode(j, "default-45nm.json"));
}

// Statistics only the data gives (absent from a timing-only job).
const std::set<std::string> kDataOnly{"exp_saturated", "read_checksum_hi", "read_checksum_lo"};

struct Trace {
  std::vector<std::string> steps;  // one line per step
  std::string stats, actions;
  std::uint64_t data_reads = 0, data_writes = 0;  // transfers that carried a data pointer
  std::uint64_t bytes_read = 0, bytes_written = 0;
};

// Runs one job to completion; transfers with data move it through `mem`, those without are counted.
Trace run(common::EngineCore& core, memory::BackingStore& mem, common::JobDescriptor d, bool timing_only) {
  d.timing_only = timing_only;
  Trace t;
  core.start(d);
  common::EngineStep step;
  while (core.next(step)) {
    std::ostringstream os;
    os << step.phase << " prefetch " << step.prefetch << "/" << step.prefetch_depth << " fence " << step.fence
       << " pim " << step.pim.size() << " reads";
    for (const auto& r : step.reads) {
      os << " " << r.addr << "+" << r.bytes;
      t.bytes_read += r.bytes;
      if (r.dst == nullptr) continue;
      mem.read(r.addr, r.dst, r.bytes);
      ++t.data_reads;
    }
    core.reads_done(step);
    os << " cycles " << step.compute_cycles << " writes";
    for (const auto& w : step.writes) {
      os << " " << w.addr << "+" << w.bytes;
      t.bytes_written += w.bytes;
      if (w.src == nullptr) continue;
      mem.write(w.addr, w.src, w.bytes);
      ++t.data_writes;
    }
    os << " debug " << step.debug_writes.size();
    t.steps.push_back(os.str());
  }
  std::ostringstream st;
  for (const auto& [k, v] : core.job_stats().values) {
    if (!timing_only || !kDataOnly.count(k)) st << k << "=" << v << " ";
  }
  t.stats = st.str();
  std::ostringstream ac;
  for (const auto& [sub, ledger] : core.actions()) {
    for (const auto& [a, p] : ledger) ac << sub << "." << a << "=" << p.count << "@" << p.pj_each << " ";
  }
  t.actions = ac.str();
  return t;
}

// The same job with numerics on (operands in `full`) and off (only the control data in `bare`, on a
// second core): identical steps, statistics and actions; the timing-only job moves `control_reads`
// transfers with data and writes nothing, so `bare` touches no page beyond the control data's.
void check_same(common::EngineCore& on_core, common::EngineCore& off_core, memory::BackingStore& full,
                memory::BackingStore& bare, const common::JobDescriptor& d, std::uint64_t control_reads) {
  const Trace on = run(on_core, full, d, false);
  const std::uint64_t pages = bare.pages_touched();
  const Trace off = run(off_core, bare, d, true);
  REQUIRE(on.steps.size() == off.steps.size());
  for (std::size_t i = 0; i < on.steps.size(); ++i) {
    INFO("step " << i);
    CHECK(on.steps[i] == off.steps[i]);
  }
  CHECK(on.stats.find(off.stats) == 0);  // the data-only statistics come last, if at all
  CHECK(on.actions == off.actions);
  CHECK(on.bytes_read == off.bytes_read);
  CHECK(on.bytes_written == off.bytes_written);
  CHECK(on.data_writes > 0);
  CHECK(off.data_reads == control_reads);
  CHECK(off.data_writes == 0);
  CHECK(bare.pages_touched() == pages);
}

// Q, K, V of one head in the bus format at addr_a, addr_b, addr_c (INT: symmetric scales set in d).
void load_qkv(memory::BackingStore& mem, common::JobDescriptor& d, common::ElemFormat fmt, int bits,
              std::uint64_t seed) {
  const common::QkvData qkv =
      common::generate_qkv(common::SyntheticParams{}, d.rows, d.depth, d.value_dim, seed);
  auto put = [&](const common::MatrixD& m, std::uint64_t addr, double& scale) {
    common::QuantParams q;
    q.bits = bits;
    if (fmt == common::ElemFormat::INT) q = common::symmetric_params(m.data(), bits);
    scale = q.scale;
    const auto b = common::pack(m.data(), fmt, q);
    mem.write(addr, b.data(), b.size());
  };
  put(qkv.q, d.addr_a, d.scale_a);
  put(qkv.k, d.addr_b, d.scale_b);
  put(qkv.v, d.addr_c, d.scale_c);
}

common::JobDescriptor attention_job(std::uint64_t L, std::uint64_t d, std::uint64_t dv,
                                    const common::AttentionPattern& p) {
  common::JobDescriptor j;
  j.kind = common::JobKind::Attention;
  j.rows = j.cols = L;
  j.depth = d;
  j.value_dim = dv;
  j.softmax_scale = 1.0 / std::sqrt(static_cast<double>(d));
  j.addr_globals = 0x1000;
  j.addr_a = 0x10000;
  j.addr_b = 0x400000;
  j.addr_c = 0x800000;
  j.addr_out = 0xc00000;
  j.causal = p.causal;
  j.window = p.window;
  j.dilation = p.dilation;
  j.grid_h = p.grid_h;
  j.grid_w = p.grid_w;
  j.window_h = p.window_h;
  j.window_w = p.window_w;
  j.n_globals = p.global_tokens.size();
  return j;
}

void put_globals(memory::BackingStore& mem, const common::JobDescriptor& j,
                 const common::AttentionPattern& p) {
  mem.write(j.addr_globals, reinterpret_cast<const std::uint8_t*>(p.global_tokens.data()), 4 * j.n_globals);
}

}  // namespace

TEST_CASE("timing only: the job descriptor carries the flag and keeps its layout without it",
          "[timing_only]") {
  common::JobDescriptor d;
  d.int_bits = 8;
  const auto plain = d.serialise();
  CHECK(common::load_le64(&plain[16]) == 8);  // word 2: int_bits alone, as before the flag
  d.timing_only = true;
  const auto flagged = d.serialise();
  CHECK(flagged.size() == plain.size());
  CHECK(common::load_le64(&flagged[16]) == (std::uint64_t{1} << 32 | 8));
  const common::JobDescriptor back = common::JobDescriptor::deserialise(flagged.data(), flagged.size());
  CHECK(back.timing_only);
  CHECK(back.int_bits == 8);
  CHECK_FALSE(common::JobDescriptor::deserialise(plain.data(), plain.size()).timing_only);
}

TEST_CASE("timing only: dense attention takes the same steps without operands", "[timing_only][dense]") {
  struct Case {
    const char* name;
    common::ElemFormat fmt;
    std::uint64_t weight_kib, output_kib;  // small buffers: K/V streamed in chunks, several row blocks
    common::AttentionPattern p;
  };
  common::AttentionPattern hybrid;
  hybrid.window = 9;
  hybrid.global_tokens = {0, 50};
  common::AttentionPattern causal;
  causal.causal = true;
  const Case cases[] = {
      {"fp16, streamed K/V, three row blocks, window + globals", common::ElemFormat::FP16, 2, 16, hybrid},
      {"int8, resident K/V, three row blocks, causal", common::ElemFormat::INT, 256, 16, causal},
      {"fp32, streamed K/V, causal", common::ElemFormat::FP32, 4, 16, causal}};
  for (const Case& c : cases) {
    INFO(c.name);
    dense::DenseConfig cfg;
    cfg.format = c.fmt;
    cfg.weight_buffer_bytes = c.weight_kib * 1024;
    cfg.output_buffer_bytes = c.output_kib * 1024;
    common::JobDescriptor d = attention_job(96, 32, 16, c.p);
    d.format = cfg.format;
    d.int_bits = cfg.int_bits;
    REQUIRE(dense::DenseCore::check_job(cfg, d.kind, d.rows, d.cols, d.depth, d.value_dim).empty());
    memory::BackingStore full(16 << 20), bare(16 << 20);
    load_qkv(full, d, cfg.format, cfg.int_bits, 3);
    put_globals(full, d, c.p);
    put_globals(bare, d, c.p);
    dense::DenseCore on(cfg, table()), off(cfg, table());
    check_same(on, off, full, bare, d, c.p.global_tokens.empty() ? 0 : 1);
  }
}

TEST_CASE("timing only: dense GEMMs take the same folds without operands", "[timing_only][dense]") {
  for (const dense::Dataflow df : {dense::Dataflow::OS, dense::Dataflow::WS, dense::Dataflow::IS}) {
    for (const std::uint64_t kib : {16, 256}) {  // A and B in blocks, or whole
      INFO("dataflow " << static_cast<int>(df) << ", buffers " << kib << " KiB");
      dense::DenseConfig cfg;
      cfg.format = common::ElemFormat::FP32;
      cfg.dataflow = df;
      cfg.input_buffer_bytes = cfg.weight_buffer_bytes = kib * 1024;
      common::JobDescriptor d;
      d.kind = common::JobKind::Gemm;
      d.format = cfg.format;
      d.rows = 70;
      d.cols = 50;
      d.depth = 90;
      d.addr_a = 0x10000;
      d.addr_b = 0x100000;
      d.addr_out = 0x200000;
      REQUIRE(dense::DenseCore::check_job(cfg, d.kind, d.rows, d.cols, d.depth, 0).empty());
      memory::BackingStore full(4 << 20), bare(4 << 20);
      common::MatrixD a, b;
      common::generate_gemm(d.rows, d.cols, d.depth, 5, a, b);
      const auto pa = common::pack(a.data(), cfg.format, common::QuantParams{});
      const auto pb = common::pack(b.data(), cfg.format, common::QuantParams{});
      full.write(d.addr_a, pa.data(), pa.size());
      full.write(d.addr_b, pb.data(), pb.size());
      dense::DenseCore on(cfg, table()), off(cfg, table());
      check_same(on, off, full, bare, d, 0);
    }
  }
}

TEST_CASE("timing only: SALO takes the same tiles without operands", "[timing_only][salo]") {
  struct Case {
    const char* name;
    std::uint64_t L;
    salo::Datapath dp;
    std::uint32_t kv_vectors;  // small K/V buffers evict and fetch again
    common::AttentionPattern p;
  };
  common::AttentionPattern w33;
  w33.window = 33;
  w33.global_tokens = {0};
  common::AttentionPattern dil;
  dil.window = 17;
  dil.dilation = 3;
  dil.causal = true;
  dil.global_tokens = {0, 100};
  const Case cases[] = {
      {"window 33 + global, fixed, evicting K/V buffers", 256, salo::Datapath::Fixed, 128, w33},
      {"causal dilated window + 2 globals, float", 200, salo::Datapath::Float, 1024, dil}};
  for (const Case& c : cases) {
    INFO(c.name);
    salo::SaloConfig cfg;
    cfg.array.datapath = c.dp;
    cfg.scheduler.k_buffer_vectors = cfg.scheduler.v_buffer_vectors = c.kv_vectors;
    INFO(salo::SaloCore::check_job(cfg, c.L, 64, 64, c.p).why);
    REQUIRE(salo::SaloCore::check_job(cfg, c.L, 64, 64, c.p).why.empty());
    common::JobDescriptor d = attention_job(c.L, 64, 64, c.p);
    d.format = cfg.bus_format();
    memory::BackingStore full(16 << 20), bare(16 << 20);
    load_qkv(full, d, cfg.bus_format(), 8, 7);
    put_globals(full, d, c.p);
    put_globals(bare, d, c.p);
    salo::SaloCore on(cfg, table()), off(cfg, table());
    check_same(on, off, full, bare, d, 1);  // the global-token list: the schedule depends on it
  }
}

TEST_CASE("salo: tile_timing counts what compute_tile counts", "[timing_only][salo]") {
  common::AttentionPattern p;
  p.window = 33;
  p.causal = true;
  p.global_tokens = {0, 77};
  const std::uint64_t L = 160;
  const salo::Schedule s = salo::schedule(p, L, salo::SchedulerConfig{});
  const common::QkvData q = common::generate_qkv(common::SyntheticParams{}, L, 64, 64, 2);
  salo::ArrayConfig cfg;
  for (const salo::SaloTile& tile : s.tiles) {
    const salo::TileResult a = salo::compute_tile(tile, q.q, q.k, q.v, cfg, 0.125);
    const salo::TileResult b = salo::tile_timing(tile, cfg, L, 64);
    CHECK(a.cycles.body() == b.cycles.body());
    CHECK(a.counters.macs_qk == b.counters.macs_qk);
    CHECK(a.counters.macs_pv == b.counters.macs_pv);
    CHECK(a.counters.reciprocals == b.counters.reciprocals);
    CHECK(a.counters.pairs_global_row == b.counters.pairs_global_row);
    CHECK(a.counters.pairs_global_col == b.counters.pairs_global_col);
    CHECK(a.counters.pe_slots == b.counters.pe_slots);
    REQUIRE(a.rows.size() == b.rows.size());
    for (std::size_t i = 0; i < a.rows.size(); ++i) {
      CHECK(a.rows[i].query == b.rows[i].query);
      CHECK(a.rows[i].empty == b.rows[i].empty);
      CHECK(a.rows[i].keys == b.rows[i].keys);
      CHECK(b.rows[i].out.empty());  // no values computed
    }
  }
}

TEST_CASE("timing only: CHELA takes the same chunks without operands", "[timing_only][chela]") {
  struct Case {
    const char* name;
    bool causal, conv;
    chela::LongConvMode mode;
  };
  const Case cases[] = {{"causal, FFT long convolution", true, true, chela::LongConvMode::Fft},
                        {"non-causal, direct long convolution", false, true, chela::LongConvMode::Direct},
                        {"causal, no convolution branch", true, false, chela::LongConvMode::Fft}};
  for (const Case& c : cases) {
    INFO(c.name);
    chela::ChelaConfig cfg;
    cfg.array = {8, 8};
    cfg.chunk = 16;
    cfg.stream_tokens = 64;
    cfg.conv_enabled = c.conv;
    cfg.conv_mode = c.mode;
    const std::uint64_t L = 100, dim = 16, dv = 8;
    REQUIRE(chela::ChelaCore::check_job(cfg, L, dim, dv).why.empty());
    common::AttentionPattern p;
    p.causal = c.causal;
    common::JobDescriptor d = attention_job(L, dim, dv, p);
    d.format = cfg.format;
    const chela::ChelaRegions reg = chela::chela_regions(cfg, 0x1000000, L, dv);
    d.addr_globals = reg.block;
    memory::BackingStore full(64 << 20), bare(64 << 20);
    load_qkv(full, d, cfg.format, 8, 9);
    const chela::ChelaKernels k = chela::generate_kernels(dv, cfg.short_kernel, cfg.long_taps(L), 4);
    const auto w = common::pack(k.w, cfg.format, common::QuantParams{});
    const auto h = common::pack(k.h, cfg.format, common::QuantParams{});
    full.write(reg.short_kernel, w.data(), w.size());
    full.write(reg.long_kernel, h.data(), h.size());
    const chela::ChelaJobBlock blk{reg.short_kernel, reg.long_kernel, reg.u_scratch, reg.z_scratch};
    const auto bb = blk.serialise();
    full.write(reg.block, bb.data(), bb.size());
    bare.write(reg.block, bb.data(), bb.size());
    chela::ChelaCore on(cfg, table()), off(cfg, table());
    check_same(on, off, full, bare, d, 1);  // the job block: where kernels and scratch are
  }
}

TEST_CASE("timing only: the traffic generator issues the same requests without data",
          "[timing_only][traffic]") {
  common::JobDescriptor d;
  d.kind = common::JobKind::Traffic;
  d.rows = 500;
  d.cols = 64;
  d.depth = 4096;
  d.value_dim = 64 * 1024;
  d.addr_a = 0x10000;
  d.addr_out = 0x1000;
  d.traffic_pattern = 2;
  d.read_permille = 700;
  d.traffic_seed = 11;
  memory::BackingStore full(1 << 20), bare(1 << 20);
  memory::TrafficCore on(16), off(16);
  check_same(on, off, full, bare, d, 0);
}
