# The CLI contract of DESIGN.md: commands, exit codes, outputs.
savp_case("version" STDOUT "savp 0.1.0" ARGS --version)
savp_case("help" STDOUT "savp run SCENARIO.json" ARGS --help)
savp_case("no command is a usage error" EXIT 2 STDERR "missing command" ARGS)
savp_case("unknown command" EXIT 2 STDERR "unknown command" ARGS frobnicate)
savp_case("unknown option" EXIT 2 STDERR "unrecognised option" ARGS run ${SCENARIOS}/default.json --bogus)
savp_case("list shows engines and presets" STDOUT "engines: dense" STDOUT "ideal" STDOUT "default.json" ARGS list)
savp_case("list shows the address map with the shared SRAM window" STDOUT "address map: memory 0x0"
  "sram 0x3000000000" ARGS list)
savp_case("validate default scenario" STDOUT "valid scenario" ARGS validate ${SCENARIOS}/default.json)
savp_case("sweep refuses a scenario file" EXIT 2 STDERR "default.json" "missing required key \"base\""
  ARGS sweep ${SCENARIOS}/default.json -o ${REGRESS_OUT}/sweep-scenario)
savp_case("sweep backend must be local or slurm" EXIT 2 STDERR "--backend is local or slurm"
  ARGS sweep ${SCENARIOS}/sweeps/dense-small.json --backend pbs -o ${REGRESS_OUT}/sweep-pbs)
savp_case("run default writes the three outputs"
  PRESENT ${REGRESS_OUT}/cli-default/stats.json ${REGRESS_OUT}/cli-default/summary.csv ${REGRESS_OUT}/cli-default/resolved.json
  STDOUT "total: 2 jobs (0 failed)"
  ARGS run ${SCENARIOS}/default.json -o ${REGRESS_OUT}/cli-default)
savp_case("set override reaches the scenario" STDOUT "total: 1 jobs"
  ARGS run ${SCENARIOS}/default.json --set workload.heads=1 --set workload.seq_len=64 -o ${REGRESS_OUT}/cli-set)
savp_case("a scoreboard breach is exit 1"
  EXIT 1 STDERR "outside the scoreboard tolerance"
  PRESENT ${REGRESS_OUT}/cli-breach/stats.json
  ARGS run ${SCENARIOS}/default.json --set workload.seq_len=64 --set workload.heads=1
       --set platform.accelerators.0.datapath.format=int --set platform.accelerators.0.datapath.int_bits=3
       --set platform.accelerators.0.tolerance_rel_l2=0.001 -o ${REGRESS_OUT}/cli-breach --quiet)

# Determinism: same scenario and seed give byte-identical stats.json apart from run_info.
add_test(NAME "regress: deterministic stats.json"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_deterministic.py ${SAVP_BIN} ${SCENARIOS}/default.json ${REGRESS_OUT}/det)
set_tests_properties("regress: deterministic stats.json" PROPERTIES LABELS regress)
# With a baseline (its comparison in stats.json), into directories of different paths (issue 19).
add_test(NAME "regress: deterministic stats.json with a baseline"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_deterministic.py ${SAVP_BIN} ${SCENARIOS}/salo/small.json
          ${REGRESS_OUT}/det-baseline --set workload.heads=1)
set_tests_properties("regress: deterministic stats.json with a baseline" PROPERTIES LABELS "regress;hardening")
savp_case("trace and waves on request"
  PRESENT ${REGRESS_OUT}/cli-trace/trace.json ${REGRESS_OUT}/cli-trace/waves.vcd
  ARGS run ${SCENARIOS}/default.json --set workload.seq_len=64 --set workload.heads=1 --set timing_mode=AT
       --set platform.memory.preset=hbm2 --set outputs.trace=true --set outputs.vcd=true -o ${REGRESS_OUT}/cli-trace --quiet)
add_test(NAME "regress: trace.json is loadable trace-event JSON"
  COMMAND ${Python3_EXECUTABLE} -c "import json,sys; t=json.load(open(sys.argv[1])); e=t['traceEvents']; x=[v for v in e if v['ph']=='X']; assert x and all('ts' in v and 'dur' in v and 'tid' in v for v in x); names={v['args']['name'] for v in e if v['ph']=='M'}; assert any('ch0' in n for n in names) and any('compute' in n for n in names), names; print(len(x), 'events')" ${REGRESS_OUT}/cli-trace/trace.json)
