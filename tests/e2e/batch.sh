#!/bin/sh
# Batch rendering: several reports into a folder with a pool of threads.
# A failing report does not stop the others; its existing PDF stays as it
# was; the summary names it; the exit status is not 0.
# usage: batch.sh PAIBAN ROOT WORKDIR
set -u
paiban=$1 root=$2 work=$3
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
rm -rf "$work" && mkdir -p "$work/out"
cp "$root/tests/bad/missing-title.json" "$work/broken.json"
printf 'an earlier PDF\n' > "$work/out/broken.pdf"
cp "$root/tests/check/r2.json" "$work/r2.json"
printf '%s\n' "$root/samples/long-table.json" "$root/tests/fixtures/features.json" > "$work/list"
"$paiban" render "$root/samples/nangang-2021.json" "$work/broken.json" "$work/r2.json" \
  --batch "$work/list" -o "$work/out/" -j 2 --force 2> "$work/stderr"
status=$?
check "exit status 3 (the broken report's)" '[ $status = 3 ]'
check "summary line" 'grep -q "^paiban: 4 rendered, 1 failed, in " "$work/stderr"'
check "failure named with its count and first message" \
  'grep -q "^paiban: failed, 1 error: $work/broken.json: meta: missing required key \"title\"$" "$work/stderr"'
for name in nangang-2021 long-table features r2; do
  check "$name.pdf written and valid" 'qpdf --check "$work/out/$name.pdf" > /dev/null 2>&1'
done
check "the broken report's earlier PDF is untouched" '[ "$(cat "$work/out/broken.pdf")" = "an earlier PDF" ]'
check "no temporary files left" '[ -z "$(ls -A "$work/out" | grep "^\.")" ]'
check "no progress line when not on a terminal" '! grep -q "reports/s" "$work/stderr"'
check "warnings of rendered reports counted with the first, not listed" \
  'grep -q "^paiban: rendered with 2 warnings (--verbose shows them): $work/r2.json: body\[3\]\.values\.new_requests\[6\]: violation: R1 (column 总计): " "$work/stderr" &&
   ! grep -q "^paiban: warning: " "$work/stderr"'
check "reports without messages are not in the summary" \
  '[ $(grep -c "^paiban: rendered with" "$work/stderr") = 1 ]'
# The same reports one at a time give the same bytes as in the batch.
"$paiban" render "$root/samples/nangang-2021.json" -o "$work/single.pdf" 2> /dev/null
check "batch output equals a single render" 'cmp -s "$work/single.pdf" "$work/out/nangang-2021.pdf"'
# Reports that print with the same glyphs of a face (the copies for two
# departments of the same length) or other glyphs (the long table) take
# the font programs an earlier report of the batch made, or make their
# own: the same bytes either way.
mkdir -p "$work/depts" "$work/one"
sed 's/南岗区城管局/第一号部门/g' "$root/samples/nangang-2021.json" > "$work/depts/a.json"
sed 's/南岗区城管局/第二号部门/g' "$root/samples/nangang-2021.json" > "$work/depts/b.json"
cp "$root/samples/long-table.json" "$work/depts/c.json"
sed 's/南岗区城管局/第三号部门/g' "$root/samples/nangang-2021.json" > "$work/depts/d.json"
"$paiban" render "$work/depts/a.json" "$work/depts/b.json" "$work/depts/c.json" \
  "$work/depts/d.json" -o "$work/depts/out/" -j 1 --pdf plain 2> /dev/null
for name in a b c d; do
  "$paiban" render "$work/depts/$name.json" -o "$work/one/$name.pdf" --pdf plain 2> /dev/null
  check "report $name of the batch equals its single render" \
    'cmp -s "$work/one/$name.pdf" "$work/depts/out/$name.pdf"'
done
"$paiban" render "$root/samples/nangang-2021.json" "$root/samples/nangang-2021.json" -o "$work/dup/" \
  2> "$work/dup.err"
check "two reports with one output name are refused" '[ $? = 2 ] && grep -q "would both be written" "$work/dup.err"'
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
