#include "tlm/memory/reram_pim_target.hpp"

#include "models/common/random.hpp"
#include "tlm/core/extensions.hpp"
#include "tlm/memory/memory_target.hpp"

namespace savp::sc {

using common::PimCommand;

ReramPimTarget::ReramPimTarget(sc_core::sc_module_name name, const memory::ReramSpec& spec,
                               std::uint64_t window_base, std::uint64_t size_bytes, std::uint64_t seed)
    : sc_module(name),
      tgt_socket("tgt_socket"),
      pim_socket("pim_socket"),
      spec_(spec),
      seed_(seed),
      window_base_(window_base),
      store_(size_bytes),
      cycle_(spec.cycle_ns(), sc_core::SC_NS) {
  tgt_socket.register_b_transport(this, &ReramPimTarget::b_transport);
  tgt_socket.register_transport_dbg(this, &ReramPimTarget::transport_dbg);
  tgt_socket.register_get_direct_mem_ptr(this, &ReramPimTarget::get_direct_mem_ptr);
  pim_socket.register_b_transport(this, &ReramPimTarget::pim_b_transport);
}

void ReramPimTarget::b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
  const std::uint64_t addr = t.get_address(), len = t.get_data_length();
  if (!store_.contains(addr, len) || t.get_byte_enable_ptr() != nullptr) {
    t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const bool data = carries_data(t);  // a timing-only transaction leaves the store alone
  if (t.is_read()) {
    if (data) store_.read(addr, t.get_data_ptr(), len);
    delay += cycle_ * static_cast<double>(spec_.read_burst_cycles(8 * len));
  } else {
    if (data) store_.write(addr, t.get_data_ptr(), len);
    ++generation_;
    // A timed write programs the cells of `len` codes (one element per byte, bit-sliced over
    // cells_per_element() cells of cell_bits: reram_crossbar.hpp), priced as write_bit.
    memory::ReramCounters w;
    w.bits_written = len * spec_.cells_per_element() * static_cast<std::uint64_t>(spec_.cell_bits);
    charge(w, spec_.write_burst_cycles(8 * len), delay);
    bytes_written_ += len;
  }
  t.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int ReramPimTarget::transport_dbg(tlm::tlm_generic_payload& t) {
  if (t.is_write()) ++generation_;
  return debug_transport(store_, t);
}

bool ReramPimTarget::get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi) {
  ++generation_;  // the holder may write through the pointer: arrays reprogram on next use
  return dmi_page(store_, t, dmi, cycle_ * static_cast<double>(spec_.read_cycles));
}

memory::ReramCrossbar& ReramPimTarget::array(std::uint64_t base, std::uint32_t keys, std::uint32_t dim) {
  Array& a = arrays_[base];
  if (!a.xbar || a.generation != generation_ || a.keys != keys || a.dim != dim) {
    std::vector<std::int8_t> codes(std::uint64_t{keys} * dim);
    store_.read(base, reinterpret_cast<std::uint8_t*>(codes.data()), codes.size());
    a.xbar = std::make_unique<memory::ReramCrossbar>(spec_, common::derive_seed(seed_, base));
    a.xbar->store_keys(codes.data(), keys, dim);
    a.xbar->reset_counters();  // a backdoor load, not charged
    a.keys = keys;
    a.dim = dim;
    a.generation = generation_;
  }
  return *a.xbar;
}

void ReramPimTarget::add(const memory::ReramCounters& c) {
  counters_.bits_written += c.bits_written;
  counters_.queries += c.queries;
  counters_.copyq_bits += c.copyq_bits;
  counters_.macs += c.macs;
  counters_.dac_drives += c.dac_drives;
  counters_.comparator_ops += c.comparator_ops;
  counters_.readp_bits += c.readp_bits;
  counters_.transposed_reads += c.transposed_reads;
  counters_.transposed_keys += c.transposed_keys;
  counters_.transposed_bits += c.transposed_bits;
}

void ReramPimTarget::pim_b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
  PimCommandExtension* ext = nullptr;
  t.get_extension(ext);
  if (ext == nullptr || ext->command == nullptr) {  // the extension is mandatory on this socket
    ++refused_;
    t.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  PimCommand& c = *ext->command;
  const std::uint64_t base = c.array - window_base_;
  if (c.array < window_base_ || !store_.contains(base, std::uint64_t{c.keys} * c.dim) || c.dim == 0) {
    t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  ++commands_;
  memory::ReramCrossbar& x = array(base, c.keys, c.dim);
  Array& a = arrays_[base];
  const memory::ReramCounters before = x.counters();
  std::uint64_t cycles = 0;
  switch (c.kind) {
    case PimCommand::Kind::CopyQ:
      a.query = c.query;  // its bits are counted with the threshold step that uses them
      cycles = x.copyq_cycles();
      break;
    case PimCommand::Kind::Threshold:
      if (a.query.size() != c.dim) {
        t.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);  // no query buffered
        return;
      }
      a.keep = x.prune(a.query.data(), c.threshold);
      cycles = x.threshold_cycles();
      break;
    case PimCommand::Kind::ReadP:
      if (a.keep.size() < c.keys) {
        t.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);  // no threshold step ran
        return;
      }
      for (std::uint32_t i = 0; i < (c.keys + 7) / 8; ++i) c.out[i] = 0;
      for (std::uint32_t j = 0; j < c.keys; ++j) {
        if (a.keep[j]) c.out[j / 8] |= static_cast<std::uint8_t>(1u << (j % 8));
      }
      // (the bits read are counted with the threshold step that set them)
      cycles = x.readp_cycles(c.keys);
      break;
    case PimCommand::Kind::TransposedRead: {
      const auto codes = x.transposed_read(c.columns);
      for (std::size_t i = 0; i < codes.size(); ++i) c.out[i] = static_cast<std::uint8_t>(codes[i]);
      cycles = x.transposed_read_cycles(c.columns.size());
      break;
    }
  }
  memory::ReramCounters d = x.counters();
  d.queries -= before.queries;
  d.macs -= before.macs;
  d.dac_drives -= before.dac_drives;
  d.comparator_ops -= before.comparator_ops;
  d.readp_bits -= before.readp_bits;
  d.transposed_reads -= before.transposed_reads;
  d.transposed_keys -= before.transposed_keys;
  d.transposed_bits -= before.transposed_bits;
  d.copyq_bits -= before.copyq_bits;
  d.bits_written -= before.bits_written;
  charge(d, cycles, delay);
  t.set_response_status(tlm::TLM_OK_RESPONSE);
}

