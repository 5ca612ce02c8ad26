#!/bin/sh
# paiban import and paiban new from the command line: each CASE.case in
# cases/ holds the command line (run in fixtures/; OUT stands for an output
# path, GEN for the folder of generated inputs), the expected exit status,
# then the exact expected standard output followed by standard error.  A
# run that succeeds with OUT must write a report that `paiban check`
# reads; any other must leave an existing file at OUT untouched and no
# temporary file behind.  Inputs too big to keep are made here.
# usage: run.sh PAIBAN WORKDIR
set -u
paiban=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)   # paiban's data folder, shown as <data>
mkdir -p "$work/gen"
work=$(cd "$work" && pwd)
gen=$work/gen

# 50 MB of text: over the 16 MiB limit of a text source
[ -f "$gen/huge.txt" ] ||
  awk 'BEGIN { for (i = 0; i < 700000; i++) print "本年度报告依据政府信息公开条例编制。共七十个字节。" }' \
    > "$gen/huge.txt"

# a Word document of 70 MB: over the 64 MiB limit
[ -f "$gen/huge.docx" ] || head -c 70000000 /dev/zero > "$gen/huge.docx"
# a web page nested 100,000 elements deep
[ -f "$gen/deep.html" ] ||
  awk 'BEGIN { for (i = 0; i < 100000; i++) printf "<div>"; printf "文字"
               for (i = 0; i < 100000; i++) printf "</div>"; print "" }' > "$gen/deep.html"

passed=0 failed=0
for case in "$here"/cases/*.case; do
  name=$(basename "$case" .case)
  line=$(sed -n 1p "$case")
  args=$(printf '%s\n' "$line" | sed -e "s|OUT|$work/out.json|g" -e "s|GEN|$gen|g")
  want_exit=$(sed -n 2p "$case" | sed 's/^exit //')
  sed -n '3,$p' "$case" > "$work/want.txt"
  rm -f "$work"/.out.json.* "$work/out.json"
  printf 'an existing file\n' > "$work/out.json"
  # shellcheck disable=SC2086
  (cd "$here/fixtures" && "$paiban" $args) > "$work/stdout.txt" 2> "$work/stderr.txt"
  got_exit=$?
  cat "$work/stdout.txt" "$work/stderr.txt" |
    sed -e "s|$work|<work>|g" -e "s|$root|<data>|g" > "$work/got.txt"
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
      if ! (cd "$here/fixtures" && "$paiban" check "$work/out.json") > "$work/check.txt" 2>&1; then
        echo "FAIL $name: the report written does not pass paiban check:"
        cat "$work/check.txt"; ok=0
      fi
    elif [ "$(cat "$work/out.json")" != "an existing file" ]; then
      echo "FAIL $name: the existing output file was changed"; ok=0
    fi ;;
  esac
  if ls "$work"/.out.json.* > /dev/null 2>&1; then
    echo "FAIL $name: a temporary file was left behind"; ok=0
  fi
  if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
