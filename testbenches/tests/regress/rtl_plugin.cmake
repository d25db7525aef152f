# RTL plugins (savp rtl build, "backend": {"rtl": ...}): the refusals of the loader on hand-written
# stand-ins (no Verilator needed), and, in Verilator builds, the second top-k RTL
# (testbenches/cosim/plugins/topk_bitonic.sv) built once as a plugin (fixture) and run under SpAtten,
# a deliberately broken variant caught with its first differing beat and waves, and the build
# command's refusals.
set(PLUGIN_DIR ${CMAKE_CURRENT_SOURCE_DIR}/regress/rtl_plugin)
set(PLUGIN_OUT ${REGRESS_OUT}/plugins)
set(TOPK_PLUGIN_PATH platform.accelerators.0.topk.backend)
# Small SpAtten runs: two layers of two heads (one layer cannot prune).
set(PLUGIN_SMALL --set workload.layers=2 --set workload.heads=2)

foreach(fake hung wrong_protocol missing_symbol not_plugin)
  add_library(rtl_plugin_fake_${fake} MODULE ${PLUGIN_DIR}/fake_plugin.cpp)
  target_include_directories(rtl_plugin_fake_${fake} PRIVATE ${CMAKE_SOURCE_DIR}/testbenches/cosim/plugin)
  set_target_properties(rtl_plugin_fake_${fake} PROPERTIES PREFIX "" OUTPUT_NAME fake_${fake}
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/plugins)
endforeach()
target_compile_definitions(rtl_plugin_fake_wrong_protocol PRIVATE FAKE_PROTOCOL="salo-array-v1")
target_compile_definitions(rtl_plugin_fake_missing_symbol PRIVATE FAKE_OMIT_SYMBOL=1)
target_compile_definitions(rtl_plugin_fake_not_plugin PRIVATE FAKE_NOT_PLUGIN=1)
set(FAKES ${CMAKE_BINARY_DIR}/plugins)

savp_case("another protocol is refused at load" LABEL plugin EXIT 2
  STDERR "/platform/accelerators/0/topk/backend/rtl" "serves protocol salo-array-v1" "needs topk-v1"
  ARGS run ${SCENARIOS}/spatten/small.json -o ${REGRESS_OUT}/plugin-wrong-protocol
    --set "${TOPK_PLUGIN_PATH}={\"rtl\": \"${FAKES}/fake_wrong_protocol.so\"}"
  ABSENT ${REGRESS_OUT}/plugin-wrong-protocol)
savp_case("a missing symbol is refused at load" LABEL plugin EXIT 2
  STDERR "/platform/accelerators/0/topk/backend/rtl" "savp_rtl_waves_close is missing"
  ARGS run ${SCENARIOS}/spatten/small.json -o ${REGRESS_OUT}/plugin-missing-symbol
    --set "${TOPK_PLUGIN_PATH}={\"rtl\": {\"path\": \"${FAKES}/fake_missing_symbol.so\"}}"
  ABSENT ${REGRESS_OUT}/plugin-missing-symbol)
savp_case("a shared library that is not a plugin is refused" LABEL plugin EXIT 2
  STDERR "/platform/accelerators/0/topk/backend/rtl" "is not an RTL plugin" "savp_rtl_abi_version"
  ARGS run ${SCENARIOS}/spatten/small.json -o ${REGRESS_OUT}/plugin-not-plugin
    --set "${TOPK_PLUGIN_PATH}={\"rtl\": \"${FAKES}/fake_not_plugin.so\"}"
  ABSENT ${REGRESS_OUT}/plugin-not-plugin)
savp_case("a file that is not a shared library is refused" LABEL plugin EXIT 2
  STDERR "/platform/accelerators/0/topk/backend/rtl" "does not load as a shared library"
  ARGS run ${SCENARIOS}/spatten/small.json -o ${REGRESS_OUT}/plugin-not-library
    --set "${TOPK_PLUGIN_PATH}={\"rtl\": \"${SCENARIOS}/spatten/small.json\"}"
  ABSENT ${REGRESS_OUT}/plugin-not-library)
