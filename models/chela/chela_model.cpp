#include "models/chela/chela_model.hpp"

#include <stdexcept>

#include "models/common/job_descriptor.hpp"

namespace savp::chela {

std::vector<std::uint8_t> ChelaModelBlock::serialise() const {
  std::vector<std::uint8_t> b(kBytes);
  const std::uint64_t w[13] = {kMagic,          heads,      causal, load_state,    q_base,
                               q_head_stride,   k_base,     v_base, kv_row_stride, out_base,
                               out_head_stride, state_addr, context};
  for (int i = 0; i < 13; ++i) common::store_le64(&b[8 * i], w[i]);
  return b;
}

ChelaModelBlock ChelaModelBlock::deserialise(const std::uint8_t* bytes) {
  if (common::load_le64(bytes) != kMagic) throw std::runtime_error("CHELA model block: bad magic word");
  ChelaModelBlock j;
  std::uint64_t* f[12] = {&j.heads,         &j.causal,          &j.load_state, &j.q_base,
                          &j.q_head_stride, &j.k_base,          &j.v_base,     &j.kv_row_stride,
                          &j.out_base,      &j.out_head_stride, &j.state_addr, &j.context};
  for (int i = 0; i < 12; ++i) *f[i] = common::load_le64(bytes + 8 * (i + 1));
  return j;
}

std::uint64_t model_state_bytes(std::uint64_t d, std::uint64_t dv, bool normalise) {
  return (d * (dv + (normalise ? 1 : 0)) * 4 + 63) & ~std::uint64_t{63};
}

}  // namespace savp::chela
