# ledger_cc_test(NAME SOURCES ... DEPS ... [LABELS ...]): one GoogleTest binary registered with
# CTest test by test.
function(ledger_cc_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  ledger_warnings(${name})
  # One label a test: gtest_discover_tests flattens PROPERTIES into key-value pairs, so a list
  # value (LABELS "unit;server") keeps only its first item.
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  gtest_discover_tests(${name} PROPERTIES LABELS "${labels}" DISCOVERY_TIMEOUT 60)
endfunction()
