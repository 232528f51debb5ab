#!/usr/bin/env bash
# Installs the Debian 12 packages the ledger builds and tests with, if any is missing, and the
# npm packages of the browser and API contract tests (tools/browser, tools/openapi).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  librocksdb-dev capnproto libcapnp-dev libsodium-dev zlib1g-dev
  libboost-dev libboost-system-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev
  # CI checks the formatting of every C++ file (scripts/check_format.sh).
  clang-format
  # scripts/check_thread_safety.sh (CTest ThreadSafetyAnalysis): clang++ 14 checks the lock
  # annotations; jq reads the build's compile_commands.json.
  clang jq
  # Replication over NATS JetStream (docs/replication.md); its tests start nats-server.
  libnats-dev nats-server
  # `ledger bench compare` (docs/cli.md): libpq to build it, a PostgreSQL to compare against.
  libpq-dev postgresql
  # The auditor's page is tested in a real browser (tests/browser/audit_page_test.mjs).
  chromium nodejs
)
# Debian's npm, unless node came with its own (NodeSource's nodejs ships npm).
command -v npm >/dev/null || packages+=(npm)

# The npm packages of a tools/ directory (tools/browser: puppeteer-core for the browser test;
# tools/openapi: redocly, ajv and openapi-typescript for the API contract tests), exactly as
# locked; skipped when node_modules already holds that lock.
install_npm_tools() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tools/$1"
  if [ -d "$dir/node_modules" ] && cmp -s "$dir/package-lock.json" "$dir/node_modules/.ledger-lock"; then
    return 0
  fi
  echo "setup: npm ci in $dir" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$dir/package-lock.json" "$dir/node_modules/.ledger-lock"
}
install_all_npm_tools() {
  install_npm_tools browser
  install_npm_tools openapi
  install_npm_tools replication-consumer
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# promtool checks the server's metrics (tests/openapi; Debian's prometheus).
command -v promtool >/dev/null || missing+=(prometheus)

if [ ${#missing[@]} -eq 0 ]; then
  install_all_npm_tools
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install packages" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_all_npm_tools
