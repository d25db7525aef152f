# SPRINT: a small BERT-like run checked against its own claims (keep fraction, recompute, locality,
# baseline), the analog noise on, LT/AT agreement, and the issue's bad inputs.
set(SPR ${SCENARIOS}/sprint/bert-base-512.json)
set(SPRA platform.accelerators.0)
set(SPR_SMALL --set workload.layers=1 --set workload.heads=2 --set workload.seq_len=256)
add_test(NAME "regress: sprint keeps, recomputes and beats its baseline"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_sprint.py ${SAVP_BIN} ${SPR} ${REGRESS_OUT}/sprint-check ${SPR_SMALL})
set_tests_properties("regress: sprint keeps, recomputes and beats its baseline" PROPERTIES LABELS regress)
add_test(NAME "regress: sprint with analog noise"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_sprint.py ${SAVP_BIN} ${SPR} ${REGRESS_OUT}/sprint-noise
          --keep-tolerance 0.2 ${SPR_SMALL}
          --set ${SPRA}.pim.noise=true --set ${SPRA}.config=S)
set_tests_properties("regress: sprint with analog noise" PROPERTIES LABELS regress)
add_test(NAME "regress: sprint LT and AT agree"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_lt_at.py ${SAVP_BIN} ${SPR} ${REGRESS_OUT}/ltat-sprint
          --set outputs.baseline=null ${SPR_SMALL})
set_tests_properties("regress: sprint LT and AT agree" PROPERTIES LABELS regress)
add_test(NAME "regress: sprint causal calibration keeps the target over the whole sequence"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_sprint.py ${SAVP_BIN} ${SCENARIOS}/sprint/gpt2-1024.json
          ${REGRESS_OUT}/sprint-causal --set workload.layers=1 --set workload.heads=4 --set workload.seq_len=512)
set_tests_properties("regress: sprint causal calibration keeps the target over the whole sequence" PROPERTIES LABELS regress)
savp_case("sprint causal GPT-2 shape runs" STDOUT "total: 2 jobs (0 failed)"
  ARGS run ${SCENARIOS}/sprint/gpt2-1024.json --set workload.layers=1 --set workload.heads=2 --set workload.seq_len=192
       -o ${REGRESS_OUT}/sprint-gpt2)

bad_case("sprint keep ratio of 0" ${SPR} SET ${SPRA}.threshold.keep_ratio=0
  STDERR "/platform/accelerators/0/threshold/keep_ratio" "expected a keep ratio in" "found 0")
bad_case("sprint fixed threshold out of range" ${SPR} SET "${SPRA}.threshold={\"policy\":\"fixed\",\"value\":2}"
  STDERR "/platform/accelerators/0/threshold/value" "expected a threshold in")
bad_case("sprint crossbar too small for the head" ${SPR} SET workload.head_dim=128
  STDERR "/platform/accelerators/0/pim/crossbar_rows" "exceeds crossbar_rows = 64 and split_embedding is false")
bad_case("sprint bits per cell beyond the comparator" ${SPR} SET "${SPRA}.pim={\"cell_bits\":4}"
  STDERR "/platform/accelerators/0/pim/cell_bits" "beyond what the DAC/comparator path resolves")
bad_case("sprint budget below one key and value" ${SPR} SET ${SPRA}.budget_kib=1 ${SPRA}.corelets=16
  STDERR "/platform/accelerators/0/budget_kib" "less than one key + value")
bad_case("sprint threshold step of 8 cycles" ${SPR} SET "${SPRA}.pim={\"threshold_cycles\":9}"
  STDERR "/platform/accelerators/0/pim/threshold_cycles" "under 8 memory cycles")
add_test(NAME "regress: sprint padding removal skips padding, same outputs"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_sprint_pair.py padding ${SAVP_BIN} ${SPR} ${REGRESS_OUT}/sprint-padding
          --set workload.layers=1 --set workload.heads=2 --set workload.batch=2 --set workload.seq_len=256
          "--set" "workload.valid_len=[150,90]")
set_tests_properties("regress: sprint padding removal skips padding, same outputs" PROPERTIES LABELS regress)
bad_case("sprint valid length beyond seq_len" ${SPR} SET "workload.valid_len=[600]"
  STDERR "/workload/valid_len/0" "a number of valid tokens in")
bad_case("valid lengths not one per batch element" ${SPR} SET workload.batch=3 "workload.valid_len=[100,200]"
  STDERR "/workload/valid_len" "one per batch element (3), found 2")
bad_case("padded batch on another engine" ${SCENARIOS}/salo/small.json SET "workload.valid_len=[10]"
  STDERR "/workload/valid_len" "padded batches run on a \"sprint\" accelerator")
add_test(NAME "regress: sprint rotating pointer beats in-order, same outputs"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_sprint_pair.py pointer ${SAVP_BIN} ${SPR} ${REGRESS_OUT}/sprint-pointer
          ${SPR_SMALL})
set_tests_properties("regress: sprint rotating pointer beats in-order, same outputs" PROPERTIES LABELS regress)
