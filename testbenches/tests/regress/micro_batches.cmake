# Issue 21: micro-batches overlap the linear layers of one with the attention of another.
foreach(part dense spatten bad)
  add_test(NAME "regress: micro_batches ${part}"
    COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_micro_batches.py ${SAVP_BIN} ${SCENARIOS} ${REGRESS_OUT}/micro-batches-${part} ${part})
  set_tests_properties("regress: micro_batches ${part}" PROPERTIES LABELS "regress;model")
endforeach()
set_tests_properties("regress: micro_batches bad" PROPERTIES LABELS "regress;model;bad_input")
