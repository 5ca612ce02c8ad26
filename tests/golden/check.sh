#!/bin/sh
# Golden test: the --dump of a report must equal the reviewed golden file.
# usage: check.sh PAIBAN REPORT.json GOLDEN.dump WORKDIR
# Regenerate on purpose with tools/regen-golden.sh and review the diff.
set -eu
paiban=$1 report=$2 golden=$3 work=$4
mkdir -p "$work"
out="$work/$(basename "$golden")"
"$paiban" render "$report" --dump "$out"
if diff -u "$golden" "$out"; then
  echo "1 passed, 0 failed"
else
  echo "0 passed, 1 failed"
  exit 1
fi