savp_case("a missing plugin file is refused" LABEL plugin EXIT 2
  STDERR "/platform/accelerators/0/topk/backend/rtl" "RTL plugin"
  ARGS run ${SCENARIOS}/spatten/small.json -o ${REGRESS_OUT}/plugin-missing-file
    --set "${TOPK_PLUGIN_PATH}={\"rtl\": \"no_such_plugin.so\"}"
  ABSENT ${REGRESS_OUT}/plugin-missing-file)
savp_case("an unknown cycles choice is refused" LABEL plugin EXIT 2
  STDERR "/platform/accelerators/0/topk/backend/rtl/cycles" "model"
  ARGS run ${SCENARIOS}/spatten/small.json -o ${REGRESS_OUT}/plugin-bad-cycles
    --set "${TOPK_PLUGIN_PATH}={\"rtl\": {\"path\": \"${FAKES}/fake_hung.so\", \"cycles\": \"both\"}}"
  ABSENT ${REGRESS_OUT}/plugin-bad-cycles)
savp_case("an unknown key beside rtl is refused" LABEL plugin EXIT 2
  STDERR "/platform/accelerators/0/topk/backend" "waves"
  ARGS run ${SCENARIOS}/spatten/small.json -o ${REGRESS_OUT}/plugin-bad-key
    --set "${TOPK_PLUGIN_PATH}={\"rtl\": \"${FAKES}/fake_hung.so\", \"waves\": true}"
  ABSENT ${REGRESS_OUT}/plugin-bad-key)
savp_case("a block that never raises ready fails the run with its state" LABEL plugin EXIT 1
  STDERR "selection 1" "hung: no in_ready for candidate 0" "within 2000 cycles" "in_ready=0"
  ARGS run ${SCENARIOS}/spatten/small.json -o ${REGRESS_OUT}/plugin-hung --quiet ${PLUGIN_SMALL}
    --set "${TOPK_PLUGIN_PATH}={\"rtl\": {\"path\": \"${FAKES}/fake_hung.so\", \"budget_cycles\": 2000}}")

# savp rtl build: argument refusals (no Verilator run)
savp_case("rtl build: a parameter value that is not an integer is refused" LABEL plugin EXIT 2
  STDERR "is not NAME=INTEGER"
  ARGS rtl build ${CMAKE_SOURCE_DIR}/testbenches/cosim/plugins/topk_bitonic.sv --top topk_bitonic --protocol topk-v1
    --param "P=8 rm" -o ${PLUGIN_OUT}/bad.so)
savp_case("rtl build: a module name that is not an identifier is refused" LABEL plugin EXIT 2
  STDERR "is not a module name"
  ARGS rtl build ${CMAKE_SOURCE_DIR}/testbenches/cosim/plugins/topk_bitonic.sv --top "topk bitonic" --protocol topk-v1
    -o ${PLUGIN_OUT}/bad.so)
savp_case("rtl build: an unknown protocol is refused" LABEL plugin EXIT 2
  STDERR "unknown protocol" "topk-v1"
  ARGS rtl build ${CMAKE_SOURCE_DIR}/testbenches/cosim/plugins/topk_bitonic.sv --top topk_bitonic --protocol topk-v9
    -o ${PLUGIN_OUT}/bad.so)
savp_case("rtl build: a missing source is refused" LABEL plugin EXIT 2
  STDERR "no_such.sv" "not a readable file"
  ARGS rtl build no_such.sv --top topk_bitonic --protocol topk-v1 -o ${PLUGIN_OUT}/bad.so)

