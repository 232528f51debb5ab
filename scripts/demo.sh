#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and runs the demo (a fresh
# ledger in ./demo-ledger with a synthetic cohort).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Same flags as scripts/test.sh, so that running both builds once.
scripts/build.sh -DLEDGER_WERROR=ON >/dev/null
exec build/bin/ledger demo --dir demo-ledger "$@"
