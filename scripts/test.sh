#!/usr/bin/env bash
# The README's second command: installs what is missing, builds, and runs every test.
# SANITIZE=1 builds in ./build-asan with AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ "${SANITIZE:-0}" = "1" ]; then
  export BUILD_DIR=build-asan
  scripts/build.sh -DLEDGER_SANITIZE=ON -DLEDGER_WERROR=ON
else
  scripts/build.sh -DLEDGER_WERROR=ON
fi
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j "${JOBS:-2}" --timeout 300
