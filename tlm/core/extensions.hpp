// Ignorable generic-payload extensions (IEEE 1666-2011 14.21.1.1): every target and interconnect
// must work the same whether they are present or not; they carry bookkeeping, never protocol.
//  - TraceExtension: who issued a transaction and why (initiator, job, engine phase), for trace
//    writers and for violation and error messages.
//  - InitiatorExtension: which platform initiator issued a transaction (a small id the platform
//    assigns: 0 the host, i + 1 accelerator i), so that the router and the memory targets can
//    report per initiator; a transaction without one counts as initiator 0.
//  - TimingOnlyExtension: the transaction belongs to a timing-only job (numerics "off") and carries
//    no data: a memory target does everything it does for any transaction (timing, energy,
//    counters) except move bytes to or from its backing store. Its data pointer is a scratch
//    buffer of the initiator, so a target that ignores the extension stays correct.
//  - EnergyHopExtension: per-hop energy attribution; each component a transaction passes (router
//    hop, memory access) adds the energy it charged to it, so an initiator can see what its own
//    traffic cost, component by component.
// Both implement clone() and copy_from() as deep copies, so tlm_generic_payload::deep_copy_from
// and update_extensions_from work.
//
// Who adds what: the initiator attaches extensions with get_or_add() (heap-allocated; owned by the
// payload; with a memory manager set as auto extensions, freed when the payload is released);
// hops only fill in extensions that are already there (record_hop_energy), as the standard asks
// of non-initiators.
#pragma once

#include <tlm>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace savp::sc {

class TraceExtension : public tlm::tlm_extension<TraceExtension> {
 public:
  TraceExtension() = default;
  TraceExtension(std::string initiator, std::uint32_t initiator_id, std::uint64_t job_id, std::string phase)
      : initiator(std::move(initiator)),
        initiator_id(initiator_id),
        job_id(job_id),
        phase(std::move(phase)) {}

  std::string initiator;           // SystemC name of the issuing port or module
  std::uint32_t initiator_id = 0;  // small integer id (trace lane)
  std::uint64_t job_id = 0;
  std::string phase;  // engine phase that issued it ("load_q", "scores", ...)

  tlm::tlm_extension_base* clone() const override;
  void copy_from(const tlm::tlm_extension_base& ext) override;
};

class InitiatorExtension : public tlm::tlm_extension<InitiatorExtension> {
 public:
  std::uint32_t id = 0;

  // From a spare list (pooled AT payloads free their extensions with every transaction).
  static InitiatorExtension* make();
  void free() override;
  tlm::tlm_extension_base* clone() const override;
  void copy_from(const tlm::tlm_extension_base& ext) override;
};

class TimingOnlyExtension : public tlm::tlm_extension<TimingOnlyExtension> {
 public:
  // The one shared instance initiators attach (no state to carry: its presence is the message);
  // payloads free it with their other extensions, which leaves it alone.
  static TimingOnlyExtension* shared();
  void free() override;
  tlm::tlm_extension_base* clone() const override;
  void copy_from(const tlm::tlm_extension_base& ext) override;
};

// Whether a transaction carries data (false for a timing-only one: TimingOnlyExtension).
inline bool carries_data(const tlm::tlm_generic_payload& trans) {
  return trans.get_extension<TimingOnlyExtension>() == nullptr;
}

// The initiator id a transaction carries (0 without an InitiatorExtension).
inline std::uint32_t initiator_of(const tlm::tlm_generic_payload& trans) {
  const InitiatorExtension* e = trans.get_extension<InitiatorExtension>();
  return e == nullptr ? 0 : e->id;
}

// The one copy of a component name for the whole process (created on first use, never freed):
// equal names give the same pointer, so hops are recorded and summed by pointer, not by string. A
// hop interns its name once (at construction) and records with the pointer.
const std::string* intern_component(const std::string& name);

class EnergyHopExtension : public tlm::tlm_extension<EnergyHopExtension> {
 public:
  struct Hop {
    const std::string* component = nullptr;  // SystemC name of the hop, interned
    double energy_pj = 0.0;
  };

