# cmake -DBINARY=<executable> -DFORBIDDEN=<name> -P CheckNoLibrary.cmake: fails if a shared
# library whose name contains <name> is among what the executable loads (ldd), so that a test
# proves a library's seam in the built binary, not only in the build files.
if(NOT BINARY OR NOT FORBIDDEN)
  message(FATAL_ERROR "usage: cmake -DBINARY=<executable> -DFORBIDDEN=<name> -P ${CMAKE_SCRIPT_MODE_FILE}")
endif()
if(NOT EXISTS "${BINARY}")
  message(FATAL_ERROR "${BINARY} does not exist")
endif()
execute_process(COMMAND ldd "${BINARY}" OUTPUT_VARIABLE loaded ERROR_VARIABLE err
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ldd ${BINARY} failed (${rc}): ${err}")
endif()
# Guard against a vacuous pass: every dynamically linked C++ binary loads libstdc++.
if(NOT loaded MATCHES "libstdc\\+\\+")
  message(FATAL_ERROR "ldd ${BINARY} shows no libstdc++; cannot judge its libraries:\n${loaded}")
endif()
if(loaded MATCHES "[^\n]*${FORBIDDEN}[^\n]*")
  message(FATAL_ERROR "${BINARY} loads ${FORBIDDEN}: ${CMAKE_MATCH_0}")
endif()
message(STATUS "${BINARY} loads no ${FORBIDDEN}")
