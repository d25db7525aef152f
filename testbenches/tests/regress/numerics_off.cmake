# Timing-only runs (workload numerics "off", issue 24): every shipped single-workload scenario of the
# dense, SALO, CHELA and traffic engines gives the same stats.json with numerics on and off, the
# accuracy and data-footprint fields aside (check_numerics_off.py), a compute engine in AT as well;
# and the bad inputs. SALO's long scenarios (Longformer 4K with its dense baseline, 16K, 64K; about
# 80 s with the protocol checker) run only with -DSAVP_LONG_TESTS=ON (ctest -L long); the default
# suite checks its small ones.
foreach(engine dense chela traffic)
  add_test(NAME "regress: numerics off costs what numerics on costs, every ${engine} scenario"
    COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_numerics_off.py ${SAVP_BIN} ${SCENARIOS}
            ${REGRESS_OUT}/numerics-off-${engine} --engine ${engine})
  set_tests_properties("regress: numerics off costs what numerics on costs, every ${engine} scenario"
    PROPERTIES LABELS regress)
endforeach()
add_test(NAME "regress: numerics off costs what numerics on costs, SALO small and ViL stage 2"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_numerics_off.py ${SAVP_BIN} ${SCENARIOS}
          ${REGRESS_OUT}/numerics-off-salo-small salo/small.json salo/vil-stage2.json)
set_tests_properties("regress: numerics off costs what numerics on costs, SALO small and ViL stage 2"
  PROPERTIES LABELS regress)
option(SAVP_LONG_TESTS "add the long scenario runs (label long)" OFF)
if(SAVP_LONG_TESTS)
  add_test(NAME "long: numerics off costs what numerics on costs, every salo scenario"
    COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_numerics_off.py ${SAVP_BIN} ${SCENARIOS}
            ${REGRESS_OUT}/numerics-off-salo --engine salo)
  set_tests_properties("long: numerics off costs what numerics on costs, every salo scenario" PROPERTIES LABELS long)
endif()
add_test(NAME "regress: numerics off costs what numerics on costs, CHELA and dense in AT"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_numerics_off.py ${SAVP_BIN} ${SCENARIOS}
          ${REGRESS_OUT}/numerics-off-at chela/small.json default.json --set timing_mode=AT)
set_tests_properties("regress: numerics off costs what numerics on costs, CHELA and dense in AT"
  PROPERTIES LABELS regress)
savp_case("numerics off: the summary says timing only" STDOUT "timing only: numerics off" "total: 1 jobs (0 failed)"
  ARGS run ${SCENARIOS}/dense/gemm.json --set workload.numerics=off -o ${REGRESS_OUT}/numerics-off-summary)
savp_case("numerics off: a SpAtten trace replay runs as it always does" STDOUT "timing only: numerics off"
  ARGS run ${SCENARIOS}/spatten/gpt2-small-wikitext2-trace-eighth.json --set workload.numerics=off
       -o ${REGRESS_OUT}/numerics-off-spatten-replay)

bad_case("numerics neither on nor off" ${DEF} SET workload.numerics=maybe
  STDERR "default.json" "/workload/numerics" "expected one of on|off" "found \"maybe\"")
bad_case("numerics off on SpAtten with synthetic data" ${SCENARIOS}/spatten/small.json SET workload.numerics=off
  STDERR "small.json" "/workload/numerics" "decide on the attention probabilities of the data"
         "replay a recorded pruning trace")
bad_case("numerics off on SPRINT" ${SCENARIOS}/sprint/bert-base-512.json SET workload.numerics=off
  STDERR "bert-base-512.json" "/workload/numerics" "depends on Q and K")
bad_case("numerics off with a SpAtten baseline" ${SCENARIOS}/salo/small.json
  SET workload.numerics=off "outputs.baseline={\"type\": \"spatten\"}"
  STDERR "small.json" "/outputs/baseline" "numerics")
# The memory estimate: a GEMM whose operands and reference exceed the limit runs timing-only.
set(GEMM1K --set workload.M=1024 --set workload.N=1024 --set workload.K=1024 --max-memory 40M)
savp_case("numerics on: a 1024^3 GEMM's operands exceed 40 MB" EXIT 2 LABEL bad_input
  STDERR "/workload" "operands (host, engine)" "above the limit"
  ARGS run ${SCENARIOS}/dense/gemm.json ${GEMM1K} -o ${REGRESS_OUT}/numerics-on-gemm1k)
savp_case("numerics off: the memory estimate counts no operands" STDOUT "timing only: numerics off"
  ARGS run ${SCENARIOS}/dense/gemm.json ${GEMM1K} --set workload.numerics=off -o ${REGRESS_OUT}/numerics-off-gemm1k)
# The benchmark scenarios (scripts/bench_scale.py, the SCALE-Sim three-GEMM set) stay valid at their
# largest size: a buffer too small for 256K tokens (CHELA's FFT, the dense score block) is refused.
savp_case("bench: SALO scale scenario at 256K tokens" STDOUT "valid scenario"
  ARGS validate ${SCENARIOS}/bench/scale/salo-longformer.json --set workload.seq_len=262144)
savp_case("bench: CHELA scale scenario at 256K tokens" STDOUT "valid scenario"
  ARGS validate ${SCENARIOS}/bench/scale/chela-lm.json --set workload.seq_len=262144)
savp_case("bench: dense scale scenario at 16K tokens" STDOUT "valid scenario"
  ARGS validate ${SCENARIOS}/bench/scale/dense-attention.json --set workload.seq_len=16384)
savp_case("bench: the SCALE-Sim three-GEMM set is timing-only" STDOUT "valid scenario" "3 tasks"
  ARGS validate ${SCENARIOS}/bench/scalesim-three-gemms.json)