void ReramPimTarget::charge(const memory::ReramCounters& c, std::uint64_t cycles, sc_core::sc_time& delay) {
  const double energy_before = power_ != nullptr ? memory::energy_pj(counters_, spec_) : 0.0;
  add(c);
  if (power_ != nullptr) {
    const double t0 = (sc_core::sc_time_stamp() + delay).to_seconds() * 1e9;
    power_->add_over(power_id_, t0, t0 + static_cast<double>(cycles) * spec_.cycle_ns(),
                     memory::energy_pj(counters_, spec_) - energy_before);
  }
  delay += cycle_ * static_cast<double>(cycles);
}

void ReramPimTarget::report_stats(StatsTree& tree) const {
  const std::string n = name();
  tree.set_kind(n, "reram_pim");
  tree.add(n, "pim_commands", static_cast<double>(commands_), "command");
  tree.add(n, "refused_commands", static_cast<double>(refused_), "command");
  tree.add(n, "threshold_steps", static_cast<double>(counters_.queries), "query");
  tree.add(n, "transposed_keys", static_cast<double>(counters_.transposed_keys), "key");
  if (bytes_written_ > 0) tree.add(n, "bytes_written", static_cast<double>(bytes_written_), "byte");
  tree.add_actions(n, memory::reram_actions(counters_, spec_));
}

}  // namespace savp::sc
