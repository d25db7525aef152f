# Issue 22, power over time (outputs.power): power.csv adds up to the run's energy on every engine
# and memory kind, the idle gap of a two-phase SoC scenario shows, trace.json carries the power
# tracks, power gating (power_gating) leaks a gated engine's logic only while it is busy plus its
# wake-ups, and nothing changes without it.
foreach(part sums gap gating off wide node)
  add_test(NAME "regress: power ${part}"
    COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_power.py ${SAVP_BIN} ${SCENARIOS} ${REGRESS_OUT}/power-${part} ${part})
  set_tests_properties("regress: power ${part}" PROPERTIES LABELS "regress;power")
endforeach()
# Bad input: a bin width below 1 ps, an unknown key, a value of the wrong type (exit 2, the JSON path).
bad_case("power bins zero" ${DEF} SET "outputs.power={\"power_bin_ns\": 0}"
  STDERR "default.json" "/outputs/power/power_bin_ns" "expected a bin width in ns, at least 0.001")
bad_case("power bins below a picosecond" ${DEF} SET "outputs.power={\"power_bin_ns\": 1e-300}"
  STDERR "default.json" "/outputs/power/power_bin_ns" "found 1e-300")
set_tests_properties("bad_input: power bins below a picosecond" PROPERTIES LABELS "bad_input;power")

bad_case("power bins negative" ${DEF} SET "outputs.power={\"power_bin_ns\": -5}"
  STDERR "default.json" "/outputs/power/power_bin_ns" "found -5")
bad_case("power unknown key" ${DEF} SET "outputs.power={\"bin_ns\": 100}"
  STDERR "default.json" "/outputs/power" "bin_ns")
bad_case("power not a bool or object" ${DEF} SET "outputs.power=3"
  STDERR "default.json" "/outputs/power" "true, false or an object")
foreach(n "power bins zero" "power bins negative" "power unknown key" "power not a bool or object")
  set_tests_properties("bad_input: ${n}" PROPERTIES LABELS "bad_input;power")
endforeach()
# Power gating (power_gating): refused on what has no logic to gate (a traffic generator, a memory
# target, the shared SRAM), when not a boolean, and the table's break-even point must be > 0.
bad_case("power gating not a boolean" ${DEF} SET platform.accelerators.0.power_gating=1
  STDERR "default.json" "/platform/accelerators/0/power_gating" "expected true or false, found 1")
bad_case("power gating on a traffic generator" ${SCENARIOS}/soc/traffic-pair-ddr4.json
  SET platform.accelerators.1.power_gating=true
  STDERR "traffic-pair-ddr4.json" "/platform/accelerators/1/power_gating" "a traffic generator has no logic to power-gate")
bad_case("power gating on the memory" ${DEF} SET platform.memory.power_gating=true
  STDERR "default.json" "/platform/memory/power_gating" "unknown key \"power_gating\"")
bad_case("power gating on the shared SRAM" ${DEF} SET "platform.sram={\"size_kib\": 64, \"power_gating\": true}"
  STDERR "default.json" "/platform/sram/power_gating" "unknown key \"power_gating\"")
bad_case("power gating break-even zero" ${DEF} SET platform.energy.power_gating.break_even_cycles=0
  STDERR "/power_gating/break_even_cycles" "found 0")
foreach(n "power gating not a boolean" "power gating on a traffic generator" "power gating on the memory"
    "power gating on the shared SRAM" "power gating break-even zero")
  set_tests_properties("bad_input: ${n}" PROPERTIES LABELS "bad_input;power")
endforeach()
# The memory estimate counts the power bins (at most PowerProfile::kMaxBins per component): with
# outputs.power, 1 ns bins are refused under a 200 MB limit that the
# same run without power fits in (exit 2 naming the bins), and that run passes.
savp_case("power bins exceed the memory limit" EXIT 2 LABEL bad_input
  STDERR "default.json" "/workload" "power bins" "above the limit" ABSENT ${REGRESS_OUT}/power-bins-memory
  ARGS run ${DEF} --set "outputs.power={\"power_bin_ns\": 1}" --max-memory 200M
       -o ${REGRESS_OUT}/power-bins-memory)
savp_case("power off fits the same memory limit" STDOUT "latency"
  ARGS run ${DEF} --max-memory 200M -o ${REGRESS_OUT}/power-bins-memory-off)
set_tests_properties("bad_input: power bins exceed the memory limit" PROPERTIES LABELS "bad_input;power")
set_tests_properties("cli: power off fits the same memory limit" PROPERTIES LABELS "cli;power")
# Per-engine technology node (issue 22): the presets state their paper's node (validate prints the
# engines at their own node); a node not in the table, or on a traffic generator, is refused.
savp_case("per-engine node: SpAtten's preset at 40 nm" STDOUT "at 45 nm" "spatten0 at its own node: 40 nm"
  ARGS validate ${SCENARIOS}/spatten/small.json)
savp_case("per-engine node: SPRINT's preset at 65 nm" STDOUT "sprint0 at its own node: 65 nm"
  ARGS validate ${SCENARIOS}/sprint/bert-base-512.json)
bad_case("accelerator node not in the table" ${SCENARIOS}/salo/small.json SET platform.accelerators.0.technology.node_nm=5
  STDERR "/platform/accelerators/0/technology/node_nm" "5 nm is not in energy table")
bad_case("accelerator technology unknown key" ${SCENARIOS}/salo/small.json SET platform.accelerators.0.technology.nm=7
  STDERR "/platform/accelerators/0/technology/nm" "unknown key")
bad_case("technology on a traffic generator" ${SCENARIOS}/soc/traffic-pair-ddr4.json
  SET platform.accelerators.0.technology.node_nm=40
  STDERR "/platform/accelerators/0/technology" "a traffic generator has no priced hardware")
foreach(n "accelerator node not in the table" "accelerator technology unknown key" "technology on a traffic generator")
  set_tests_properties("bad_input: ${n}" PROPERTIES LABELS "bad_input;power")
endforeach()
# Area of the router, the DMAs and SPRINT's ReRAM mats: in stats.json, the same in `savp validate`.
add_test(NAME "regress: area of the router, DMAs and ReRAM mats"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_area_platform.py ${SAVP_BIN} ${SCENARIOS} ${REGRESS_OUT}/area-platform)
set_tests_properties("regress: area of the router, DMAs and ReRAM mats" PROPERTIES LABELS "regress;power")
# An energy-table entry an engine prices but given as area-only is found only when the engine asks
# for its price during the run: exit 2, and the claimed output directory is removed (no output).
bad_case("priced entry given area only" ${DEF}
  SET "platform.energy.entries.fp32_add={\"unit\": \"op\", \"source\": \"s\", \"area_um2\": 1, \"area_source\": \"a\"}"
  STDERR "/entries/fp32_add" "has an area but no price")
set_tests_properties("bad_input: priced entry given area only" PROPERTIES LABELS "bad_input;power")
