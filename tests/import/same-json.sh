#!/bin/sh
# The same report from different sources gives the same report data, byte
# for byte: the first SOURCE's import is compared with every other's.
# usage: same-json.sh PAIBAN WORKDIR SOURCE...
set -u
paiban=$1 work=$2
shift 2
mkdir -p "$work"
passed=0 failed=0
first=""
for src in "$@"; do
  out=$work/$(basename "$src").json
  if ! "$paiban" import "$src" -o "$out" --quiet > "$work/log" 2>&1; then
    echo "FAIL: $src does not import:"; cat "$work/log"; failed=$((failed + 1)); continue
  fi
  if [ -z "$first" ]; then
    first=$out
  elif cmp -s "$first" "$out"; then
    passed=$((passed + 1))
  else
    echo "FAIL: $src imports differently from $1:"; diff "$first" "$out" | head -20
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
