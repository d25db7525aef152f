#include "tlm/core/extensions.hpp"

#include <systemc>

#include <mutex>
#include <unordered_set>

namespace savp::sc {

tlm::tlm_extension_base* TraceExtension::clone() const { return new TraceExtension(*this); }

void TraceExtension::copy_from(const tlm::tlm_extension_base& ext) {
  *this = dynamic_cast<const TraceExtension&>(ext);  // same ID implies same type: bad_cast is a bug
}

const std::string* intern_component(const std::string& name) {
  static auto* names = new std::unordered_set<std::string>();  // never destroyed: pointers stay valid
  static std::mutex lock;
  const std::lock_guard<std::mutex> hold(lock);
  return &*names->insert(name).first;
}

void EnergyHopExtension::add(const std::string* interned_component, double energy_pj) {
  hops_.push_back({interned_component, energy_pj});
  total_pj_ += energy_pj;
}

void EnergyHopExtension::clear() {
  hops_.clear();
  total_pj_ = 0.0;
}

double EnergyHopExtension::pj_of(const std::string& component) const {
  double sum = 0.0;
  for (const Hop& h : hops_)
    if (*h.component == component) sum += h.energy_pj;
  return sum;
}

std::map<std::string, double> EnergyHopExtension::by_component() const {
  std::map<std::string, double> out;
  for (const Hop& h : hops_) out[*h.component] += h.energy_pj;
  return out;
}

namespace {
// Never destroyed: a payload destroyed during static destruction may still give one back.
std::vector<std::unique_ptr<EnergyHopExtension>>& spare_energy_extensions() {
  static auto* spare = new std::vector<std::unique_ptr<EnergyHopExtension>>();
  return *spare;
}
}  // namespace

EnergyHopExtension* EnergyHopExtension::make() {
  auto& spare = spare_energy_extensions();
  if (spare.empty()) return new EnergyHopExtension();
  EnergyHopExtension* e = spare.back().release();
  spare.pop_back();
  e->parked_ = false;
  ++live_;
  return e;
}

void EnergyHopExtension::free() {
  clear();
  parked_ = true;
  --live_;
  spare_energy_extensions().emplace_back(this);
}

tlm::tlm_extension_base* EnergyHopExtension::clone() const { return new EnergyHopExtension(*this); }

void EnergyHopExtension::copy_from(const tlm::tlm_extension_base& ext) {
  *this = dynamic_cast<const EnergyHopExtension&>(ext);
}

bool record_hop_energy_interned(tlm::tlm_generic_payload& trans, const std::string* component, double energy_pj) {
  EnergyHopExtension* ext = trans.get_extension<EnergyHopExtension>();
  if (ext == nullptr) return false;
  ext->add(component, energy_pj);
  return true;
}

// By name: interned only when the payload carries an extension to record into.
bool record_hop_energy(tlm::tlm_generic_payload& trans, const std::string& component, double energy_pj) {
  return EnergyHopExtension::live() != 0 && trans.get_extension<EnergyHopExtension>() != nullptr &&
         record_hop_energy_interned(trans, intern_component(component), energy_pj);
}

bool record_hop_energy_named(tlm::tlm_generic_payload& trans, const char* component, double energy_pj) {
  return trans.get_extension<EnergyHopExtension>() != nullptr &&
         record_hop_energy_interned(trans, intern_component(component), energy_pj);
}

namespace {
std::vector<std::unique_ptr<InitiatorExtension>>& spare_initiator_extensions() {
  static std::vector<std::unique_ptr<InitiatorExtension>> spare;
  return spare;
}
}  // namespace

InitiatorExtension* InitiatorExtension::make() {
  auto& spare = spare_initiator_extensions();
  if (spare.empty()) return new InitiatorExtension();
  InitiatorExtension* e = spare.back().release();
  spare.pop_back();
  return e;
}

void InitiatorExtension::free() {
  id = 0;
  spare_initiator_extensions().emplace_back(this);
}

tlm::tlm_extension_base* InitiatorExtension::clone() const { return new InitiatorExtension(*this); }

void InitiatorExtension::copy_from(const tlm::tlm_extension_base& ext) {
  id = dynamic_cast<const InitiatorExtension&>(ext).id;
}

TimingOnlyExtension* TimingOnlyExtension::shared() {
  static auto* one = new TimingOnlyExtension();  // never destroyed: payloads may hold it until exit
  return one;
}

void TimingOnlyExtension::free() {
  if (this != shared()) delete this;  // clones are the copier's own
}

tlm::tlm_extension_base* TimingOnlyExtension::clone() const { return new TimingOnlyExtension(); }

void TimingOnlyExtension::copy_from(const tlm::tlm_extension_base&) {}

std::string describe_trace(const tlm::tlm_generic_payload& trans) {
  const TraceExtension* t = trans.get_extension<TraceExtension>();
  if (t == nullptr) return {};
  return t->initiator + "#" + std::to_string(t->initiator_id) + " job " + std::to_string(t->job_id) +
         " phase " + (t->phase.empty() ? std::string("-") : t->phase);
}

}  // namespace savp::sc
