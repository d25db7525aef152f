#include "models/spatten/spatten_model_state.hpp"

#include <cstring>
#include <stdexcept>

namespace savp::spatten {

namespace {

std::uint64_t align8(std::uint64_t v) { return (v + 7) & ~std::uint64_t{7}; }

}  // namespace

std::uint64_t SpattenModelState::header_bytes(std::uint32_t heads) {
  return align8(8 + 4 * std::uint64_t{heads}) + 8 * std::uint64_t{heads};
}

std::uint64_t SpattenModelState::importance_offset(std::uint32_t heads, std::uint64_t capacity) {
  return tokens_offset(heads) + align8(4 * capacity);
}

std::uint64_t SpattenModelState::region_bytes(std::uint32_t heads, std::uint64_t capacity) {
  return importance_offset(heads, capacity) + 8 * capacity;
}

std::vector<std::uint8_t> SpattenModelState::serialise_header(std::uint32_t n_heads) const {
  std::vector<std::uint8_t> out(header_bytes(n_heads), 0);
  const std::uint32_t counts[2] = {static_cast<std::uint32_t>(tokens.size()),
                                   static_cast<std::uint32_t>(heads.size())};
  std::memcpy(out.data(), counts, 8);
  std::memcpy(out.data() + 8, heads.data(), 4 * heads.size());
  std::memcpy(out.data() + align8(8 + 4 * std::uint64_t{n_heads}), head_importance.data(),
              8 * std::min<std::size_t>(n_heads, head_importance.size()));
  return out;
}

std::vector<std::uint8_t> SpattenModelState::serialise_tokens() const {
  std::vector<std::uint8_t> out(4 * tokens.size());
  std::memcpy(out.data(), tokens.data(), out.size());
  return out;
}

std::vector<std::uint8_t> SpattenModelState::serialise_importance() const {
  std::vector<std::uint8_t> out(8 * token_importance.size());
  std::memcpy(out.data(), token_importance.data(), out.size());
  return out;
}

std::uint32_t SpattenModelState::deserialise_header(const std::uint8_t* in, std::uint32_t n_heads,
                                                    std::uint64_t capacity) {
  std::uint32_t counts[2];
  std::memcpy(counts, in, 8);
  if (counts[0] > capacity || counts[1] > n_heads || counts[1] == 0)
    throw std::runtime_error("SpAtten model state: corrupt header (" + std::to_string(counts[0]) +
                             " tokens, " + std::to_string(counts[1]) + " heads)");
  heads.resize(counts[1]);
  std::memcpy(heads.data(), in + 8, 4 * heads.size());
  head_importance.resize(n_heads);
  std::memcpy(head_importance.data(), in + align8(8 + 4 * std::uint64_t{n_heads}),
              8 * std::uint64_t{n_heads});
  return counts[0];
}

void SpattenModelState::deserialise_tokens(const std::uint8_t* positions, const std::uint8_t* importance,
                                           std::uint32_t n) {
  tokens.resize(n);
  token_importance.resize(n);
  std::memcpy(tokens.data(), positions, 4 * std::uint64_t{n});
  std::memcpy(token_importance.data(), importance, 8 * std::uint64_t{n});
}

}  // namespace savp::spatten
