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
# A baseline that fails at run time (here its own scoreboard) fails the run: exit 1, the reason in
# stats.json comparison.error and on stderr, no speedup (issue 19).
savp_case("a baseline failing at run time is exit 1 with its reason" EXIT 1 LABEL hardening
  STDERR "baseline error: the baseline run failed (exit 1: " "outside the scoreboard tolerance" "baseline/log.txt"
  PRESENT ${REGRESS_OUT}/baseline-fails/stats.json
  ARGS run ${SCENARIOS}/salo/small.json --set workload.heads=1 --set workload.seq_len=128
       --set outputs.baseline.tolerance_rel_l2=1e-9 -o ${REGRESS_OUT}/baseline-fails --quiet)
add_test(NAME "regress: a failed baseline leaves no speedup in stats.json"
  COMMAND ${Python3_EXECUTABLE} -c "import json,sys; s=json.load(open(sys.argv[1])); c=s['comparison']; assert 'error' in c and 'speedup' not in c and 'speedup_vs_baseline' not in s['totals'], c; print('ok')" ${REGRESS_OUT}/baseline-fails/stats.json)
set_tests_properties("regress: a failed baseline leaves no speedup in stats.json" PROPERTIES LABELS "regress;hardening"
  DEPENDS "hardening: a baseline failing at run time is exit 1 with its reason")
