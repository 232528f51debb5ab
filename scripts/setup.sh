#!/usr/bin/env bash
# Installs the Debian 12 packages the ledger builds with, if any is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  librocksdb-dev capnproto libcapnp-dev libsodium-dev zlib1g-dev
  libboost-dev libboost-system-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The API contract tests (tests/openapi): Node with npm (Debian's nodejs and npm, unless a Node
# with npm is already installed), and promtool (Debian's prometheus).
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
command -v promtool >/dev/null || missing+=(prometheus)

# The npm packages of tools/openapi (redocly, ajv, openapi-typescript), exactly as locked; again
# only when the lock file changed since the last install.
install_node_tools() {
  local tools
  tools="$(cd "$(dirname "$0")/.." && pwd)/tools/openapi"
  if [ ! -f "$tools/node_modules/.package-lock.json" ] ||
     [ "$tools/package-lock.json" -nt "$tools/node_modules/.package-lock.json" ]; then
    echo "setup: npm ci in $tools" >&2
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  install_node_tools
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
install_node_tools
