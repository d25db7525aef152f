#include "models/memory/backing_store.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace savp::memory {

namespace {
// memcpy / memset with the common burst size as a constant, so that the compiler inlines it (the
// library call costs more than the 64-byte move itself).
constexpr std::uint64_t kBurst = 64;
void copy(std::uint8_t* dst, const std::uint8_t* src, std::uint64_t n) {
  if (n == kBurst) {
    std::memcpy(dst, src, kBurst);
  } else {
    std::memcpy(dst, src, n);
  }
}
void zero(std::uint8_t* dst, std::uint64_t n) {
  if (n == kBurst) {
    std::memset(dst, 0, kBurst);
  } else {
    std::memset(dst, 0, n);
  }
}
}  // namespace

BackingStore::Page* BackingStore::find(std::uint64_t index) const {
  if (index == last_index_) return last_page_;
  auto it = pages_.find(index);
  last_index_ = index;  // an untouched page is remembered too (get() replaces it when creating it)
  last_page_ = it == pages_.end() ? nullptr : it->second.get();
  return last_page_;
}

BackingStore::Page& BackingStore::get(std::uint64_t index) {
  if (Page* p = find(index)) return *p;
  auto& p = pages_[index];
  p = std::make_unique<Page>();
  p->fill(0);
  last_index_ = index;
  last_page_ = p.get();
  return *p;
}

void BackingStore::read(std::uint64_t addr, std::uint8_t* dst, std::uint64_t bytes) const {
  if (!contains(addr, bytes)) throw std::out_of_range("BackingStore::read outside the memory");
  while (bytes > 0) {
    const std::uint64_t page = addr / kPageBytes, off = addr % kPageBytes;
    const std::uint64_t n = std::min(bytes, kPageBytes - off);
    if (const Page* p = find(page)) {
      copy(dst, p->data() + off, n);
    } else {
      zero(dst, n);
    }
    addr += n;
    dst += n;
    bytes -= n;
  }
}

std::uint8_t* BackingStore::page(std::uint64_t addr) {
  if (addr >= size_) throw std::out_of_range("BackingStore::page outside the memory");
  return get(addr / kPageBytes).data();
}

void BackingStore::write(std::uint64_t addr, const std::uint8_t* src, std::uint64_t bytes) {
  if (!contains(addr, bytes)) throw std::out_of_range("BackingStore::write outside the memory");
  while (bytes > 0) {
    const std::uint64_t page = addr / kPageBytes, off = addr % kPageBytes;
    const std::uint64_t n = std::min(bytes, kPageBytes - off);
    copy(get(page).data() + off, src, n);
    addr += n;
    src += n;
    bytes -= n;
  }
}

}  // namespace savp::memory
