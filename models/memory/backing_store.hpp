// BackingStore: the real bytes of a memory, stored in sparse 4 KiB pages so that a large address
// space costs only what is touched. Untouched bytes read as zero. Pure C++, shared by every memory
// target (DRAM, SRAM, ReRAM) and usable by RTL testbenches.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>

namespace savp::memory {

class BackingStore {
 public:
  static constexpr std::uint64_t kPageBytes = 4096;

  explicit BackingStore(std::uint64_t size_bytes) : size_(size_bytes) {}
  std::uint64_t size() const { return size_; }
  bool contains(std::uint64_t addr, std::uint64_t bytes) const {
    return bytes <= size_ && addr <= size_ - bytes;
  }
  // Callers check contains() first; out-of-range accesses throw std::out_of_range.
  void read(std::uint64_t addr, std::uint8_t* dst, std::uint64_t bytes) const;
  void write(std::uint64_t addr, const std::uint8_t* src, std::uint64_t bytes);
  std::uint64_t pages_touched() const { return pages_.size(); }
  // The page holding addr, created (zeroed) when untouched: direct memory access for backdoors.
  std::uint8_t* page(std::uint64_t addr);

 private:
  using Page = std::array<std::uint8_t, kPageBytes>;
  // The touched page with this index, or nullptr; the last index asked for and its answer are
  // remembered (pages are never freed, so the pointer stays valid; get() updates it when it creates
  // the page): streams hit the same page many times in a row.
  Page* find(std::uint64_t index) const;
  Page& get(std::uint64_t index);  // created (zeroed) when untouched
  std::uint64_t size_;
  std::unordered_map<std::uint64_t, std::unique_ptr<Page>> pages_;
  mutable std::uint64_t last_index_ = ~std::uint64_t{0};
  mutable Page* last_page_ = nullptr;
};

}  // namespace savp::memory
