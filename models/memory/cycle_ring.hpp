// CycleRing: for each of a fixed number of keys, one bit per clock cycle over a sliding window of
// cycles [base, base + span), stored as a ring of 64-bit words. The DRAM channel keeps in it the
// cycles at which placed column commands forbid new ones, so a first fit is a scan for the first
// clear bit (of the union of a few keys) instead of a walk over the placed commands. Cycles beyond
// the window read as clear; cycles below it are never asked for. Pure C++, header only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace savp::memory {

class CycleRing {
 public:
  struct Keys3 {  // a union of three keys' bits
    std::uint32_t a, b, k;
  };

  CycleRing(std::size_t keys, std::uint32_t words)
      : keys_(keys), words_(words), end_(64 * std::uint64_t{words}), bits_(keys * words, 0),
        used_((words + 63) / 64, 0) {}

  std::uint64_t base() const { return base_; }
  std::uint64_t end() const { return end_; }

  // Makes cycle `hi` representable while every cycle >= keep stays so, with its bits: slides the
  // window forward (clearing the cycles that leave it) or, when [keep, hi] does not fit, widens it
  // (doubling the words per key) and moves the bits of the cycles from keep on into it. Only the
  // words that hold set bits are cleared or moved (used_ marks them): a slide over a stretch of
  // idle cycles costs what was set in it, not its length.
  void reach(std::uint64_t hi, std::uint64_t keep) {
    if (hi < end()) return;
    keep &= ~std::uint64_t{63};
    const std::uint64_t span = 64 * std::uint64_t{words_};
    const std::uint64_t want = ((hi + 1 - span) + 63) & ~std::uint64_t{63};  // smallest base holding hi
    if (want <= keep) {
      clear_words(base_ >> 6, std::min(want >> 6, (base_ >> 6) + words_));
      base_ = want;
      end_ = base_ + span;
      return;
    }
    const std::uint32_t old_words = words_;
    while (keep + 64 * std::uint64_t{words_} <= hi) words_ *= 2;
    std::vector<std::uint64_t> grown(keys_ * words_, 0), grown_used((words_ + 63) / 64, 0);
    for (std::uint64_t w = std::max(keep, base_) >> 6; w < (base_ >> 6) + old_words; ++w) {
      const std::size_t from = w & (old_words - 1), to = w & (words_ - 1);
      if (((used_[from >> 6] >> (from & 63)) & 1) == 0) continue;
      grown_used[to >> 6] |= std::uint64_t{1} << (to & 63);
      for (std::size_t k = 0; k < keys_; ++k) grown[k * words_ + to] = bits_[k * old_words + from];
    }
    bits_.swap(grown);
    used_.swap(grown_used);
    base_ = keep;
    end_ = base_ + 64 * std::uint64_t{words_};
  }

