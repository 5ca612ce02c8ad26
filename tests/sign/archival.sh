#!/bin/sh
# The signed PDFs keep their archival claims: the checks of the archival
# PDF (tests/e2e/test_archival.c: tags, XMP, marked content, the report
# data, /ID) on the sample signed as it is rendered, and on a sealed
# document signed (its widget over the seal), with keys made by openssl
# here.
# usage: archival.sh TEST_ARCHIVAL PAIBAN ROOT WORKDIR
set -u
test_archival=$1 paiban=$2 root=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
sh "$root/tests/sign/make-keys.sh" "$work/keys" > "$work/keys.log" 2>&1 ||
  { cat "$work/keys.log"; exit 1; }
python3 "$root/tests/seal/make-seals.py" "$work/seals" > /dev/null || exit 1
status=0
"$test_archival" "$paiban" "$root/samples/nangang-2021.json" "$work/sample" \
  --signed "$work/keys" --links 2 || status=1
"$test_archival" "$paiban" "$root/tests/fixtures/features.json" "$work/sealed" \
  --seal "$work/seals/seal.png" --signed "$work/keys" || status=1
exit $status
