// CHELA's model form (models/chela/chela_model, ChelaCore with JobKind::LinearModel) on a flat
// memory without SystemC: a prefill over a prompt (partial last chunk, two query heads sharing one
// K/V head, K/V rows strided as the projections lay them) and then recurrent decode steps that read
// and write the state; every output against the double-precision recurrent form over the whole
// sequence; the state bytes moved per decode step constant in the context; timing-only jobs take the
// same steps, cycles and bytes; the block round-trips; the group's cycles share K's feature map and
// the update.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include "models/chela/chela_core.hpp"
#include "models/chela/chela_model.hpp"
#include "models/chela/chela_timing.hpp"
#include "models/chela/linear_attention.hpp"
#include "models/common/job_descriptor.hpp"
#include "models/common/number_format.hpp"
#include "models/common/random.hpp"

using namespace savp::chela;

namespace {

savp::common::EnergyTable table() {
  savp::common::Json j =
      savp::common::load_json_file(std::string(SAVP_SOURCE_DIR) + "/scenarios/energy/default-45nm.json");
  return savp::common::EnergyTable::parse(savp::common::JsonNode(j, "default-45nm.json"));
}

struct Totals {
  std::uint64_t cycles = 0, read = 0, written = 0, steps = 0;
};

// Runs one LinearModel job whose block is at `blk` in mem.
Totals run_job(ChelaCore& core, std::vector<std::uint8_t>& mem, std::uint64_t blk, std::uint64_t rows,
               std::uint64_t d, bool timing_only) {
  savp::common::JobDescriptor jd;
  jd.kind = savp::common::JobKind::LinearModel;
  jd.format = savp::common::ElemFormat::FP16;
  jd.timing_only = timing_only;
  jd.rows = rows;
  jd.depth = jd.value_dim = d;
  jd.addr_a = blk;
  core.start(jd);
  Totals t;
  savp::common::EngineStep s;
  while (core.next(s)) {
    for (auto& r : s.reads) {
      if (r.dst) std::memcpy(r.dst, &mem[r.addr], r.bytes);
      t.read += r.bytes;
    }
    core.reads_done(s);
    for (auto& w : s.writes) {
      if (w.src) std::memcpy(&mem[w.addr], w.src, w.bytes);
      t.written += w.bytes;
    }
    t.cycles += s.compute_cycles;
    ++t.steps;
  }
  return t;
}

}  // namespace

TEST_CASE("CHELA model block round-trips and refuses a bad magic word", "[chela][model]") {
  ChelaModelBlock b;
  b.heads = 4;
  b.causal = 1;
  b.load_state = 1;
  b.q_base = 11;
  b.q_head_stride = 12;
  b.k_base = 13;
  b.v_base = 14;
  b.kv_row_stride = 15;
  b.out_base = 16;
  b.out_head_stride = 17;
  b.state_addr = 18;
  b.context = 19;
  auto bytes = b.serialise();
  REQUIRE(bytes.size() == ChelaModelBlock::kBytes);
  const ChelaModelBlock c = ChelaModelBlock::deserialise(bytes.data());
  CHECK(c.heads == 4);
  CHECK(c.load_state == 1);
  CHECK(c.kv_row_stride == 15);
  CHECK(c.state_addr == 18);
  CHECK(c.context == 19);
  bytes[0] ^= 1;
  CHECK_THROWS(ChelaModelBlock::deserialise(bytes.data()));
  CHECK(model_state_bytes(64, 64, true) == 64 * 65 * 4);
  CHECK(model_state_bytes(3, 3, false) == 64);
}

