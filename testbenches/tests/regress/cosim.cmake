# RTL co-simulation scenario runs (Verilator builds only): the same scenario with the C++ model and
# the verilated RTL as backend must give identical stats.json (check_backends.py); without
# Verilator, "backend": "rtl" is refused as bad input (bad_input.cmake).
add_test(NAME "cosim: spatten small, top-k on RTL equals model"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_backends.py ${SAVP_BIN}
    ${SCENARIOS}/spatten/small.json ${REGRESS_OUT}/cosim-spatten platform.accelerators.0.topk.backend)
set_tests_properties("cosim: spatten small, top-k on RTL equals model" PROPERTIES LABELS cosim)
savp_case("rtl top-k backend refuses a parallelism the RTL was not built with" LABEL cosim EXIT 2
  STDERR "/platform/accelerators/0/topk" "comparators"
  ARGS run ${SCENARIOS}/spatten/small.json -o ${REGRESS_OUT}/cosim-bad-p --set platform.accelerators.0.topk.backend=rtl
    --set platform.accelerators.0.topk_parallelism=8
  ABSENT ${REGRESS_OUT}/cosim-bad-p/stats.json)
