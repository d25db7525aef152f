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

# SALO: the tiles on the verilated 8 x 8 PE array (the default build's RTL) give the same run as the
# C++ array, bit for bit (the baseline comparison is switched off: it only names the output folder).
set(SALO_RTL_ARRAY --set platform.accelerators.0.array.rows=${SAVP_RTL_SALO_ROWS}
  --set platform.accelerators.0.array.cols=${SAVP_RTL_SALO_COLS} --set outputs.baseline=null)
add_test(NAME "cosim: salo small, tiles on the RTL array equal the model"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_backends.py ${SAVP_BIN}
    ${SCENARIOS}/salo/small.json ${REGRESS_OUT}/cosim-salo platform.accelerators.0.backend ${SALO_RTL_ARRAY})
set_tests_properties("cosim: salo small, tiles on the RTL array equal the model" PROPERTIES LABELS cosim)
# The same with the fixed datapath's arithmetic as the SALO authors' Verilog has it (issue 25):
# truncate and wrap in every stage, an 8-bit reciprocal, the exp mantissa's last bit dropped.
set(SALO_AUTHORS_ARITH "platform.accelerators.0.fixed_arithmetic={\"qk\": {\"overflow\": \"wrap\"}, \"normalise\": {\"rounding\": \"truncate\", \"overflow\": \"wrap\", \"reciprocal_bits\": 8, \"drop_exp_lsb\": true}, \"pv\": {\"rounding\": \"truncate\", \"overflow\": \"wrap\"}}")
add_test(NAME "cosim: salo small with the authors' arithmetic, tiles on the RTL array equal the model"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_backends.py ${SAVP_BIN}
    ${SCENARIOS}/salo/small.json ${REGRESS_OUT}/cosim-salo-authors platform.accelerators.0.backend ${SALO_RTL_ARRAY}
    --set ${SALO_AUTHORS_ARITH})
set_tests_properties("cosim: salo small with the authors' arithmetic, tiles on the RTL array equal the model"
  PROPERTIES LABELS cosim)
savp_case("rtl SALO backend refuses an array size the RTL was not built with" LABEL cosim EXIT 2
  STDERR "/platform/accelerators/0/backend" "built as"
  ARGS run ${SCENARIOS}/salo/small.json -o ${REGRESS_OUT}/cosim-salo-bad --set platform.accelerators.0.backend=rtl
  ABSENT ${REGRESS_OUT}/cosim-salo-bad)
savp_case("rtl SALO backend refuses the float datapath" LABEL cosim EXIT 2
  STDERR "/platform/accelerators/0/backend" "fixed datapath"
  ARGS run ${SCENARIOS}/salo/small.json -o ${REGRESS_OUT}/cosim-salo-float --set platform.accelerators.0.backend=rtl
    --set platform.accelerators.0.datapath=float ${SALO_RTL_ARRAY}
  ABSENT ${REGRESS_OUT}/cosim-salo-float)
# outputs.rtl_waves: the RTL's own waves (one VCD per verilated instance) in the output directory.
savp_case("rtl_waves writes the SALO RTL's waves into the output directory" LABEL cosim
  PRESENT ${REGRESS_OUT}/cosim-salo-waves/rtl_salo_rtl_0.vcd ${REGRESS_OUT}/cosim-salo-waves/stats.json
  ARGS run ${SCENARIOS}/salo/small.json -o ${REGRESS_OUT}/cosim-salo-waves --quiet --set platform.accelerators.0.backend=rtl
    ${SALO_RTL_ARRAY} --set workload.seq_len=64 --set workload.heads=1 --set outputs.rtl_waves=true
    --set platform.accelerators.0.tolerance_rel_l2=1)  # a short sequence: the waves, not the accuracy
# The same savp without the co-simulation linked (what a build without Verilator is): "rtl" is bad
# input with the reason, exit 2, nothing written.
set(RUN_CASE_NOCOSIM ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/regress/run_case.py --savp $<TARGET_FILE:savp_nocosim>)
foreach(engine salo spatten)
  if(engine STREQUAL salo)
    set(path platform.accelerators.0.backend)
    set(where /platform/accelerators/0/backend)
  else()
    set(path platform.accelerators.0.topk.backend)
    set(where /platform/accelerators/0/topk)
  endif()
  add_test(NAME "cosim: without Verilator, ${engine} backend rtl is bad input"
    COMMAND ${RUN_CASE_NOCOSIM} --exit 2 --stderr ${where} --stderr "Verilator was not found"
      --absent ${REGRESS_OUT}/cosim-nocosim-${engine} --
      run ${SCENARIOS}/${engine}/small.json -o ${REGRESS_OUT}/cosim-nocosim-${engine} --set ${path}=rtl)
  set_tests_properties("cosim: without Verilator, ${engine} backend rtl is bad input" PROPERTIES LABELS cosim)
endforeach()
