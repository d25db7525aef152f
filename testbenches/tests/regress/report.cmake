# report.html of a run and of a sweep (issue 23 "Reports people read"), drawn by
# scripts/report/savp_report.py; savp compare. Every other test runs with SAVP_REPORT=0 (regress.cmake:
# a page costs about 2 s of CPU); these carry the label "report" and run with SAVP_REPORT=1.
set(CHECK_HTML ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_report_html.py)

# One page per kind of run: a single engine, a SoC (tasks), a model; each checked in Chromium.
set(R_DEFAULT ${REGRESS_OUT}/report-default)
savp_case("run writes report.html" LABEL report PRESENT ${R_DEFAULT}/report.html STDOUT "report: ${R_DEFAULT}/report.html"
  ARGS run ${SCENARIOS}/default.json -o ${R_DEFAULT} --force)
add_test(NAME "report: single-engine page renders in headless Chromium"
  COMMAND ${CHECK_HTML} ${R_DEFAULT}/report.html --min-charts 5 --section Summary --section "Energy and area"
          --section "Phases and stalls per job" --section "roofline" --section "memory peak 32 GB/s")
set(R_SOC ${REGRESS_OUT}/report-soc)
savp_case("SoC run writes report.html" LABEL report PRESENT ${R_SOC}/report.html
  ARGS run ${SCENARIOS}/soc/traffic-pair-ddr4.json -o ${R_SOC} --force -q)
add_test(NAME "report: SoC page (task timeline, interference) renders in headless Chromium"
  COMMAND ${CHECK_HTML} ${R_SOC}/report.html --min-charts 4 --section "task timeline" --section "Interference"
          --section "slowdown vs alone")
set(R_MODEL ${REGRESS_OUT}/report-model)
savp_case("model run writes report.html" LABEL report PRESENT ${R_MODEL}/report.html
  ARGS run ${SCENARIOS}/models/tiny-longformer-salo.json -o ${R_MODEL} --force -q)
add_test(NAME "report: model page (per layer) renders in headless Chromium"
  COMMAND ${CHECK_HTML} ${R_MODEL}/report.html --min-charts 5 --section "per layer" --section "Latency per layer"
          --section "time to first token")
set_tests_properties("report: single-engine page renders in headless Chromium" PROPERTIES LABELS "report;regress"
  DEPENDS "report: run writes report.html")
set_tests_properties("report: SoC page (task timeline, interference) renders in headless Chromium" PROPERTIES
  LABELS "report;regress" DEPENDS "report: SoC run writes report.html")
set_tests_properties("report: model page (per layer) renders in headless Chromium" PROPERTIES LABELS "report;regress"
  DEPENDS "report: model run writes report.html")

# The sweep's page: grouped bars per metric, the table with its constant columns folded.
add_test(NAME "report: sweep report.html renders in headless Chromium"
  COMMAND ${CHECK_HTML} ${REGRESS_OUT}/sweep-run/report.html --rows 4 --min-charts 6 --section "latency (us)"
          --section "energy (uJ)" --section "<details>" --section "latency (us) [latency_ns]"
          --section "throughput (Gop/s)" --section "more column(s) that vary across the points"
          --max-columns 16)
set_tests_properties("report: sweep report.html renders in headless Chromium" PROPERTIES LABELS "report;regress"
  DEPENDS "cli: sweep runs every point and merges the results")
# Explicit points: x = the point id.
set(R_POINTS ${REGRESS_OUT}/report-points)
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/report-points.json
  "{\"base\": \"${SCENARIOS}/default.json\", \"points\": [{\"workload.seq_len\": 64}, {\"workload.seq_len\": 128, \"platform.memory.preset\": \"hbm2\"}]}\n")
savp_case("points sweep writes report.html" LABEL report PRESENT ${R_POINTS}/report.html
  ARGS sweep ${CMAKE_CURRENT_BINARY_DIR}/report-points.json -o ${R_POINTS} --force)
add_test(NAME "report: points sweep page plots per point id"
  COMMAND ${CHECK_HTML} ${R_POINTS}/report.html --rows 2 --min-charts 6 --section "per point")
set_tests_properties("report: points sweep page plots per point id" PROPERTIES LABELS "report;regress"
  DEPENDS "report: points sweep writes report.html")

# No page, and the run still succeeds, when it is turned off or matplotlib is missing.
savp_case("outputs.report false writes no report.html" LABEL report ABSENT ${REGRESS_OUT}/report-off/report.html
  STDOUT "report: none, off (outputs.report false)"
  ARGS run ${SCENARIOS}/default.json -o ${REGRESS_OUT}/report-off --force --set outputs.report=false)
savp_case("--no-report writes no report.html" LABEL report ABSENT ${REGRESS_OUT}/report-noflag/report.html
  STDOUT "report: none, off (--no-report)" ARGS run ${SCENARIOS}/default.json -o ${REGRESS_OUT}/report-noflag --force --no-report)
savp_case("without matplotlib the run succeeds and says why there is no report" LABEL report
  ABSENT ${REGRESS_OUT}/report-nompl/report.html STDOUT "report: none, python3-matplotlib is not installed"
  PRESENT ${REGRESS_OUT}/report-nompl/stats.json
  ARGS run ${SCENARIOS}/default.json -o ${REGRESS_OUT}/report-nompl --force)
set_tests_properties("report: without matplotlib the run succeeds and says why there is no report" PROPERTIES
  ENVIRONMENT "PYTHONPATH=${REGRESS_DIR}/fake_matplotlib")
bad_case("outputs.report not a boolean" ${DEF} SET "outputs.report=\"yes\"" STDERR "default.json" "/outputs/report" "true or false")

# savp compare: the default scenario against the same at 128 tokens.
set(R_CMP ${REGRESS_OUT}/report-cmp128)
savp_case("compare's second result" LABEL report ARGS run ${SCENARIOS}/default.json -o ${R_CMP} --force -q --no-report
  --set workload.seq_len=128)
add_test(NAME "report: compare prints the totals with ratios computed from stats.json and refuses bad input"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_compare.py ${SAVP_BIN} ${R_DEFAULT} ${R_CMP})
set_tests_properties("report: compare prints the totals with ratios computed from stats.json and refuses bad input"
  PROPERTIES LABELS "report;regress" DEPENDS "report: run writes report.html;report: compare's second result")
