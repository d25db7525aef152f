// A hand-written stand-in for an RTL plugin (no Verilator): the topk-v1 ports with one lane, a
// register bus that acknowledges every access and reads ID = "TOPK", and an input stream that
// never raises in_ready (a hung block). Variants for the loader's refusals, by define:
// FAKE_PROTOCOL (another protocol name), FAKE_OMIT_SYMBOL (no savp_rtl_waves_close),
// FAKE_NOT_PLUGIN (exports none of the ABI).
#include <cstdint>
#include <cstring>

#include "savp_rtl_plugin.h"

#ifndef FAKE_NOT_PLUGIN
#ifndef FAKE_PROTOCOL
#define FAKE_PROTOCOL "topk-v1"
#endif

namespace {
const char* const kNames[] = {"clk",       "rst",       "reg_req",  "reg_we",   "reg_addr", "reg_wdata",
                              "reg_ack",   "reg_rdata", "in_valid", "in_ready", "in_data",  "in_last",
                              "out_valid", "out_ready", "out_data", "out_last"};
const std::uint32_t kWidths[] = {1, 1, 1, 1, 32, 64, 1, 64, 1, 1, 64, 1, 1, 1, 24, 1};
const std::uint32_t kInputs[] = {1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0};
struct Block {
  std::uint64_t v[16] = {};
  std::uint64_t prev_clk = 0;
};
}  // namespace

extern "C" {
const char* savp_rtl_protocol(void) { return FAKE_PROTOCOL; }
uint32_t savp_rtl_protocol_version(void) { return 1; }
uint32_t savp_rtl_abi_version(void) { return SAVP_RTL_PLUGIN_ABI_VERSION; }
const char* savp_rtl_top(void) { return "fake"; }
const char* savp_rtl_params(void) { return ""; }
void* savp_rtl_create(void) { return new Block; }
void savp_rtl_destroy(void* b) { delete static_cast<Block*>(b); }
void savp_rtl_reset(void*) {}
void savp_rtl_eval(void* p) {
  Block& b = *static_cast<Block*>(p);
  if (b.v[0] == 1 && b.prev_clk == 0) {  // rising edge: the register bus answers
    b.v[6] = b.v[2];
    b.v[7] = (b.v[2] != 0 && b.v[3] == 0 && b.v[4] == 0) ? 0x544F504Bu : 0;
  }
  b.prev_clk = b.v[0];
}
uint32_t savp_rtl_port_count(void) { return 16; }
const char* savp_rtl_port_name(uint32_t p) { return p < 16 ? kNames[p] : ""; }
uint32_t savp_rtl_port_width(uint32_t p) { return p < 16 ? kWidths[p] : 0; }
uint32_t savp_rtl_port_is_input(uint32_t p) { return p < 16 ? kInputs[p] : 0; }
void savp_rtl_set(void* b, uint32_t p, const uint32_t* w) {
  if (p < 16 && kInputs[p])
    static_cast<Block*>(b)->v[p] = w[0] | (kWidths[p] > 32 ? std::uint64_t{w[1]} << 32 : 0);
}
void savp_rtl_get(void* b, uint32_t p, uint32_t* w) {
  const std::uint64_t x = p < 16 ? static_cast<Block*>(b)->v[p] : 0;
  w[0] = static_cast<std::uint32_t>(x);
  if (p < 16 && kWidths[p] > 32) w[1] = static_cast<std::uint32_t>(x >> 32);
}
int savp_rtl_waves_open(void*, const char*) { return -1; }
void savp_rtl_waves_dump(void*, uint64_t) {}
#ifndef FAKE_OMIT_SYMBOL
void savp_rtl_waves_close(void*) {}
#endif
}
#else
extern "C" int fake_not_a_plugin(void) { return 0; }
#endif