TEST_CASE("CHELA model form: chunked prefill then recurrent decode against the recurrent reference",
          "[chela][model]") {
  ChelaConfig cfg;
  cfg.array = {8, 8};
  cfg.chunk = 16;
  cfg.stream_tokens = 64;
  cfg.conv_enabled = false;
  const std::uint64_t d = 16, G = 2, H = 2, prompt = 40, steps = 3, total = prompt + steps;
  // K/V of every token and K/V head, as the projections lay them: row t = [head 0 | head 1].
  savp::common::Rng r(5);
  std::vector<double> q(H * total * d), k(total * G * d), v(total * G * d);
  for (double& x : q) x = 0.5 * r.normal();
  for (double& x : k) x = 0.5 * r.normal();
  for (double& x : v) x = r.normal();
  const std::uint64_t g = 1, e = 2;  // the K/V head under test; fp16 operands
  const std::uint64_t Q = 4096, K = 65536, V = 131072, O = 196608, S = 262144, BLK = 327680;
  std::vector<std::uint8_t> mem(BLK + 4096, 0);
  // Loads the pass's tokens [t0, t0 + n): Q per head as blocks of n rows, K/V as full rows.
  auto load_pass = [&](std::uint64_t t0, std::uint64_t n) {
    for (std::uint64_t h = 0; h < H; ++h) {
      std::vector<double> qb(q.begin() + (h * total + t0) * d, q.begin() + (h * total + t0 + n) * d);
      auto b = savp::common::pack(qb, cfg.format, {});
      std::memcpy(&mem[Q + h * n * d * e], b.data(), b.size());
    }
    for (auto [base, src] : {std::pair{K, &k}, std::pair{V, &v}}) {
      std::vector<double> rows(src->begin() + t0 * G * d, src->begin() + (t0 + n) * G * d);
      auto b = savp::common::pack(rows, cfg.format, {});
      std::memcpy(&mem[base], b.data(), b.size());
    }
  };
  auto block = [&](std::uint64_t n, std::uint64_t context) {
    ChelaModelBlock b;
    b.heads = H;
    b.causal = 1;
    b.load_state = context > 0;
    b.q_base = Q;
    b.q_head_stride = n * d * e;
    b.k_base = K + g * d * e;
    b.v_base = V + g * d * e;
    b.kv_row_stride = G * d * e;
    b.out_base = O;
    b.out_head_stride = n * d * 4;
    b.state_addr = S;
    b.context = context;
    auto bytes = b.serialise();
    std::memcpy(&mem[BLK], bytes.data(), bytes.size());
  };
  // The reference: each head over the K/V head's whole sequence.
  std::vector<double> kg(total * d), vg(total * d);
  for (std::uint64_t t = 0; t < total; ++t)
    for (std::uint64_t c = 0; c < d; ++c) {
      kg[t * d + c] = k[(t * G + g) * d + c];
      vg[t * d + c] = v[(t * G + g) * d + c];
    }
  auto check = [&](std::uint64_t t0, std::uint64_t n) {
    for (std::uint64_t h = 0; h < H; ++h) {
      const std::vector<double> ref =
          recurrent_linear_attention_rows(&q[(h * total + t0) * d], n, t0, kg.data(), vg.data(), total, d, d,
                                          true, cfg.feature_map, cfg.normalise);
      double num = 0, den = 0;
      for (std::uint64_t i = 0; i < n * d; ++i) {
        float f;
        std::memcpy(&f, &mem[O + h * n * d * 4 + 4 * i], 4);
        num += (f - ref[i]) * (f - ref[i]);
        den += ref[i] * ref[i];
      }
      CHECK(std::sqrt(num / den) < 2e-3);  // fp16 operands, fp32 accumulators
    }
  };
  ChelaCore core(cfg, table());
  load_pass(0, prompt);
  block(prompt, 0);
  const Totals pre = run_job(core, mem, BLK, prompt, d, false);
  check(0, prompt);
  const std::uint64_t state = d * (d + 1) * 4;
  CHECK(pre.written == H * prompt * d * 4 + state);  // outputs and the state, nothing else
  // Prefill cycles: the three chunks (16, 16, 8 tokens) of the group.
  CHECK(pre.cycles ==
        2 * group_chunk_cycles(cfg, 16, d, d, H, true) + group_chunk_cycles(cfg, 8, d, d, H, true));
  std::vector<Totals> dec;
  for (std::uint64_t s = 0; s < steps; ++s) {
    load_pass(prompt + s, 1);
    block(1, prompt + s);
    dec.push_back(run_job(core, mem, BLK, 1, d, false));
    check(prompt + s, 1);
  }
  // Every decode step moves the same bytes (the state, the token's rows, the outputs) and cycles.
  CHECK(dec[0].read == ChelaModelBlock::kBytes + state + H * d * e + 2 * d * e);
  CHECK(dec[0].written == state + H * d * 4);
  CHECK(dec[0].cycles == group_chunk_cycles(cfg, 1, d, d, H, true));
  for (const Totals& t : dec) {
    CHECK(t.read == dec[0].read);
    CHECK(t.written == dec[0].written);
    CHECK(t.cycles == dec[0].cycles);
  }
  // Timing only: the same steps, bytes and cycles without operands.
  ChelaCore off(cfg, table());
  block(1, prompt);
  const Totals t = run_job(off, mem, BLK, 1, d, true);
  CHECK(t.steps == dec[0].steps);
  CHECK(t.read == dec[0].read);
  CHECK(t.written == dec[0].written);
  CHECK(t.cycles == dec[0].cycles);
}

TEST_CASE("CHELA group chunk cycles: one K feature map and one update for the group", "[chela][model]") {
  ChelaConfig cfg;
  cfg.array = {8, 8};
  CHECK(group_chunk_cycles(cfg, 16, 16, 16, 1, true) == output_chunk_cycles(cfg, 16, 16, 16, true));
  const std::uint64_t one = output_chunk_cycles(cfg, 16, 16, 16, true);
  const std::uint64_t four = group_chunk_cycles(cfg, 16, 16, 16, 4, true);
  CHECK(four > one);
  CHECK(four < 4 * one);
}
