# Issue 22, power over time (outputs.power): power.csv adds up to the run's energy on every engine
# and memory kind, the idle gap of a two-phase SoC scenario shows, trace.json carries the power
# tracks, and nothing changes without it.
foreach(part sums gap off)
  add_test(NAME "regress: power ${part}"
    COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_power.py ${SAVP_BIN} ${SCENARIOS} ${REGRESS_OUT}/power-${part} ${part})
  set_tests_properties("regress: power ${part}" PROPERTIES LABELS "regress;power")
endforeach()
# Bad input: a bin width <= 0, an unknown key, a value of the wrong type (exit 2, the JSON path).
bad_case("power bins zero" ${DEF} SET "outputs.power={\"power_bin_ns\": 0}"
  STDERR "default.json" "/outputs/power/power_bin_ns" "expected a bin width in ns, > 0")
bad_case("power bins negative" ${DEF} SET "outputs.power={\"power_bin_ns\": -5}"
  STDERR "default.json" "/outputs/power/power_bin_ns" "found -5")
bad_case("power unknown key" ${DEF} SET "outputs.power={\"bin_ns\": 100}"
  STDERR "default.json" "/outputs/power" "bin_ns")
bad_case("power not a bool or object" ${DEF} SET "outputs.power=3"
  STDERR "default.json" "/outputs/power" "true, false or an object")
foreach(n "power bins zero" "power bins negative" "power unknown key" "power not a bool or object")
  set_tests_properties("bad_input: ${n}" PROPERTIES LABELS "bad_input;power")
endforeach()
# Area of the router, the DMAs and SPRINT's ReRAM mats: in stats.json, the same in `savp validate`.
add_test(NAME "regress: area of the router, DMAs and ReRAM mats"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_area_platform.py ${SAVP_BIN} ${SCENARIOS} ${REGRESS_OUT}/area-platform)
set_tests_properties("regress: area of the router, DMAs and ReRAM mats" PROPERTIES LABELS "regress;power")
