# Issue 10 on the savp binary: no clobbered output directories, --time-limit with a partial-results
# marker, memory-estimate refusals before allocating, runs and sweeps killed at random moments by
# SIGINT / SIGTERM / SIGKILL leave no file that looks complete but is not.
foreach(part outdir timelimit memory kill)
  add_test(NAME "regress: hardening ${part}"
    COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_hardening.py ${SAVP_BIN} ${SCENARIOS} ${REGRESS_OUT}/hardening-${part} ${part})
  set_tests_properties("regress: hardening ${part}" PROPERTIES LABELS "regress;hardening")
endforeach()
