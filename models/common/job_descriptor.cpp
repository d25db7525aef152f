#include "models/common/job_descriptor.hpp"

#include <cstring>
#include <stdexcept>

namespace savp::common {

void store_le64(std::uint8_t* p, std::uint64_t v) {
  for (int b = 0; b < 8; ++b) p[b] = static_cast<std::uint8_t>(v >> (8 * b));
}
std::uint64_t load_le64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int b = 0; b < 8; ++b) v |= static_cast<std::uint64_t>(p[b]) << (8 * b);
  return v;
}

std::uint64_t double_bits(double d) {
  std::uint64_t u;
  std::memcpy(&u, &d, 8);
  return u;
}
double bits_double(std::uint64_t u) {
  double d;
  std::memcpy(&d, &u, 8);
  return d;
}

const char* vector_op_name(VectorOp op) {
  switch (op) {
    case VectorOp::LayerNorm:
      return "layernorm";
    case VectorOp::RmsNorm:
      return "rmsnorm";
    case VectorOp::Gelu:
      return "gelu";
    case VectorOp::SiluMul:
      return "silu_mul";
    case VectorOp::Add:
      return "add";
    case VectorOp::Rope:
      return "rope";
    case VectorOp::Copy:
      return "copy";
  }
  return "?";
}

namespace {

void put(std::vector<std::uint8_t>& out, std::size_t word, std::uint64_t v) { store_le64(&out[word * 8], v); }
std::uint64_t get(const std::uint8_t* in, std::size_t word) { return load_le64(in + word * 8); }

}  // namespace

std::vector<std::uint8_t> JobDescriptor::serialise() const {
  std::vector<std::uint8_t> out(kBytes, 0);
  put(out, 0, kMagic);
  put(out, 1, static_cast<std::uint64_t>(kind) | (static_cast<std::uint64_t>(format) << 32));
  put(out, 2, int_bits | (static_cast<std::uint64_t>(timing_only ? 1 : 0) << 32));
  put(out, 3, rows);
  put(out, 4, cols);
  put(out, 5, depth);
  put(out, 6, value_dim);
  put(out, 7, addr_a);
  put(out, 8, addr_b);
  put(out, 9, addr_c);
  put(out, 10, addr_out);
  put(out, 11, double_bits(scale_a));
  put(out, 12, double_bits(scale_b));
  put(out, 13, double_bits(scale_c));
  put(out, 14, double_bits(softmax_scale));
  put(out, 15, causal | (static_cast<std::uint64_t>(window) << 32));
  put(out, 16, dilation);
  put(out, 17, grid_h | (static_cast<std::uint64_t>(grid_w) << 32));
  put(out, 18, window_h | (static_cast<std::uint64_t>(window_w) << 32));
  put(out, 19, addr_globals);
  put(out, 20, n_globals);
  // Word 21: the Vector job's op and result format, every other kind's traffic pattern and reads.
  if (kind == JobKind::Vector) {
    put(out, 21, static_cast<std::uint64_t>(vector_op) | (static_cast<std::uint64_t>(out_format) << 32));
  } else {
    put(out, 21, traffic_pattern | (static_cast<std::uint64_t>(read_permille) << 32));
  }
  put(out, 22, traffic_seed);
  put(out, 23, double_bits(pim_threshold));
  return out;
}

JobDescriptor JobDescriptor::deserialise(const std::uint8_t* in, std::size_t n) {
  if (n < kBytes || get(in, 0) != kMagic) {
    throw std::runtime_error("job descriptor: bad magic word or short descriptor");
  }
  JobDescriptor d;
  const std::uint64_t w1 = get(in, 1);
  d.kind = static_cast<JobKind>(w1 & 0xffffffffu);
  d.format = static_cast<ElemFormat>(w1 >> 32);
  const std::uint64_t w2 = get(in, 2);
  d.int_bits = static_cast<std::uint32_t>(w2 & 0xffffffffu);
  d.timing_only = ((w2 >> 32) & 1) != 0;
  d.rows = get(in, 3);
  d.cols = get(in, 4);
  d.depth = get(in, 5);
  d.value_dim = get(in, 6);
  d.addr_a = get(in, 7);
  d.addr_b = get(in, 8);
  d.addr_c = get(in, 9);
  d.addr_out = get(in, 10);
  d.scale_a = bits_double(get(in, 11));
  d.scale_b = bits_double(get(in, 12));
  d.scale_c = bits_double(get(in, 13));
  d.softmax_scale = bits_double(get(in, 14));
  const std::uint64_t w15 = get(in, 15);
  d.causal = static_cast<std::uint32_t>(w15 & 0xffffffffu);
  d.window = static_cast<std::uint32_t>(w15 >> 32);
  d.dilation = static_cast<std::uint32_t>(get(in, 16));
  const std::uint64_t w17 = get(in, 17), w18 = get(in, 18);
  d.grid_h = static_cast<std::uint32_t>(w17 & 0xffffffffu);
  d.grid_w = static_cast<std::uint32_t>(w17 >> 32);
  d.window_h = static_cast<std::uint32_t>(w18 & 0xffffffffu);
  d.window_w = static_cast<std::uint32_t>(w18 >> 32);
  d.addr_globals = get(in, 19);
  d.n_globals = get(in, 20);
  const std::uint64_t w21 = get(in, 21);
  if (d.kind == JobKind::Vector) {
    d.vector_op = static_cast<VectorOp>(w21 & 0xffffffffu);
    d.out_format = static_cast<ElemFormat>(w21 >> 32);
  } else {
    d.traffic_pattern = static_cast<std::uint32_t>(w21 & 0xffffffffu);
    d.read_permille = static_cast<std::uint32_t>(w21 >> 32);
  }
  d.traffic_seed = get(in, 22);
  d.pim_threshold = bits_double(get(in, 23));
  return d;
}

void JobDescriptor::set_pattern(const AttentionPattern& p, std::uint64_t globals_addr) {
  causal = p.causal ? 1 : 0;
  window = p.window;
  dilation = p.dilation;
  grid_h = p.grid_h;
  grid_w = p.grid_w;
  window_h = p.window_h;
  window_w = p.window_w;
  n_globals = p.global_tokens.size();
  addr_globals = globals_addr;
}

}  // namespace savp::common
