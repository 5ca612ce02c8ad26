#!/bin/sh
# paiban's benchmark.  Prints, for this machine, whole `paiban render`
# processes measured with hyperfine (and GNU time for peak memory):
#   - the sample report, a report ten times as long, and long tables of
#     313, 2,991 and 5,000 rows: wall time, peak memory, pages, PDF size;
#   - the floor (bench/floor.c: the same font subsets, deflated and written,
#     without paiban's own work; once made as paiban makes them, CFF fonts
#     by its own subsetter, and once with HarfBuzz's subsetter for every
#     font) and Typst on the same report, each timed
#     in pairs with the sample (rounds that alternate the two programs, so
#     a change in the machine's load hits both): the ratios are the medians
#     of the rounds' ratios;
#   - a batch of copies of the sample with -j 1 and -j 2 and with one
#     process per report.
# Typst is timed when one is found: $TYPST (a typst program), typst on the
# PATH, or Typst from npm installed in $TYPST_DIR (default
# ~/.cache/paiban-bench/typst; bench/install-typst.sh puts it there).
# Needs hyperfine, GNU time and mutool (Debian: hyperfine time
# mupdf-tools); Typst needs node.
# usage: bench/run.sh [BUILD_DIR]   (default build/; a Release build is best)
# Environment: BENCH_DIR (work folder), BENCH_ROUNDS (pairs, default 10),
# BENCH_BATCH (reports in the batch, default 1000), BENCH_BATCH_ROUNDS (3),
# BENCH_TYPST_ROUNDS (5).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
paiban=$build/paiban
floor=$build/bench/floor
work=${BENCH_DIR:-/tmp/paiban-bench}
rounds=${BENCH_ROUNDS:-10}
count=${BENCH_BATCH:-1000}
typst_rounds=${BENCH_TYPST_ROUNDS:-5}
batch_rounds=${BENCH_BATCH_ROUNDS:-3}
typst_dir=${TYPST_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/paiban-bench/typst}
fandol=/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
sample=$root/samples/nangang-2021.json
[ -x "$floor" ] || { echo "bench/run.sh: $floor is missing: build $build first" >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work"

sh "$root/bench/make-reports.sh" "$sample" "$work" "$count"
sh "$root/tools/make-long-table.sh" --rows 2991 "$work/table-2991.json"
sh "$root/tools/make-long-table.sh" --rows 5000 "$work/table-5000.json"
# Fill the font-name cache first, as any earlier run on the machine has.
"$paiban" render "$sample" -o "$work/warm.pdf" 2> /dev/null

# ---- helpers ----------------------------------------------------------------

# The medians (in ms) of the commands of a hyperfine JSON export, one a line.
medians() {
  sed -n 's/.*"median": *\([0-9.e+-]*\).*/\1/p' "$1" | awk '{printf "%.2f\n", $1 * 1000}'
}
# median of the numbers on standard input
median() {
  sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
# pair NAME ROUNDS RUNS CMD_A CMD_B: ROUNDS rounds of hyperfine running A
# then B RUNS times each; sets pa, pb (medians of the rounds' medians, ms)
# and pr (median of the rounds' B/A).
pair() {
  name=$1 n=$2 r=$3 a=$4 b=$5
  : > "$work/$name.pairs"
  i=0
  while [ "$i" -lt "$n" ]; do
    hyperfine -N -w 1 -r "$r" --export-json "$work/$name.$i.json" "$a" "$b" > /dev/null 2>&1 ||
      { echo "bench/run.sh: hyperfine failed on: $a / $b" >&2; exit 1; }
    medians "$work/$name.$i.json" | paste -s -d ' ' >> "$work/$name.pairs"
    i=$((i + 1))
  done
  pa=$(awk '{print $1}' "$work/$name.pairs" | median)
  pb=$(awk '{print $2}' "$work/$name.pairs" | median)
  pr=$(awk '{print $2 / $1}' "$work/$name.pairs" | median)
}
peak_mb() { # peak resident memory of a command, MB
  /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", $1 / 1024}'
}
fmt() { printf '%.1f' "$1"; }

# ---- the machine --------------------------------------------------------------

echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores," \
  "$(free -g | awk '/^Mem:/ {print $2}') GiB; $(uname -sr); paiban $("$paiban" --version | cut -d' ' -f2)"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# ---- single reports -----------------------------------------------------------

echo "| input | pages | median wall time | peak memory | PDF size |"
echo "|---|---|---|---|---|"
for input in "$sample" "$work/long10.json" "$root/samples/long-table.json" \
             "$work/table-2991.json" "$work/table-5000.json"; do
  name=$(basename "$input" .json)
  out="$work/$name.pdf"
  "$paiban" render "$input" -o "$out" 2> "$work/$name.log" || { cat "$work/$name.log"; exit 1; }
  case $name in table-*) r=5 ;; *) r=20 ;; esac
  hyperfine -N -w 2 -r "$r" --export-json "$work/$name.hf.json" \
    "$paiban render $input -o $out" > /dev/null 2>&1
  pages=$(pdfinfo "$out" 2>/dev/null | sed -n 's/^Pages: *//p')
  printf '| %s | %s | %s ms | %s MB | %.0f KB |\n' "$name" "$pages" \
    "$(fmt "$(medians "$work/$name.hf.json")")" "$(peak_mb "$paiban" render "$input" -o "$out")" \
    "$(stat -c %s "$out" | awk '{print $1 / 1024}')"
