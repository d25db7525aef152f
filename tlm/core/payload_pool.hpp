// PayloadPool: a TLM-2.0 memory manager (tlm::tlm_mm_interface) handing out generic payloads from
// a free list. acquire() returns a payload whose memory manager is this pool, with reference count
// 1 and every attribute at its reset value; when the last holder calls release() the payload comes
// back through free(), which deletes all its extensions (auto and non-auto), resets every attribute
// and returns it to the free list. Payload objects are created only when the free list is empty
// and are never deleted before the pool itself, so a steady stream of transactions allocates
// nothing. This is the memory manager that nb_transport (AT) initiators must use: the base
// protocol requires has_mm() for nb_transport (IEEE 1666-2011 14.5). Not thread-safe (SystemC
// processes are co-routines).
//
// Ownership: an extension set on a pooled payload (set_extension or set_auto_extension) belongs to
// the payload from then on and is freed (tlm_extension_base::free: delete, or the type's own
// recycling) when the payload returns to the pool: set only heap-allocated extensions (get_or_add
// in extensions.hpp does).
// The data and byte-enable buffers stay the caller's: the pool never touches them.
#pragma once

#include <tlm>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace savp::sc {

class PayloadPool : public tlm::tlm_mm_interface {
 public:
  // `reserve` payloads are created up front (none by default).
  explicit PayloadPool(std::size_t reserve = 0);
  ~PayloadPool() override;
  PayloadPool(const PayloadPool&) = delete;
  PayloadPool& operator=(const PayloadPool&) = delete;

  // A reset payload with get_mm() == this and reference count 1. Give it back with release().
  tlm::tlm_generic_payload* acquire();
  // Called by tlm_generic_payload::release() when the reference count reaches 0. Reports an
  // SC_REPORT_ERROR for a payload that is not this pool's, is already free, or whose reference
  // count is not 0.
  void free(tlm::tlm_generic_payload* trans) override;

  // Resets every attribute of `trans` to the value a fresh payload has and frees all its
  // extensions; the memory manager and reference count are left alone.
  static void reset_payload(tlm::tlm_generic_payload& trans);

  // A word of the holder's own per transaction (null at acquire()), e.g. the call it belongs to,
  // so that the holder needs no side table. `trans` must come from a PayloadPool.
  static void*& user_data(tlm::tlm_generic_payload& trans) { return static_cast<Payload&>(trans).user; }

  std::size_t allocations() const { return created_; }       // payload objects ever created
  std::uint64_t acquisitions() const { return acquisitions_; }  // acquire() calls
  std::size_t in_use() const { return created_ - free_.size(); }
  std::size_t peak_in_use() const { return peak_in_use_; }
  std::size_t available() const { return free_.size(); }  // payloads on the free list

 private:
  // Payloads live in chunks of doubling capacity (constructed one at a time as needed), so that
  // free() recognises its own payloads by address (a handful of range checks) and finds their
  // free flag in the payload itself: no lookup per acquire() or free().
  struct Payload : tlm::tlm_generic_payload {
    explicit Payload(PayloadPool* pool) : tlm::tlm_generic_payload(pool) {}
    bool is_free = true;
    void* user = nullptr;
  };
  struct Chunk {
    Payload* base;
    std::size_t capacity;
    std::size_t used;
  };
  Payload* create();
  Payload* owned(tlm::tlm_generic_payload* trans) const;

  std::vector<Chunk> chunks_;
  std::size_t created_ = 0;
  std::vector<Payload*> free_;
  std::uint64_t acquisitions_ = 0;
  std::size_t peak_in_use_ = 0;
};

}  // namespace savp::sc