  // Sets the bits of cycles [lo, hi] for `key` (those below the window are skipped); hi < end().
  void set(std::size_t key, std::uint64_t lo, std::uint64_t hi) {
    if (lo < base_) lo = base_;
    if (lo > hi) return;
    mark(lo >> 6, hi >> 6);
    std::uint64_t* row = bits_.data() + key * words_;
    const std::uint32_t off = static_cast<std::uint32_t>(lo & 63);
    std::uint64_t len = hi - lo + 1;
    if (off + len <= 64) {  // one word (the usual case)
      row[(lo >> 6) & (words_ - 1)] |= (len == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << len) - 1) << off;
      return;
    }
    row[(lo >> 6) & (words_ - 1)] |= ~std::uint64_t{0} << off;
    len -= 64 - off;
    for (std::uint64_t w = (lo >> 6) + 1; len > 0; ++w) {
      const std::uint64_t n = len < 64 ? len : 64;
      row[w & (words_ - 1)] |= n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
      len -= n;
    }
  }

  // set(key, lo, lo + len - 1) for 1 <= len <= 64, with mask = the len low bits set.
  void set_span(std::size_t key, std::uint64_t lo, std::uint32_t len, std::uint64_t mask) {
    if (lo < base_) {
      set(key, lo, lo + len - 1);
      return;
    }
    std::uint64_t* row = bits_.data() + key * words_;
    const std::uint32_t off = static_cast<std::uint32_t>(lo & 63);
    const std::uint64_t w = lo >> 6;
    mark(w, w + (off + len > 64 ? 1 : 0));
    row[w & (words_ - 1)] |= mask << off;
    if (off + len > 64) row[(w + 1) & (words_ - 1)] |= mask >> (64 - off);
  }

  // For i < N, sets in key keys[i] the cycles lo + j for the bits j of masks[i]: several keys'
  // patterns of one 64-cycle window at the cost of one offset computation (N fixed: an unrolled
  // loop). lo >= base(), and every cycle set is < end().
  template <std::size_t N>
  void set_masks(const std::uint32_t* keys, const std::uint64_t* masks, std::uint64_t lo) {
    const std::uint32_t off = static_cast<std::uint32_t>(lo & 63);
    const std::size_t w0 = (lo >> 6) & (words_ - 1), w1 = (w0 + 1) & (words_ - 1);
    mark(lo >> 6, (lo >> 6) + (off != 0 ? 1 : 0));
    std::uint64_t* bits = bits_.data();
    if (off == 0) {
      for (std::size_t i = 0; i < N; ++i) bits[keys[i] * words_ + w0] |= masks[i];
      return;
    }
    for (std::size_t i = 0; i < N; ++i) {
      std::uint64_t* row = bits + keys[i] * words_;
      row[w0] |= masks[i] << off;
      row[w1] |= masks[i] >> (64 - off);
    }
  }

  // Whether the bits of cycle c for keys a, b and k are all clear (c >= base()).
  bool clear_at(std::size_t a, std::size_t b, std::size_t k, std::uint64_t c) const {
    if (c >= end()) return true;
    const std::size_t w = (c >> 6) & (words_ - 1);
    return (((bits_[a * words_ + w] | bits_[b * words_ + w] | bits_[k * words_ + w]) >> (c & 63)) & 1) == 0;
  }

  // The smallest cycle >= c whose bits for keys a, b and k are all clear (c >= base()).
  std::uint64_t next_clear(std::size_t a, std::size_t b, std::size_t k, std::uint64_t c) const {
    const std::uint64_t *ra = bits_.data() + a * words_, *rb = bits_.data() + b * words_,
                        *rk = bits_.data() + k * words_;
    const std::uint64_t stop = end();  // a multiple of 64, as base_ is
    if (c >= stop) return c;
    const std::uint64_t m = words_ - 1;
    std::uint64_t w = c >> 6;
    // The first word with the cycles below c read as busy, then whole words.
    std::uint64_t free = ~(ra[w & m] | rb[w & m] | rk[w & m] | ((std::uint64_t{1} << (c & 63)) - 1));
    while (free == 0) {
      if (++w == stop >> 6) return stop;
      free = ~(ra[w & m] | rb[w & m] | rk[w & m]);
    }
    return (w << 6) + static_cast<std::uint64_t>(__builtin_ctzll(free));
  }

  // The smallest cycle >= c at which the bits of at least one of the n unions are all clear.
  std::uint64_t next_clear_any(const Keys3* unions, std::size_t n, std::uint64_t c) const {
    const std::uint64_t stop = end();  // a multiple of 64, as base_ is
    if (c >= stop) return c;
    auto busy = [&](std::uint64_t w) {
      const std::size_t o = w & (words_ - 1);
      std::uint64_t all = ~std::uint64_t{0};
      for (std::size_t i = 0; i < n; ++i) {
        const Keys3& u = unions[i];
        all &= bits_[u.a * words_ + o] | bits_[u.b * words_ + o] | bits_[u.k * words_ + o];
      }
      return all;
    };
    std::uint64_t w = c >> 6;
    // As next_clear: the first word with the cycles below c read as busy, then whole words.
    std::uint64_t free = ~(busy(w) | ((std::uint64_t{1} << (c & 63)) - 1));
    while (free == 0) {
      if (++w == stop >> 6) return stop;
      free = ~busy(w);
    }
    return (w << 6) + static_cast<std::uint64_t>(__builtin_ctzll(free));
  }

 private:
  // Notes that the words [w_lo, w_hi] (absolute word indices, inside the window) hold set bits.
  void mark(std::uint64_t w_lo, std::uint64_t w_hi) {
    const std::size_t i = w_lo & (words_ - 1);
    // One word, or two adjacent ones under one used_ word (the usual cases).
    if (w_hi == w_lo || (w_hi == w_lo + 1 && (i & 63) != 63 && i + 1 < words_)) {
      used_[i >> 6] |= (w_hi == w_lo ? std::uint64_t{1} : std::uint64_t{3}) << (i & 63);
      return;
    }
    for (std::uint64_t w = w_lo; w <= w_hi; ++w) {
      const std::size_t j = w & (words_ - 1);
      used_[j >> 6] |= std::uint64_t{1} << (j & 63);
    }
  }
  // Clears, for every key, the used words of [from, to) (absolute word indices, to - from <= words_).
  void clear_words(std::uint64_t from, std::uint64_t to) {
    while (from < to) {
      const std::size_t i = from & (words_ - 1);
      const std::uint32_t s = static_cast<std::uint32_t>(i & 63);
      // Words [i, i + n) of the ring: inside one used_ word and without wrapping around the ring.
      const std::uint64_t n = std::min<std::uint64_t>({to - from, 64 - s, words_ - i});
      std::uint64_t& u = used_[i >> 6];
      std::uint64_t hit = (u >> s) & (n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1);
      u &= ~(hit << s);
      while (hit != 0) {
        const std::size_t r = i + static_cast<std::size_t>(__builtin_ctzll(hit));
        hit &= hit - 1;
        for (std::size_t k = 0; k < keys_; ++k) bits_[k * words_ + r] = 0;
      }
      from += n;
    }
  }

  std::size_t keys_;
  std::uint32_t words_;  // per key, a power of two
  std::uint64_t base_ = 0;
  std::uint64_t end_;  // base_ + 64 words_, kept
  std::vector<std::uint64_t> bits_;
  std::vector<std::uint64_t> used_;  // a bit per ring word: set when the word may hold set bits (any key)
};

}  // namespace savp::memory
