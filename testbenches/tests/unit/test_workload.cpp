// Attention patterns, the double reference, and the synthetic generator's realism.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "models/common/attention_reference.hpp"
#include "models/common/energy_table.hpp"
#include "models/common/input_error.hpp"
#include "models/common/workload_spec.hpp"
#include "models/common/workload_generator.hpp"

using namespace savp::common;

TEST_CASE("pattern: masks follow the documented semantics", "[pattern]") {
  AttentionPattern p;
  p.window = 5;  // |i-j| <= 2
  auto g = p.global_flags(20);
  CHECK(p.allowed(10, 8, g));
  CHECK(p.allowed(10, 12, g));
  CHECK_FALSE(p.allowed(10, 13, g));
  p.dilation = 3;  // |i-j| in {0, 3, 6}
  CHECK(p.allowed(10, 4, g));
  CHECK_FALSE(p.allowed(10, 9, g));
  p.global_tokens = {0};
  g = p.global_flags(20);
  CHECK(p.allowed(10, 0, g));
  CHECK(p.allowed(0, 19, g));
  p.causal = true;
  CHECK_FALSE(p.allowed(0, 19, g));
  AttentionPattern q;
  q.causal = true;
  q.window = 4;  // i-3 .. i
  auto g2 = q.global_flags(10);
  CHECK(q.allowed(5, 2, g2));
  CHECK_FALSE(q.allowed(5, 1, g2));
  CHECK_FALSE(q.allowed(5, 6, g2));
  AttentionPattern t;
  t.grid_h = 4;
  t.grid_w = 4;
  t.window_h = 3;
  t.window_w = 3;
  auto g3 = t.global_flags(16);
  CHECK(t.allowed(5, 10, g3));        // (1,1) vs (2,2)
  CHECK_FALSE(t.allowed(5, 15, g3));  // (1,1) vs (3,3)
  CHECK_THAT(t.check(15), Catch::Contains("does not hold seq_len=15"));
  AttentionPattern bad;
  bad.global_tokens = {99};
  CHECK_THAT(bad.check(10), Catch::Contains("outside the sequence"));
}

TEST_CASE("pattern: a repeated global token is refused, at its element", "[pattern][hardening]") {
  AttentionPattern p;
  p.global_tokens = {4, 0, 4};
  CHECK(p.first_repeated_global() == 2);
  CHECK_THAT(p.check(10), Catch::Contains("global token 4 appears twice"));
  p.global_tokens = {4, 0, 7};
  CHECK(p.first_repeated_global() == 3);
  CHECK(p.check(10).empty());
  Json j = Json::parse(R"({"seq_len": 16, "pattern": {"global_tokens": [1, 2, 3, 2]}})");
  try {
    WorkloadSpec::parse(JsonNode(j, "w.json", "/workload"));
    FAIL("a repeated global token was accepted");
  } catch (const InputError& e) {
    CHECK(e.file() == "w.json");
    CHECK(e.path() == "/workload/pattern/global_tokens/3");
    CHECK_THAT(e.message(), Catch::Contains("global token 2 appears twice (also at /workload/pattern/global_tokens/1)"));
  }
  Json count = Json::parse(R"({"seq_len": 16, "pattern": {"global_tokens": 3}})");  // the first 3: distinct
  CHECK(WorkloadSpec::parse(JsonNode(count, "w.json")).pattern.global_tokens.size() == 3);
}

TEST_CASE("reference: rows sum to one, fully masked rows are zero", "[reference]") {
  MatrixD q(3, 2, 1.0), k(3, 2, 0.5), v(3, 1);
  v(0, 0) = 1;
  v(1, 0) = 2;
  v(2, 0) = 3;
  AttentionPattern p;  // equal scores: the mean of v
  MatrixD o = reference_attention(q, k, v, p, 1.0);
  CHECK(o(0, 0) == Approx(2.0));
  p.causal = true;
  o = reference_attention(q, k, v, p, 1.0);
  CHECK(o(0, 0) == Approx(1.0));
  CHECK(o(1, 0) == Approx(1.5));
  AttentionPattern w;
  w.window = 1;
  w.dilation = 1;
  o = reference_attention(q, k, v, w, 1.0);
  CHECK(o(2, 0) == Approx(3.0));
}

namespace {
// Mean over queries of the probability mass on the top 8 keys.
double top8_mass(const QkvData& d) {
  const std::size_t L = d.q.rows();
  double total = 0;
  std::vector<double> s(L);
  for (std::size_t i = 0; i < L; ++i) {
    double mx = -1e300;
    for (std::size_t j = 0; j < L; ++j) {
      double a = 0;
      for (std::size_t t = 0; t < d.q.cols(); ++t) a += d.q(i, t) * d.k(j, t);
      s[j] = a / std::sqrt(static_cast<double>(d.q.cols()));
      mx = std::max(mx, s[j]);
    }
    double sum = 0;
    for (auto& x : s) sum += (x = std::exp(x - mx));
    std::sort(s.rbegin(), s.rend());
    double top = 0;
    for (int t = 0; t < 8; ++t) top += s[t];
    total += top / sum;
  }
  return total / L;
}
}  // namespace

