#!/bin/sh
# Checking the numbers: each CASE.case holds the command line (run in this
# folder; OUT stands for an output path), the expected exit status, then
# the exact expected standard output followed by standard error.  A run
# that writes a PDF (exit 0 with OUT) must write one; any other must leave
# an existing file at OUT untouched and no temporary file behind.
# usage: run.sh PAIBAN WORKDIR
set -u
paiban=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)   # paiban's data folder, shown as <data>
mkdir -p "$work"
passed=0 failed=0
for case in "$here"/*.case; do
  name=$(basename "$case" .case)
  line=$(sed -n 1p "$case")
  args=$(printf '%s\n' "$line" | sed "s|OUT|$work/out.pdf|g")
  want_exit=$(sed -n 2p "$case" | sed 's/^exit //')
  sed -n '3,$p' "$case" > "$work/want.txt"
  rm -f "$work"/.out.pdf.* "$work/out.pdf"
  printf 'an existing file\n' > "$work/out.pdf"
  # shellcheck disable=SC2086
  (cd "$here" && "$paiban" $args) > "$work/stdout.txt" 2> "$work/stderr.txt"
  got_exit=$?
  cat "$work/stdout.txt" "$work/stderr.txt" |
    sed -e "s|$root|<data>|g" -e "s|$work|<work>|g" > "$work/got.txt"
  ok=1
  if [ "$got_exit" != "$want_exit" ]; then
    echo "FAIL $name: exit $got_exit, expected $want_exit"; ok=0
  fi
  if ! diff -u "$work/want.txt" "$work/got.txt" > "$work/diff.txt"; then
    echo "FAIL $name: output differs:"; cat "$work/diff.txt"; ok=0
  fi
  case "$line" in
  *OUT*)
    if [ "$want_exit" = 0 ]; then
      head -c 5 "$work/out.pdf" | grep -q '^%PDF-' ||
        { echo "FAIL $name: no PDF written"; ok=0; }
    elif [ "$(cat "$work/out.pdf")" != "an existing file" ]; then
      echo "FAIL $name: the existing output file was changed"; ok=0
    fi ;;
  esac
  if ls "$work"/.out.pdf.* > /dev/null 2>&1; then
    echo "FAIL $name: a temporary file was left behind"; ok=0
  fi
  if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
