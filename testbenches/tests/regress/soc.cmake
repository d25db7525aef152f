# Issue 20: the SoC (tasks running at once over the shared memory system).
foreach(part contention split order bad sweep)
  add_test(NAME "regress: soc tasks ${part}"
    COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_tasks.py ${SAVP_BIN} ${SCENARIOS} ${REGRESS_OUT}/soc-tasks-${part} ${part})
  set_tests_properties("regress: soc tasks ${part}" PROPERTIES LABELS "regress;soc")
endforeach()
set_tests_properties("regress: soc tasks bad" PROPERTIES LABELS "regress;soc;bad_input;hardening")
# The shipped SoC scenarios and sweeps load and plan (the figures' runs are in scripts/soc_figures.py).
file(GLOB SOC_FILES ${SCENARIOS}/soc/*.json ${SCENARIOS}/sweeps/soc-*.json)
foreach(f ${SOC_FILES})
  get_filename_component(n ${f} NAME_WE)
  add_test(NAME "cli: validate soc ${n}" COMMAND ${SAVP_BIN} validate ${f})
  set_tests_properties("cli: validate soc ${n}" PROPERTIES LABELS "cli;soc")
endforeach()
# The four engines at once, end to end (AT, no alone runs: those are the same scenarios one task each).
add_test(NAME "regress: soc four engines at once"
  COMMAND ${SAVP_BIN} run ${SCENARIOS}/soc/four-engines-ddr4.json -o ${REGRESS_OUT}/soc-four --force -q --set outputs.alone=false)
set_tests_properties("regress: soc four engines at once" PROPERTIES LABELS "regress;soc")
