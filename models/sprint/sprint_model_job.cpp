#include "models/sprint/sprint_model_job.hpp"

#include <stdexcept>

#include "models/common/job_descriptor.hpp"

namespace savp::sprint {

using common::bits_double;
using common::double_bits;
using common::load_le64;
using common::store_le64;

std::vector<std::uint8_t> SprintModelJob::serialise() const {
  std::vector<std::uint8_t> out(kBytes, 0);
  const std::uint64_t words[] = {
      kMagic,
      std::uint64_t{heads} | std::uint64_t{kv_heads} << 32,
      std::uint64_t{head_dim} | std::uint64_t{causal} << 32 | std::uint64_t{prefill} << 33,
      tokens,
      context,
      double_bits(softmax_scale),
      q_base,
      q_stride,
      out_base,
      out_stride,
      knew_base,
      vnew_base,
      new_row_stride,
      pim_base,
      pim_stride,
      lsb_base,
      v_base,
      cache_stride,
      state_addr};
  static_assert(sizeof(words) / 8 <= kBytes / 8, "block too small");
  for (std::size_t i = 0; i < sizeof(words) / 8; ++i) store_le64(out.data() + 8 * i, words[i]);
  return out;
}

SprintModelJob SprintModelJob::deserialise(const std::uint8_t* in, std::size_t n) {
  if (n < kBytes || load_le64(in) != kMagic)
    throw std::runtime_error("SPRINT model job block: bad magic word");
  auto w = [&](int i) { return load_le64(in + 8 * i); };
  SprintModelJob j;
  j.heads = static_cast<std::uint32_t>(w(1));
  j.kv_heads = static_cast<std::uint32_t>(w(1) >> 32);
  j.head_dim = static_cast<std::uint32_t>(w(2));
  j.causal = (w(2) >> 32) & 1;
  j.prefill = (w(2) >> 33) & 1;
  j.tokens = w(3);
  j.context = w(4);
  j.softmax_scale = bits_double(w(5));
  j.q_base = w(6);
  j.q_stride = w(7);
  j.out_base = w(8);
  j.out_stride = w(9);
  j.knew_base = w(10);
  j.vnew_base = w(11);
  j.new_row_stride = w(12);
  j.pim_base = w(13);
  j.pim_stride = w(14);
  j.lsb_base = w(15);
  j.v_base = w(16);
  j.cache_stride = w(17);
  j.state_addr = w(18);
  return j;
}

}  // namespace savp::sprint
