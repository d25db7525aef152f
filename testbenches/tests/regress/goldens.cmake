# Scenario regressions: each golden under scenarios/golden/ names a scenario, overrides and
# tolerances; the run's stats.json must match it.
file(GLOB GOLDENS CONFIGURE_DEPENDS ${SCENARIOS}/golden/*.json)
foreach(g ${GOLDENS})
  get_filename_component(name ${g} NAME_WE)
  add_test(NAME "regress: golden ${name}"
    COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/compare_stats.py ${SAVP_BIN} ${g} ${REGRESS_OUT}/golden-${name})
  set_tests_properties("regress: golden ${name}" PROPERTIES LABELS regress)
endforeach()
