// SpattenModelState: the cascade state of one sequence of a model on SpAtten, kept in a state region
// in main memory that every ModelLayer job of the sequence reads at its start and writes at its end
// (spatten_job.hpp). It holds what cascade pruning carries across layers and decode steps
// (../reference/spatten.md "Cascade token pruning", "Cascade head pruning"): the surviving tokens
// with their cumulative importance and the surviving heads with theirs. Evicted tokens are absent
// from the list, so no later layer or step fetches their K or V. Why memory and not the chip: a
// sequence's state at 32K context (384 KiB) does not fit beside the key/value SRAMs, several
// sequences share one engine, and several engines share the sequences of a batch; the reads and
// writes are priced as DRAM traffic of the job. Fixed little-endian layout (`heads` and `capacity`
// fixed per model):
//   u32 tokens, u32 heads | u32 head ids[heads] | f64 head importance[heads]   (the header part)
//   u32 token positions[capacity] | f64 token importance[capacity]             (first `tokens` used)
#pragma once

#include <cstdint>
#include <vector>

namespace savp::spatten {

struct SpattenModelState {
  std::vector<std::uint32_t> tokens;     // surviving positions, ascending
  std::vector<double> token_importance;  // parallel to tokens
  std::vector<std::uint32_t> heads;      // surviving heads, ascending
  std::vector<double> head_importance;   // per head (all heads)

  // Byte offsets of the parts of a state region for `heads` heads and `capacity` positions.
  static std::uint64_t header_bytes(std::uint32_t heads);
  static std::uint64_t tokens_offset(std::uint32_t heads) { return header_bytes(heads); }
  static std::uint64_t importance_offset(std::uint32_t heads, std::uint64_t capacity);
  static std::uint64_t region_bytes(std::uint32_t heads, std::uint64_t capacity);

  // The header part (token and head counts, head ids and importance) and the token part.
  std::vector<std::uint8_t> serialise_header(std::uint32_t heads) const;
  std::vector<std::uint8_t> serialise_tokens() const;      // token positions of tokens.size()
  std::vector<std::uint8_t> serialise_importance() const;  // token importance of tokens.size()
  // Reads a header part; returns the token count (the lists are read next). Throws
  // std::runtime_error on counts beyond `heads` or `capacity` (a corrupt region).
  std::uint32_t deserialise_header(const std::uint8_t* in, std::uint32_t heads, std::uint64_t capacity);
  void deserialise_tokens(const std::uint8_t* positions, const std::uint8_t* importance, std::uint32_t n);
};

}  // namespace savp::spatten
