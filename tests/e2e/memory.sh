#!/bin/sh
# Running out of memory or address space (ulimit -v): the sample renders
# under a cap close to what it really needs, and under any smaller cap the
# run ends with status 7 and "out of memory" alone, never a message that
# blames a font or the input, never a crash, and the earlier PDF is left
# as it was.
#   floor: the least cap under which `paiban --version` runs (the program
#          and its libraries, ICU's data among them);
#   need:  the least cap under which the sample renders;
# need must not exceed the floor by more than the fonts the sample uses
# (each file is mapped once, and only the faces a role needs: before,
# every candidate of every role was) plus 16 MiB.  Caps are in KiB.  The
# same render succeeds or fails under one cap from run to run within
# about 1 MiB of the need (measured: 10 runs at each cap, address space
# randomization on or off), so the checks around it keep 2 MiB away.
# Sanitizer builds reserve terabytes of address space and cannot run under
# ulimit -v: the test is skipped there (77).
# usage: memory.sh PAIBAN ROOT WORKDIR
set -u
paiban=$1 root=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
cd "$work" || exit 1
sample=$root/samples/nangang-2021.json
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }

if ! (ulimit -v 4000000 && "$paiban" --version > /dev/null 2>&1); then
  echo "skipped: this build cannot run under ulimit -v (a sanitizer build)"
  exit 77
fi

# runs under a cap; no core files
capped() { cap=$1; shift; (ulimit -c 0; ulimit -v "$cap"; "$@"); }
version() { capped "$1" "$paiban" --version > /dev/null 2>&1; }
render() { capped "$1" "$paiban" render "$sample" -o out.pdf > /dev/null 2> err.txt; }

# the least cap in [lo, hi] under which "$@ CAP" succeeds, to 256 KiB
least() {
  lo=$1 hi=$2
  shift 2
  while [ $((hi - lo)) -gt 256 ]; do
    mid=$(((lo + hi) / 2))
    if "$@" "$mid"; then hi=$mid; else lo=$mid; fi
  done
  echo "$hi"
}
version_at() { version "$1"; }
render_at() { rm -f out.pdf; render "$1"; }

floor=$(least 10000 1000000 version_at)
need=$(least "$floor" 4000000 render_at)
"$paiban" render "$sample" -o fonts.pdf --verbose 2> verbose.txt
fonts=$(sed -n 's/^[a-z]*: \(fallback \)\{0,1\}\(\/.*\)#[0-9]* (.*$/\2/p' verbose.txt | sort -u |
        xargs stat -c %s | awk '{ s += $1 } END { printf "%d", s / 1024 }')
echo "floor ${floor} KiB, need ${need} KiB, fonts used ${fonts} KiB"
check "the fonts the sample uses are known" '[ "$fonts" -gt 1000 ]'
check "the sample renders under ${need} KiB: no more than the floor + its fonts + 16 MiB" \
  '[ "$need" -le $((floor + fonts + 16384)) ]'
rm -f out.pdf
check "and renders a complete PDF 2 MiB above it" \
  'render $((need + 2048)) && [ -s out.pdf ] && qpdf --check out.pdf > /dev/null 2>&1'

# below the need (2 MiB away from it): status 7 and the message, the
# earlier PDF untouched
step=$(((need - floor) / 16))
cap=$((floor + 1024))
while [ $cap -lt $((need - 2048)) ]; do
  printf 'an earlier PDF\n' > out.pdf
  render "$cap"
  st=$?
  check "under ${cap} KiB: exit 7, not $st" '[ $st = 7 ]'
  check "under ${cap} KiB: only \"out of memory\" (got: $(head -c 200 err.txt | tr '\n' '|'))" \
    '[ "$(sort -u err.txt)" = "paiban: error: out of memory" ]'
  check "under ${cap} KiB: the earlier PDF is left as it was" \
    '[ "$(cat out.pdf)" = "an earlier PDF" ]'
  check "under ${cap} KiB: nothing left behind" '[ -z "$(ls -A | grep paiban-tmp)" ]'
  cap=$((cap + step))
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
