#!/bin/sh
# Where the time of one render goes: instruction counts per function from
# valgrind's callgrind (repeatable, whatever else the machine is doing).
# usage: bench/profile.sh [BUILD_DIR] [REPORT.json]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
report=${2:-$root/samples/nangang-2021.json}
out=${TMPDIR:-/tmp}/paiban-callgrind.out
"$build/paiban" render "$report" -o /dev/null 2>/dev/null || true  # warm the font cache
valgrind --tool=callgrind --callgrind-out-file="$out" \
  "$build/paiban" render "$report" -o "${TMPDIR:-/tmp}/paiban-profile.pdf" 2>&1 | grep "refs"
callgrind_annotate --inclusive=yes "$out" 2>/dev/null |
  grep -E "pb_|render_report|subset|deflate|HPDF_SaveToStream|FT_New_Face|hb_shape |ubrk_" |
  head -40
