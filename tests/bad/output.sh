#!/bin/sh
# Hostile and unusual output paths: writing never replaces a symbolic link
# or a device.  A link to an existing file is followed and the file is
# replaced in its own folder; a link to nothing, a loop, or a link another
# user left in a shared folder like /tmp is refused; a
# device, FIFO, /dev/stdout or a descriptor is written directly; an
# existing file keeps its mode and a new one gets the umask's; nothing is
# left behind.
# usage: output.sh PAIBAN ROOT WORKDIR
set -u
paiban=$1 root=$2 work=$3
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
rm -rf "$work" && mkdir -p "$work"
cd "$work" || exit 1
report=$root/tests/bad/good.json
umask 022

"$paiban" render "$report" -o ref.pdf 2> /dev/null
check "reference render" '[ -s ref.pdf ]'
"$paiban" render "$report" --dump ref.dump 2> /dev/null
is_link() { [ -L "$1" ] && [ "$(readlink "$1")" = "$2" ]; }
mode() { stat -c %a "$1"; }
# only the names given (and the references) in the folder, hidden ones included
only() { [ "$(ls -A | sort | tr '\n' ' ')" = "$(printf '%s\n' ref.pdf ref.dump "$@" | sort | tr '\n' ' ')" ]; }

# ---- symbolic links --------------------------------------------------------
mkdir -p target
printf 'earlier\n' > target/report.pdf
chmod 640 target/report.pdf
ln -s target/report.pdf link.pdf
"$paiban" render "$report" -o link.pdf 2> link.err
check "a link to an existing file: exit 0" '[ $? = 0 ] && [ ! -s link.err ]'
check "  the link is still the same link" 'is_link link.pdf target/report.pdf'
check "  its target holds the PDF" 'cmp -s ref.pdf target/report.pdf'
check "  and kept its mode 640" '[ "$(mode target/report.pdf)" = 640 ]'
check "  nothing else in the target's folder" '[ "$(ls -A target)" = report.pdf ]'

ln -s link.pdf chain.pdf
printf 'earlier\n' > target/report.pdf
"$paiban" render "$report" -o chain.pdf --dump chain.dump 2> /dev/null
check "a link to a link: the last target holds the PDF" \
  'is_link chain.pdf link.pdf && cmp -s ref.pdf target/report.pdf'

ln -s missing/nothing.pdf dangling.pdf
"$paiban" render "$report" -o dangling.pdf 2> dangling.err
check "a link to nothing is refused: exit 5" '[ $? = 5 ]'
check "  with its message" '[ "$(cat dangling.err)" = "paiban: error: dangling.pdf: cannot write: it is a symbolic link to missing/nothing.pdf, which does not exist" ]'
check "  the link stays, nothing is created" \
  'is_link dangling.pdf missing/nothing.pdf && [ ! -e missing ]'

ln -s loop-b.pdf loop-a.pdf
ln -s loop-a.pdf loop-b.pdf
"$paiban" render "$report" -o loop-a.pdf 2> loop.err
check "a loop of links: exit 5 with its message" \
  '[ $? = 5 ] && [ "$(cat loop.err)" = "paiban: error: loop-a.pdf: cannot write: Too many levels of symbolic links" ]'

ln -s "$work/target" folder-link
printf 'earlier\n' > dump-target
chmod 444 dump-target
ln -s dump-target dump-link
"$paiban" render "$report" -o folder-link/from-folder-link.pdf --dump dump-link 2> /dev/null
check "a link to a folder leads into it" 'cmp -s ref.pdf target/from-folder-link.pdf'
check "--dump through a link, keeping a read-only mode (444)" \
  'is_link dump-link dump-target && cmp -s ref.dump dump-target && [ "$(mode dump-target)" = 444 ]'
"$paiban" render "$report" --dump target 2> folder.err
check "--dump to a folder: exit 5" \
  '[ $? = 5 ] && [ "$(cat folder.err)" = "paiban: error: target: cannot write: it is a folder" ]'

# a link another user left in a shared folder (sticky, writable by all)
mkdir -p shared && chmod 1777 shared
printf 'precious\n' > precious
ln -s "$work/precious" shared/mine.pdf
"$paiban" render "$report" -o shared/mine.pdf 2> /dev/null
check "a link of one's own in a shared folder is followed" 'cmp -s ref.pdf precious'
printf 'precious\n' > precious
if [ "$(id -u)" = 0 ]; then
  ln -s "$work/precious" shared/planted.pdf
  chown -h 65534:65534 shared/planted.pdf
  "$paiban" render "$report" -o shared/planted.pdf 2> planted.err
  check "a link another user left in a shared folder is refused: exit 5" '[ $? = 5 ]'
  check "  with its message" '[ "$(cat planted.err)" = "paiban: error: shared/planted.pdf: cannot write: it is a symbolic link that another user left in a shared folder (shared/planted.pdf)" ]'
  check "  its target untouched" '[ "$(cat precious)" = precious ] && [ -L shared/planted.pdf ]'
else
  echo "note: not root, a link of another user cannot be made: skipped"
  printf 'skipped\n' > planted.err
fi

