// DramAddressMap: a byte address to (channel, rank, bank group, bank, row, column) by the spec's
// bit-field order, and back. The low log2(burst_bytes) bits are the offset inside a burst; the
// column field counts bursts within a row (columns / burst_length of them).
#pragma once

#include <cstdint>
#include <vector>

#include "models/memory/dram_spec.hpp"

namespace savp::memory {

struct DramAddress {
  std::uint32_t channel = 0, rank = 0, bank_group = 0, bank = 0;  // bank: index inside its group
  std::uint32_t row = 0, column = 0;                              // column: burst index in the row
  std::uint32_t flat_bank(const DramGeometry& g) const {
    return (rank * g.bank_groups + bank_group) * g.banks_per_group + bank;
  }
};

class DramAddressMap {
 public:
  explicit DramAddressMap(const DramSpec& spec);
  DramAddress decode(std::uint64_t addr) const;
  std::uint64_t encode(const DramAddress& a) const;  // burst-aligned address
  std::uint64_t capacity_bytes() const { return capacity_; }

 private:
  struct Field {
    char kind;  // 'R' row, 'G' bank group, 'B' bank, 'K' rank, 'C' column, 'H' channel
    std::uint32_t bits;
    std::uint32_t shift;
  };
  std::vector<Field> fields_;
  // decode()'s table: per field kind (in DramAddress member order: channel, rank, bank group,
  // bank, row, column), its shift and mask.
  struct Extract {
    std::uint32_t shift = 0;
    std::uint64_t mask = 0;
  };
  Extract extract_[6];
  std::uint64_t capacity_ = 0;
};

}  // namespace savp::memory
