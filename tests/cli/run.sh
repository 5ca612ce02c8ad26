#!/bin/sh
# The command line's conventions (GNU getopt_long): short options with
# their value attached (-j2) or apart, --name=value, unambiguous
# abbreviations, options after operands, `--`, `-` for standard input and
# output, --help of every command, standard output checked when it is
# closed (/dev/full: exit 5), missing font folders, output folders made with
# their parents, and the usage errors.
# usage: run.sh PAIBAN ROOT WORKDIR
set -u
paiban=$1 root=$2 work=$3
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
rm -rf "$work" && mkdir -p "$work"
cd "$work" || exit 1
sample=$root/samples/nangang-2021.json
features=$root/tests/fixtures/features.json
good=$root/tests/check/good.json

# The reference: one report rendered the plain way.
"$paiban" render "$features" -o ref.pdf 2> /dev/null
check "reference render" '[ -s ref.pdf ]'
"$paiban" render "$features" --dump ref.dump 2> /dev/null
# An archival PDF carries the report under its file name ("report.json"
# from standard input): renders of the report under another name are
# compared as plain PDFs.
"$paiban" render "$features" --pdf plain -o refp.pdf 2> /dev/null

# ---- the forms of an option and its value --------------------------------
"$paiban" render "$features" --output=a.pdf 2> /dev/null
check "--output=FILE" 'cmp -s ref.pdf a.pdf'
"$paiban" render "$features" -ob.pdf 2> /dev/null
check "-oFILE" 'cmp -s ref.pdf b.pdf'
"$paiban" render -o c.pdf "$features" 2> /dev/null
check "options before the report" 'cmp -s ref.pdf c.pdf'
"$paiban" render "$features" --out d.pdf 2> /dev/null
check "an abbreviated long option (--out)" 'cmp -s ref.pdf d.pdf'
"$paiban" render "$features" --layout=gbt9704 -l gbt9704 -o e.pdf 2> /dev/null
check "--layout=NAME and -l NAME" 'cmp -s ref.pdf e.pdf'
cp "$features" ./-dash.json
"$paiban" render --pdf plain -o f.pdf -- -dash.json 2> /dev/null
check "-- ends the options: a report named -dash.json" 'cmp -s refp.pdf f.pdf'
"$paiban" render -o g.pdf -dash.json 2> g.err
check "without --, -dash.json is an option (usage error)" \
  '[ $? = 2 ] && grep -q "^paiban: unknown option -d$" g.err'

# ---- standard input and output -------------------------------------------
"$paiban" render - --pdf plain -o h.pdf < "$features" 2> /dev/null
check "render - reads the report from standard input" 'cmp -s refp.pdf h.pdf'
"$paiban" render "$features" -o - > i.pdf 2> /dev/null
check "-o - writes the PDF to standard output" 'cmp -s ref.pdf i.pdf'
"$paiban" render - --pdf plain -o - < "$features" > j.pdf 2> /dev/null
check "render - -o -: standard input to standard output" 'cmp -s refp.pdf j.pdf'
"$paiban" render "$features" --dump - > k.dump 2> /dev/null
check "--dump - writes the dump to standard output" 'cmp -s ref.dump k.dump'
"$paiban" render "$features" --dump=l.dump 2> /dev/null
check "--dump=FILE" 'cmp -s ref.dump l.dump'
printf '{"meta": {}, "body": []}' | "$paiban" render - -o m.pdf 2> m.err
check "messages about standard input name it" \
  '[ $? = 3 ] && grep -q "^paiban: error: standard input: meta: missing required key \"title\"" m.err && [ ! -e m.pdf ]'
"$paiban" check "$good" > n.txt 2>&1
"$paiban" check - < "$good" > o.txt 2>&1
check "check - reads the report from standard input" \
  '[ -s n.txt ] && sed "s|$good|standard input|g" n.txt | cmp -s - o.txt'
