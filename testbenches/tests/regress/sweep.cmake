# savp sweep (issue 7, local backend): a real sweep, its merged results, kill-and-resume, bad sweeps.
set(SWD ${SCENARIOS}/sweeps/dense-small.json)
savp_case("sweep runs every point and merges the results"
  PRESENT ${REGRESS_OUT}/sweep-run/results.csv ${REGRESS_OUT}/sweep-run/results.jsonl ${REGRESS_OUT}/sweep-run/report.html ${REGRESS_OUT}/sweep-run/points/p3/stats.json
          ${REGRESS_OUT}/sweep-run/points/p3/point.json
  STDOUT "4 points" ARGS sweep ${SWD} -o ${REGRESS_OUT}/sweep-run -j 2)
add_test(NAME "regress: sweep results hold one row per point with axes and totals"
  COMMAND ${Python3_EXECUTABLE} -c "import csv,sys; r=list(csv.DictReader(open(sys.argv[1], newline=''))); assert len(r)==4, r; assert [x['workload.seq_len'] for x in r]==['64','64','128','128']; assert [x['platform.memory.preset'] for x in r]==['simple','hbm2','simple','hbm2']; assert all(x['status']=='done' and int(x['cycles'])>0 and x['seed'] for x in r); assert len({x['seed'] for x in r})==4; print('ok')" ${REGRESS_OUT}/sweep-run/results.csv)
set_tests_properties("regress: sweep results hold one row per point with axes and totals" PROPERTIES LABELS regress
  DEPENDS "cli: sweep runs every point and merges the results")
add_test(NAME "regress: sweep killed and resumed gives the same results"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_sweep_resume.py ${SAVP_BIN} ${SCENARIOS}/sweeps/spatten-topk-sram.json ${REGRESS_OUT}/sweep-resume)
# Label heavy: left out of the sanitizer pass (430 s there); "hardening kill" and "sweep hardening
# lock" exercise the same kill and resume paths briefly in both passes.
set_tests_properties("regress: sweep killed and resumed gives the same results" PROPERTIES LABELS "regress;heavy")
savp_case("validate a sweep" STDOUT "valid sweep" STDOUT "4 points" ARGS validate ${SWD})

foreach(c "unknown-key;/grdi;unknown key" "empty-axis;/grid/workload.seq_len;expected a non-empty array"
          "missing-path;/grid/workload.seqlen;does not exist in the base scenario"
          "zip-lengths;/zip/workload.heads;zipped axes move together" "bad-point;point 1 (p1);/workload/seq_len"
          "no-axes;sweep-no-axes.json: /:;a sweep needs"
          "too-many;sweep-too-many.json: /:;the sweep has 1e+06 points (10 x 10 x 10 x 10 x 10 x 10); at most 100000"
          "long-base;sweep-long-base.json: /base;does not exist"
          "long-id;sweep-long-id.json: /id;point ids of 253 characters; at most 200"
          "bad-index;/grid/platform.accelerators..0.array.rows;does not exist in the base scenario"
          "grid-zip-same;/zip/workload.seq_len;sets the same value as \"workload.seq_len\" (/grid/workload.seq_len)"
          "path-prefix;/zip/workload;sets the same value as \"workload.seq_len\""
          "same-value;/grid/workload.seq_len.;sets the same value as \"workload.seq_len\""
          "points-prefix;/points/1/workload.data.locality;sets the same value as \"workload.data\""
          "seed-axis;/grid/seed;a \"seed\" axis together with \"seed\": true")
  list(GET c 0 n)
  list(GET c 1 where)
  list(GET c 2 what)
  savp_case("bad sweep ${n}" EXIT 2 LABEL bad_input STDERR "sweep-${n}.json" "${where}" "${what}"
    ABSENT ${REGRESS_OUT}/bad-sweep-${n} ARGS sweep ${BAD}/sweep-${n}.json -o ${REGRESS_OUT}/bad-sweep-${n})
endforeach()
foreach(n grid-zip-same path-prefix same-value points-prefix seed-axis)  # issue 19: overlapping axes
  set_tests_properties("bad_input: bad sweep ${n}" PROPERTIES LABELS "bad_input;hardening")
endforeach()
# Issue 19 on sweeps: -j outside [1, 1024] is a usage error (exit 2, nothing written).
foreach(j "-1" "0" "1025" "4294967297" "2x")
  savp_case("sweep -j ${j} refused" EXIT 2 LABEL bad_input STDERR "-j expects" "from 1 to 1024"
    ABSENT ${REGRESS_OUT}/sweep-j-bad ARGS sweep ${SWD} -o ${REGRESS_OUT}/sweep-j-bad --jobs=${j})
  set_tests_properties("bad_input: sweep -j ${j} refused" PROPERTIES LABELS "bad_input;hardening")
