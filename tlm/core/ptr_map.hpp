// PtrMap: a map from pointers (never null) to values, for per-transaction state keyed by the
// payload's address: an open-addressing hash table (linear probing, backward-shift deletion) of
// pointers to values kept in a free-listed node store. find/insert/erase are O(1) without
// allocation in the steady state, and a value's address stays valid until its key is erased
// (insertions and erasures of other keys never move it), as with std::unordered_map.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace savp::sc {

template <class V>
class PtrMap {
 public:
  PtrMap() { slots_.assign(64, Slot{}); }

  V* find(const void* key) const {
    for (std::size_t i = home(key);; i = (i + 1) & mask()) {
      const Slot& s = slots_[i];
      if (s.key == key) return s.value;
      if (s.key == nullptr) return nullptr;
    }
  }
  // Sets key's value (overwriting any) and returns it.
  V& insert(const void* key, const V& value) {
    if (V* v = find(key)) return *v = value;
    if (2 * (size_ + 1) > slots_.size()) grow();
    V* v;
    if (!free_.empty()) {
      v = free_.back();
      free_.pop_back();
      *v = value;
    } else {
      nodes_.push_back(value);
      v = &nodes_.back();
    }
    place(key, v);
    ++size_;
    return *v;
  }
  void erase(const void* key) {
    std::size_t i = home(key);
    while (slots_[i].key != key) {
      if (slots_[i].key == nullptr) return;
      i = (i + 1) & mask();
    }
    free_.push_back(slots_[i].value);
    --size_;
    // Backward-shift deletion: pull later entries of the probe run into the hole.
    for (std::size_t j = (i + 1) & mask();; j = (j + 1) & mask()) {
      if (slots_[j].key == nullptr) break;
      const std::size_t h = home(slots_[j].key);
      const bool stays = i <= j ? (h > i && h <= j) : (h > i || h <= j);  // h cyclically in (i, j]
      if (!stays) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i] = Slot{};
  }
  std::size_t size() const { return size_; }

 private:
  struct Slot {
    const void* key = nullptr;
    V* value = nullptr;
  };
  std::size_t mask() const { return slots_.size() - 1; }
  std::size_t home(const void* key) const {
    const std::uint64_t h = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(key)) * 0x9E3779B97F4A7C15ull;
    return static_cast<std::size_t>(h >> 32) & mask();
  }
  void place(const void* key, V* v) {
    std::size_t i = home(key);
    while (slots_[i].key != nullptr) i = (i + 1) & mask();
    slots_[i] = Slot{key, v};
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.key != nullptr) place(s.key, s.value);
    }
  }

  std::vector<Slot> slots_;
  std::deque<V> nodes_;
  std::vector<V*> free_;
  std::size_t size_ = 0;
};

}  // namespace savp::sc
