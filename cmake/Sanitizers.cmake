# LEDGER_SANITIZE=ON builds everything with ASan and UBSan; UBSan findings abort the process so
# that a test fails instead of printing and carrying on.
if(LEDGER_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# LEDGER_LIBFUZZER=ON (clang only) instruments everything for libFuzzer's coverage feedback;
# the fuzz targets in tests/fuzz/ then link libFuzzer's main (scripts/fuzz.sh).
option(LEDGER_LIBFUZZER "Build the fuzz targets with libFuzzer (clang)" OFF)
if(LEDGER_LIBFUZZER)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
