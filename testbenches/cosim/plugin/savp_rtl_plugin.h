/* savp_rtl_plugin.h: the C ABI of an SAVP RTL plugin (a shared library written by `savp rtl build`),
 * shared by the generated shim (the plugin side) and savp's loader (testbenches/cosim/plugin).
 * ABI version 1. Every plugin exports the symbols below with C linkage; savp refuses a library that
 * lacks one (naming it), reports another ABI version, or serves another protocol than the scenario
 * key that loads it (protocols: rtl_protocols.hpp, documented in docs/cosim.md).
 * Ports are addressed by index (0 .. savp_rtl_port_count() - 1); a value is little-endian 32-bit
 * words, ceil(width / 32) of them, bit 0 of the port in bit 0 of word 0. The host drives the clock:
 * set clk, eval, dump (when waves are on) - see rtl_plugin.hpp. */
#ifndef SAVP_RTL_PLUGIN_H
#define SAVP_RTL_PLUGIN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SAVP_RTL_PLUGIN_ABI_VERSION 1u

/* Identity: the protocol the block was checked against at build time ("topk-v1"), its version
 * (the number after "-v"), this ABI's version, the top module and the parameters given at build
 * time ("P=16 NMAX=4096", empty when none). */
const char* savp_rtl_protocol(void);
uint32_t savp_rtl_protocol_version(void);
uint32_t savp_rtl_abi_version(void);
const char* savp_rtl_top(void);
const char* savp_rtl_params(void);

/* One instance of the verilated block: create (all inputs 0), destroy. */
void* savp_rtl_create(void);
void savp_rtl_destroy(void* block);
/* rst high for two rising edges of clk, then low for one (inputs other than clk/rst held at 0). */
void savp_rtl_reset(void* block);
/* Evaluates the model after inputs changed. */
void savp_rtl_eval(void* block);

/* Ports: name, width in bits, direction (1 input, 0 output); set (inputs only) and get. */
uint32_t savp_rtl_port_count(void);
const char* savp_rtl_port_name(uint32_t port);
uint32_t savp_rtl_port_width(uint32_t port);
uint32_t savp_rtl_port_is_input(uint32_t port);
void savp_rtl_set(void* block, uint32_t port, const uint32_t* words);
void savp_rtl_get(void* block, uint32_t port, uint32_t* words);

/* Waves: savp_rtl_waves_open starts an FST dump to `path` (0 on success, -1 when it cannot);
 * savp_rtl_waves_dump records the signals at time `time_ps`; savp_rtl_waves_close ends the file. */
int savp_rtl_waves_open(void* block, const char* path);
void savp_rtl_waves_dump(void* block, uint64_t time_ps);
void savp_rtl_waves_close(void* block);

#ifdef __cplusplus
}
#endif

#endif /* SAVP_RTL_PLUGIN_H */