"$paiban" render - "$features" -o p/ < "$features" 2> p.err
check "'-' among several reports is refused" \
  '[ $? = 2 ] && grep -q "must be the only report" p.err'
"$paiban" render "$features" "$sample" -o - 2> q.err > /dev/null
check "several reports to standard output are refused" '[ $? = 2 ]'
"$paiban" render "$features" -o - --dump - 2> r.err > /dev/null
check "PDF and dump both to standard output are refused" \
  '[ $? = 2 ] && grep -q "cannot both go to standard output" r.err'

# ---- help and version ------------------------------------------------------
for args in "--help" "-h" "help" "render --help" "render -h" "check --help" "help render" \
  "help check"; do
  # shellcheck disable=SC2086
  "$paiban" $args > help.txt 2> help.err
  check "paiban $args: exit 0, usage on standard output" \
    '[ $? = 0 ] && grep -q "^usage: paiban" help.txt && [ ! -s help.err ]'
done
"$paiban" render --help > help.txt
check "render --help lists its options" \
  'grep -q -- "--font-dir=DIR" help.txt && grep -q -- "--jobs=N" help.txt'
"$paiban" check --help > help.txt
check "check --help lists its options" 'grep -q -- "--format=text|json" help.txt'
"$paiban" --version > version.txt
check "--version" 'grep -Eq "^paiban [0-9]+\.[0-9]+\.[0-9]+$" version.txt'

