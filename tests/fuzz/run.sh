#!/bin/sh
# Builds the libFuzzer targets (clang, AddressSanitizer + UBSan), replays
# every input of each target's corpus (the seeds and the regression inputs
# of crashes found earlier), then fuzzes each target for SECONDS.
# usage: tests/fuzz/run.sh [SECONDS] [TARGET...]    (default: 30, all targets)
# New inputs that add coverage are kept in BUILD/corpus/TARGET, not in the
# repository; a crash, leak, hang or failed check is saved as
# BUILD/crashes/TARGET/crash-* (or leak-*, timeout-*) and fails the script:
# add it to tests/fuzz/corpus/TARGET/ as regress-NAME once it is fixed.
# Environment: PAIBAN_FUZZ_BUILD (default build-fuzz), CC (default clang).
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-30}
[ $# -gt 0 ] && shift
targets=${*:-fuzz_report fuzz_layout fuzz_render fuzz_pdfread fuzz_import fuzz_font fuzz_cff fuzz_png fuzz_verify}
build=${PAIBAN_FUZZ_BUILD:-build-fuzz}
corpus=tests/fuzz/corpus

CC=${CC:-clang} cmake -S . -B "$build" -DPAIBAN_FUZZ=ON -DBUILD_TESTING=OFF \
  -DPAIBAN_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
# shellcheck disable=SC2086
cmake --build "$build" -j"$(nproc)" --target $targets > "$build/build.log" 2>&1 ||
  { cat "$build/build.log"; exit 1; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# A render of the largest sample takes well under a second; 20 s is a hang.
# A target with a dictionary of its own (NAME.dict) uses it, the others
# paiban.dict.
status=0
for t in $targets; do
  name=${t#fuzz_}
  dict=tests/fuzz/paiban.dict
  [ -f "tests/fuzz/$name.dict" ] && dict=tests/fuzz/$name.dict
  opts="-timeout=20 -rss_limit_mb=2048 -dict=$dict"
  bin=$build/tests/fuzz/$t
  crashes=$build/crashes/$name
  mkdir -p "$crashes" "$build/corpus/$name"
  # Replay: every file of the committed corpus, once each.
  # shellcheck disable=SC2086
  if ! "$bin" $opts -artifact_prefix="$crashes/" "$corpus/$name"/* \
       > "$build/replay-$name.log" 2>&1 < /dev/null; then
    echo "FAIL $t: replaying $corpus/$name"; tail -40 "$build/replay-$name.log"
    status=1; continue
  fi
  echo "ok $t: replayed $(ls "$corpus/$name" | wc -l) inputs"
  [ "$secs" -gt 0 ] || continue
  # Fuzz: new inputs go to the scratch corpus, read together with the
  # committed one.
  # shellcheck disable=SC2086
  if ! "$bin" $opts -artifact_prefix="$crashes/" -max_total_time="$secs" \
       -print_final_stats=1 "$build/corpus/$name" "$corpus/$name" \
       > "$build/fuzz-$name.log" 2>&1 < /dev/null; then
    echo "FAIL $t: see $build/fuzz-$name.log and $crashes/"
    tail -40 "$build/fuzz-$name.log"
    status=1; continue
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/fuzz-$name.log")
  echo "ok $t: fuzzed ${secs} s, $execs runs"
done
exit $status
