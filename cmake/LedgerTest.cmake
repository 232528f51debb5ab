# ledger_cc_test(NAME [RUNS_LEDGER] SOURCES ... DEPS ... [LABELS ...]): one GoogleTest binary
# registered with CTest test by test. RUNS_LEDGER: the test runs the `ledger` binary, whose path
# it gets as LEDGER_BINARY (tests/cli/cli_runner.h) and which is built first.
function(ledger_cc_test name)
  cmake_parse_arguments(ARG "RUNS_LEDGER" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  ledger_warnings(${name})
  if(ARG_RUNS_LEDGER)
    target_compile_definitions(${name} PRIVATE LEDGER_BINARY="$<TARGET_FILE:ledger>")
    add_dependencies(${name} ledger)
  endif()
  # One label a test: gtest_discover_tests flattens PROPERTIES into key-value pairs, so a list
  # value (LABELS "unit;server") keeps only its first item.
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  gtest_discover_tests(${name} PROPERTIES LABELS "${labels}" DISCOVERY_TIMEOUT 60)
endfunction()