if(SAVP_HAVE_COSIM)
  file(MAKE_DIRECTORY ${PLUGIN_OUT})
  savp_case("rtl build: a protocol port of the wrong width is refused, the port named" LABEL plugin EXIT 2
    STDERR "does not follow topk-v1" "port out_data has the wrong width" "found 68"
    ARGS rtl build ${PLUGIN_DIR}/topk_bad_width.sv --top topk_bad_width --protocol topk-v1 -o ${PLUGIN_OUT}/bad_width.so
    ABSENT ${PLUGIN_OUT}/bad_width.so)
  savp_case("rtl build: sources that do not verilate are refused" LABEL plugin EXIT 2
    STDERR "do not verilate" "topk_syntax_error.sv"
    ARGS rtl build ${PLUGIN_DIR}/topk_syntax_error.sv --top topk_syntax_error --protocol topk-v1
      -o ${PLUGIN_OUT}/syntax.so
    ABSENT ${PLUGIN_OUT}/syntax.so)
  # The plugins, built once each (fixtures). Release pass only: a plugin is a Verilator build of
  # minutes that the sanitizer pass would repeat without instrumenting it (the shim is compiled
  # without the sanitizer flags), and the loader's refusals above run in both passes.
  if(NOT SAVP_SANITIZE)
    savp_case("rtl build: the bitonic top-k RTL as a topk-v1 plugin" LABEL plugin
      STDOUT "protocol topk-v1" "= 8"
      ARGS rtl build ${CMAKE_SOURCE_DIR}/testbenches/cosim/plugins/topk_bitonic.sv --top topk_bitonic --protocol topk-v1
        --param P=8 --param NMAX=1024 -o ${PLUGIN_OUT}/topk_bitonic.so
      PRESENT ${PLUGIN_OUT}/topk_bitonic.so)
    set_tests_properties("plugin: rtl build: the bitonic top-k RTL as a topk-v1 plugin" PROPERTIES
      FIXTURES_SETUP plugin_bitonic)
    savp_case("rtl build: a broken bitonic variant (-D) as a plugin" LABEL plugin
      ARGS rtl build ${CMAKE_SOURCE_DIR}/testbenches/cosim/plugins/topk_bitonic.sv --top topk_bitonic --protocol topk-v1
        --param P=8 --param NMAX=1024 -D TOPK_BITONIC_BROKEN -o ${PLUGIN_OUT}/topk_bitonic_broken.so
      PRESENT ${PLUGIN_OUT}/topk_bitonic_broken.so)
    set_tests_properties("plugin: rtl build: a broken bitonic variant (-D) as a plugin" PROPERTIES
      FIXTURES_SETUP plugin_bitonic_broken)

    add_test(NAME "plugin: spatten on the bitonic top-k plugin: kept sets equal, cycles differ"
      COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_rtl_plugin.py ${SAVP_BIN} ${SCENARIOS}/spatten/small.json
        ${REGRESS_OUT}/plugin-bitonic ${PLUGIN_OUT}/topk_bitonic.so ${TOPK_PLUGIN_PATH} ${PLUGIN_SMALL})
    set_tests_properties("plugin: spatten on the bitonic top-k plugin: kept sets equal, cycles differ" PROPERTIES
      LABELS plugin FIXTURES_REQUIRED plugin_bitonic)
    savp_case("a disagreement names the first differing beat and writes waves" LABEL plugin EXIT 1
      STDERR "disagreement" "selection 1: first differing output beat 1, field lane 3 (kept index): RTL 16, model 15"
        "rtl_topk_plugin1.fst"
      ARGS run ${SCENARIOS}/spatten/small.json -o ${REGRESS_OUT}/plugin-broken --quiet ${PLUGIN_SMALL}
        --set "${TOPK_PLUGIN_PATH}={\"rtl\": \"${PLUGIN_OUT}/topk_bitonic_broken.so\"}"
      PRESENT ${REGRESS_OUT}/plugin-broken/rtl_topk_plugin1.fst)
    set_tests_properties("plugin: a disagreement names the first differing beat and writes waves" PROPERTIES
      FIXTURES_REQUIRED plugin_bitonic_broken)
  endif()
endif()
