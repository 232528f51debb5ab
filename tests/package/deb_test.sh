#!/usr/bin/env bash
# The Debian package (cmake/Packaging.cmake), built and checked without root (CTest:
# DebPackageTest, label `package`; alone: ctest -L package). `dpkg -i` needs root and changes
# the machine, so the test unpacks with `dpkg-deb -x` into a scratch root instead and checks
# what dpkg would act on: the control fields (Depends from dpkg-shlibdeps), the files with their
# owners and modes, the maintainer scripts and conffiles, the unit (systemd-analyze verify when
# the machine has it), and runs `ledger --version`, `ledger-audit-verify --version` and a short
# demo from the unpacked binaries,
# ending with `ledger serve` started exactly as the unit's ExecStart line with the packaged
# /etc/default/ledger. Everything runs under a time limit; the server is stopped by the test.
#
# Usage: deb_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ledger-deb-test.XXXXXX")
serve_pid=""
cleanup() {
  if [ -n "$serve_pid" ]; then kill -KILL "$serve_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "deb_test: FAIL: $*" >&2; exit 1; }
ok() { echo "ok   $*"; }

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
[ -n "$version" ] || fail "no CMAKE_PROJECT_VERSION in $build/CMakeCache.txt"
arch=$(dpkg --print-architecture)

# ---- build -------------------------------------------------------------------------------
(cd "$build" && timeout 600 cpack -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1) ||
  { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
deb="$tmp/out/ledger_${version}_${arch}.deb"
[ -f "$deb" ] || fail "cpack made no $(basename "$deb"): $(ls "$tmp/out")"
ok "cpack made $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# ---- control fields ----------------------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = ledger ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', not $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture is '$(field Architecture)'"
depends=$(field Depends)
# The libraries the binary links (from dpkg-shlibdeps) and adduser for postinst.
for dep in adduser libc6 'libstdc++6' librocksdb libsodium23 libcapnp libssl3 libfmt; do
  grep -q "\(^\|, \)$dep" <<<"$depends" || fail "Depends lacks $dep: $depends"
done
ok "control: ledger $version $arch, Depends: $depends"

# ---- files, owners, modes ----------------------------------------------------------------
dpkg-deb -c "$deb" >"$tmp/contents"
expect_file() {  # mode path
  grep -qE "^$1 root/root +[0-9]+ [0-9-]+ [0-9:]+ \./$2\$" "$tmp/contents" ||
    { cat "$tmp/contents" >&2; fail "no ./$2 with mode $1 owned by root"; }
}
expect_file -rwxr-xr-x usr/bin/ledger
expect_file -rwxr-xr-x usr/bin/ledger-audit-verify
expect_file -rw-r--r-- lib/systemd/system/ledger.service
expect_file -rw-r--r-- etc/default/ledger
for doc in README.md api.md operations.md auditor-guide.md formats.md; do
  expect_file -rw-r--r-- "usr/share/doc/ledger/$doc"
done
# Exactly these files (directories aside): no build or test output slipped in.
expected=$(printf '%s\n' ./etc/default/ledger ./lib/systemd/system/ledger.service ./usr/bin/ledger \
  ./usr/bin/ledger-audit-verify \
  ./usr/share/doc/ledger/README.md \
  $(cd "$(dirname "$0")/../../docs" && ls ./*.md | sed 's|^\./|./usr/share/doc/ledger/|') | sort)
actual=$(awk '$1 !~ /^d/ {print $6}' "$tmp/contents" | sort)
[ "$actual" = "$expected" ] || fail "the package's files differ: $(diff <(echo "$expected") <(echo "$actual"))"
ok "files: the two binaries, the unit, /etc/default/ledger and the docs, root-owned, no others"

# ---- maintainer scripts and conffiles ----------------------------------------------------
dpkg-deb -e "$deb" "$tmp/control"
[ "$(cat "$tmp/control/conffiles")" = /etc/default/ledger ] ||
  fail "conffiles: $(cat "$tmp/control/conffiles")"
for s in postinst prerm postrm; do
  [ -x "$tmp/control/$s" ] || fail "$s is missing or not executable"
  sh -n "$tmp/control/$s" || fail "$s is not valid sh"
done
# postinst with its continued lines joined.
sed -e ':a' -e '/\\$/{N;s/\\\n *//;ba' -e '}' "$tmp/control/postinst" >"$tmp/postinst.joined"
grep -qE '^ *adduser --system .*--ingroup ledger .*--shell /usr/sbin/nologin .* ledger$' \
  "$tmp/postinst.joined" || fail "postinst makes no system user ledger without a shell"
grep -q 'install -d -o ledger -g ledger -m 0700 /var/lib/ledger$' "$tmp/postinst.joined" ||
  fail "postinst does not make /var/lib/ledger the user's alone"
grep -q 'install -d -o ledger -g ledger -m 0700 /etc/ledger/keys$' "$tmp/postinst.joined" ||
  fail "postinst does not make /etc/ledger/keys the user's alone"
ok "maintainer scripts: postinst (user, directories), prerm, postrm; conffiles"

# ---- unpack, the unit --------------------------------------------------------------------
dpkg-deb -x "$deb" "$tmp/root"
bin="$tmp/root/usr/bin/ledger"
unit="$tmp/root/lib/systemd/system/ledger.service"
for opt in 'User=ledger' 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'PrivateTmp=yes' \
           'ReadWritePaths=/var/lib/ledger /etc/ledger/keys' 'EnvironmentFile=/etc/default/ledger' \
           'CapabilityBoundingSet=' 'KillSignal=SIGTERM'; do
  grep -qxF "$opt" "$unit" || fail "the unit lacks $opt"
done
if command -v systemd-analyze >/dev/null; then
  # The unit as installed, its ExecStart binary and EnvironmentFile taken from the scratch root
  # (with --root, systemd-analyze would need a whole systemd there). It prints what it ignores
  # (an unknown option or value) and still exits 0: any output fails the test.
  sed -e "s|/usr/bin/ledger|$tmp/root/usr/bin/ledger|" \
      -e "s|^EnvironmentFile=/etc/default/ledger|EnvironmentFile=$tmp/root/etc/default/ledger|" \
      "$unit" >"$tmp/ledger.service"
  if ! systemd-analyze verify --man=no "$tmp/ledger.service" >"$tmp/verify.log" 2>&1 ||
     [ -s "$tmp/verify.log" ]; then
    cat "$tmp/verify.log" >&2
    fail "systemd-analyze verify: the unit is not clean"
  fi
  ok "systemd-analyze verify: the unit is valid, nothing ignored"
else
  echo "note: no systemd-analyze on this machine; the unit was checked by its lines only"
fi

# ---- the unpacked binary -----------------------------------------------------------------
[ "$("$bin" --version)" = "ledger $version" ] || fail "ledger --version says '$("$bin" --version)'"
if readelf -S "$bin" | grep -q '\.debug_info'; then fail "the binary is not stripped"; fi
ok "ledger --version: ledger $version (stripped)"
averify="$tmp/root/usr/bin/ledger-audit-verify"
[ "$("$averify" --version)" = "ledger-audit-verify $version" ] ||
  fail "ledger-audit-verify --version says '$("$averify" --version)'"
if readelf -S "$averify" | grep -q '\.debug_info'; then fail "ledger-audit-verify is not stripped"; fi
if readelf -d "$averify" | grep -q 'librocksdb'; then fail "ledger-audit-verify links librocksdb"; fi
ok "ledger-audit-verify --version: ledger-audit-verify $version (stripped, no librocksdb)"

cd "$tmp"
export LEDGER_DATA="$tmp/data" LEDGER_KEYS="$tmp/keys"
L() { timeout 120 "$bin" "$@"; }
L init --origin deb-test.example/ledger >/dev/null
L keygen --name cw --out cw.key >/dev/null
L keygen --name svc --out svc.key >/dev/null
L keys add --key keys/admin.key --vkey cw.key.pub --role caseworker >/dev/null
L keys add --key keys/admin.key --vkey svc.key.pub --role service >/dev/null
L generate --participants 4 --from 2008-01 --months 6 --seed 3 >cohort.jsonl
L append --key cw.key --key svc.key --input cohort.jsonl --errors-only >/dev/null
events=$(wc -l <cohort.jsonl)
L verify --vkey keys/ledger.key.pub >verify.out || { cat verify.out >&2; fail "verify failed"; }
ok "demo: init, keys, $events generated events appended, verify passed"

# `ledger serve` as the unit starts it: its ExecStart line, the packaged defaults, with the
# scratch directories and an ephemeral loopback port.
set -a
# shellcheck disable=SC1091
. "$tmp/root/etc/default/ledger"
set +a
LEDGER_DATA="$tmp/data" LEDGER_KEYS="$tmp/keys" LEDGER_LISTEN=127.0.0.1:0 LEDGER_BINARY_LISTEN=off
exec_line=$(sed -n 's/^ExecStart=//p' "$unit")
exec_line=${exec_line/\/usr\/bin\/ledger/$bin}
eval "cmd=($exec_line)"
"${cmd[@]}" >serve.out 2>serve.err &
serve_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's|.* on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' serve.out)
  [ -n "$port" ] && break
  kill -0 "$serve_pid" 2>/dev/null || { cat serve.err >&2; fail "ledger serve exited"; }
  sleep 0.1
done
[ -n "$port" ] || { cat serve.err >&2; fail "ledger serve did not start within 10 s"; }
get() {  # path -> the raw HTTP response, over bash's /dev/tcp (no curl needed)
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$1" >&3
  timeout 10 cat <&3
  exec 3<&-
}
health=$(get /v1/health)
grep -q '^HTTP/1.1 200' <<<"$health" || fail "/v1/health: $health"
grep -q '"status":"ok","size":[1-9]' <<<"$health" || fail "/v1/health: $health"
grep -q '^HTTP/1.1 200' <<<"$(get /audit/)" || fail "/audit/ is not served"
kill -TERM "$serve_pid"
for _ in $(seq 1 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$serve_pid" 2>/dev/null; then fail "ledger serve did not stop on SIGTERM within 10 s"; fi
wait "$serve_pid" || fail "ledger serve exited with $? on SIGTERM"
serve_pid=""
ok "ledger serve from the unit's ExecStart: /v1/health and /audit/ answered, SIGTERM stopped it"
echo "deb_test: all checks passed"
