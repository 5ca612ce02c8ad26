#!/bin/sh
# Fonts through fontconfig: a font the user installed in a (temporary)
# HOME's ~/.local/share/fonts or ~/.fonts is found by its family name; a
# --font-dir font overrides the system's copy of the same font, by file
# name and by family; a font beside the report is found, one beside it
# that is broken is skipped with a warning; the scans of font folders are
# cached in XDG_CACHE_HOME/paiban.  (The golden dumps show that the switch
# to fontconfig chose the same fonts; tests/cli/run.sh that a missing
# --font-dir is an error.)
# usage: fonts.sh PAIBAN ROOT WORKDIR
set -u
paiban=$1 root=$2 work=$3
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
cd "$work" || exit 1
fandol=/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
features=$root/tests/fixtures/features.json

# A font no system has: FandolHei Bold with its names changed to
# "PaibanHei" (same length, so the font stays valid).
perl -0777 -pe 's/FandolHei/PaibanHei/g; s/F\0a\0n\0d\0o\0l\0H\0e\0i/P\0a\0i\0b\0a\0n\0H\0e\0i/g' \
  "$fandol/FandolHei-Bold.otf" > PaibanHei-Bold.otf
check "the renamed font's family is PaibanHei" \
  'fc-scan --format "%{family}\n" PaibanHei-Bold.otf | grep -q "^PaibanHei"'
mkdir -p layouts
printf '{"extends": "gbt9704", "fonts": {"hei": [{"family": "PaibanHei"}]}}\n' > layouts/hei.json

# Runs paiban with HOME=$work/home and nothing else of the caller's
# fontconfig or XDG settings.
in_home() {
  env -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_CACHE_HOME -u FONTCONFIG_FILE \
    -u FONTCONFIG_PATH HOME="$work/home" "$paiban" "$@"
}

# ---- the user's fonts --------------------------------------------------------
mkdir -p home
in_home render "$features" -l layouts/hei.json -o none.pdf 2> none.err
check "without the font, the family is not found (exit 4)" \
  '[ $? = 4 ] && grep -q "font role \"hei\": none of its fonts was found" none.err && [ ! -e none.pdf ]'
mkdir -p home/.local/share/fonts
cp PaibanHei-Bold.otf home/.local/share/fonts/
in_home render "$features" -l layouts/hei.json -o local.pdf --verbose 2> local.err
check "~/.local/share/fonts: found by family" \
  '[ $? = 0 ] && grep -q "^hei: $work/home/.local/share/fonts/PaibanHei-Bold.otf#0 (PaibanHei, CFF, bold)$" local.err'
check "~/.local/share/fonts: the heading font is embedded" \
  'pdffonts local.pdf | grep -q "PaibanHei-Bold"'
rm -rf home/.local
mkdir -p home/.fonts
cp PaibanHei-Bold.otf home/.fonts/
in_home render "$features" -l layouts/hei.json -o dotfonts.pdf --verbose 2> dotfonts.err
check "~/.fonts: found by family" \
  '[ $? = 0 ] && grep -q "^hei: $work/home/.fonts/PaibanHei-Bold.otf#0 (PaibanHei, CFF, bold)$" dotfonts.err'

# ---- a --font-dir font wins over the system's ----------------------------------
mkdir -p fd/sub
cp "$fandol/FandolFang-Regular.otf" fd/sub/
"$paiban" render "$root/samples/nangang-2021.json" --font-dir fd -o fd.pdf --dump fd.dump \
  --verbose 2> fd.err
check "by file name: --font-dir (and its subfolders) before the system" \
  'grep -q "^fangsong: fd/sub/FandolFang-Regular.otf#0 (FandolFang, CFF)$" fd.err ||
   grep -q "^fangsong: $work/fd/sub/FandolFang-Regular.otf#0 (FandolFang, CFF)$" fd.err'
check "the same font gives the golden dump" 'cmp -s fd.dump "$root/tests/golden/nangang-2021.dump"'
printf '{"extends": "gbt9704", "fonts": {"fangsong": [{"family": "FandolFang"}]}}\n' \
  > layouts/fang.json
"$paiban" render "$features" -l layouts/fang.json --font-dir fd -o fam.pdf --verbose 2> fam.err
check "by family: --font-dir before the system" \
  'grep -Eq "^fangsong: ($work/)?fd/sub/FandolFang-Regular.otf#0 \(FandolFang, CFF\)$" fam.err'
"$paiban" render "$features" -l layouts/fang.json -o sys.pdf --verbose 2> sys.err
check "without --font-dir, the system's" \
  'grep -q "^fangsong: $fandol/FandolFang-Regular.otf#0 (FandolFang, CFF)$" sys.err'

# ---- fonts beside the report -------------------------------------------------
mkdir -p beside
cp "$features" beside/report.json
cp PaibanHei-Bold.otf beside/
printf 'not a font\n' > beside/broken.ttf
printf '{"extends": "gbt9704", "fonts": {"hei": [{"family": "PaibanHei"}]}}\n' > beside/hei.json
sed 's/^{/{"layout": "hei.json",/' "$features" > beside/report.json
"$paiban" render beside/report.json -o beside.pdf --verbose 2> beside.err
check "a font beside the report is found" \
  '[ $? = 0 ] && grep -q "^hei: beside/PaibanHei-Bold.otf#0 (PaibanHei, CFF, bold)$" beside.err'
check "a broken font beside the report is skipped with a warning" \
  'grep -q "^paiban: warning: beside/broken.ttf: not an OpenType or TrueType font (too short); skipped$" beside.err'

# ---- the cache of font folders -------------------------------------------------
XDG_CACHE_HOME=$work/cache "$paiban" render "$features" --font-dir fd -o c1.pdf 2> /dev/null
check "fontconfig's scans of --font-dir are kept in XDG_CACHE_HOME/paiban" \
  '[ -n "$(ls cache/paiban 2> /dev/null | grep "cache-")" ]'
XDG_CACHE_HOME=$work/cache "$paiban" render "$features" --font-dir fd -o c2.pdf 2> /dev/null
check "a render from the cache gives the same PDF" 'cmp -s c1.pdf c2.pdf'

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
