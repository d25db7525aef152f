#include "models/memory/backing_store.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace savp::memory {

void BackingStore::read(std::uint64_t addr, std::uint8_t* dst, std::uint64_t bytes) const {
  if (!contains(addr, bytes)) throw std::out_of_range("BackingStore::read outside the memory");
  while (bytes > 0) {
    const std::uint64_t page = addr / kPageBytes, off = addr % kPageBytes;
    const std::uint64_t n = std::min(bytes, kPageBytes - off);
    auto it = pages_.find(page);
    if (it == pages_.end()) {
      std::memset(dst, 0, n);
    } else {
      std::memcpy(dst, it->second->data() + off, n);
    }
    addr += n;
    dst += n;
    bytes -= n;
  }
}

std::uint8_t* BackingStore::page(std::uint64_t addr) {
  if (addr >= size_) throw std::out_of_range("BackingStore::page outside the memory");
  auto& p = pages_[addr / kPageBytes];
  if (!p) {
    p = std::make_unique<Page>();
    p->fill(0);
  }
  return p->data();
}

void BackingStore::write(std::uint64_t addr, const std::uint8_t* src, std::uint64_t bytes) {
  if (!contains(addr, bytes)) throw std::out_of_range("BackingStore::write outside the memory");
  while (bytes > 0) {
    const std::uint64_t page = addr / kPageBytes, off = addr % kPageBytes;
    const std::uint64_t n = std::min(bytes, kPageBytes - off);
    auto& p = pages_[page];
    if (!p) {
      p = std::make_unique<Page>();
      p->fill(0);
    }
    std::memcpy(p->data() + off, src, n);
    addr += n;
    src += n;
    bytes -= n;
  }
}

}  // namespace savp::memory
