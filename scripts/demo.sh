#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and runs the demo (a fresh
# ledger in ./demo-ledger with a synthetic cohort).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Same flags as scripts/test.sh, so that running both builds once.
echo "demo: building (log in build.log)..." >&2
scripts/build.sh -DLEDGER_WERROR=ON > build.log 2>&1 || { tail -n 40 build.log >&2; exit 1; }
exec build/bin/ledger demo --dir demo-ledger "$@"
