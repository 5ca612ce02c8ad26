#!/bin/sh
# Bad input: each CASE.case holds the command line (OUT stands for an output
# path), the expected exit status and the exact expected standard error.
# Every case must fail with that status and those messages, must leave an
# existing file at the output path untouched, and must leave no temporary
# file behind.
# usage: run.sh PAIBAN WORKDIR
set -u
paiban=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)   # paiban's data folder, shown as <data>
mkdir -p "$work"
passed=0 failed=0
for case in "$here"/*.case; do
  name=$(basename "$case" .case)
  args=$(sed -n 1p "$case" | sed "s|OUT|$work/out.pdf|g")
  want_exit=$(sed -n 2p "$case" | sed 's/^exit //')
  sed -n '3,$p' "$case" > "$work/want.txt"
  rm -f "$work"/.out.pdf.* "$work/out.pdf"
  printf 'an existing file\n' > "$work/out.pdf"
  # shellcheck disable=SC2086
  (cd "$here" && "$paiban" $args) 2> "$work/raw.txt" > /dev/null
  got_exit=$?
  sed -e "s|$root|<data>|g" -e "s|$HOME|~|g" "$work/raw.txt" > "$work/got.txt"
  ok=1
  if [ "$got_exit" != "$want_exit" ]; then
    echo "FAIL $name: exit $got_exit, expected $want_exit"; ok=0
  fi
  if ! diff -u "$work/want.txt" "$work/got.txt" > "$work/diff.txt"; then
    echo "FAIL $name: messages differ:"; cat "$work/diff.txt"; ok=0
  fi
  if [ "$(cat "$work/out.pdf")" != "an existing file" ]; then
    echo "FAIL $name: the existing output file was changed"; ok=0
  fi
  if ls "$work"/.out.pdf.* > /dev/null 2>&1; then
    echo "FAIL $name: a temporary file was left behind"; ok=0
  fi
  if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
[ -e "$here/no-such-folder" ] && { echo "FAIL: a folder was created"; failed=$((failed + 1)); }
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
