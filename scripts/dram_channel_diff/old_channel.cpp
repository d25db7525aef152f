// Compiled with -Dsavp=savp_old and the other commit's models/memory first on the include path.
#include "old_channel.hpp"
#include "models/memory/dram_channel.hpp"
using namespace savp::memory;
#include "convert.hpp"
void* old_make(const void* spec, unsigned idx) {
  return new DramChannel(*static_cast<const DramSpec*>(spec), idx);
}
bool old_full(void* c) { return static_cast<DramChannel*>(c)->full(); }
void old_enqueue(void* c, const XReq& r) { static_cast<DramChannel*>(c)->enqueue(conv(r)); }
std::uint64_t old_next(void* c, std::uint64_t now) {
  return static_cast<DramChannel*>(c)->next_decision(now);
}
XComp old_decide(void* c, std::uint64_t now) {
  auto d = static_cast<DramChannel*>(c)->decide(now);
  if (!d) return XComp{false, 0, 0, 0, 0};
  return XComp{true, d->id, d->command, d->done, static_cast<int>(d->outcome)};
}
XComp old_serve(void* c, const XReq& r) {
  auto d = static_cast<DramChannel*>(c)->serve(conv(r));
  return XComp{true, d.id, d.command, d.done, static_cast<int>(d.outcome)};
}
