# Issue 23, "silent failures and confusing figures": a failed baseline is visible in stats.json, the
# summary and a sweep's status; one stall accounting; one spelling, natural sort, true labels.
add_test(NAME "regress: a failed baseline is visible in stats, summary and sweep status"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_baseline_failure.py ${SAVP_BIN} ${SCENARIOS}/salo/small.json
          ${REGRESS_OUT}/baseline-failure)
set_tests_properties("regress: a failed baseline is visible in stats, summary and sweep status" PROPERTIES LABELS "regress;report")
add_test(NAME "regress: cycles = compute + stalls by disjoint causes, every engine, LT and AT"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_cycle_split.py ${SAVP_BIN} ${SCENARIOS} ${REGRESS_OUT}/cycle-split)
set_tests_properties("regress: cycles = compute + stalls by disjoint causes, every engine, LT and AT" PROPERTIES LABELS regress)
add_test(NAME "regress: one spelling, natural sort, true labels, quiet SystemC"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_labels.py ${SAVP_BIN} ${SCENARIOS} ${REGRESS_OUT}/labels)
set_tests_properties("regress: one spelling, natural sort, true labels, quiet SystemC" PROPERTIES LABELS regress)
