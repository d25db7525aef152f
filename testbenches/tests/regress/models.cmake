# Issue 21: model workloads (whole models, prefill and decode with a KV cache, GQA).
foreach(part numerics growth salo salo_decode spatten sprint chela preset_override post_norm bad)
  add_test(NAME "regress: models ${part}"
    COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_models.py ${SAVP_BIN} ${SCENARIOS} ${REGRESS_OUT}/models-${part} ${part})
  set_tests_properties("regress: models ${part}" PROPERTIES LABELS "regress;model")
endforeach()
set_tests_properties("regress: models bad" PROPERTIES LABELS "regress;model;bad_input")
file(GLOB MODEL_FILES ${SCENARIOS}/models/*.json)
foreach(f ${MODEL_FILES})
  get_filename_component(n ${f} NAME_WE)
  add_test(NAME "cli: validate model ${n}" COMMAND ${SAVP_BIN} validate ${f})
  set_tests_properties("cli: validate model ${n}" PROPERTIES LABELS "cli;model")
endforeach()
# "steps": null is the key absent, so a sweep over phase can drop it; a number is still refused
# for a prefill (check_models bad).
savp_case("a model's steps set to null is absent" LABEL model PRESENT ${REGRESS_OUT}/steps-null/stats.json
  ARGS run ${SCENARIOS}/models/tiny-llama-generate-dense.json --set workload.phase=prefill --set workload.steps=null
       --set workload.numerics=off -o ${REGRESS_OUT}/steps-null --quiet --force)
bad_case("model attention on a traffic generator" ${SCENARIOS}/models/tiny-llama-generate-dense.json
  SET "platform.accelerators=[{\"type\":\"dense\",\"name\":\"dense0\",\"datapath\":{\"format\":\"fp32\"}},{\"type\":\"traffic\",\"name\":\"tg0\"}]"
      "platform.mapping={\"linear\":0,\"attention\":1}"
  STDERR "tiny-llama-generate-dense.json" "/platform/mapping/attention" "\"traffic\" has no model form")
