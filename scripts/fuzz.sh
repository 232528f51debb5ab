#!/usr/bin/env bash
# Runs every fuzz target in tests/fuzz/ under libFuzzer with AddressSanitizer and
# UndefinedBehaviorSanitizer, for SECONDS each (default 60):
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# Builds with clang in ./build-libfuzzer (or $BUILD_DIR), only the fuzz targets and what they
# link. What libFuzzer finds beyond the checked-in seeds goes to
# build-libfuzzer/tests/fuzz/corpus-found/<target>/; a crash is written to
# build-libfuzzer/tests/fuzz/crash-<sha1> and the script stops there (rerun the target with that
# file to reproduce it). The ordinary build runs the same targets for a few seconds under CTest
# without libFuzzer (docs/testing.md, "Fuzzing").
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(release_manifest_fuzz release_files_fuzz)
fi
scripts/setup.sh
if ! command -v clang++-14 >/dev/null; then
  echo "fuzz: needs clang-14 with libFuzzer (apt-get install clang-14)" >&2
  exit 1
fi
root="$(pwd)"
build_dir="${BUILD_DIR:-build-libfuzzer}"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
[ -f "$build_dir/CMakeCache.txt" ] && generator=()
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build_dir" "${generator[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DLEDGER_LIBFUZZER=ON -DLEDGER_SANITIZE=ON -DLEDGER_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build "$build_dir" -j "${JOBS:-2}" --target "${targets[@]}"
cd "$build_dir/tests/fuzz"
for t in "${targets[@]}"; do
  mkdir -p "corpus-found/$t"
  echo "== $t: $seconds s"
  # -timeout: an input that takes more than 10 s is a finding too (a hang).
  "./$t" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    "corpus-found/$t" "$root/tests/fuzz/corpus/$t"
done
