# Issue 23 "Progress and ergonomics": progress on stderr, hardware presets and shipped scenarios by
# name, copied scenarios, sweep axes that add a key, the summary's timing-mode line.
foreach(c progress progress-tty preset-by-name copied sweep-adds-key)
  add_test(NAME "regress: ergonomics ${c}"
    COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_ergonomics.py ${SAVP_BIN} ${SCENARIOS}
            ${REGRESS_OUT}/ergonomics-${c} ${c})
  set_tests_properties("regress: ergonomics ${c}" PROPERTIES LABELS regress)
endforeach()
savp_case("summary says LT and what it leaves out" STDOUT "timing: LT (loosely timed, quantum 1000 ns)"
  STDOUT "no queueing in the memory" ARGS run ${SCENARIOS}/default.json -o ${REGRESS_OUT}/ergo-lt
  --set workload.heads=1 --set workload.seq_len=64)
savp_case("summary says AT" STDOUT "timing: AT (approximately timed)"
  ARGS run ${SCENARIOS}/default.json -o ${REGRESS_OUT}/ergo-at --set workload.heads=1 --set workload.seq_len=64
  --set timing_mode=AT)
savp_case("list shows hardware presets" STDOUT "hardware presets" STDOUT "spatten-full  SpAtten: H. Wang"
  ARGS list)

# Bad input: names that match nothing, names that leave the data directory (exit 2, nothing written).
bad_case("unknown hardware preset name" ${DEF} STDERR "/platform/accelerators/0"
  "expected a hardware preset (chela-32x32|dense-32x32|" "salo-32x32|" "found \"salo-64x64\""
  SET platform.accelerators.0=salo-64x64)
bad_case("unknown hardware preset name as baseline" ${SCENARIOS}/salo/small.json STDERR "/outputs/baseline"
  "expected a hardware preset (" SET outputs.baseline=dense-64x64)
savp_case("a scenario name that escapes the data directory" EXIT 2 LABEL bad_input
  STDERR "../salo/small" "without '..' or a leading '/'" ABSENT ${REGRESS_OUT}/bad-escape
  ARGS run ../salo/small -o ${REGRESS_OUT}/bad-escape)
savp_case("an absolute scenario name" EXIT 2 LABEL bad_input
  STDERR "/no/such/salo/small" "without '..' or a leading '/'" ABSENT ${REGRESS_OUT}/bad-abs-name
  ARGS run /no/such/salo/small -o ${REGRESS_OUT}/bad-abs-name)
savp_case("a scenario name that matches nothing" EXIT 2 LABEL bad_input
  STDERR "salo/no-such" "no shipped scenario of that name" ABSENT ${REGRESS_OUT}/bad-no-name
  ARGS run salo/no-such -o ${REGRESS_OUT}/bad-no-name)