endforeach()
savp_case("sweep -j -1 as two words refused" EXIT 2 LABEL bad_input STDERR "found \"-1\""
  ABSENT ${REGRESS_OUT}/sweep-j-bad ARGS sweep ${SWD} -o ${REGRESS_OUT}/sweep-j-bad -j -1)
set_tests_properties("bad_input: sweep -j -1 as two words refused" PROPERTIES LABELS "bad_input;hardening")
# Slurm options on a local sweep would be ignored silently: refused.
savp_case("sweep --partition without the slurm backend refused" EXIT 2 LABEL bad_input
  STDERR "--partition applies to --backend slurm only"
  ABSENT ${REGRESS_OUT}/sweep-local-partition ARGS sweep ${SWD} -o ${REGRESS_OUT}/sweep-local-partition --partition debug)
set_tests_properties("bad_input: sweep --partition without the slurm backend refused" PROPERTIES LABELS "bad_input;hardening")
# Lost data, stale results, concurrent writers, resume rules and RFC 4180 CSV, on real sweeps.
foreach(part force ids stale failed lock csv inputs links tasks)
  add_test(NAME "regress: sweep hardening ${part}"
    COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_sweep_hardening.py ${SAVP_BIN} ${REGRESS_OUT}/sweep-hardening-${part} ${part})
  set_tests_properties("regress: sweep hardening ${part}" PROPERTIES LABELS "regress;hardening")
endforeach()
add_test(NAME "regress: plots keep bars of points sharing an x value apart"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_sweep_plot.py ${CMAKE_SOURCE_DIR}/scripts/plot ${REGRESS_OUT}/plots-apart)
set_tests_properties("regress: plots keep bars of points sharing an x value apart" PROPERTIES LABELS "regress;hardening")
# scripts/plot runs on Debian's python3 (python3-matplotlib): a metric against an axis, the energy
# breakdown and speedup bars, PNG and SVG, from a real sweep's results.csv.
add_test(NAME "regress: plots from a sweep's results"
  COMMAND sh -c "/usr/bin/python3 '${CMAKE_SOURCE_DIR}/scripts/plot' '${REGRESS_OUT}/sweep-run/results.csv' --x workload.seq_len --y cycles --group platform.memory.preset -o '${REGRESS_OUT}/plots/cycles' && /usr/bin/python3 '${CMAKE_SOURCE_DIR}/scripts/plot' '${REGRESS_OUT}/sweep-run/results.csv' --energy --x workload.seq_len -o '${REGRESS_OUT}/plots/energy' && /usr/bin/python3 '${CMAKE_SOURCE_DIR}/scripts/plot' '${REGRESS_OUT}/sweep-run/results.csv' --speedup latency_ns --baseline p0 -o '${REGRESS_OUT}/plots/speedup' && for f in cycles energy speedup; do test -s '${REGRESS_OUT}'/plots/$f.png && grep -q '<svg' '${REGRESS_OUT}'/plots/$f.svg || exit 1; done && ! /usr/bin/python3 '${CMAKE_SOURCE_DIR}/scripts/plot' '${REGRESS_OUT}/sweep-run/results.csv' --x nope --y cycles -o '${REGRESS_OUT}/plots/bad' 2>/dev/null")
set_tests_properties("regress: plots from a sweep's results" PROPERTIES LABELS regress
  DEPENDS "cli: sweep runs every point and merges the results")
# Its report.html: report.cmake ("report: sweep report.html renders in headless Chromium").
set_property(TEST "cli: sweep runs every point and merges the results" APPEND PROPERTY LABELS report)
# The Slurm backend on a real single-node cluster started on localhost by the test (skipped, with
# the reason, only where the daemons cannot be started).
add_test(NAME "regress: sweep on a localhost Slurm cluster equals the local run"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_sweep_slurm.py ${SAVP_BIN} ${SCENARIOS}/sweeps/dense-small.json ${REGRESS_OUT}/sweep-slurm-cluster)
set_tests_properties("regress: sweep on a localhost Slurm cluster equals the local run" PROPERTIES LABELS regress
  SKIP_RETURN_CODE 77 TIMEOUT 600 RUN_SERIAL TRUE)
# savp validate takes a file with a base, grid, zip or points for a sweep (a sweep without axes is
# told so, not that it lacks a scenario's "id"; adversarial review).
savp_case("validate a sweep without axes names what it lacks" EXIT 2 LABEL bad_input
  STDERR "sweep-no-axes.json: /:" "a sweep needs" ARGS validate ${BAD}/sweep-no-axes.json)
set_tests_properties("bad_input: validate a sweep without axes names what it lacks" PROPERTIES LABELS "bad_input;hardening")