  EnergyHopExtension() { ++live_; }
  EnergyHopExtension(const EnergyHopExtension& o) : hops_(o.hops_), total_pj_(o.total_pj_) { ++live_; }
  EnergyHopExtension& operator=(const EnergyHopExtension& o) {
    hops_ = o.hops_;
    total_pj_ = o.total_pj_;
    return *this;
  }
  ~EnergyHopExtension() override {
    if (!parked_) --live_;
  }
  // How many exist outside the spare list: none, and no payload can carry one, so a hop need not
  // look (the lookup is a library call per hop and transaction). SystemC processes run on one thread.
  static std::size_t live() { return live_; }

  // A cleared extension on the heap: one a freed payload gave back, or a new one. An AT initiator
  // attaches one to every pooled payload, and the pool frees them with the payload: reused, the
  // extension and its hop list are not allocated again per transaction (get_or_add uses it).
  static EnergyHopExtension* make();
  // What a payload calls when it is freed or destroyed: the extension is cleared and kept for
  // make(), not deleted. Only heap-allocated extensions may be set on payloads.
  void free() override;

  // Appends one hop's charge (a component may appear several times: once per visit).
  void add(const std::string& component, double energy_pj) { add(intern_component(component), energy_pj); }
  void add(const std::string* interned_component, double energy_pj);
  void clear();
  const std::vector<Hop>& hops() const { return hops_; }
  double total_pj() const { return total_pj_; }
  // Energy charged by `component` over all its visits (0 when it never charged).
  double pj_of(const std::string& component) const;
  // Energy per component, summed over visits.
  std::map<std::string, double> by_component() const;

  tlm::tlm_extension_base* clone() const override;
  void copy_from(const tlm::tlm_extension_base& ext) override;

 private:
  std::vector<Hop> hops_;
  double total_pj_ = 0.0;
  bool parked_ = false;  // in the spare list
  inline static std::size_t live_ = 0;
};

namespace detail {
template <typename Ext, typename = void>
struct has_make : std::false_type {};
template <typename Ext>
struct has_make<Ext, std::void_t<decltype(Ext::make())>> : std::true_type {};
}  // namespace detail

// The extension of type Ext on `trans`, attached (default-constructed, heap-allocated; from Ext::make()
// where the type has one) when absent.
// With a memory manager it is an auto extension (freed when the payload is released to its memory
// manager); without one it stays on the payload, is reused by the next get_or_add and is freed
// with the payload, so reset its contents when reusing the payload for a new transaction.
template <typename Ext>
Ext& get_or_add(tlm::tlm_generic_payload& trans) {
  Ext* ext = trans.get_extension<Ext>();
  if (ext == nullptr) {
    if constexpr (detail::has_make<Ext>::value) {
      ext = Ext::make();
    } else {
      ext = new Ext();
    }
    if (trans.has_mm())
      trans.set_auto_extension(ext);
    else
      trans.set_extension(ext);
  }
  return *ext;
}

// The extension of type Ext on `trans`, or nullptr.
template <typename Ext>
Ext* find_extension(const tlm::tlm_generic_payload& trans) {
  return trans.get_extension<Ext>();
}

// For hops: adds the charge when the initiator asked for attribution (extension present); does
// nothing otherwise. Returns whether it was recorded.
bool record_hop_energy(tlm::tlm_generic_payload& trans, const std::string& component, double energy_pj);
// The same for a name from intern_component(): what hops on the data path use (no string work).
bool record_hop_energy_interned(tlm::tlm_generic_payload& trans, const std::string* component, double energy_pj);
inline bool record_hop_energy(tlm::tlm_generic_payload& trans, const std::string* interned_component,
                              double energy_pj) {
  return EnergyHopExtension::live() != 0 && record_hop_energy_interned(trans, interned_component, energy_pj);
}
// The same for a C-string name (a SystemC name()): interns it only when recording.
bool record_hop_energy_named(tlm::tlm_generic_payload& trans, const char* component, double energy_pj);
inline bool record_hop_energy(tlm::tlm_generic_payload& trans, const char* component, double energy_pj) {
  return EnergyHopExtension::live() != 0 && record_hop_energy_named(trans, component, energy_pj);
}

// "initiator#id job N phase P", or "" without a TraceExtension: for messages.
std::string describe_trace(const tlm::tlm_generic_payload& trans);

}  // namespace savp::sc
