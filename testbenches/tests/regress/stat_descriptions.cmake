# Issue 23, stats descriptions: every stat under `components` in stats.json carries "desc" from the
# one table (tlm/core/stat_descriptions.cpp) in the table's unit, over runs covering every engine,
# memory kind, timing mode, a SoC task run, a model run and a sweep's points; every table entry is
# emitted by some run.
add_test(NAME "regress: stats descriptions"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_stat_descriptions.py ${SAVP_BIN} ${SCENARIOS}
          ${REGRESS_OUT}/stat-descriptions)
set_tests_properties("regress: stats descriptions" PROPERTIES LABELS "regress;statdesc")
savp_case("list stats prints the stat table" STDOUT "### dram" "| `ch<n>.bank<n>.reads` | burst |"
  ARGS list stats)
savp_case("list with an unknown argument is refused" EXIT 2 STDERR "list takes no arguments but \"stats\""
  ARGS list foo)
