#!/bin/sh
# kill -9 during a render and during a batch: every output is either the
# earlier PDF or the complete new one, byte for byte, and nothing is left
# behind.  Where the file system has O_TMPFILE (tmpfs, ext2/3/4, XFS,
# Btrfs) a killed run leaves nothing but, when the kill falls in the instant
# between naming the complete file and renaming it over the earlier one, a
# hidden .paiban-tmp.NAME.XXXXXX that is the complete new PDF; elsewhere it
# may leave such files with any part of the PDF.  The next run of NAME
# removes them.
# The kills of a render fall every tenth of its usual time, from its start
# until one falls after its end; a batch is killed when its first PDF is
# written.
# usage: kill.sh PAIBAN ROOT WORKDIR
set -u
paiban=$1 root=$2 work=$3
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
rm -rf "$work" && mkdir -p "$work/single" "$work/batch/in" "$work/batch/out"
cd "$work" || exit 1
case $(stat -f -c %T .) in
  tmpfs | ext2/ext3 | xfs | btrfs) strict=1 ;;
  *) strict=0; echo "note: $(stat -f -c %T .) may lack O_TMPFILE: leftovers of a killed run are allowed until the next run" ;;
esac
long=$root/samples/long-table.json
sample=$root/samples/nangang-2021.json
now_ms() { echo $(($(date +%s%N) / 1000000)); }

"$paiban" render "$root/tests/bad/good.json" -o old.pdf 2> /dev/null
"$paiban" render "$long" -o new.pdf 2> /dev/null
"$paiban" render "$sample" -o sample.pdf 2> /dev/null
# the batch renders copies of the sample under other names: an archival
# PDF carries the report's file name, so the batch compares plain PDFs
"$paiban" render "$sample" --pdf plain -o sample-plain.pdf 2> /dev/null
check "references" '[ -s old.pdf ] && [ -s new.pdf ] && [ -s sample.pdf ]'

# leftovers DIR NAME...: the names in DIR other than those given; with
# strict=0 the temporary files of the given names are allowed too
leftovers() {
  dir=$1; shift
  ls -A "$dir" | while read -r f; do
    keep=0
    for n in "$@"; do
      [ "$f" = "$n" ] && keep=1
      [ $strict = 0 ] && case $f in .paiban-tmp."$n".??????) keep=1 ;; esac
    done
    [ $keep = 1 ] || echo "$f"
  done
}

# ---- one render -------------------------------------------------------------
t0=$(now_ms)
"$paiban" render "$long" -o single/timing.pdf 2> /dev/null
run_ms=$(($(now_ms) - t0))
rm -f single/timing.pdf
kept=0 replaced=0 bad=0 named=0 i=0
# kills every tenth of the render's usual time, on until one comes after
# the render was complete (a loaded machine makes renders slower)
while [ $i -lt 20 ] || { [ $replaced = 0 ] && [ $i -lt 60 ]; }; do
  cp old.pdf single/out.pdf
  "$paiban" render "$long" -o single/out.pdf 2> /dev/null &
  pid=$!
  sleep "$(awk -v ms="$run_ms" -v i="$i" 'BEGIN { printf "%.3f", ms * i / 10 / 1000 }')"
  kill -9 $pid 2> /dev/null
  wait $pid 2> /dev/null
  if cmp -s single/out.pdf old.pdf; then kept=$((kept + 1))
  elif cmp -s single/out.pdf new.pdf; then replaced=$((replaced + 1))
  else bad=$((bad + 1)); fi
  left=$(leftovers single out.pdf)
  # with O_TMPFILE the file has a temporary name only once it is complete
  if [ $strict = 1 ] && [ -n "$left" ]; then
    for f in $left; do
      case $f in
        .paiban-tmp.out.pdf.??????)
          check "kill -9 at $((run_ms * i / 10)) ms: $f left between naming and renaming is the complete new PDF" \
            'cmp -s "single/$f" new.pdf'
          named=$((named + 1)); rm -f "single/$f" ;;
      esac
    done
    left=$(leftovers single out.pdf)
  fi
  check "kill -9 at $((run_ms * i / 10)) ms of a $run_ms ms render: nothing left behind" \
    '[ -z "$left" ]'
  i=$((i + 1))
done
echo "single render: $kept kills left the earlier PDF, $replaced came after the new one was complete, $named fell between its naming and renaming"
check "every kill left the earlier PDF or the complete new one" '[ $bad = 0 ]'
check "  the kills fell before and after the end of the render" '[ $kept -gt 0 ] && [ $replaced -gt 0 ]'
"$paiban" render "$long" -o single/out.pdf 2> /dev/null
check "the next render leaves only its PDF" \
  '[ "$(ls -A single)" = out.pdf ] && cmp -s single/out.pdf new.pdf'

# ---- a batch ------------------------------------------------------------------
names=""
for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24; do
  cp "$sample" "batch/in/d$i.json"
  names="$names d$i.pdf"
done
t0=$(now_ms)
"$paiban" render batch/in/*.json --pdf plain -o batch/timing/ -j 2 2> /dev/null
batch_ms=$(($(now_ms) - t0))
rm -rf batch/timing
for n in $names; do cp old.pdf "batch/out/$n"; done
sleep 0.01 && touch batch/started  # after the earlier PDFs
"$paiban" render batch/in/*.json --pdf plain -o batch/out/ -j 2 2> /dev/null &
pid=$!
# killed as soon as the first new PDF is there: halfway at most
polls=0
while [ -z "$(find batch/out -name '*.pdf' -newer batch/started | head -1)" ] && [ $polls -lt 2000 ]; do
  sleep 0.005
  polls=$((polls + 1))
done
kill -9 $pid 2> /dev/null
wait $pid 2> /dev/null
kept=0 replaced=0 bad=0
for n in $names; do
  if cmp -s "batch/out/$n" old.pdf; then kept=$((kept + 1))
  elif cmp -s "batch/out/$n" sample-plain.pdf; then replaced=$((replaced + 1))
  else bad=$((bad + 1)); fi
done
echo "batch ($batch_ms ms in full) killed: $replaced PDFs new, $kept earlier"
check "a batch killed after its first PDF: every PDF the earlier or the complete new one" \
  '[ $bad = 0 ]'
check "  the kill fell inside the batch (some PDFs new, some earlier)" \
  '[ $kept -gt 0 ] && [ $replaced -gt 0 ]'
# shellcheck disable=SC2086
left=$(leftovers batch/out $names)
# a PDF named but not yet renamed when the kill fell must be complete; the
# next batch removes it
if [ $strict = 1 ] && [ -n "$left" ]; then
  rest=""
  for f in $left; do
    case $f in
      .paiban-tmp.d??.pdf.??????)
        check "  $f left between naming and renaming is a complete PDF" \
          'cmp -s "batch/out/$f" sample-plain.pdf' ;;
      *) rest="$rest $f" ;;
    esac
  done
  left=$rest
fi
check "  nothing left behind" '[ -z "$left" ]'
"$paiban" render batch/in/*.json --pdf plain -o batch/out/ -j 2 2> /dev/null
all_new() { for n in $names; do cmp -s "batch/out/$n" sample-plain.pdf || return 1; done; }
check "the next batch leaves only its PDFs, all new" \
  '[ "$(ls -A batch/out | tr "\n" " ")" = "$(echo $names) " ] && all_new'

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
