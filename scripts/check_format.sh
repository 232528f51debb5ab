#!/usr/bin/env bash
# Checks that every C++ source and header of the project is formatted as the committed
# .clang-format says (clang-format 14, Debian 12's). Lists each file that differs, with the first
# lines clang-format would change, and exits 1; exits 0 when all are formatted. Fix with:
#   clang-format -i $(git ls-files '*.cc' '*.h')
# Run by CTest as FormatCheck, so CI fails on a file left unformatted.
#
#   scripts/check_format.sh              check the tree
#   scripts/check_format.sh --self-test  prove the check fails on a misformatted file
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
clang_format="${CLANG_FORMAT:-clang-format}"
command -v "$clang_format" >/dev/null || {
  echo "check_format: $clang_format not found (scripts/setup.sh installs clang-format)" >&2
  exit 2
}

# Prints the names of the files among "$@" that clang-format would change.
unformatted() {
  local f
  for f in "$@"; do
    "$clang_format" --style=file --assume-filename="$f" <"$f" | cmp -s - "$f" || echo "$f"
  done
}

if [ "${1:-}" = "--self-test" ]; then
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  cp "$root/.clang-format" "$scratch/"
  printf 'int   f( int x ){return x;}\n' >"$scratch/bad.cc"
  printf 'int f(int x) { return x; }\n' >"$scratch/good.cc"
  found="$(cd "$scratch" && unformatted bad.cc good.cc)"
  if [ "$found" != "bad.cc" ]; then
    echo "check_format self-test: expected only bad.cc to be listed, got: '${found}'" >&2
    exit 1
  fi
  echo "check_format self-test: a misformatted file is found, a formatted one is not"
  exit 0
fi

cd "$root"
# Every module directory; generated code lives in the build directory, never here.
mapfile -t files < <(find base cli ledger release replay replication schema server synth tests \
  tlog tools witness -type d -name node_modules -prune -o \
  -type f \( -name '*.cc' -o -name '*.h' \) -print 2>/dev/null | sort)
mapfile -t bad < <(unformatted "${files[@]}")
if [ ${#bad[@]} -ne 0 ]; then
  echo "check_format: ${#bad[@]} of ${#files[@]} files differ from .clang-format:" >&2
  for f in "${bad[@]}"; do
    echo "  $f" >&2
    "$clang_format" --style=file "$f" | diff "$f" - | head -n 6 | sed 's/^/      /' >&2 || true
  done
  echo "fix with: clang-format -i <file>" >&2
  exit 1
fi
echo "check_format: all ${#files[@]} C++ files are formatted"
