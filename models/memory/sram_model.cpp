#include "models/memory/sram_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace savp::memory {

namespace {

bool is_pow2(std::uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

std::uint32_t log2_of(std::uint64_t v) {
  std::uint32_t s = 0;
  while ((std::uint64_t{1} << s) < v) ++s;
  return s;
}

// The keys a standalone macro (SramSpec::parse) and the platform's shared SRAM (parse_platform)
// share, after the capacity; `capacity_key` names the capacity in the stripe message.
void parse_geometry(common::JsonNode& n, SramSpec& s, const std::string& capacity_key) {
  s.banks = static_cast<std::uint32_t>(n.get_int("banks", s.banks, 1, 4096));
  if (!is_pow2(s.banks)) n.child("banks").fail_expected("a power of two");
  s.ports = static_cast<std::uint32_t>(n.get_int("ports", s.ports, 1, 2));
  s.word_bytes = static_cast<std::uint32_t>(n.get_int("word_bytes", s.word_bytes, 1, 4096));
  if (!is_pow2(s.word_bytes)) n.child("word_bytes").fail_expected("a power of two");
  s.latency_cycles = static_cast<std::uint32_t>(n.get_int("latency_cycles", s.latency_cycles, 1, 1 << 20));
  s.clock_mhz = n.get_number_in("clock_mhz", s.clock_mhz, 1e-3, 1e6);
  s.leakage_mw_per_kib = n.get_number_in("leakage_mw_per_kib", 0.0, 0.0, 1e6);
  const bool has_source = n.has("leakage_source");
  s.leakage_source = n.get_string("leakage_source", SramSpec::kTableLeakageSource);
  if (s.leakage_mw_per_kib > 0 && !has_source) {
    n.child("leakage_mw_per_kib")
        .fail("a non-zero leakage needs a \"leakage_source\" naming where the figure comes from");
  }
  const std::uint64_t stripe = std::uint64_t{s.banks} * s.word_bytes;
  if (s.capacity_bytes % stripe != 0) {
    n.child(capacity_key)
        .fail("expected a multiple of banks x word_bytes = " + std::to_string(s.banks) + " x " +
              std::to_string(s.word_bytes) + " = " + std::to_string(stripe) + ", found " +
              std::to_string(s.capacity_bytes) + " bytes");
  }
}

}  // namespace

SramSpec SramSpec::parse(common::JsonNode n) {
  SramSpec s;
  n.get_choice("kind", {"sram"}, "sram");
  s.name = n.get_string("name", s.name);
  s.description = n.get_string("description", "");
  s.capacity_bytes = static_cast<std::uint64_t>(n.get_int("capacity_bytes", 1, std::int64_t{1} << 40));
  parse_geometry(n, s, "capacity_bytes");
  s.interleave = n.get_choice("interleave", {"word", "block"}, "word") == "block" ? SramInterleave::Block
                                                                                  : SramInterleave::Word;
  n.finish();
  return s;
}

SramSpec SramSpec::parse_platform(common::JsonNode n) {
  SramSpec s;
  s.name = "sram";
  const std::int64_t kib = n.get_int("size_kib", 1, kMaxPlatformKib);
  s.capacity_bytes = static_cast<std::uint64_t>(kib) * 1024;
  parse_geometry(n, s, "size_kib");
  n.finish();
  return s;
}

SramModel::SramModel(SramSpec spec, double read_pj_per_word, double write_pj_per_word)
    : spec_(std::move(spec)), read_pj_(read_pj_per_word), write_pj_(write_pj_per_word) {
  if (!is_pow2(spec_.banks) || !is_pow2(spec_.word_bytes) || spec_.ports < 1 || spec_.ports > 2 ||
      spec_.latency_cycles < 1 || !(spec_.clock_mhz > 0) ||
      spec_.capacity_bytes % (std::uint64_t{spec_.banks} * spec_.word_bytes) != 0 ||
      spec_.capacity_bytes == 0) {
    throw std::invalid_argument("SramModel \"" + spec_.name + "\": inconsistent spec (see SramSpec::parse)");
  }
  hardware_.leakage_uw = spec_.leakage_mw() * 1e3;
  hardware_.state_leakage_uw = hardware_.leakage_uw;
  word_shift_ = log2_of(spec_.word_bytes);
  port_free_.assign(std::size_t{spec_.banks} * spec_.ports, 0);
  counters_.bank_words.assign(spec_.banks, 0);
}

SramModel::SramModel(SramSpec spec, const common::EnergyTable& energy)
    : SramModel(
          spec,
          energy.sram_pj_per_64b(static_cast<double>(spec.capacity_bytes), false) * spec.word_bytes / 8.0,
          energy.sram_pj_per_64b(static_cast<double>(spec.capacity_bytes), true) * spec.word_bytes / 8.0) {
  const common::HardwareCost hw = energy.sram_hw(static_cast<double>(spec_.capacity_bytes), spec_.banks);
  hardware_.area_um2 = hw.area_um2;
  if (!(spec_.leakage_mw_per_kib > 0)) hardware_.leakage_uw = hw.leakage_uw;
  hardware_.state_leakage_uw = hardware_.leakage_uw;  // an SRAM's leakage holds its contents
}

std::uint32_t SramModel::bank_of(std::uint64_t addr) const {
  if (spec_.interleave == SramInterleave::Block) return static_cast<std::uint32_t>(addr / spec_.bank_bytes());
  return static_cast<std::uint32_t>((addr >> word_shift_) & (spec_.banks - 1));
}

std::uint64_t SramModel::words_of(std::uint64_t addr, std::uint64_t bytes) const {
  if (bytes == 0) return 0;
  return ((addr + bytes - 1) >> word_shift_) - (addr >> word_shift_) + 1;
}

template <typename Fn>
void SramModel::for_each_bank(std::uint64_t addr, std::uint64_t bytes, Fn&& fn) const {
  if (bytes == 0 || bytes > spec_.capacity_bytes || addr > spec_.capacity_bytes - bytes) {
    throw std::out_of_range("SRAM \"" + spec_.name + "\": access of " + std::to_string(bytes) + " bytes at " +
                            std::to_string(addr) + " outside its " + std::to_string(spec_.capacity_bytes) +
                            " bytes");
  }
  const std::uint64_t first = addr >> word_shift_;
  const std::uint64_t n = words_of(addr, bytes);
  if (spec_.interleave == SramInterleave::Word) {
    // Word w lives in bank w % banks: every bank gets n / banks words, and the n % banks banks
    // following the first word's bank one more.
    const std::uint64_t banks = spec_.banks;
    const std::uint64_t full = n / banks, extra = n % banks;
    const std::uint64_t b0 = first % banks;
    for (std::uint64_t i = 0; i < banks; ++i) {
      const std::uint64_t b = (b0 + i) % banks;
      const std::uint64_t words = full + (i < extra ? 1 : 0);
      if (words) fn(static_cast<std::uint32_t>(b), words);
    }
    return;
  }
  // Block interleave: consecutive ranges of bank_bytes / word_bytes words per bank.
  const std::uint64_t per_bank = spec_.bank_bytes() >> word_shift_;
  const std::uint64_t last = first + n - 1;
  for (std::uint64_t b = first / per_bank; b <= last / per_bank; ++b) {
    const std::uint64_t lo = std::max(first, b * per_bank), hi = std::min(last, (b + 1) * per_bank - 1);
    fn(static_cast<std::uint32_t>(b), hi - lo + 1);
  }
}

std::uint64_t SramModel::account(std::uint32_t bytes, bool write, std::uint64_t arrival,
                                 std::uint64_t last_access) {
  SramCounters& c = counters_;
  if (write) {
    ++c.write_requests;
    c.bytes_written += bytes;
  } else {
    ++c.read_requests;
    c.bytes_read += bytes;
  }
  const std::uint64_t conflict = last_access - arrival;
  c.conflict_cycles += conflict;
  if (conflict) ++c.conflicted_requests;
  const std::uint64_t done = last_access + spec_.latency_cycles;
  c.last_completion_cycle = std::max(c.last_completion_cycle, done);
  return done;
}

std::uint64_t SramModel::access(std::uint64_t addr, std::uint32_t bytes, bool write,
                                std::uint64_t arrival_cycle) {
  std::uint64_t last = arrival_cycle;
  const std::uint32_t ports = spec_.ports;
  for_each_bank(addr, bytes, [&](std::uint32_t bank, std::uint64_t words) {
    std::uint64_t* free = &port_free_[std::size_t{bank} * ports];
    if (ports == 1) {
      const std::uint64_t start = std::max(arrival_cycle, free[0]);
      free[0] = start + words;
      last = std::max(last, free[0] - 1);
    } else {
      // Two ports: each word goes to the port that frees first (ties to port 0).
      for (std::uint64_t w = 0; w < words; ++w) {
        std::uint64_t& p = free[1] < free[0] ? free[1] : free[0];
        const std::uint64_t start = std::max(arrival_cycle, p);
        p = start + 1;
        last = std::max(last, start);
      }
    }
    counters_.bank_words[bank] += words;
    (write ? counters_.write_words : counters_.read_words) += words;
  });
  return account(bytes, write, arrival_cycle, last);
}

std::uint64_t SramModel::own_cycles(std::uint64_t addr, std::uint64_t bytes) const {
  std::uint64_t cycles = 1;
  const std::uint64_t ports = spec_.ports;
  for_each_bank(addr, bytes, [&](std::uint32_t, std::uint64_t words) {
    cycles = std::max(cycles, (words + ports - 1) / ports);
  });
  return cycles;
}

std::uint64_t SramModel::access_immediate(std::uint64_t addr, std::uint32_t bytes, bool write,
                                          std::uint64_t arrival_cycle) {
  const std::uint64_t cycles = own_cycles(addr, bytes);  // checks the range
  for_each_bank(addr, bytes, [&](std::uint32_t bank, std::uint64_t words) {
    counters_.bank_words[bank] += words;
    (write ? counters_.write_words : counters_.read_words) += words;
  });
  return account(bytes, write, arrival_cycle, arrival_cycle + cycles - 1);
}

double SramModel::dynamic_pj() const {
  return static_cast<double>(counters_.read_words) * read_pj_ +
         static_cast<double>(counters_.write_words) * write_pj_;
}

common::ActionLedger SramModel::actions() const {
  return {{"read_word", {counters_.read_words, read_pj_, "word"}},
          {"write_word", {counters_.write_words, write_pj_, "word"}}};
}

}  // namespace savp::memory
