// SpAtten TopK selection stream (models/spatten/topk_stream.hpp): the drain of one selection
// overlaps the fill of the next, so n back-to-back rows cost about rows x max(fill, drain) + the
// Run passes, not rows x (passes + drain + zero-eliminator pipeline) as lone selections would; the
// fill is bounded by the upstream stage; a bypassed selection costs nothing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "models/common/random.hpp"
#include "models/spatten/topk_engine.hpp"
#include "models/spatten/topk_stream.hpp"

using savp::common::Rng;
using savp::spatten::TopkConfig;
using savp::spatten::TopkEngine;
using savp::spatten::TopkResult;
using savp::spatten::TopkStream;

namespace {

std::vector<double> random_row(Rng& rng, std::size_t n) {
  std::vector<double> v(n);
  for (double& x : v) x = rng.uniform();
  return v;
}

}  // namespace

TEST_CASE("topk stream: rows cost rows x max(fill, drain) + passes, not rows x (passes + drain)", "[topk]") {
  TopkConfig c;
  c.parallelism = 16;
  TopkEngine engine(c, 5);
  TopkStream stream;
  Rng rng(3);
  const std::size_t n = 256, k = 64, rows = 40;
  const std::uint64_t fill = TopkStream::fill_cycles(n, c.parallelism, 0);
  REQUIRE(fill == 16);
  std::uint64_t streamed = 0, lone = 0, select = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const TopkResult res = engine.select(random_row(rng, n), k);
    REQUIRE(res.filter_cycles == 16);
    REQUIRE(res.cycles == res.select_cycles + res.filter_cycles + engine.pipeline_cycles());
    streamed += stream.next(res, fill);
    lone += res.cycles;
    select += res.select_cycles;
  }
  // Fill and drain are both ceil(256 / 16) = 16 cycles: each row costs 16 + its passes.
  CHECK(streamed == rows * std::max<std::uint64_t>(fill, 16) + select);
  // Lone selections would pay the drain and the zero eliminator's pipeline (5) on every row.
  CHECK(lone == select + rows * (16 + 5));
  CHECK(streamed < lone);
  CHECK(stream.pending_drain() == 16);
}

TEST_CASE("topk stream: a drain longer than the next fill holds the next selection", "[topk]") {
  TopkResult big, small;
  big.select_cycles = 10;
  big.filter_cycles = 64;  // a row of 1024 at P = 16
  small.select_cycles = 4;
  small.filter_cycles = 2;
  TopkStream s;
  CHECK(s.next(big, 64) == 64 + 10);
  CHECK(s.next(small, 2) == 64 + 4);  // waits for big's drain, not its own 2-cycle fill
  CHECK(s.next(small, 2) == 2 + 4);
  TopkResult bypassed;  // k == 0 or k >= n: the TopK is not used
  CHECK(s.next(bypassed, 100) == 0);
  CHECK(s.pending_drain() == 2);
  s.reset();
  CHECK(s.pending_drain() == 0);
}

TEST_CASE("topk stream: the fill is the slower of P per cycle and the upstream stage", "[topk]") {
  CHECK(TopkStream::fill_cycles(1024, 16, 0) == 64);
  CHECK(TopkStream::fill_cycles(1024, 16, 128) == 128);  // the softmax delivers 8 per cycle
  CHECK(TopkStream::fill_cycles(1000, 64, 0) == 16);
  CHECK(TopkStream::fill_cycles(0, 4, 0) == 0);
}