done
echo

# ---- paired ratios --------------------------------------------------------------

s="$paiban render $sample -o $work/s.pdf"
# The floor's plan: the fonts paiban found for the sample (-v), and the
# characters each shows in the PDF it made.
"$paiban" render -v "$sample" -o "$work/s.pdf" 2> "$work/fonts.txt"
mutool draw -q -F stext -o "$work/s.stext" "$work/s.pdf" 2> /dev/null
# shellcheck disable=SC2046
"$floor" --plan "$work/s.stext" $(sed -n 's/^[a-z_]*: \(fallback \)\{0,1\}\(\/[^ ]*#[0-9]*\) .*/\2/p' \
  "$work/fonts.txt" | sort -u) > "$work/floor.plan"
nplan=$(wc -l < "$work/floor.plan")
pair floor "$rounds" 5 "$s" "$build/bench/floor $work/floor.plan $work/floor.out"
echo "floor (the same $nplan font subsets deflated and written, CFF ones by paiban's subsetter" \
  "as paiban makes them): $(fmt "$pb") ms;" \
  "the sample takes $(printf '%.2f' "$(echo "$pr" | awk '{print 1 / $1}')") times the floor" \
  "($(fmt "$pa") ms, $(fmt "$(echo "$pa $pb" | awk '{print $1 - $2}')") ms above it)"
pair floor_hb "$rounds" 5 "$s" \
  "$build/bench/floor --subsetter=harfbuzz $work/floor.plan $work/floor-hb.out"
echo "floor with HarfBuzz's subsetter for every font: $(fmt "$pb") ms;" \
  "the sample takes $(printf '%.2f' "$(echo "$pr" | awk '{print 1 / $1}')") times it"

# What the sample's PDF is made of: the font programs are what the floor
# writes (the same subsets, deflated alike).
"$paiban" render --pdf plain "$sample" -o "$work/plain.pdf"
fonts_kb=$(stat -c %s "$work/floor.out" | awk '{printf "%.1f", $1 / 1024}')
plain_kb=$(stat -c %s "$work/plain.pdf" | awk '{printf "%.1f", $1 / 1024}')
arch_kb=$(stat -c %s "$work/s.pdf" | awk '{printf "%.1f", $1 / 1024}')
echo "sample PDF: plain $plain_kb KB (font programs $fonts_kb KB, the rest" \
  "$(echo "$plain_kb $fonts_kb" | awk '{printf "%.1f", $1 - $2}') KB); archival $arch_kb KB" \
  "(+$(echo "$arch_kb $plain_kb" | awk '{printf "%.1f", $1 - $2}') KB: tags, metadata, report data)"

pair long10 "$rounds" 5 "$s" "$paiban render $work/long10.json -o $work/l.pdf"
echo "ten times the text: $(printf '%.2f' "$pr") times the sample's time"
pair table313 "$rounds" 5 "$s" "$paiban render $root/samples/long-table.json -o $work/t.pdf"
echo "313-row table: $(printf '%.2f' "$pr") times the sample's time"

# Typst: the same report rebuilt from paiban's dump (bench/typst/).
typst_cmd=""
if [ -n "${TYPST:-}" ] || command -v typst > /dev/null 2>&1; then
  typst=${TYPST:-typst}
  version=$("$typst" --version | awk '{print $2}')
  spans=$(echo "$version" | awk -F. '{print ($1 > 0 || $2 >= 11) ? 1 : 0}')
  typst_cmd="$typst compile --font-path $fandol $work/s.typ $work/s-typst.pdf"
  typst_name="Typst $version"
