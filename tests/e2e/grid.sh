#!/bin/sh
# The GB/T 9704 grid of the default layout, read from --dump:
#  - a full body line holds 28 characters (26 after the two-character
#    indent) and is 28 columns wide: 156 mm less what rounding the pitch
#    down to 1/64 pt leaves (0.3 pt);
#  - a full page holds 22 lines, and every line of text, in the sample too
#    (after its tables), stands on one of the 22 grid lines.
# usage: grid.sh PAIBAN ROOT WORKDIR
set -u
paiban=$1 root=$2 work=$3
mkdir -p "$work"
passed=0 failed=0
check() { if [ "$2" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1: $2"; fi; }

"$paiban" render "$root/tests/fixtures/grid.json" --dump "$work/grid.dump" 2> /dev/null
# The fixture is Han characters only, 3 UTF-8 bytes each.
result=$(awk '
  /^page / { page = $2; next }
  /^line / { w = $5; sub("w=", "", w); x = $4; sub("x=", "", x); next }
  /^  FandolFang/ {
    t = $0; sub(/^[^"]*"/, "", t); sub(/"$/, "", t); n = length(t) / 3
    lines[page]++; total++
    first = (x != "79.38")
    if (first && n != 26 && n != 0) bad = bad " first line of " n
    if (!first && w == "441.88" && n != 28) bad = bad " full line of " n
    if (w == "441.88") full++
  }
  END {
    if (lines[1] != 22) bad = bad " page 1 has " lines[1] " lines"
    if (full < 20) bad = bad " only " full " full lines"
    print bad == "" ? "ok" : bad
  }' "$work/grid.dump")
check "28 characters a line, 26 after the indent, 22 lines a page" "$result"

"$paiban" render "$root/samples/nangang-2021.json" --dump "$work/sample.dump" 2> /dev/null
# Text block top 37 mm = 104.88 pt; line pitch 225 mm / 22.
result=$(awk '
  /^page / { page = $2; next }
  /^line / && $0 !~ /styles\.page_number/ {
    y = $2; sub("y=", "", y)
    pitch = 637.795 / 22
    k = (y - 104.88) / pitch
    r = k - int(k + 0.5); if (r < 0) r = -r
    text = 1
    if (r > 0.01 || k < -0.01 || k > 21.01) off = off " page " page " y=" y
    next
  }
  /^  cell / { text = 0 }
  END { print off == "" ? "ok" : "off the grid:" off }' "$work/sample.dump")
check "every line of the sample on the 22-line grid" "$result"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
