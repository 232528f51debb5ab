#!/usr/bin/env bash
# node_tool.sh NODE TOOLS_DIR SCRIPT [ARGS...]: runs SCRIPT (a .mjs or .js file under TOOLS_DIR,
# or a .sh there, which gets NODE in $NODE) from TOOLS_DIR, after checking that Node and the
# npm packages are there, naming what is missing.
set -euo pipefail
node="$1" tools="$2" script="$3"
shift 3
command -v "$node" >/dev/null || { echo "node not found: run scripts/setup.sh" >&2; exit 1; }
[ -d "$tools/node_modules" ] || {
  echo "$tools/node_modules is missing: run scripts/setup.sh (npm ci in $tools)" >&2; exit 1; }
cd "$tools"
case "$script" in
  *.sh) NODE="$node" exec bash "$script" "$@" ;;
  *) exec "$node" "$script" "$@" ;;
esac