# ---- standard output checked when it is closed -----------------------------
full() { # full NAME ARGS...: the command's output to /dev/full must fail with 5
  name=$1; shift
  "$@" > /dev/full 2> full.err
  check "$name > /dev/full: exit 5 with a message" \
    '[ $? = 5 ] && grep -q "^paiban: error: standard output: cannot write: No space left on device$" full.err'
}
full "paiban --help" "$paiban" --help
full "paiban --version" "$paiban" --version
# every command's --help, whatever commands there are
commands=$("$paiban" --help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 { print $1 }')
check "paiban --help lists the commands" '[ -n "$commands" ]'
for cmd in $commands; do
  full "paiban $cmd --help" "$paiban" "$cmd" --help
done
full "paiban check" "$paiban" check "$good"
full "paiban check --format json" "$paiban" check --format=json "$good"
full "paiban render --dump -" "$paiban" render "$features" --dump -
full "paiban render -o -" "$paiban" render "$features" -o -
"$paiban" render "$features" -o - 2> /dev/null | head -c 10 > /dev/null
check "-o - into a pipe closed early does not hang" 'true'

# ---- jobs ------------------------------------------------------------------
printf '%s\n' "$features" > list
for form in "-j2" "-j 2" "--jobs=2" "--jobs 2"; do
  rm -rf jobs
  # shellcheck disable=SC2086
  "$paiban" render "$sample" --batch list -o jobs/ $form 2> jobs.err
  check "batch with $form" \
    '[ $? = 0 ] && cmp -s ref.pdf jobs/features.pdf && [ -s jobs/nangang-2021.pdf ]'
done
for bad in "-j0" "-j 1025" "--jobs=two" "-j ''"; do
  # shellcheck disable=SC2086
  eval "\"\$paiban\" render \"\$features\" -o x.pdf $bad" 2> jobs.err
  check "$bad is a usage error" \
    '[ $? = 2 ] && grep -q "^paiban: -j needs a number of jobs from 1 to 1024" jobs.err'
done

# ---- output folders --------------------------------------------------------
"$paiban" render "$features" "$sample" -o x/a/b/ 2> /dev/null
check "a batch's output folder is made with its parents" \
  '[ -s x/a/b/features.pdf ] && [ -s x/a/b/nangang-2021.pdf ]'
"$paiban" render "$features" -o y/c/ 2> /dev/null
check "one report into a new folder (-o DIR/)" 'cmp -s ref.pdf y/c/features.pdf'
printf 'a file\n' > notdir
"$paiban" render "$features" "$sample" -o notdir/sub/ 2> z.err
check "an output folder under a file is an error naming it" \
  '[ $? = 5 ] && grep -q "^paiban: error: notdir: cannot create the output folder: Not a directory$" z.err'

# ---- font folders ----------------------------------------------------------
"$paiban" render "$features" --font-dir no-such-fonts -o fd.pdf 2> fd.err
check "a --font-dir that does not exist is an error" \
  '[ $? = 5 ] && [ ! -e fd.pdf ] && grep -q "^paiban: error: no-such-fonts: cannot read the font folder: No such file or directory$" fd.err'
"$paiban" render "$features" --font-dir=notdir -o fd.pdf 2> fd.err
check "a --font-dir that is a file is an error" \
  '[ $? = 5 ] && grep -q "^paiban: error: notdir: cannot read the font folder: Not a directory$" fd.err'

# ---- usage errors ----------------------------------------------------------
usage() { # usage NAME EXPECTED-FIRST-LINE ARGS...
  name=$1 want=$2; shift 2
  "$@" > /dev/null 2> usage.err
  got=$?
  check "$name: exit 2, \"$want\"" \
    '[ $got = 2 ] && [ "$(sed -n 1p usage.err)" = "$want" ] && grep -q "^Try '"'"'paiban" usage.err'
}
usage "no command" "paiban: no command given" "$paiban"
usage "unknown command" "paiban: unknown command 'rendr'" "$paiban" rendr
usage "unknown long option" "paiban: unknown or ambiguous option --frobnicate" \
  "$paiban" render "$features" -o x.pdf --frobnicate
usage "ambiguous abbreviation" "paiban: unknown or ambiguous option --f" \
  "$paiban" render "$features" -o x.pdf --f
usage "unknown short option" "paiban: unknown option -x" "$paiban" render -x "$features"
usage "missing value" "paiban: option --output needs a value" "$paiban" render "$features" --output
usage "missing value of a short option" "paiban: option -o needs a value" "$paiban" render "$features" -o
usage "a value for a flag" "paiban: option --force takes no value" \
  "$paiban" render "$features" -o x.pdf --force=yes
usage "no report" "paiban: no report given" "$paiban" render -o x.pdf
usage "check --format" "paiban: --format takes text or json, got 'xml'" \
  "$paiban" check --format=xml "$good"

# ---- the documentation keeps up with the program ------------------------------
version=$("$paiban" --version | cut -d' ' -f2)
for page in "$root/man/paiban.1" "$root/man/paiban.5"; do
  check "$(basename "$page") is of version $version" \
    'grep -q "^\.TH PAIBAN [15] \"\" \"paiban $version\"" "$page"'
  if command -v man > /dev/null; then
    LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" > man.txt 2> man.err
    check "$(basename "$page") formats without warnings" '[ -s man.txt ] && [ ! -s man.err ]'
  fi
done
for cmd in $commands; do
  for opt in $("$paiban" "$cmd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    man_opt=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
    check "paiban.1 describes $cmd $opt" 'grep -q -- "$man_opt" "$root/man/paiban.1"'
  done
done
# bash completion, from paiban's own --help
if command -v bash > /dev/null; then
  bindir=$(dirname "$paiban")
  got=$(PATH=$bindir:$PATH bash -c '. "$1"; COMP_WORDS=(paiban ch); COMP_CWORD=1; _paiban
        echo "${COMPREPLY[*]}"; COMP_WORDS=(paiban render --fo); COMP_CWORD=2; _paiban
        echo "${COMPREPLY[*]}"; COMP_WORDS=(paiban check --format j); COMP_CWORD=3; _paiban
        echo "${COMPREPLY[*]}"; COMP_WORDS=(paiban render -l gbt); COMP_CWORD=3; _paiban
        echo "${COMPREPLY[*]}"' _ "$root/completion/paiban.bash")
  check "bash completion: commands, options, values, layout names" \
    '[ "$got" = "$(printf "check\n--font-dir --force\njson\ngbt9704")" ]'
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
