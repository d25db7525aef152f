# Real attention (scenarios/workloads/use-lite): savp data-stats against the statistics published with
# the data, the real-like preset's fit, and the four engines' scenarios on the real operands.
add_test(NAME "regress: use-lite real attention"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_use_lite.py ${SAVP_BIN} ${SCENARIOS} ${REGRESS_OUT}/use-lite)
set_tests_properties("regress: use-lite real attention" PROPERTIES LABELS regress)
set(ULD ${SCENARIOS}/dense/use-lite.json)
savp_case("data-stats of a gemm workload" EXIT 2 LABEL bad_input STDERR "gemm.json" "/workload/kind" "attention workload"
  ARGS data-stats ${SCENARIOS}/dense/gemm.json)
savp_case("data-stats of a pruning trace" EXIT 2 LABEL bad_input
  STDERR "gpt2-small-wikitext2-trace.json" "/workload/data/source" "recorded decisions"
  ARGS data-stats ${SCENARIOS}/spatten/gpt2-small-wikitext2-trace.json)
savp_case("synthetic data preset unknown" EXIT 2 LABEL bad_input STDERR "use-lite.json" "/workload/data/preset" "real-like"
  ARGS data-stats ${ULD} --set "workload.data={\"source\":\"synthetic\",\"preset\":\"real\"}" --set workload.seq_len=128)
savp_case("data-stats without a scenario" EXIT 2 LABEL bad_input STDERR "expected exactly one SCENARIO.json" ARGS data-stats)
