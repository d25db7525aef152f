// ReramPimTarget: SPRINT's transposable ReRAM arrays as a TLM target (../reference/sprint.md). It
// holds the K MSB codes (one signed code per byte, keys x head_dim per array, at addresses of its own
// window) and answers two sockets:
//  - an ordinary base-protocol target socket on the interconnect, for loading and inspecting the
//    stored codes (debug transport and DMI for the host's backdoor loads; b_transport at the ReRAM's
//    read/write timing);
//  - a dedicated PIM socket (pim_protocol.hpp) for the added commands CopyQ, Threshold, ReadP and the
//    transposed read, each a mandatory PimCommandExtension (a payload without one is answered with
//    TLM_COMMAND_ERROR_RESPONSE), timed from the ReRAM spec.
// Each array is a ReramCrossbar (models/memory/reram_crossbar.hpp: the analog column currents with
// the seeded non-ideality model, the 1-bit comparators), programmed from the stored codes whenever
// they changed. Energy: in-memory MACs, DAC drives, comparator operations, ReadP and transposed-read
// bits; loading the codes is a backdoor load and is not charged (as for every memory); a timed write
// (SPRINT's model form appending keys) programs cells and is priced as write_bit.
#pragma once

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <map>
#include <memory>

#include "models/common/power_profile.hpp"
#include "models/memory/backing_store.hpp"
#include "models/memory/reram_crossbar.hpp"
#include "tlm/core/stats_tree.hpp"
#include "tlm/memory/pim_protocol.hpp"

namespace savp::sc {

class ReramPimTarget : public sc_core::sc_module, public StatsSource {
 public:
  tlm_utils::simple_target_socket<ReramPimTarget> tgt_socket;
  tlm_utils::simple_target_socket<ReramPimTarget, 32, pim_protocol_types> pim_socket;

  // window_base: where the window sits in the platform's address map (PIM commands carry platform
  // addresses; the ordinary socket sees offsets, as the router delivers them).
  ReramPimTarget(sc_core::sc_module_name name, const memory::ReramSpec& spec, std::uint64_t window_base,
                 std::uint64_t size_bytes, std::uint64_t seed);
  std::uint64_t size_bytes() const { return store_.size(); }
  const memory::ReramCounters& counters() const { return counters_; }
  void report_stats(StatsTree& tree) const override;
  // Power over time (outputs.power): each PIM command's energy over its cycles.
  void set_power(common::PowerProfile* power) {
    power_ = power;
    if (power_ != nullptr) power_id_ = power_->component(name());
  }

 private:
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& t);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi);
  void pim_b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
  // The crossbar of the array at `base` holding `keys` x `dim` codes, reprogrammed when stale.
  memory::ReramCrossbar& array(std::uint64_t base, std::uint32_t keys, std::uint32_t dim);
  void add(const memory::ReramCounters& c);
  // Adds the counts, places their energy over the next `cycles` (power profile), advances delay.
  void charge(const memory::ReramCounters& c, std::uint64_t cycles, sc_core::sc_time& delay);

  memory::ReramSpec spec_;
  std::uint64_t seed_;
  std::uint64_t window_base_;
  memory::BackingStore store_;
  sc_core::sc_time cycle_;
  struct Array {
    std::unique_ptr<memory::ReramCrossbar> xbar;
    std::uint32_t keys = 0, dim = 0;
    std::uint64_t generation = 0;
    std::vector<std::int32_t> query;
    std::vector<std::uint8_t> keep;
  };
  std::map<std::uint64_t, Array> arrays_;
  std::uint64_t generation_ = 1;  // bumped by every write into the store
  memory::ReramCounters counters_;
  std::uint64_t commands_ = 0, refused_ = 0;
  std::uint64_t bytes_written_ = 0;  // code bytes written by timed writes (an engine's append)
  common::PowerProfile* power_ = nullptr;
  int power_id_ = -1;
};

}  // namespace savp::sc