elif [ -d "$typst_dir/node_modules/@myriaddreamin/typst-ts-node-compiler" ] &&
     command -v node > /dev/null 2>&1; then
  spans=1
  typst_cmd="node $root/bench/typst/compile.cjs $typst_dir $work/s.typ $work/s-typst.pdf $fandol"
  typst_name="typst-ts-node-compiler $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' \
    "$typst_dir/node_modules/@myriaddreamin/typst-ts-node-compiler/package.json" | head -1)"
fi
if [ -n "$typst_cmd" ]; then
  "$paiban" render "$sample" -o "$work/s.pdf" --dump "$work/s.dump"
  awk -v spans="$spans" -f "$root/bench/typst/dump-to-typst.awk" "$work/s.dump" "$work/s.dump" > "$work/s.typ"
  $typst_cmd
  pair typst "$typst_rounds" 1 "$s" "$typst_cmd"
  creator=$(pdfinfo "$work/s-typst.pdf" 2> /dev/null | sed -n 's/^Creator: *//p')
  echo "$typst_name${creator:+ ($creator)} on the same report: $(fmt "$pb") ms," \
    "$(peak_mb $typst_cmd) MB, $(pdfinfo "$work/s-typst.pdf" 2>/dev/null | sed -n 's/^Pages: *//p') pages;" \
    "the sample takes 1/$(printf '%.1f' "$pr") of Typst's time"
else
  echo "Typst: not installed (bench/install-typst.sh, or TYPST=/path/to/typst)"
fi
echo

# ---- batch -------------------------------------------------------------------

ls "$work"/batch/*.json > "$work/list"
batch() { # batch JOBS: sets secs, cpu (user + system seconds) and mb
  rm -rf "$work/out"
  /usr/bin/time -f "%e %U %S %M" -o "$work/batch.time" \
    "$paiban" render --batch "$work/list" -o "$work/out/" -j "$1" --quiet 2> "$work/batch.log" ||
    { cat "$work/batch.log"; exit 1; }
  read -r secs u s kb < "$work/batch.time"
  cpu=$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')
  mb=$(awk -v k="$kb" 'BEGIN {printf "%.1f", k / 1024}')
}
# -j 1 and -j 2 in turn, batch_rounds times: the ratio is the median of
# the rounds' ratios
: > "$work/batch.pairs"
i=0
while [ "$i" -lt "$batch_rounds" ]; do
  batch 1; s1=$secs c1=$cpu m1=$mb
  batch 2; s2=$secs m2=$mb
  echo "$s1 $s2 $c1" >> "$work/batch.pairs"
  i=$((i + 1))
done
s1=$(awk '{print $1}' "$work/batch.pairs" | median)
s2=$(awk '{print $2}' "$work/batch.pairs" | median)
c1=$(awk '{print $3}' "$work/batch.pairs" | median)
ratio=$(awk '{print $1 / $2}' "$work/batch.pairs" | median)
# memory against the batch's length: the first tenth alone
head -$((count / 10)) "$work/list" > "$work/list10"
cp "$work/list" "$work/list.all" && cp "$work/list10" "$work/list"
batch 2; m10=$mb
cp "$work/list.all" "$work/list"
# one process per report, on the first hundred (at most)
head -100 "$work/list" > "$work/list100"
start=$(date +%s.%N)
while read -r f; do "$paiban" render "$f" -o "$work/one.pdf" 2> /dev/null; done < "$work/list100"
end=$(date +%s.%N)
rate1=$(awk -v n="$count" -v s="$s1" 'BEGIN {printf "%.0f", n / s}')
rate2=$(awk -v n="$count" -v s="$s2" 'BEGIN {printf "%.0f", n / s}')
rate_p=$(awk -v n="$(wc -l < "$work/list100")" -v a="$start" -v b="$end" \
  'BEGIN {printf "%.1f", n / (b - a)}')
echo "batch of $count copies of the sample ($batch_rounds rounds): -j 1 $rate1 reports/s" \
  "(peak $m1 MB; $(awk -v c="$c1" -v n="$count" 'BEGIN {printf "%.1f", c * 1000 / n}') ms of" \
  "CPU a report), -j 2 $rate2 reports/s (peak $m2 MB): $(printf '%.2f' "$ratio") times;" \
  "one process per report $rate_p reports/s, so -j 2 is" \
  "$(awk -v a="$rate2" -v b="$rate_p" 'BEGIN {printf "%.1f", a / b}') times that"
echo "batch memory: $m10 MB for $((count / 10)) reports, $m2 MB for $count (-j 2)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
