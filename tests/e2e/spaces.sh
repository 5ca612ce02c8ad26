#!/bin/sh
# Spaces typed between Chinese and Latin text, read from the PDF as
# readers read it (tests/fixtures/spaces.json: each paragraph twice, with
# and without spaces around its numbers and Latin words):
#  - glyph positions (`mutool draw -F stext`): every character of a
#    paragraph with typed spaces stands where it stands without them, on
#    the same line (a typed space is the gap between the scripts, not
#    added to it), and the Chinese characters of its full lines sit in the
#    28 columns;
#  - an address that ends a line keeps the gap before it: half of what
#    pads it to whole cells, as inside a line;
#  - `pdftotext` gives every typed space where it was typed, and none
#    where none was, in the archival and the plain PDF; `pdfinfo
#    -struct-text` gives the typed text in the structure tree.
# usage: spaces.sh PAIBAN ROOT WORKDIR
set -u
paiban=$1 root=$2 work=$3
mkdir -p "$work"
passed=0 failed=0
check() { if [ "$2" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1: $2"; fi; }
fixture=$root/tests/fixtures/spaces.json

"$paiban" render "$fixture" -o "$work/spaces.pdf" 2> "$work/err" || { cat "$work/err"; echo "0 passed, 1 failed"; exit 1; }
"$paiban" render "$fixture" --pdf plain -o "$work/plain.pdf" 2> "$work/err" || { cat "$work/err"; echo "0 passed, 1 failed"; exit 1; }
mutool draw -q -F stext -o "$work/spaces.stext" "$work/spaces.pdf" 1 2> /dev/null

result=$(python3 - "$fixture" "$work/spaces.stext" <<'PY'
import json, re, sys
paras = [b["text"] for b in json.load(open(sys.argv[1], encoding="utf-8"))["body"]
         if b["type"] == "paragraph"]
stext = open(sys.argv[2], encoding="utf-8").read()
chars = []  # (line, x, x1, char) of 16 pt body text in page order
for n, line in enumerate(re.findall(r"<line .*?</line>", stext, re.S)):
    for size, body in re.findall(r'<font name="[^"]*" size="([^"]*)">(.*?)</font>', line, re.S):
        if abs(float(size) - 16) > 0.01:
            continue
        for quad, x, c in re.findall(r'<char quad="([^"]*)" x="([^"]*)" y="[^"]*" [^>]*c="([^"]*)"', body):
            c = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"'}.get(c, c)
            if c.startswith("&#x"):
                c = chr(int(c[3:-1], 16))
            chars.append((n, float(x), float(quad.split()[2]), c))
# split the characters into the paragraphs, in order, spaces aside
ink = [c for c in chars if c[3] != " "]
at, placed, bad = 0, [], []
for p in paras:
    want = [ch for ch in p if ch != " "]
    got = ink[at:at + len(want)]
    if [c[3] for c in got] != want:
        bad.append("paragraph %r not found in the PDF" % p[:12])
    placed.append(got)
    at += len(want)
# the text block's left edge and the grid's pitch, in 1/64 pt as paiban
# sets them (156 mm / 28 rounded down)
left, pitch = round(28 * 72 / 25.4 * 64) / 64, int(156 * 72 / 25.4 / 28 * 64) / 64
def wide(ch):
    return ord(ch) >= 0x3000
pairs = [(0, 1), (3, 2)]  # (typed, bare)
for t, b in pairs:
    lt = [c[0] for c in placed[t]]
    lb = [c[0] for c in placed[b]]
    first_t, first_b = min(lt), min(lb)
    for ct, cb in zip(placed[t], placed[b]):
        if ct[0] - first_t != cb[0] - first_b or abs(ct[1] - cb[1]) > 0.01:
            bad.append("%r of paragraph %d at %.2f, without the spaces at %.2f" % (ct[3], t + 1, ct[1], cb[1]))
            break
    for ln in sorted(set(lt))[:-1]:
        for c in placed[t]:
            i = placed[t].index(c)
            # a mark set against Latin text is off its column by the
            # padding ("53675221，"); the characters after it are back
            against = any(0 <= j < len(placed[t]) and not wide(placed[t][j][3])
                          for j in (i - 1, i + 1)) and c[3] in "，。、；：）（》《”“"
            if c[0] == ln and wide(c[3]) and not against and c[1] < left + 28 * pitch - 1:
                k = (c[1] - left) / pitch
                if abs(k - round(k)) * pitch > 0.02:
                    bad.append("%r of paragraph %d off its column (%.2f)" % (c[3], t + 1, c[1]))
                    break
# the address that ends a line: half its padding before it, in both
for p in (2, 3):
    cs = placed[p]
    h = next(i for i, c in enumerate(cs) if c[3] == "h" and cs[i - 1][3] == "址")
    e = h
    while e + 1 < len(cs) and cs[e + 1][0] == cs[h][0]:
        e += 1
    w = cs[e][2] - cs[h][1]
    pad = -(-w // pitch) * pitch - w
    gap = cs[h][1] - (cs[h - 1][1] + pitch)
    # (the glyphs' boxes are their advances in the font, up to 0.11 pt
    # wider than a tracked half-width glyph is set, hence the tolerance)
    if e + 1 >= len(cs) or gap < 1 or abs(gap - pad / 2) > 0.15:
        bad.append("address ending a line in paragraph %d: gap %.2f before it, want %.2f" % (p + 1, gap, pad / 2))
print("ok" if not bad else "; ".join(bad))
PY
)
check "typed spaces set as the gap between the scripts, columns kept; an address ending a line keeps the gap before it" "$result"

# pdftotext: the spaces where they were typed (lines joined, a line's end
# taken as nothing: a break after a typed space loses only that space)
for pdf in spaces plain; do
    pdftotext -enc UTF-8 "$work/$pdf.pdf" "$work/$pdf.txt"
    result=$(python3 - "$fixture" "$work/$pdf.txt" <<'PY'
import json, sys
paras = [b["text"] for b in json.load(open(sys.argv[1], encoding="utf-8"))["body"]
         if b["type"] == "paragraph"]
text = open(sys.argv[2], encoding="utf-8").read().replace("\n", "")
bad = []
for want in ("每区 25 个部门", "自 2021 年 1 月 1 日", "完善 Open Data Portal 的", "电话 0451-53675221，",
             "表格共12个区、每区25个部门", "完善Open Data Portal的", "网址 http://"):
    if want not in text:
        bad.append("no %r" % want)
print("ok" if not bad else "; ".join(bad))
PY
)
    check "pdftotext ($pdf PDF) gives the typed spaces, and no space where none is typed" "$result"
done

pdfinfo -struct-text "$work/spaces.pdf" > "$work/struct.txt" 2>&1
result=$(python3 - "$work/struct.txt" <<'PY'
import re, sys
text = "".join(re.findall(r'^\s*"(.*)"$', open(sys.argv[1], encoding="utf-8").read(), re.M))
print("ok" if "进一步完善 Open Data Portal 的建设和管理" in text and "每区 25 个部门" in text
      else "the typed text is not in the structure tree")
PY
)
check "the structure tree holds the typed spaces" "$result"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
