#!/bin/sh
# paiban sum on the command line: three members into a summary that is
# written whole, byte for byte the same on a second run and on standard
# output, passes paiban check and renders; with a base report; and a
# member that cannot be summed fails with its message, leaving an existing
# output untouched and no temporary file behind.
# usage: run.sh PAIBAN WORKDIR
set -u
paiban=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
rm -rf "$work" && mkdir -p "$work"
cd "$here" || exit 1

"$paiban" sum a.json b.json c.json -o "$work/summary.json" 2> "$work/err"
check "three members summed (exit 0, no message)" '[ $? = 0 ] && [ ! -s "$work/err" ]'
"$paiban" sum a.json b.json c.json --output="$work/again.json" 2> /dev/null
check "a second run gives the same bytes" 'cmp -s "$work/summary.json" "$work/again.json"'
"$paiban" sum a.json b.json c.json -o - > "$work/stdout.json" 2> /dev/null
check "-o - writes the same to standard output" 'cmp -s "$work/summary.json" "$work/stdout.json"'
check "licensing decisions summed: 2483 + 120 + 120" 'grep -q "\"licensing\":	\[2723\]" "$work/summary.json"'
check "decimal fees summed exactly" 'grep -q "\"fees\":	\[\"1969.0495\"\]" "$work/summary.json"'
check "a row blank in every member stays blank" 'grep -q "\"publications\":	null" "$work/summary.json"'
"$paiban" check "$work/summary.json" > "$work/check.txt" 2>&1
check "the summary passes paiban check" '[ $? = 0 ] && grep -q ", 0 violations, 0 missing values" "$work/check.txt"'

"$paiban" sum a.json b.json c.json --base base.json -o "$work/city.json" 2> /dev/null
check "with a base report" '[ $? = 0 ] && grep -q "全市共收到政府信息公开申请" "$work/city.json"'
"$paiban" render "$work/city.json" -o "$work/city.pdf" 2> "$work/render.err"
check "the summary with its base renders with no message" '[ $? = 0 ] && [ ! -s "$work/render.err" ]'
check "its text quotes the summed cells" \
  'pdftotext "$work/city.pdf" - | tr -d " \n" | grep -q "全市共收到政府信息公开申请87件，予以公开31件"'

printf 'an existing file\n' > "$work/kept.json"
sed 's/"new_requests":       \[10, 3,/"new_requests":       ["10（其中补正2件）", 3,/' b.json > "$work/note.json"
"$paiban" sum a.json "$work/note.json" -o "$work/kept.json" 2> "$work/err"
status=$?
check "a number with a note: exit 3" '[ $status = 3 ]'
check "its message names the member, the cell and its path" \
  'grep -q "^paiban: error: $work/note.json: body\[3\]\.values\.new_requests\[0\]: 一、本年新收政府信息公开申请数量 × 自然人 is \"10（其中补正2件）\": a number with a note, which a summary cannot add up (give the number alone)$" "$work/err"'
check "the existing output is untouched" '[ "$(cat "$work/kept.json")" = "an existing file" ]'
check "no temporary file is left" '[ -z "$(ls -A "$work" | grep "^\.")" ]'

"$paiban" sum a.json 2> "$work/err"
check "no output: usage error" '[ $? = 2 ] && grep -q "no output given (-o SUMMARY.json)" "$work/err"'
"$paiban" sum --help > "$work/help" 2>&1
check "--help" '[ $? = 0 ] && grep -q "^usage: paiban sum" "$work/help"'
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
