# Issue 20: the SoC (tasks running at once over the shared memory system).
foreach(part contention split order bad sweep)
  add_test(NAME "regress: soc tasks ${part}"
    COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_tasks.py ${SAVP_BIN} ${SCENARIOS} ${REGRESS_OUT}/soc-tasks-${part} ${part})
  set_tests_properties("regress: soc tasks ${part}" PROPERTIES LABELS "regress;soc")
endforeach()
set_tests_properties("regress: soc tasks bad" PROPERTIES LABELS "regress;soc;bad_input;hardening")
