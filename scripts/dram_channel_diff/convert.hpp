// XReq -> DramRequest, included by both sides of the differential check after their
// `using namespace savp::memory;` (the old side is compiled with -Dsavp=savp_old, so the same text
// converts into either commit's DramRequest).
#pragma once

static DramRequest conv(const XReq& x) {
  DramRequest r;
  r.id = x.id;
  r.write = x.write;
  r.arrival = x.arrival;
  r.addr.channel = x.ch;
  r.addr.rank = x.rank;
  r.addr.bank_group = x.bg;
  r.addr.bank = x.bank;
  r.addr.row = x.row;
  r.addr.column = x.col;
  return r;
}
