# Issue 10 on the savp binary: no clobbered output directories, --time-limit with a partial-results
# marker, memory-estimate refusals before allocating, runs and sweeps killed at random moments by
# SIGINT / SIGTERM / SIGKILL leave no file that looks complete but is not. Issue 19: no id, output
# path or Slurm value runs a command (exec); a killed run or sweep leaves no baseline child running
# and no stats.json beside another run's baseline (orphans).
foreach(part outdir timelimit memory kill exec orphans)
  add_test(NAME "regress: hardening ${part}"
    COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_hardening.py ${SAVP_BIN} ${SCENARIOS} ${REGRESS_OUT}/hardening-${part} ${part})
  set_tests_properties("regress: hardening ${part}" PROPERTIES LABELS "regress;hardening")
endforeach()
