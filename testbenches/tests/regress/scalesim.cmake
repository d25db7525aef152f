# scenarios/dense/gemm.json in the "scalesim" convention: totals.cycles must equal SCALE-Sim v2's
# "Total Cycles" for the GEMM on a 32x32 array with ideal bandwidth. Expected values computed by
# following SCALE-Sim v2's demand-matrix algorithm (systolic_compute_{os,ws,is}.py and
# double_buffered_scratchpad_mem.py): total = ceil(Sr/32) * ceil(Sc/32) * W - 1, W = T + 62 (os)
# or T + 94 (ws, is).
set(SCALESIM_CASES
  "64 64 64 os 503" "64 64 64 ws 631" "64 64 64 is 631"
  "1 1 1 os 62" "1 1 1 ws 94" "1 1 1 is 94"
  "33 17 5 os 133" "33 17 5 ws 126" "33 17 5 is 221"
  "100 200 300 os 10135" "100 200 300 ws 13579" "100 200 300 is 11759"
  "512 64 512 os 18367" "512 64 512 ws 19391" "512 64 512 is 40447"
  "197 64 197 os 3625" "197 64 197 ws 4073" "197 64 197 is 7741")
foreach(c ${SCALESIM_CASES})
  separate_arguments(f UNIX_COMMAND "${c}")
  list(GET f 0 M)
  list(GET f 1 N)
  list(GET f 2 K)
  list(GET f 3 DF)
  list(GET f 4 EXPECTED)
  add_test(NAME "regress: scalesim gemm ${M}x${N}x${K} ${DF}"
    COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_cycles.py ${SAVP_BIN} ${SCENARIOS}/dense/gemm.json
            ${REGRESS_OUT}/scalesim-${M}-${N}-${K}-${DF} cycles ${EXPECTED}
            --set workload.M=${M} --set workload.N=${N} --set workload.K=${K}
            --set platform.accelerators.0.dataflow=${DF})
  set_tests_properties("regress: scalesim gemm ${M}x${N}x${K} ${DF}" PROPERTIES LABELS regress)
endforeach()