set_tests_properties("regress: trace.json is loadable trace-event JSON" PROPERTIES LABELS regress DEPENDS "cli: trace and waves on request")

# One core serves both timing modes: same data, same engine actions, same bytes.
foreach(p simple hbm2 ddr4)
  add_test(NAME "regress: LT and AT agree on ${p}"
    COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_lt_at.py ${SAVP_BIN} ${SCENARIOS}/default.json ${REGRESS_OUT}/ltat-${p}
            --set platform.memory.preset=${p} --set workload.seq_len=128)
  set_tests_properties("regress: LT and AT agree on ${p}" PROPERTIES LABELS regress)
endforeach()
add_test(NAME "regress: LT and AT agree on SALO"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_lt_at.py ${SAVP_BIN} ${SCENARIOS}/salo/small.json ${REGRESS_OUT}/ltat-salo
          --set platform.memory.preset=hbm2 --set workload.heads=1)
set_tests_properties("regress: LT and AT agree on SALO" PROPERTIES LABELS regress)
savp_case("SALO reports its speedup over the dense baseline"
  STDOUT "vs dense baseline on the same workload and memory" STDOUT "speedup"
  PRESENT ${REGRESS_OUT}/cli-salo-baseline/baseline/stats.json
  ARGS run ${SCENARIOS}/salo/small.json --set workload.heads=1 -o ${REGRESS_OUT}/cli-salo-baseline)

# savp export-tables (issue 22): Accelergy ERT/ART YAML of the energy table, at its node and scaled.
add_test(NAME "regress: export-tables writes every entry in Accelergy's shapes"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_export_tables.py ${SAVP_BIN}
          ${SCENARIOS}/energy/default-45nm.json ${REGRESS_OUT}/export-tables)
set_tests_properties("regress: export-tables writes every entry in Accelergy's shapes" PROPERTIES LABELS regress)
savp_case("export-tables refuses a node not in the table" EXIT 2 STDERR "5 nm is not in energy table" "known: 7, 10"
  ABSENT ${REGRESS_OUT}/export-bad-node
  ARGS export-tables --node 5 -o ${REGRESS_OUT}/export-bad-node)
savp_case("export-tables refuses a node that is not a number" EXIT 2 STDERR "expected a node in nm, found"
  ABSENT ${REGRESS_OUT}/export-bad-node-text
  ARGS export-tables --node seven -o ${REGRESS_OUT}/export-bad-node-text)
savp_case("export-tables needs -o" EXIT 2 STDERR "missing -o" ARGS export-tables --node 7)
# validate takes --set as run does: the overridden scenario is what is checked (a node that scales
# the area it prints; a bad value is exit 2 naming "after --set" and the path).
savp_case("validate with --set" STDOUT "valid scenario" "at 7 nm"
  ARGS validate ${SCENARIOS}/default.json --set platform.technology.node_nm=7)
savp_case("validate with a bad --set" EXIT 2 LABEL bad_input STDERR "default.json (after --set)" "/workload/seq_len"
  ARGS validate ${SCENARIOS}/default.json --set workload.seq_len=0)
savp_case("validate refuses --set on a sweep" EXIT 2 STDERR "--set applies to a scenario"
  ARGS validate ${SCENARIOS}/sweeps/chela-chunk.json --set workload.seq_len=64)
# Every subcommand answers --help with the usage (exit 0), not an unknown-option error.
foreach(c run validate sweep list export-tables)
  savp_case("${c} --help" STDOUT "usage:" "savp ${c}" ARGS ${c} --help)
endforeach()
# The summary of a run on the ideal memory says it has no peak bandwidth (it printed "nan GB/s peak").
savp_case("ideal memory summary names no peak" STDOUT "GB/s achieved (no peak: ideal memory)"
  ARGS run ${SCENARIOS}/default.json --set platform.memory.preset=ideal -o ${REGRESS_OUT}/ideal-summary --force)
