#!/bin/sh
# Damaged fonts: each kind of damage (tests/fonts/damage --list) made to a
# free font, which is then given through --font-dir under its own name, so
# the catalog's entry for it finds the damaged copy first.  Two layouts:
# "first" gives every role the damaged font and then the catalog's fonts,
# "alone" gives every role the damaged font only, under a name no system
# font has (alone-NAME), so no copy of it elsewhere serves.  Each render of
# the test report must
#   - exit 0 with the page right: pdftotext gives the text of the page made
#     with the undamaged font, and the page has ink where that page has,
#     spread over each line (inkcmp), and if the damaged font served no
#     role a warning names it; or
#   - exit 4 with a message naming the damaged file ("alone" only: with the
#     catalog's fonts after it, another font always serves);
# never 1 or another status, never a crash.
# usage: run.sh PAIBAN DAMAGE INKCMP ROOT WORKDIR FONT INDEX [KIND...]
set -u
paiban=$1 damage=$2 inkcmp=$3 root=$4 work=$5 src=$6 index=$7
shift 7
kinds=${*:-$("$damage" --list | cut -f1)}
base=$(basename "$src")
report=$root/tests/fonts/report.json
rm -rf "$work" && mkdir -p "$work/good" "$work/bad" "$work/layouts"
work=$(cd "$work" && pwd)
cp "$src" "$work/good/$base"
cp "$src" "$work/good/alone-$base"
passed=0 failed=0 skipped=0
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# text without blanks: another font of the role may space Latin differently
text_of() { pdftotext -enc UTF-8 "$1" - | tr -d ' \n\f\t'; }
# page 1 as a grey image, 50 dpi
image_of() { pdftoppm -r 50 -gray -f 1 -l 1 -singlefile "$1" "${2%.pgm}"; }

for mode in first alone; do
  more="" name=$base
  [ $mode = first ] && more=', "catalog"'
  [ $mode = alone ] && name=alone-$base
  c="[{\"file\": \"$name\", \"index\": $index}$more]"
  printf '{"extends": "gbt9704", "fonts": {"title": %s, "hei": %s, "kai": %s, "fangsong": %s, "song": %s}}\n' \
    "$c" "$c" "$c" "$c" "$c" > "$work/layouts/$mode.json"
  if ! "$paiban" render "$report" -l "$work/layouts/$mode.json" --font-dir "$work/good" \
       -o "$work/good-$mode.pdf" --verbose 2> "$work/good-$mode.err"; then
    cat "$work/good-$mode.err"; echo "FAIL $name: the undamaged font does not render"; exit 1
  fi
  grep -q "^fangsong: $work/good/$name#$index " "$work/good-$mode.err" ||
    { cat "$work/good-$mode.err"; echo "FAIL $name: the undamaged font is not used"; exit 1; }
  text_of "$work/good-$mode.pdf" > "$work/good-$mode.txt"
  image_of "$work/good-$mode.pdf" "$work/good-$mode.pgm"
done

for kind in $kinds; do
  rm -f "$work/bad/$base" "$work/bad/alone-$base"
  "$damage" "$src" "$index" "$kind" "$work/bad/$base"
  case $? in
    0) ;;
    3) skipped=$((skipped + 1)); continue ;;   # does not apply to this font
    *) fail "$kind: the damage tool failed"; continue ;;
  esac
  cp "$work/bad/$base" "$work/bad/alone-$base"
  for mode in first alone; do
    name=$base
    [ $mode = alone ] && name=alone-$base
    case_=$kind/$mode
    out=$work/$kind-$mode
    "$paiban" render "$report" -l "$work/layouts/$mode.json" --font-dir "$work/bad" \
      -o "$out.pdf" --verbose > /dev/null 2> "$out.err"
    st=$?
    served=$(grep -c "^[a-z]*: \(fallback \)\{0,1\}$work/bad/$name#" "$out.err")
    named=$(grep -c "$work/bad/$name" "$out.err")
    echo "$case_: exit $st, the damaged font served $served roles" >> "$work/results.txt"
    grep -v "^[a-z]*: \(fallback \)\{0,1\}/" "$out.err" | sed 's/^/    /' >> "$work/results.txt"
    if [ $st -ge 128 ]; then
      fail "$case_: killed by signal $((st - 128))"; cat "$out.err"; continue
    fi
    case $st in
      0)
        ok=1
        if [ "$(text_of "$out.pdf")" != "$(cat "$work/good-$mode.txt")" ]; then
          fail "$case_: exit 0 but the text differs"; ok=0
          text_of "$out.pdf" | head -c 300; echo
        fi
        image_of "$out.pdf" "$out.pgm"
        if ! "$inkcmp" "$work/good-$mode.pgm" "$out.pgm" > "$out.ink"; then
          fail "$case_: exit 0 but the ink differs:"; head -5 "$out.ink"; ok=0
        fi
        if [ "$served" = 0 ] && [ "$named" = 0 ]; then
          fail "$case_: the damaged font was passed over without a warning"; ok=0
        fi
        # a CFF font paiban's own subsetter refuses goes in as HarfBuzz
        # subsets it, an OpenType font program
        if [ "$kind" = cff-bbox-operands ] &&
           { [ "$served" = 0 ] || ! pdffonts "$out.pdf" | grep -q "CID Type 0C (OT)"; }; then
          fail "$case_: not printed with the font subset by HarfBuzz as OpenType"; ok=0
        fi
        [ $ok = 1 ] && passed=$((passed + 1))
        ;;
      4)
        if [ $mode = first ]; then
          fail "$case_: exit 4 although the catalog's fonts could serve"; cat "$out.err"
        elif [ "$named" = 0 ]; then
          fail "$case_: exit 4 without naming the damaged file"; cat "$out.err"
        else
          passed=$((passed + 1))
        fi
        ;;
      *)
        fail "$case_: exit $st"; cat "$out.err" ;;
    esac
  done
done
rm -f "$work/bad/$base" "$work/bad/alone-$base"
echo "$base: $passed passed, $failed failed, $skipped kinds do not apply (see $work/results.txt)"
[ "$failed" = 0 ]
