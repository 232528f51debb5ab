#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and runs the demo (a fresh
# ledger in ./demo-ledger with a synthetic cohort).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh >/dev/null
exec build/bin/ledger demo --dir demo-ledger "$@"
