#include "models/spatten/spatten_job.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "models/common/job_descriptor.hpp"
#include "models/spatten/progressive_quant.hpp"

namespace savp::spatten {

using common::bits_double;
using common::double_bits;
using common::load_le64;
using common::store_le64;

namespace {

std::uint64_t pair(std::uint64_t lo, std::uint64_t hi) { return (lo & 0xffffffffu) | (hi << 32); }

}  // namespace

void TraceCommand::serialise(std::uint8_t* out) const {
  store_le64(out, std::uint64_t{iteration} | std::uint64_t{layer & 0xffff} << 32 |
                      std::uint64_t{head & 0xffff} << 48);
  store_le64(out + 8, pair(seq_len, keys));
  store_le64(out + 16, pair(values, topk_k));
  const auto b = [](std::int32_t v) { return static_cast<std::uint64_t>(static_cast<std::uint8_t>(v)); };
  store_le64(out + 24, b(key_bits) | b(value_bits) << 8 | b(query_bits) << 16 | b(extra_bits) << 24 |
                           std::uint64_t{requant} << 32 | std::uint64_t{topk} << 33);
}

TraceCommand TraceCommand::deserialise(const std::uint8_t* in) {
  TraceCommand c;
  const std::uint64_t w0 = load_le64(in), w1 = load_le64(in + 8), w2 = load_le64(in + 16),
                      w3 = load_le64(in + 24);
  c.iteration = static_cast<std::uint32_t>(w0 & 0xffffffffu);
  c.layer = static_cast<std::uint32_t>((w0 >> 32) & 0xffff);
  c.head = static_cast<std::uint32_t>(w0 >> 48);
  c.seq_len = static_cast<std::uint32_t>(w1);
  c.keys = static_cast<std::uint32_t>(w1 >> 32);
  c.values = static_cast<std::uint32_t>(w2);
  c.topk_k = static_cast<std::uint32_t>(w2 >> 32);
  const auto s = [&](int shift) { return static_cast<std::int32_t>(static_cast<std::int8_t>(w3 >> shift)); };
  c.key_bits = s(0);
  c.value_bits = s(8);
  c.query_bits = s(16);
  c.extra_bits = s(24);
  c.requant = (w3 >> 32) & 1;
  c.topk = (w3 >> 33) & 1;
  return c;
}

std::vector<std::uint8_t> SpattenJob::serialise() const {
  std::vector<std::uint8_t> out(kBytes, 0);
  const std::uint64_t words[] = {
      kMagic,
      pair(static_cast<std::uint32_t>(mode), quantised ? 1 : 0),
      pair(layers, heads),
      pair(head_dim, value_dim),
      seq_len,
      first_query,
      double_bits(softmax_scale),
      pair(key_msb, std::uint64_t{key_lsb & 0xffff} | std::uint64_t{value_bits} << 16),
      q_base,
      k_msb_base,
      k_lsb_base,
      v_base,
      out_base,
      q_stride,
      k_msb_stride,
      k_lsb_stride,
      v_stride,
      out_stride,
      scales_addr,
      log_addr,
      trace_addr,
      trace_rows,
      trace_steps,
      pair(model_layer, kv_group),
      state_addr,
      (state_tokens & ((std::uint64_t{1} << 62) - 1)) | std::uint64_t{fresh} << 62 |
          std::uint64_t{causal} << 63,
      knew_base,
      vnew_base,
      new_row_stride};
  for (std::size_t i = 0; i < sizeof(words) / sizeof(words[0]); ++i) store_le64(&out[8 * i], words[i]);
  return out;
}

SpattenJob SpattenJob::deserialise(const std::uint8_t* in, std::size_t n) {
  if (n < kBytes || load_le64(in) != kMagic) throw std::runtime_error("SpAtten job block: bad magic word");
  const auto w = [&](std::size_t i) { return load_le64(in + 8 * i); };
  const auto lo = [](std::uint64_t v) { return static_cast<std::uint32_t>(v & 0xffffffffu); };
  const auto hi = [](std::uint64_t v) { return static_cast<std::uint32_t>(v >> 32); };
  SpattenJob j;
  j.mode = static_cast<SpattenMode>(lo(w(1)));
  j.quantised = hi(w(1)) != 0;
  j.layers = lo(w(2));
  j.heads = hi(w(2));
  j.head_dim = lo(w(3));
  j.value_dim = hi(w(3));
  j.seq_len = w(4);
  j.first_query = w(5);
  j.softmax_scale = bits_double(w(6));
  j.key_msb = lo(w(7));
  j.key_lsb = hi(w(7)) & 0xffff;
  j.value_bits = hi(w(7)) >> 16;
  std::uint64_t* fields[] = {&j.q_base,      &j.k_msb_base,   &j.k_lsb_base,   &j.v_base,     &j.out_base,
                             &j.q_stride,    &j.k_msb_stride, &j.k_lsb_stride, &j.v_stride,   &j.out_stride,
                             &j.scales_addr, &j.log_addr,     &j.trace_addr,   &j.trace_rows, &j.trace_steps};
  for (std::size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); ++i) *fields[i] = w(8 + i);
  j.model_layer = lo(w(23));
  j.kv_group = std::max<std::uint32_t>(1, hi(w(23)));
  j.state_addr = w(24);
  j.state_tokens = w(25) & ((std::uint64_t{1} << 62) - 1);
  j.fresh = (w(25) >> 62) & 1;
  j.causal = (w(25) >> 63) & 1;
  j.knew_base = w(26);
  j.vnew_base = w(27);
  j.new_row_stride = w(28);
  return j;
}

std::uint64_t SpattenJob::k_msb_row_bytes() const {
  return quantised ? packed_row_bytes(static_cast<int>(key_msb), head_dim) : std::uint64_t{head_dim} * 4;
}
std::uint64_t SpattenJob::k_lsb_row_bytes() const {
  return quantised && key_lsb ? packed_row_bytes(static_cast<int>(key_lsb), head_dim) : 0;
}
std::uint64_t SpattenJob::v_row_bytes() const {
  return quantised ? packed_row_bytes(static_cast<int>(value_bits), value_dim) : std::uint64_t{value_dim} * 4;
}
std::uint64_t SpattenJob::steps() const {
  if (mode == SpattenMode::Trace) return trace_steps;
  return mode == SpattenMode::Generate ? seq_len - first_query : 1;  // ModelLayer: one pass
}

}  // namespace savp::spatten
