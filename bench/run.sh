#!/bin/sh
# paiban's benchmark.  Prints, for this machine: the median wall time of a
# whole `paiban render` process, its peak memory and the PDF size, for the
# sample report, a report ten times as long and the 313-row long table;
# then a batch of 500 reports rendered with one job per core.
# Needs hyperfine and GNU time (Debian: hyperfine, time).
# usage: bench/run.sh [BUILD_DIR]   (default build/; a Release build is best)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
paiban=$build/paiban
work=${BENCH_DIR:-/tmp/paiban-bench}
runs=${BENCH_RUNS:-20}
count=${BENCH_BATCH:-500}
jobs=$(nproc)
rm -rf "$work" && mkdir -p "$work"
sh "$root/bench/make-reports.sh" "$root/samples/nangang-2021.json" "$work" "$count"
# Fill the font-name cache first, as any earlier run on the machine has.
"$paiban" render "$root/samples/nangang-2021.json" -o "$work/warm.pdf" 2> /dev/null

median_ms() { # median of a hyperfine JSON export, in ms
  sed -n 's/.*"median": *\([0-9.e+-]*\).*/\1/p' "$1" | head -1 | awk '{printf "%.1f", $1 * 1000}'
}

echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $jobs cores," \
  "$(free -g | awk '/^Mem:/ {print $2}') GiB; $(uname -sr); paiban $("$paiban" --version | cut -d' ' -f2)"
echo
echo "| input | pages | median wall time | peak memory | PDF size |"
echo "|---|---|---|---|---|"
for input in "$root/samples/nangang-2021.json" "$work/long10.json" "$root/samples/long-table.json"; do
  name=$(basename "$input" .json)
  out="$work/$name.pdf"
  hyperfine -N -w 3 -r "$runs" --export-json "$work/$name.hf.json" \
    "$paiban render $input -o $out" > /dev/null 2>&1
  "$paiban" render "$input" -o "$out" 2> "$work/$name.log" || { cat "$work/$name.log"; exit 1; }
  rss=$(/usr/bin/time -f %M "$paiban" render "$input" -o "$out" 2>&1 >/dev/null | tail -1)
  pages=$(pdfinfo "$out" 2>/dev/null | sed -n 's/^Pages: *//p')
  size=$(stat -c %s "$out")
  printf '| %s | %s | %s ms | %.1f MB | %.0f KB |\n' "$name" "$pages" \
    "$(median_ms "$work/$name.hf.json")" "$(echo "$rss" | awk '{print $1 / 1024}')" \
    "$(echo "$size" | awk '{print $1 / 1024}')"
done
ratio=$(awk -v a="$(median_ms "$work/nangang-2021.hf.json")" \
  -v b="$(median_ms "$work/long10.hf.json")" 'BEGIN {printf "%.1f", b / a}')
echo
echo "ten times the text costs $ratio times the time"

ls "$work"/batch/*.json > "$work/list"
rm -rf "$work/out"
/usr/bin/time -f "%e %M" -o "$work/batch.time" \
  "$paiban" render --batch "$work/list" -o "$work/out/" -j "$jobs" --quiet 2> "$work/batch.log" ||
  { cat "$work/batch.log"; exit 1; }
read -r secs rss < "$work/batch.time"
echo
printf 'batch: %d reports in %.2f s with -j %d: %.0f reports/s, peak memory %.1f MB\n' \
  "$count" "$secs" "$jobs" "$(awk -v n="$count" -v s="$secs" 'BEGIN {print n / s}')" \
  "$(awk -v k="$rss" 'BEGIN {print k / 1024}')"
