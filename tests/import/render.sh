#!/bin/sh
# The reference text, imported, renders as the sample does: the same
# placed lines (--dump) and the same page images (pdftoppm), so the pages
# are the same; the PDFs differ only in what plain text cannot carry
# (meta.keywords, which the PDF shows as Keywords).
# usage: render.sh PAIBAN ROOT WORKDIR
set -u
paiban=$1 root=$2 work=$3
mkdir -p "$work"
rm -f "$work"/*.ppm
passed=0 failed=0
check() { if [ "$2" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1: $2"; fi; }

"$paiban" import "$root/tests/import/fixtures/nangang-2021.txt" -o "$work/imported.json" \
  --quiet > "$work/import.log" 2>&1
check "import" "$([ $? = 0 ] && echo ok || cat "$work/import.log")"
for r in imported sample; do
  src=$work/imported.json
  [ $r = sample ] && src=$root/samples/nangang-2021.json
  "$paiban" render "$src" -o "$work/$r.pdf" --dump "$work/$r.dump" 2> "$work/$r.log"
  check "render $r" "$([ $? = 0 ] && echo ok || cat "$work/$r.log")"
  pdftoppm -r 40 "$work/$r.pdf" "$work/$r" 2>> "$work/$r.log"
done
check "the same placed lines" "$(cmp "$work/imported.dump" "$work/sample.dump" > /dev/null 2>&1 &&
  echo ok || diff "$work/sample.dump" "$work/imported.dump" | head -20)"
pages=$(ls "$work"/sample-*.ppm 2> /dev/null | wc -l)
check "pages rendered" "$([ "$pages" -ge 5 ] && echo ok || echo "$pages pages")"
for p in "$work"/sample-*.ppm; do
  q=$work/imported-${p##*/sample-}
  check "page image ${p##*/sample-}" "$(cmp "$p" "$q" > /dev/null 2>&1 && echo ok || echo differs)"
done
info() { pdfinfo "$1" | grep -E '^(Title|Author|Subject|Keywords|Pages):' ; }
info "$work/sample.pdf" | grep -v '^Keywords:' > "$work/sample.info"
info "$work/imported.pdf" > "$work/imported.info"
check "the same document information but Keywords" \
  "$(diff "$work/sample.info" "$work/imported.info" > /dev/null && echo ok ||
     diff "$work/sample.info" "$work/imported.info")"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
