// SpAtten's model form: the job block's model-layer fields and the per-sequence cascade state
// survive their little-endian layouts (spatten_job.hpp, spatten_model_state.hpp).
#include <catch2/catch.hpp>

#include "models/spatten/progressive_quant.hpp"
#include "models/spatten/spatten_job.hpp"
#include "models/spatten/spatten_model_state.hpp"

using namespace savp::spatten;

TEST_CASE("spatten model-layer job block round trip", "[spatten][model]") {
  SpattenJob j;
  j.mode = SpattenMode::ModelLayer;
  j.layers = 24;
  j.heads = 32;
  j.model_layer = 7;
  j.kv_group = 4;
  j.state_addr = 0x123456789ull;
  j.state_tokens = 32769;
  j.knew_base = 0x1000;
  j.vnew_base = 0x2000;
  j.new_row_stride = 2048;
  j.fresh = true;
  j.causal = true;
  j.first_query = 512;
  const SpattenJob k = SpattenJob::deserialise(j.serialise().data(), SpattenJob::kBytes);
  CHECK(k.mode == SpattenMode::ModelLayer);
  CHECK(k.model_layer == 7);
  CHECK(k.kv_group == 4);
  CHECK(k.state_addr == j.state_addr);
  CHECK(k.state_tokens == 32769);
  CHECK(k.knew_base == 0x1000);
  CHECK(k.vnew_base == 0x2000);
  CHECK(k.new_row_stride == 2048);
  CHECK(k.fresh);
  CHECK(k.causal);
  // K/V regions by kv head, Q and output rows by position - first_query.
  CHECK(k.kv_index(0, 13) == 3);
  CHECK(k.query_row(514) == 2);
  SpattenJob g;  // the single-job modes keep (layer, head) regions and absolute rows
  g.heads = 16;
  CHECK(g.kv_index(2, 5) == 37);
  CHECK(g.query_row(514) == 514);
}

TEST_CASE("spatten model state round trip", "[spatten][model]") {
  SpattenModelState s;
  s.tokens = {0, 3, 9, 40};
  s.token_importance = {0.5, 1.25, 2.0, 7.0};
  s.heads = {1, 2};
  s.head_importance = {0.0, 3.0, 4.5};
  const auto header = s.serialise_header(3);
  CHECK(header.size() == SpattenModelState::header_bytes(3));
  SpattenModelState t;
  REQUIRE(t.deserialise_header(header.data(), 3, 64) == 4);
  CHECK(t.heads == s.heads);
  CHECK(t.head_importance == s.head_importance);
  const auto pos = s.serialise_tokens(), imp = s.serialise_importance();
  t.deserialise_tokens(pos.data(), imp.data(), 4);
  CHECK(t.tokens == s.tokens);
  CHECK(t.token_importance == s.token_importance);
  // The token part lies after the header, the importance after the capacity's positions.
  CHECK(SpattenModelState::importance_offset(3, 64) >= SpattenModelState::tokens_offset(3) + 4 * 64);
  CHECK(SpattenModelState::region_bytes(3, 64) == SpattenModelState::importance_offset(3, 64) + 8 * 64);
  // A corrupt header (more tokens than the capacity) is a protocol error.
  CHECK_THROWS(t.deserialise_header(header.data(), 3, 2));
}

TEST_CASE("spatten quantise with a given scale saturates appended outliers", "[spatten][model]") {
  const double rows[4] = {0.5, -1.0, 3.0, -0.25};
  const BitSplit split{6, 4};
  const QuantisedTensor t = quantise_split_scaled(rows, 1, 4, split, 1.0 / 511.0);
  double out[4];
  decode_full_row(t.msb_row(0), t.lsb_row(0), 4, split, t.scale, out);
  CHECK(out[0] == Approx(0.5).margin(1.0 / 511));
  CHECK(out[1] == Approx(-1.0).margin(1.0 / 511));
  CHECK(out[2] == Approx(1.0).margin(1e-12));  // saturated at 511 x scale
  CHECK(out[3] == Approx(-0.25).margin(1.0 / 511));
}
