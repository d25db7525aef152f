// The DRAM channel of another commit behind a plain interface, so that it can be linked beside the
// current one (old_channel.cpp is compiled with -Dsavp=savp_old against that commit's sources).
#pragma once

#include <cstdint>

struct XReq {
  std::uint64_t id;
  bool write;
  std::uint64_t arrival;
  std::uint32_t ch, rank, bg, bank, row, col;
};
struct XComp {
  bool has;
  std::uint64_t id, command, done;
  int outcome;
};
void* old_make(const void* spec, unsigned idx);  // spec: a DramSpec (same layout in both commits)
bool old_full(void* c);
void old_enqueue(void* c, const XReq& r);
std::uint64_t old_next(void* c, std::uint64_t now);
XComp old_decide(void* c, std::uint64_t now);
XComp old_serve(void* c, const XReq& r);
