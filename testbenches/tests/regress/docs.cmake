# The documentation test: README.md and docs/ name only files that exist, their savp commands run,
# and docs/scenarios.md documents exactly the keys of scenarios/schema/ (check_docs.py). The
# docs_bad/ pages show that it fails on a broken link, a broken command and a missing path.
add_test(NAME "docs: links, paths, commands and scenario keys"
  COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_docs.py --root ${CMAKE_SOURCE_DIR} --savp ${SAVP_BIN}
          --out ${REGRESS_OUT}/docs)
set_tests_properties("docs: links, paths, commands and scenario keys" PROPERTIES LABELS docs TIMEOUT 300)
foreach(bad link command path schema)
  add_test(NAME "docs: the docs test fails on a broken ${bad}"
    COMMAND ${Python3_EXECUTABLE} ${REGRESS_DIR}/check_docs.py --root ${REGRESS_DIR}/docs_bad/${bad}
            --savp ${SAVP_BIN} --out ${REGRESS_OUT}/docs-bad-${bad})
  set_tests_properties("docs: the docs test fails on a broken ${bad}" PROPERTIES LABELS docs WILL_FAIL TRUE)
endforeach()
set_tests_properties("docs: the docs test fails on a broken link" PROPERTIES
  WILL_FAIL FALSE PASS_REGULAR_EXPRESSION "link to a missing file: docs/no-such-page.md")
set_tests_properties("docs: the docs test fails on a broken command" PROPERTIES
  WILL_FAIL FALSE PASS_REGULAR_EXPRESSION "`savp run no-such-scenario.json -o out/x` exits 2")
set_tests_properties("docs: the docs test fails on a broken path" PROPERTIES
  WILL_FAIL FALSE PASS_REGULAR_EXPRESSION "names a path the tree does not have: scenarios/no-such-scenario.json")
set_tests_properties("docs: the docs test fails on a broken schema" PROPERTIES
  WILL_FAIL FALSE PASS_REGULAR_EXPRESSION "schema key scenario.undocumented_key is not documented.*documents scenario.no_such_key")
