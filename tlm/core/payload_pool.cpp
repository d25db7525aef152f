#include "tlm/core/payload_pool.hpp"

#include <systemc>

#include <new>

namespace savp::sc {

namespace {
constexpr const char* kMsgType = "savp/payload_pool";
}

PayloadPool::PayloadPool(std::size_t reserve) {
  free_.reserve(reserve);
  for (std::size_t i = 0; i < reserve; ++i) free_.push_back(create());
}

// The payloads' destructors free whatever extensions are still attached (payloads still held by
// someone are deleted too: a pool must outlive every transaction it handed out).
PayloadPool::~PayloadPool() {
  std::allocator<Payload> alloc;
  for (Chunk& c : chunks_) {
    for (std::size_t i = 0; i < c.used; ++i) c.base[i].~Payload();
    alloc.deallocate(c.base, c.capacity);
  }
}

PayloadPool::Payload* PayloadPool::create() {
  if (chunks_.empty() || chunks_.back().used == chunks_.back().capacity) {
    const std::size_t capacity = chunks_.empty() ? 16 : 2 * chunks_.back().capacity;
    chunks_.push_back(Chunk{std::allocator<Payload>().allocate(capacity), capacity, 0});
  }
  Chunk& c = chunks_.back();
  Payload* p = new (c.base + c.used) Payload(this);
  ++c.used;
  ++created_;
  return p;
}

PayloadPool::Payload* PayloadPool::owned(tlm::tlm_generic_payload* trans) const {
  const auto a = reinterpret_cast<std::uintptr_t>(trans);
  for (auto c = chunks_.rbegin(); c != chunks_.rend(); ++c) {
    const auto lo = reinterpret_cast<std::uintptr_t>(c->base);
    if (a < lo || a >= reinterpret_cast<std::uintptr_t>(c->base + c->used)) continue;
    Payload* p = c->base + (a - lo) / sizeof(Payload);
    return static_cast<tlm::tlm_generic_payload*>(p) == trans ? p : nullptr;
  }
  return nullptr;
}

tlm::tlm_generic_payload* PayloadPool::acquire() {
  Payload* trans;
  if (free_.empty()) {
    trans = create();
    free_.reserve(created_);  // free() then never allocates
  } else {
    trans = free_.back();
    free_.pop_back();
  }
  trans->is_free = false;
  ++acquisitions_;
  if (in_use() > peak_in_use_) peak_in_use_ = in_use();
  trans->acquire();
  return trans;
}

void PayloadPool::free(tlm::tlm_generic_payload* trans) {
  Payload* p = owned(trans);
  if (p == nullptr) {
    SC_REPORT_ERROR(kMsgType, "free() called with a payload this pool did not hand out");
    return;
  }
  if (p->is_free) {
    SC_REPORT_ERROR(kMsgType, "free() called on a payload that is already free (freed twice)");
    return;
  }
  if (trans->get_ref_count() != 0) {
    SC_REPORT_ERROR(kMsgType, "free() called on a payload whose reference count is not 0");
    return;
  }
  reset_payload(*trans);
  p->user = nullptr;
  p->is_free = true;
  free_.push_back(p);
}

void PayloadPool::reset_payload(tlm::tlm_generic_payload& trans) {
  trans.free_all_extensions();  // auto (sticky) and ordinary extensions alike
  trans.reset();                // gp option back to TLM_MIN_PAYLOAD
  trans.set_command(tlm::TLM_IGNORE_COMMAND);
  trans.set_address(0);
  trans.set_data_ptr(nullptr);
  trans.set_data_length(0);
  trans.set_byte_enable_ptr(nullptr);
  trans.set_byte_enable_length(0);
  trans.set_streaming_width(0);
  trans.set_dmi_allowed(false);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

}  // namespace savp::sc
