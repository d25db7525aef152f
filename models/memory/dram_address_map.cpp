#include "models/memory/dram_address_map.hpp"

#include <stdexcept>

namespace savp::memory {

namespace {

std::uint32_t log2_exact(std::uint64_t v) {
  std::uint32_t bits = 0;
  while ((std::uint64_t{1} << bits) < v) ++bits;
  if ((std::uint64_t{1} << bits) != v) {
    throw std::invalid_argument("DramAddressMap: " + std::to_string(v) + " is not a power of two");
  }
  return bits;
}

}  // namespace

DramAddressMap::DramAddressMap(const DramSpec& spec) {
  const DramGeometry& g = spec.geometry;
  const std::string order = spec.expanded_mapping();
  if (order.size() != 12) {
    throw std::invalid_argument("DramAddressMap: invalid mapping \"" + spec.mapping + "\"");
  }
  std::uint32_t shift = log2_exact(g.burst_bytes());
  // Walk the fields from least to most significant.
  std::vector<Field> reversed;
  for (std::size_t i = order.size(); i >= 2; i -= 2) {
    const std::string f = order.substr(i - 2, 2);
    Field field{};
    if (f == "Ro") {
      field = {'R', log2_exact(g.rows), 0};
    } else if (f == "Bg") {
      field = {'G', log2_exact(g.bank_groups), 0};
    } else if (f == "Ba") {
      field = {'B', log2_exact(g.banks_per_group), 0};
    } else if (f == "Ra") {
      field = {'K', log2_exact(g.ranks), 0};
    } else if (f == "Co") {
      field = {'C', log2_exact(g.columns / g.burst_length), 0};
    } else {
      field = {'H', log2_exact(g.channels), 0};
    }
    field.shift = shift;
    shift += field.bits;
    reversed.push_back(field);
  }
  fields_.assign(reversed.rbegin(), reversed.rend());
  for (const Field& f : fields_) {
    const int k = f.kind == 'H' ? 0 : f.kind == 'K' ? 1 : f.kind == 'G' ? 2 : f.kind == 'B' ? 3 : f.kind == 'R' ? 4 : 5;
    extract_[k] = Extract{f.shift, (std::uint64_t{1} << f.bits) - 1};
  }
  if (shift >= 64) throw std::invalid_argument("DramAddressMap: capacity exceeds 64-bit addresses");
  capacity_ = std::uint64_t{1} << shift;
}

DramAddress DramAddressMap::decode(std::uint64_t addr) const {
  if (addr >= capacity_) {
    throw std::out_of_range("DramAddressMap: address " + std::to_string(addr) + " beyond capacity " +
                            std::to_string(capacity_));
  }
  auto field = [&](int k) { return static_cast<std::uint32_t>((addr >> extract_[k].shift) & extract_[k].mask); };
  DramAddress a;
  a.channel = field(0);
  a.rank = field(1);
  a.bank_group = field(2);
  a.bank = field(3);
  a.row = field(4);
  a.column = field(5);
  return a;
}

std::uint64_t DramAddressMap::encode(const DramAddress& a) const {
  std::uint64_t addr = 0;
  for (const Field& f : fields_) {
    std::uint64_t v = 0;
    switch (f.kind) {
      case 'R':
        v = a.row;
        break;
      case 'G':
        v = a.bank_group;
        break;
      case 'B':
        v = a.bank;
        break;
      case 'K':
        v = a.rank;
        break;
      case 'C':
        v = a.column;
        break;
      default:
        v = a.channel;
        break;
    }
    if (v >> f.bits != 0) {
      throw std::out_of_range(std::string("DramAddressMap: field value ") + std::to_string(v) +
                              " does not fit in " + std::to_string(f.bits) + " bits");
    }
    addr |= v << f.shift;
  }
  return addr;
}

}  // namespace savp::memory
