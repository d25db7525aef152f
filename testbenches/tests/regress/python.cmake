# The Python entry point (python/savp, issue 23) driving the savp binary: one test per part, each
# well under a minute, on Debian's python3 (the package's target; python3-matplotlib for the
# example). The pandas half of "python tables" skips when python3-pandas is missing.
foreach(part Run Sweep Binary Tables Example)
  string(TOLOWER ${part} name)
  add_test(NAME "regress: python ${name}"
    COMMAND /usr/bin/python3 ${REGRESS_DIR}/check_python.py ${SAVP_BIN} ${CMAKE_SOURCE_DIR} ${REGRESS_OUT}/python ${part})
  set_tests_properties("regress: python ${name}" PROPERTIES LABELS "regress;python")
endforeach()
