#!/bin/sh
# Bad input: each CASE.case holds the command line (OUT stands for an output
# path), the expected exit status and the exact expected standard error.
# Every case must fail with that status and those messages, must leave an
# existing file at the output path untouched, and must leave no temporary
# file behind.  Inputs too big to keep in the repository are made here, in
# WORKDIR/gen (GEN in a command line; messages show WORKDIR as <work>);
# READONLY is a folder nobody may write to.
# usage: run.sh PAIBAN WORKDIR
set -u
paiban=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)   # paiban's data folder, shown as <data>
mkdir -p "$work/gen"
work=$(cd "$work" && pwd)
gen=$work/gen

# repeat N TEXT: TEXT N times, separated by SEP (default none)
repeat() {
  awk -v n="$1" -v t="$2" -v sep="${3:-}" \
    'BEGIN { for (i = 0; i < n; i++) printf "%s%s", (i ? sep : ""), t }'
}
meta='"meta": {"title": "报告"}'
{ printf '{%s, "body": [{"type": "paragraph", "text": "' "$meta"
  repeat 100001 正; printf '"}]}\n'; } > "$gen/text-too-long.json"
{ printf '{%s, "body": [{"type": "paragraph", "text": "' "$meta"
  repeat 5001 'a**b**'; printf '"}]}\n'; } > "$gen/too-many-runs.json"
{ printf '{%s, "body": [{"type": "table", "template": {"columns": [{"id": "n"}], "rows": [' "$meta"
  awk 'BEGIN { for (i = 0; i < 10000; i++) printf "%s{\"id\": \"r%d\"}", (i ? ", " : ""), i }'
  printf ']}, "values": {}}]}\n'; } > "$gen/rows-10000.json"
{ printf '{%s, "body": [' "$meta"
  repeat 20001 '{"type": "page_break"}' ', '; printf ']}\n'; } > "$gen/blocks-20001.json"
{ printf '{%s, "body": [' "$meta"
  repeat 2001 '{"type": "paragraph", "text": "正文。"}, {"type": "page_break"}' ', '
  printf ']}\n'; } > "$gen/pages-2001.json"
{ printf '{%s, "body": [{"type": "paragraph", "text": "正文。"}], "' "$meta"
  repeat 3000000 k; printf '": 1}\n'; } > "$gen/megabyte-key.json"
head -c 16777217 /dev/zero | tr '\0' ' ' > "$gen/too-large.json"
# seal images: broken ones made by the seal tests' generator, and one over
# the 8 MiB limit
python3 "$here/../seal/make-seals.py" "$gen"
head -c 8388609 /dev/zero > "$gen/too-large-seal.png"
# signing: keys and a test authority made by openssl, a PDF to sign, one
# signed, one made by another program, a damaged one; certificates and
# messages name fixed dates, so the signing time is the samples' date
SOURCE_DATE_EPOCH=1642636800
export SOURCE_DATE_EPOCH
sh "$here/../sign/make-keys.sh" "$gen/keys" > "$gen/keys.log" 2>&1 || cat "$gen/keys.log"
"$paiban" render "$here/good.json" -o "$gen/good.pdf"
"$paiban" sign "$gen/good.pdf" --key "$gen/keys/rsa.key" --cert "$gen/keys/rsa.pem" \
  -o "$gen/signed.pdf"
qpdf --empty "$gen/foreign.pdf"
head -c 3000 "$gen/good.pdf" > "$gen/damaged.pdf"

# A folder paiban may not write to; root may write anywhere, so then the
# cases that use it run as nobody.
readonly_dir=$work/read-only
mkdir -p "$readonly_dir"
chmod 555 "$readonly_dir"
as_user=""
if [ "$(id -u)" = 0 ]; then
  as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi

passed=0 failed=0
for case in "$here"/*.case; do
  name=$(basename "$case" .case)
  args=$(sed -n 1p "$case" | sed -e "s|OUT|$work/out.pdf|g" -e "s|GEN|$gen|g" \
    -e "s|READONLY|$readonly_dir|g")
  run_as=""
  case "$args" in *"$readonly_dir"*) run_as=$as_user ;; esac
  want_exit=$(sed -n 2p "$case" | sed 's/^exit //')
  sed -n '3,$p' "$case" > "$work/want.txt"
  rm -f "$work"/.paiban-tmp.* "$work"/.out.pdf.* "$work/out.pdf"
  printf 'an existing file\n' > "$work/out.pdf"
  # shellcheck disable=SC2086
  (cd "$here" && $run_as "$paiban" $args) 2> "$work/raw.txt" > /dev/null
  got_exit=$?
  sed -e "s|$work|<work>|g" -e "s|$root|<data>|g" -e "s|$HOME|~|g" "$work/raw.txt" \
    > "$work/got.txt"
  ok=1
  if [ "$got_exit" != "$want_exit" ]; then
    echo "FAIL $name: exit $got_exit, expected $want_exit"; ok=0
  fi
  if ! diff -u "$work/want.txt" "$work/got.txt" > "$work/diff.txt"; then
    echo "FAIL $name: messages differ:"; cat "$work/diff.txt"; ok=0
  fi
  if [ "$(cat "$work/out.pdf")" != "an existing file" ]; then
    echo "FAIL $name: the existing output file was changed"; ok=0
  fi
  if ls "$work"/.paiban-tmp.* "$work"/.out.pdf.* > /dev/null 2>&1 || [ -n "$(ls -A "$readonly_dir")" ]; then
    echo "FAIL $name: a temporary file was left behind"; ok=0
  fi
  if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
[ -e "$here/no-such-folder" ] && { echo "FAIL: a folder was created"; failed=$((failed + 1)); }
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