TEST_CASE("synthetic data: attention is peaked, and the knobs control it", "[workload]") {
  SyntheticParams realistic;
  const double peaked = top8_mass(generate_qkv(realistic, 256, 64, 64, 1));
  SyntheticParams flat;
  flat.locality = 0;
  flat.sinks = 0;
  flat.temperature = 4.0;
  const double uniform = top8_mass(generate_qkv(flat, 256, 64, 64, 1));
  CHECK(uniform < 0.1);  // close to 8/256 = 0.03
  CHECK(peaked > 0.5);   // most mass on a few keys
  SyntheticParams hot = realistic;
  hot.temperature = 0.5;
  CHECK(top8_mass(generate_qkv(hot, 256, 64, 64, 1)) > peaked);
  // Deterministic per seed, different across seeds.
  CHECK(generate_qkv(realistic, 16, 8, 8, 3).q.data() == generate_qkv(realistic, 16, 8, 8, 3).q.data());
  CHECK(generate_qkv(realistic, 16, 8, 8, 3).q.data() != generate_qkv(realistic, 16, 8, 8, 4).q.data());
}

TEST_CASE("energy table: derived prices follow the documented scaling rules", "[energy]") {
  Json j = Json::parse(R"({"name": "t", "entries": {
      "int8_mult": {"pj": 0.2, "source": "s"}, "int32_add": {"pj": 0.1, "source": "s"},
      "fp16_mult": {"pj": 1.1, "source": "s"}, "fp32_mult": {"pj": 3.7, "source": "s"},
      "fp32_add": {"pj": 0.9, "source": "s"}},
    "sram": {"anchors": [{"capacity_bytes": 8192, "read_pj_per_64b": 10, "source": "s"},
                          {"capacity_bytes": 262144, "read_pj_per_64b": 40, "source": "s"}]}})");
  EnergyTable t = EnergyTable::parse(JsonNode(j, "t.json"));
  CHECK(t.int_mult_pj(16) == Approx(0.8));
  CHECK(t.int_add_pj(16) == Approx(0.05));
  CHECK(t.mac_pj("int", 8, 32) == Approx(0.3));
  CHECK(t.mac_pj("fp16", 16, 32) == Approx(2.0));
  CHECK(t.sram_pj_per_64b(8192, false) == Approx(10));
  CHECK(t.sram_pj_per_64b(262144, false) == Approx(40));
  CHECK(t.sram_pj_per_64b(8192 * std::sqrt(32.0), false) == Approx(20));  // log-log midpoint
  CHECK_THROWS_AS(t.pj("nope"), InputError);
  Json bad = Json::parse(R"({"name": "t", "entries": {"x": {"pj": 1}}})");
  CHECK_THROWS_WITH(EnergyTable::parse(JsonNode(bad, "b.json")),
                    Catch::Contains("/entries/x: missing required key \"source\""));
}

TEST_CASE("candidate_keys holds every allowed key, and only window keys for a sliding window", "[pattern]") {
  using savp::common::AttentionPattern;
  for (bool causal : {false, true}) {
    for (std::uint32_t window : {0u, 1u, 2u, 5u, 8u, 33u}) {
      for (std::uint32_t dilation : {1u, 2u, 3u}) {
        for (int globals : {0, 2}) {
          AttentionPattern p;
          p.causal = causal;
          p.window = window;
          p.dilation = dilation;
          if (globals) {
            p.global_tokens.push_back(0);
            p.global_tokens.push_back(37);
          }
          if (window == 0 && !globals) continue;
          const std::uint64_t L = 64;
          const auto g = p.global_flags(L);
          std::vector<std::uint64_t> keys;
          for (std::uint64_t i = 0; i < L; ++i) {
            p.candidate_keys(i, L, g, keys);
            CHECK(std::is_sorted(keys.begin(), keys.end()));
            std::size_t allowed = 0;
            for (std::uint64_t j = 0; j < L; ++j) {
              if (!p.allowed(i, j, g)) continue;
              ++allowed;
              CHECK(std::binary_search(keys.begin(), keys.end(), j));
            }
            // Only the global tokens (which the causal mask may drop) are beyond the allowed keys.
            CHECK(keys.size() <= allowed + p.global_tokens.size());
          }
        }
      }
    }
  }
}
