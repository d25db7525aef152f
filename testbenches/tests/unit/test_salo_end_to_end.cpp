// SALO scheduler + PE array together: the tiles the scheduler cuts from a hybrid pattern, computed by
// the PE array and merged by its weighted-sum units, give the masked reference attention (float
// datapath) or stay within the fixed datapath's measured error.
#include <catch2/catch.hpp>

#include <cmath>

#include "models/common/accuracy.hpp"
#include "models/common/attention_reference.hpp"
#include "models/common/workload_generator.hpp"
#include "models/salo/pe_array.hpp"
#include "models/salo/scheduler.hpp"

using namespace savp;

namespace {

struct Case {
  const char* name;
  std::uint64_t L;
  common::AttentionPattern p;
};

std::vector<Case> cases() {
  std::vector<Case> c;
  common::AttentionPattern w33;
  w33.window = 33;
  w33.global_tokens = {0};
  c.push_back({"window 33 + global", 256, w33});
  common::AttentionPattern dil;
  dil.window = 17;
  dil.dilation = 3;
  c.push_back({"dilated window", 200, dil});
  common::AttentionPattern causal;
  causal.window = 65;
  causal.causal = true;
  causal.global_tokens = {0, 100};
  c.push_back({"causal window + 2 globals", 192, causal});
  common::AttentionPattern grid;
  grid.grid_h = 12;
  grid.grid_w = 12;
  grid.window_h = 5;
  grid.window_w = 5;
  grid.global_tokens = {0};
  c.push_back({"2D window 5x5 on 12x12", 144, grid});
  return c;
}

double run(const Case& c, salo::Datapath dp, double sink_strength) {
  common::SyntheticParams sp;
  sp.sink_strength = sink_strength;
  const common::QkvData d = common::generate_qkv(sp, c.L, 64, 64, 11);
  const salo::Schedule s = salo::schedule(c.p, c.L, salo::SchedulerConfig{});
  REQUIRE(salo::check_coverage(s, c.p).empty());
  salo::ArrayConfig cfg;
  cfg.datapath = dp;
  const salo::ScheduleResult r = salo::run_schedule(s.tiles, d.q, d.k, d.v, cfg);
  const common::MatrixD ref = common::reference_attention(d.q, d.k, d.v, c.p, 1.0 / 8.0);
  CHECK(r.cycles > 0);
  return common::compare(r.out.data().data(), ref.data().data(), ref.size()).rel_l2_err;
}

}  // namespace

TEST_CASE("salo: scheduled tiles on the float PE array equal the masked reference", "[salo]") {
  for (const Case& c : cases()) {
    INFO(c.name);
    CHECK(run(c, salo::Datapath::Float, 2.0) < 1e-9);
  }
}

TEST_CASE("salo: the fixed datapath's error stays within its measured bound on mild data", "[salo]") {
  for (const Case& c : cases()) {
    INFO(c.name);
    const double e = run(c, salo::Datapath::Fixed, 0.5);
    CHECK(e > 1e-4);  // it really is fixed point
    CHECK(e < 0.05);
  }
}
