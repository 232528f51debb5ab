#!/usr/bin/env bash
# Checks the lock annotations (base/thread_annotations.h, base/mutex.h) with clang's thread-safety
# analysis: runs clang++ -fsyntax-only -Wthread-safety, thread-safety warnings as errors and every
# other warning off, over the translation units of a configured and built tree, each with its
# own flags from BUILD_DIR/compile_commands.json (the build may be g++'s: flags clang rejects are
# dropped). The main build is g++, for which the annotations are empty; this is the check.
#
#   scripts/check_thread_safety.sh [BUILD_DIR]   (default: build) exit 1 if any TU fails
#   scripts/check_thread_safety.sh --self-test   proves the check fails on a wrong snippet
#
# Only the TUs that can see an annotation are checked: with a Ninja build, those whose header
# dependencies (ninja -t deps) include base/thread_annotations.h; a TU without it has no lock
# the analysis knows. With another generator, every TU. TUs run in parallel (JOBS, default 2).
# CLANGXX overrides the compiler (default clang++: Debian's clang 14). CTest runs both modes
# (ThreadSafetyAnalysis, ThreadSafetyAnalysisSelfTest in tests/CMakeLists.txt).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
clangxx="${CLANGXX:-clang++}"
jobs="${JOBS:-2}"
# -Wthread-safety-beta adds the lock-order checks (LEDGER_ACQUIRED_BEFORE/AFTER).
analysis_flags=(-fsyntax-only -Wno-everything -Wthread-safety -Wthread-safety-beta -Werror=thread-safety)

command -v "$clangxx" >/dev/null || {
  echo "check_thread_safety: $clangxx not found (Debian package clang; scripts/setup.sh)" >&2
  exit 2
}

if [ "${1:-}" = "--self-test" ]; then
  # A member read without its lock must fail the check, and the same code with the lock pass.
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  cat >"$tmp/snippet.cc" <<'EOF'
#include "base/mutex.h"
class Counter {
 public:
  int Get() {
#ifdef LOCKED
    ledger::MutexLock lock(mu_);
#endif
    return value_;
  }
 private:
  ledger::Mutex mu_;
  int value_ LEDGER_GUARDED_BY(mu_) = 0;
};
int main() { return Counter().Get(); }
EOF
  flags=(-std=c++20 -I"$root/base/include" "${analysis_flags[@]}")
  if "$clangxx" "${flags[@]}" -DLOCKED "$tmp/snippet.cc" >"$tmp/ok.log" 2>&1; then
    echo "self-test: the locked read passes"
  else
    echo "self-test FAILED: the locked read was refused:" >&2
    cat "$tmp/ok.log" >&2
    exit 1
  fi
  if "$clangxx" "${flags[@]}" "$tmp/snippet.cc" >"$tmp/bad.log" 2>&1; then
    echo "self-test FAILED: reading a GUARDED_BY member without its lock passed" >&2
    exit 1
  fi
  if ! grep -q "reading variable 'value_' requires holding mutex 'mu_'" "$tmp/bad.log"; then
    echo "self-test FAILED: the unlocked read failed without the expected diagnostic:" >&2
    cat "$tmp/bad.log" >&2
    exit 1
  fi
  echo "self-test: the unlocked read fails: $(grep -m1 'requires holding' "$tmp/bad.log")"
  exit 0
fi

build_dir="$(cd "${1:-build}" && pwd)"
commands="$build_dir/compile_commands.json"
[ -f "$commands" ] || {
  echo "check_thread_safety: no $commands (configure with CMAKE_EXPORT_COMPILE_COMMANDS)" >&2
  exit 2
}
command -v jq >/dev/null || {
  echo "check_thread_safety: jq not found (scripts/setup.sh installs it)" >&2
  exit 2
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The objects whose TU includes base/thread_annotations.h, relative to the build directory.
if [ -f "$build_dir/build.ninja" ] && command -v ninja >/dev/null; then
  ninja -C "$build_dir" -t deps 2>/dev/null | awk '
    /^[^ \t]/ { object = $1; sub(/:$/, "", object); next }
    /base\/thread_annotations\.h$/ { if (object != "") print object; object = "" }
  ' | sort -u >"$tmp/objects"
  select_all=0
else
  select_all=1
fi

# One shell command a TU: the build's own command with clang++ for the compiler and launcher,
# no output file, no warning flags of the build's, and no flag clang rejects.
n=0
total=0
while IFS=$'\x1f' read -r dir file cmd; do
  total=$((total + 1))
  object="$(sed -E 's/.* -o +([^ ]+).*/\1/' <<<"$cmd")"
  if [ "$select_all" = 0 ] && ! grep -qxF "$object" "$tmp/objects"; then continue; fi
  args="$(sed -E \
    -e 's/^([^- ][^ ]* +)+//; s/^/ /' \
    -e 's/ -o +[^ ]+/ /; s/ -c( |$)/ /' \
    -e 's/ -M[DP]( |$)/ /g; s/ -M[TF] +[^ ]+/ /g' \
    -e 's/ -W[^ ]*//g' \
    -e 's/ -f(coroutines|concepts-diagnostics-depth=[^ ]*|diagnostics-color[^ ]*)( |$)/ /g' \
    <<<"$cmd")"
  n=$((n + 1))
  printf 'cd %q && %q %s %s\n' "$dir" "$clangxx" "${analysis_flags[*]}" "$args" >"$tmp/tu.$n.sh"
  printf '%s\n' "$file" >"$tmp/tu.$n.file"
done < <(jq -r '.[] | "\(.directory)\u001f\(.file)\u001f\(.command)"' "$commands")

if [ "$n" = 0 ]; then
  echo "check_thread_safety: no TU of $build_dir includes base/thread_annotations.h (not built?)" >&2
  exit 2
fi
echo "check_thread_safety: $n of $total TUs (those that see base/thread_annotations.h), $jobs at a time"

start=$(date +%s)
# Each job leaves tu.N.log, and tu.N.failed if clang refused the TU.
for ((k = 1; k <= n; k++)); do echo "$k"; done |
  xargs -P "$jobs" -I{} bash -c \
    'bash "$0/tu.$1.sh" >"$0/tu.$1.log" 2>&1 || touch "$0/tu.$1.failed"' "$tmp" {}

failed=0
for ((k = 1; k <= n; k++)); do
  if [ -f "$tmp/tu.$k.failed" ]; then
    failed=$((failed + 1))
    echo "FAILED: $(cat "$tmp/tu.$k.file")"
    cat "$tmp/tu.$k.log"
  fi
done
echo "check_thread_safety: $((n - failed)) of $n TUs pass ($(($(date +%s) - start)) s)"
[ "$failed" = 0 ]
