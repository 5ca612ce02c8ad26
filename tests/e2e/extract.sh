#!/bin/sh
# The report data travels with the PDF: paiban extract gives back the
# report byte for byte (the sample, the long table, a report read from
# standard input; also after qpdf rewrote the file with object streams and
# a cross-reference stream); check and --previous take a paiban PDF and
# say what they say of its JSON; a plain PDF, another program's PDF, a
# damaged PDF and a JSON file are refused with exit status 3 and a clear
# message, leaving no output behind; render refuses a PDF.
# usage: extract.sh PAIBAN ROOT WORKDIR
set -u
paiban=$1 root=$2 work=$3
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
rm -rf "$work" && mkdir -p "$work"
cd "$work" || exit 1
sample=$root/samples/nangang-2021.json
long=$root/samples/long-table.json
checks=$root/tests/check

# ---- round trips ---------------------------------------------------------
"$paiban" render "$sample" -o sample.pdf 2> /dev/null
"$paiban" extract sample.pdf -o sample.json
check "extract exits 0" '[ $? = 0 ]'
check "the sample comes back byte for byte" 'cmp -s "$sample" sample.json'
"$paiban" extract sample.pdf > stdout.json
check "extract writes to standard output by default" 'cmp -s "$sample" stdout.json'
"$paiban" render "$long" -o long.pdf 2> /dev/null
"$paiban" extract --output=long.json long.pdf
check "the long table comes back byte for byte" 'cmp -s "$long" long.json'
"$paiban" render - -o stdin.pdf < "$sample" 2> /dev/null
"$paiban" extract stdin.pdf -o stdin.json
check "a report from standard input comes back" 'cmp -s "$sample" stdin.json'
check "the embedded file is named after the report" \
  'qpdf --list-attachments sample.pdf | grep -q "^nangang-2021.json"'
check "a report from standard input is report.json" \
  'qpdf --list-attachments stdin.pdf | grep -q "^report.json"'
qpdf --object-streams=generate sample.pdf objstm.pdf
"$paiban" extract objstm.pdf -o objstm.json
check "after qpdf wrote object streams and an xref stream" 'cmp -s "$sample" objstm.json'
qpdf --qdf --object-streams=disable sample.pdf qdf.pdf
"$paiban" extract qdf.pdf -o qdf.json
check "after qpdf rewrote it uncompressed" 'cmp -s "$sample" qdf.json'

# ---- last year's PDF ------------------------------------------------------
cp "$checks/good.json" "$checks/prev.json" "$checks/prev-bad.json" .
# last year's reports need not add up themselves: --force
"$paiban" render prev.json --force -o prev.pdf 2> /dev/null
"$paiban" render prev-bad.json --force -o prev-bad.pdf 2> /dev/null
"$paiban" check good.json --previous prev.json > want.txt 2>&1
want=$?
"$paiban" check good.json --previous prev.pdf > got.txt 2>&1
got=$?
sed 's|prev\.json|prev.pdf (prev.json)|g' want.txt > want-pdf.txt
check "check --previous LAST.pdf: exit $want as with the JSON ($got)" '[ $got = $want ]'
check "check --previous LAST.pdf: the same findings" 'cmp -s want-pdf.txt got.txt'
"$paiban" check good.json --previous prev-bad.json > want.txt 2>&1
want=$?
"$paiban" check good.json --previous prev-bad.pdf > got.txt 2>&1
got=$?
sed 's|prev-bad\.json|prev-bad.pdf (prev-bad.json)|g' want.txt > want-pdf.txt
check "last year's PDF that does not match: exit 6 ($got)" '[ $want = 6 ] && [ $got = 6 ]'
check "last year's PDF that does not match: the same findings, naming the PDF" \
  'cmp -s want-pdf.txt got.txt'
"$paiban" render good.json --previous prev.pdf -o good.pdf 2> /dev/null
check "render --previous LAST.pdf" '[ $? = 0 ] && [ -s good.pdf ]'
"$paiban" check prev.json > want.txt 2>&1
want=$?
"$paiban" check prev.pdf > got.txt 2>&1
got=$?
sed 's|^prev\.json|prev.pdf (prev.json)|' want.txt > want-pdf.txt
check "check LAST.pdf checks the report it carries" '[ $got = $want ] && cmp -s want-pdf.txt got.txt'

# ---- what is refused ------------------------------------------------------
refused() { # NAME FILE MESSAGE
  msg=$3
  printf 'an existing file\n' > keep.json
  "$paiban" extract "$2" -o keep.json 2> err.txt
  st=$?
  check "$1: exit 3 ($st)" '[ $st = 3 ]'
  check "$1: the message says why: $(cat err.txt)" 'grep -q "$msg" err.txt'
  check "$1: the output file is left as it was" \
    '[ "$(cat keep.json)" = "an existing file" ] && [ -z "$(ls .keep.json.* 2>/dev/null)" ]'
}
"$paiban" render "$sample" --pdf plain -o plain.pdf 2> /dev/null
refused "a plain PDF" plain.pdf \
  "^paiban: error: plain.pdf: holds no report data: it was made by paiban as a plain PDF"
qpdf --empty --pages sample.pdf 1 -- foreign.pdf
refused "another program's PDF" foreign.pdf \
  "^paiban: error: foreign.pdf: holds no report data: it was not made by paiban"
head -c 20000 sample.pdf > cut.pdf
refused "a truncated PDF" cut.pdf "^paiban: error: cut.pdf: damaged PDF: "
refused "a JSON file" "$sample" "nangang-2021.json: not a PDF file"
"$paiban" extract missing.pdf -o x.json 2> err.txt
check "a missing file: exit 5" '[ $? = 5 ] && [ ! -e x.json ]'
"$paiban" check good.json --previous plain.pdf > got.txt 2>&1
check "--previous with a plain PDF: exit 3 and why" \
  '[ $? = 3 ] && grep -q "plain.pdf: holds no report data" got.txt'
"$paiban" render sample.pdf -o again.pdf 2> err.txt
check "render refuses a PDF, pointing to extract" \
  '[ $? = 3 ] && [ ! -e again.pdf ] && grep -q "paiban extract sample.pdf" err.txt'
"$paiban" extract 2> err.txt
check "extract without a PDF is a usage error" '[ $? = 2 ]'

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