# ---- devices, FIFOs, descriptors --------------------------------------------
ln -s /dev/null to-null
"$paiban" render "$report" -o to-null 2> /dev/null
check "a link to /dev/null: exit 0, the link stays" '[ $? = 0 ] && is_link to-null /dev/null'
check "  /dev/null is still a character device" '[ -c /dev/null ]'
ln -s /dev/full to-full
"$paiban" render "$report" -o to-full 2> full.err
check "a link to /dev/full: exit 5, the link stays" \
  '[ $? = 5 ] && is_link to-full /dev/full && [ "$(cat full.err)" = "paiban: error: to-full: cannot write: No space left on device" ]'

"$paiban" render "$report" -o /dev/stdout > stdout.pdf 2> /dev/null
check "-o /dev/stdout > FILE: the file holds the PDF" 'cmp -s ref.pdf stdout.pdf'
check "  /dev/stdout is still a link" '[ -L /dev/stdout ]'
if [ ! -L /dev/stdout ] && [ "$(id -u)" = 0 ]; then
  # a regression replaced the machine's /dev/stdout: put it back at once
  rm -f /dev/stdout && ln -s /proc/self/fd/1 /dev/stdout
fi
printf 'a log line\n' > appended
"$paiban" render "$report" -o /dev/stdout >> appended 2> /dev/null
check "-o /dev/stdout >> FILE appends" \
  '{ printf "a log line\n"; cat ref.pdf; } | cmp -s - appended'
"$paiban" render "$report" -o /dev/stdout 2> /dev/null | cat > piped.pdf
check "-o /dev/stdout into a pipe" 'cmp -s ref.pdf piped.pdf'

# the issue's case: a link to /proc/self/fd/1, standard output a file
ln -s /proc/self/fd/1 so
"$paiban" render "$report" -o so > so.pdf 2> /dev/null
check "a link to /proc/self/fd/1: written to the open file" \
  '[ $? = 0 ] && cmp -s ref.pdf so.pdf && is_link so /proc/self/fd/1'
printf 'a longer earlier content %2000s\n' "" > fd3.pdf
"$paiban" render "$report" -o /dev/fd/3 3> fd3.pdf 2> /dev/null
check "-o /dev/fd/3 3> FILE" 'cmp -s ref.pdf fd3.pdf'

mkfifo fifo
cat fifo > from-fifo.pdf &
reader=$!
"$paiban" render "$report" -o fifo 2> /dev/null
status=$?
wait $reader
check "a FIFO: exit 0, written through" '[ $status = 0 ] && cmp -s ref.pdf from-fifo.pdf'
check "  and still a FIFO" '[ -p fifo ]'
ln -s fifo to-fifo
cat to-fifo > from-fifo-link.pdf &
reader=$!
"$paiban" render "$report" -o to-fifo 2> /dev/null
wait $reader
check "a link to a FIFO: written through, both stay" \
  'cmp -s ref.pdf from-fifo-link.pdf && is_link to-fifo fifo && [ -p fifo ]'

# ---- modes -----------------------------------------------------------------
printf 'earlier\n' > private.pdf
chmod 600 private.pdf
"$paiban" render "$report" -o private.pdf 2> /dev/null
check "an existing 0600 output stays 0600" \
  'cmp -s ref.pdf private.pdf && [ "$(mode private.pdf)" = 600 ]'
(umask 077 && "$paiban" render "$report" -o new-077.pdf 2> /dev/null)
(umask 002 && "$paiban" render "$report" -o new-002.pdf 2> /dev/null)
check "a new output has the umask's mode (077: 600, 002: 664)" \
  '[ "$(mode new-077.pdf)" = 600 ] && [ "$(mode new-002.pdf)" = 664 ]'

# ---- a batch whose output is a link -------------------------------------------
mkdir -p batch
cp "$report" batch/a.json
cp "$report" batch/b.json
printf 'earlier\n' > target/a.pdf
ln -s ../target/a.pdf batch-a-link
mkdir -p out && ln -s ../target/a.pdf out/a.pdf
# (an archival PDF carries the report's file name: plain PDFs compare)
"$paiban" render "$report" --pdf plain -o refp.pdf 2> /dev/null
"$paiban" render batch/a.json batch/b.json --pdf plain -o out/ -j 2 2> /dev/null
check "a batch writes through a link in the output folder" \
  'is_link out/a.pdf ../target/a.pdf && cmp -s refp.pdf target/a.pdf && cmp -s refp.pdf out/b.pdf'
rm batch-a-link refp.pdf

check "nothing left behind" 'only target link.pdf chain.pdf chain.dump dangling.pdf dangling.err \
  loop-a.pdf loop-b.pdf loop.err link.err folder-link dump-target dump-link folder.err to-null \
  to-full full.err stdout.pdf appended piped.pdf so so.pdf fd3.pdf fifo from-fifo.pdf to-fifo \
  from-fifo-link.pdf private.pdf new-077.pdf new-002.pdf batch out shared precious planted.err'
check "nothing left behind in the other folders" \
  '[ "$(ls -A target | tr "\n" " ")" = "a.pdf from-folder-link.pdf report.pdf " ] &&
   [ "$(ls -A out | tr "\n" " ")" = "a.pdf b.pdf " ]'

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
