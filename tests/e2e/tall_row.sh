#!/bin/sh
# Table rows taller than a page are split between their lines:
#  - every character of the long cell comes back from the PDF once, in
#    order, across the pages;
#  - in --dump the long cell's box is cut at the bottom on its first page,
#    at both ends on middle pages and at the top on its last page, every
#    cell stays inside the text block, and every page of the table starts
#    with its header rows;
#  - a tall row after other rows starts on their page, filling it.
# usage: tall_row.sh PAIBAN ROOT WORKDIR
set -u
paiban=$1 root=$2 work=$3
here=$root/tests/e2e/tall-row
mkdir -p "$work"
export LC_ALL=C
passed=0 failed=0
check() { if [ "$2" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1: $2"; fi; }

# The text of the PDF, whitespace and page numbers removed.
pdf_text() {
  pdftotext -raw "$1" - | tr -d ' \n\f' | sed 's/—[0-9]*—//g'
}

# cuts DUMP CELL: the cut flags of CELL ("r3 c2") on each page, and whether
# every cell lies inside the text block (37 mm from the top, 225 mm high).
cuts() {
  awk -v cell="cell $2 " '
    /^page / { page = $2; next }
    /^  cell / {
      y = $6; sub("y=", "", y); h = $8; sub("h=", "", h)
      if (y < 104.87 || y + h > 742.69) out = out " outside:page" page
      if (index($0, cell) == 3) {
        f = (index($0, " cut-top") ? "T" : "-") (index($0, " cut-bottom") ? "B" : "-")
        seq = seq (seq == "" ? "" : ",") f
      }
    }
    END { print seq out }' "$1"
}

# ok when the sequence is -B,TB,...,TB,T- with at least N pieces
pieces_ok() {
  echo "$1" | awk -F, -v n="$2" '{
    ok = NF >= n && $1 == "-B" && $NF == "T-"
    for (i = 2; i < NF; i++) if ($i != "TB") ok = 0
    print ok ? "ok" : "cut flags " $0 }'
}

# The two rows that used to be refused: a long label, a long text value.
"$paiban" render "$here/tall-row.json" -o "$work/tall-row.pdf" --dump "$work/tall-row.dump"
check "tall label renders" "$([ $? = 0 ] && echo ok || echo failed)"
long=$(sed -n 's/.*"label": "\([^"]*\)".*/\1/p' "$here/tall-row.json")
got=$(pdf_text "$work/tall-row.pdf" | sed 's/1//g')
check "tall label: the text comes back whole, in order" \
  "$([ -n "$long" ] && [ "$got" = "$long" ] && echo ok || echo "got ${#got} bytes, want ${#long}")"
check "tall label: cut on every page" "$(pieces_ok "$(cuts "$work/tall-row.dump" "r0 c0")" 3)"

"$paiban" render "$here/cell-longer-than-page.json" -o "$work/cell.pdf" --dump "$work/cell.dump"
check "long cell renders" "$([ $? = 0 ] && echo ok || echo failed)"
long=$(sed -n 's/.*"a": \["\([^"]*\)"\].*/\1/p' "$here/cell-longer-than-page.json")
got=$(pdf_text "$work/cell.pdf")
check "long cell: the label once, then the text whole, in order" \
  "$([ -n "$long" ] && [ "$got" = "说明$long" ] && echo ok || echo "got ${#got} bytes, want $((${#long} + 6))")"
check "long cell: cut on both pages" "$(pieces_ok "$(cuts "$work/cell.dump" "r0 c1")" 2)"

# A table with a header and a group, after a paragraph: the tall row (grid
# row 3, 乙二) sits in the group between ordinary rows.
long=$(awk 'BEGIN { for (i = 1; i <= 400; i++) printf "第%03d句。", i }')
cat > "$work/group.json" <<EOF
{"meta": {"title": "报告"}, "body": [
 {"type": "paragraph", "text": "正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文正文。"},
 {"type": "table", "template": {
   "columns": [{"id": "g", "label": true, "width": "12%"}, {"id": "l", "label": true, "width": "18%"},
               {"id": "v", "format": "text"}],
   "corner": "项目", "header": [{"text": "情况", "column": "v"}],
   "rows": [{"id": "a", "label": "甲项"},
            {"label": "乙组", "children": [{"id": "b1", "label": "乙一"}, {"id": "b2", "label": "乙二"},
                                          {"id": "b3", "label": "乙三"}]},
            {"id": "c", "label": "丙项"}]},
  "values": {"a": ["短"], "b1": ["短"], "b2": ["$long"], "b3": ["短"], "c": ["短"]}}]}
EOF
"$paiban" render "$work/group.json" -o "$work/group.pdf" --dump "$work/group.dump"
check "grouped tall row renders" "$([ $? = 0 ] && echo ok || echo failed)"
got=$(pdf_text "$work/group.pdf" | grep -o '第[0-9]*句。' | tr -d '\n')
check "grouped tall row: every sentence once, in order" \
  "$([ "$got" = "$long" ] && echo ok || echo "got ${#got} bytes, want ${#long}")"
check "grouped tall row: cut on every page" "$(pieces_ok "$(cuts "$work/group.dump" "r3 c2")" 3)"
result=$(awk '
  /^page / { page = $2; first = 1; next }
  /^  cell / {
    if (first && $2 != "r0") bad = bad " page " page " starts with " $2
    first = 0
    if ($2 == "r1") row1 = page
    if ($2 == "r3" && !(page in r3)) {
      r3[page] = 1
      if (!start) {
        start = page; y = $6; sub("y=", "", y); h = $8; sub("h=", "", h)
        if (y + h < 742.68 - 20) bad = bad " the first piece ends at " y + h
      }
    }
    if ($2 == "r5" && $3 == "c0" && !index($0, "cut")) last = page
  }
  END {
    if (start != row1) bad = bad " the tall row starts on page " start ", not " row1
    if (!last) bad = bad " the row after it is missing"
    print bad == "" ? "ok" : bad }' "$work/group.dump")
check "grouped tall row: header on every page, starts on the page of the rows above" "$result"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
