#include "tlm/core/payload_pool.hpp"

#include <systemc>

namespace savp::sc {

namespace {
constexpr const char* kMsgType = "savp/payload_pool";
}

PayloadPool::PayloadPool(std::size_t reserve) {
  all_.reserve(reserve);
  free_.reserve(reserve);
  for (std::size_t i = 0; i < reserve; ++i) {
    all_.push_back(std::make_unique<tlm::tlm_generic_payload>(this));
    free_.push_back(all_.back().get());
    is_free_[all_.back().get()] = true;
  }
}

// The payloads' destructors free whatever extensions are still attached (payloads still held by
// someone are deleted too: a pool must outlive every transaction it handed out).
PayloadPool::~PayloadPool() = default;

tlm::tlm_generic_payload* PayloadPool::acquire() {
  tlm::tlm_generic_payload* trans;
  if (free_.empty()) {
    all_.push_back(std::make_unique<tlm::tlm_generic_payload>(this));
    trans = all_.back().get();
    free_.reserve(all_.size());  // free() then never allocates
  } else {
    trans = free_.back();
    free_.pop_back();
  }
  is_free_[trans] = false;
  ++acquisitions_;
  if (in_use() > peak_in_use_) peak_in_use_ = in_use();
  trans->acquire();
  return trans;
}

void PayloadPool::free(tlm::tlm_generic_payload* trans) {
  auto it = is_free_.find(trans);
  if (it == is_free_.end()) {
    SC_REPORT_ERROR(kMsgType, "free() called with a payload this pool did not hand out");
    return;
  }
  if (it->second) {
    SC_REPORT_ERROR(kMsgType, "free() called on a payload that is already free (freed twice)");
    return;
  }
  if (trans->get_ref_count() != 0) {
    SC_REPORT_ERROR(kMsgType, "free() called on a payload whose reference count is not 0");
    return;
  }
  reset_payload(*trans);
  it->second = true;
  free_.push_back(trans);
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
