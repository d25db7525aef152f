// PimCommand: a processing-in-memory command an engine core asks its memory to run (SPRINT's added
// ReRAM commands), as pure C++ so cores stay free of SystemC. The accelerator module carries each
// one over its dedicated PIM socket (tlm/memory/pim_protocol.hpp) as a mandatory extension.
//  CopyQ:          write the low-precision query codes into the array's query buffer (CAS timing).
//  Threshold:      every stored key column of the array computes its analog score against the
//                  buffered query and a 1-bit comparator keeps it when the score reaches
//                  `threshold` (tAxTh); the keep bits stay in the array's pruning register.
//  ReadP:          read the pruning bit vector of the first `keys` columns into `out` (normal read).
//  TransposedRead: read the stored MSB codes of the selected `columns` (one byte per code, head_dim
//                  per key, in the order given) into `out`.
#pragma once

#include <cstdint>
#include <vector>

namespace savp::common {

struct PimCommand {
  enum class Kind : std::uint32_t { CopyQ, Threshold, ReadP, TransposedRead };
  Kind kind = Kind::CopyQ;
  std::uint64_t array = 0;                // base address of the array's key store in the PIM window
  std::uint32_t keys = 0;                 // stored key columns in use (Threshold, ReadP)
  std::uint32_t dim = 0;                  // codes per key
  std::vector<std::int32_t> query;        // CopyQ: dim codes of dac_bits
  double threshold = 0;                   // Threshold: in units of the integer dot product
  std::vector<std::uint32_t> columns;     // TransposedRead
  std::uint8_t* out = nullptr;            // ReadP: ceil(keys / 8) bytes; TransposedRead: columns x dim
};

}  // namespace savp::common
