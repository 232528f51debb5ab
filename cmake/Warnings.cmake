# One place for the project's warning flags; applied per target with ledger_warnings(<target>).
set(LEDGER_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wcast-align -Wunused -Woverloaded-virtual -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  list(APPEND LEDGER_WARNING_FLAGS -Wthread-safety)
endif()

function(ledger_warnings target)
  target_compile_options(${target} PRIVATE ${LEDGER_WARNING_FLAGS})
  if(LEDGER_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
