#!/bin/sh
# Every value cell of the sample's tables 三 (applications) and 四
# (review_litigation), one at a time, plus one: paiban check must fail
# (exit 6) and name that cell.  Blank cells are skipped: they have no
# value to change.
# Then every cell that the narrative quotes through a claim — in the real
# report (real/) and in a report with the sentences of claims/cases.txt —
# plus one: paiban check must fail through a claim that names that cell.
# usage: mutate.sh PAIBAN WORKDIR
set -u
paiban=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
sample="$here/../../samples/nangang-2021.json"
mkdir -p "$work"
# one line per cell: LINE ROW INDEX VALUE
awk '
  /"table": "(applications|review_litigation)"/ { on = 1; next }
  /"table": / { on = 0 }
  on && /^ *"[a-z_]+": *\[[^]]*\],?$/ {
    row = $0; sub(/^ *"/, "", row); sub(/".*/, "", row)
    list = $0; sub(/^[^[]*\[/, "", list); sub(/\].*/, "", list)
    n = split(list, v, /, */)
    for (k = 1; k <= n; k++)
      if (v[k] ~ /^[0-9]+$/) print NR, row, k - 1, v[k]
  }' "$sample" > "$work/cells.txt"
passed=0 failed=0
while read -r line row index value; do
  awk -v line="$line" -v index0="$index" '
    NR == line {
      head = $0; sub(/\[.*/, "", head)
      tail = $0; sub(/^[^]]*\]/, "", tail)
      list = $0; sub(/^[^[]*\[/, "", list); sub(/\].*/, "", list)
      n = split(list, v, /, */)
      v[index0 + 1] += 1
      s = v[1]; for (k = 2; k <= n; k++) s = s ", " v[k]
      $0 = head "[" s "]" tail
    }
    { print }' "$sample" > "$work/mutated.json"
  "$paiban" check "$work/mutated.json" > "$work/out.txt" 2>&1
  st=$?
  if [ "$st" != 6 ]; then
    echo "FAIL $row[$index] = $((value + 1)): exit $st, expected 6"
    failed=$((failed + 1))
  elif ! grep -q "^    $row\.[a-z_]* = $((value + 1))  .*\.values\.$row\[$index\]\$" \
            "$work/out.txt"; then
    echo "FAIL $row[$index] = $((value + 1)): the cell is not named"; cat "$work/out.txt"
    failed=$((failed + 1))
  else
    passed=$((passed + 1))
  fi
done < "$work/cells.txt"
# 22 rows of 7 in table 三 and one row of 15 in table 四 hold values
[ "$passed" = 169 ] || { echo "FAIL: $passed cells changed, expected 169"; failed=$((failed + 1)); }
rules_passed=$passed

# ---- cells the text quotes, caught through the claims ----
# the sentences of the claims' cases, right numbers, in one paragraph
sentences=$(grep -v '^#' "$here/claims/cases.txt" | cut -f 2- |
  sed 's/\[\[\([^|]*\)|[^]]*\]\]/\1/g' | tr -d '\n')
sed "s|@SENTENCES@|$sentences|" "$here/claims/tables.json" > "$work/claims-all.json"
quoted=0
for report in "$here/real/nangang-2021-real.json" "$work/claims-all.json"; do
  "$paiban" check "$report" --format json > "$work/base.json" 2>&1 ||
    { echo "FAIL: $report does not pass as it is"; cat "$work/base.json"; failed=$((failed + 1)); }
  # the cells of the numbers of the text: "path": "body[N].values.ROW[I]" or ".ROW.CELL"
  sed -n '/^  "text": \[/,$p' "$work/base.json" |
    grep -o '"path": "body\[[0-9]*\]\.values\.[^"]*"' | sed 's/"path": "//; s/"$//' |
    sort -u > "$work/quoted.txt"
  while read -r path; do
    row=$(printf '%s\n' "$path" | sed 's/^body\[[0-9]*\]\.values\.//; s/[.[].*//')
    key=$(printf '%s\n' "$path" | sed 's/^body\[[0-9]*\]\.values\.[a-z_]*//')
    # one more in that cell: an array index, or an object key; decimals as strings keep
    # their places ("1944.0495" -> "1945.0495")
    awk -v row="$row" -v key="$key" '
      function bump(v,   q, n, rest) {
        q = (v ~ /^"/); if (q) v = substr(v, 2, length(v) - 2)
        n = v; sub(/\..*/, "", n); rest = substr(v, length(n) + 1)
        v = (n + 1) rest
        return q ? "\"" v "\"" : v
      }
      $0 ~ "^ *\"" row "\": " {
        if (key ~ /^\[/) {
          k = substr(key, 2) + 1
          head = $0; sub(/\[.*/, "", head)
          tail = $0; sub(/^[^]]*\]/, "", tail)
          list = $0; sub(/^[^[]*\[/, "", list); sub(/\].*/, "", list)
          n = split(list, v, /, */); v[k] = bump(v[k])
          s = v[1]; for (i = 2; i <= n; i++) s = s ", " v[i]
          $0 = head "[" s "]" tail
        } else {
          cell = substr(key, 2)
          pre = $0; sub("\"" cell "\": .*", "", pre)
          val = $0; sub("^.*\"" cell "\": ", "", val); sub(/[}].*/, "", val)
          post = $0; sub("^.*\"" cell "\": [^}]*", "", post)
          $0 = pre "\"" cell "\": " bump(val) post
        }
      }
      { print }' "$report" > "$work/mutated.json"
    "$paiban" check "$work/mutated.json" > "$work/out.txt" 2>&1
    st=$?
    if cmp -s "$report" "$work/mutated.json"; then
      echo "FAIL $path in $report: the cell was not changed"; failed=$((failed + 1))
    elif [ "$st" != 6 ]; then
      echo "FAIL $path in $report: exit $st, expected 6"; failed=$((failed + 1))
    elif ! grep -q ": violation: claim " "$work/out.txt" ||
         ! grep -q "^    [a-z_]*\.$row\.[a-z_]* = .*  $(printf '%s' "$path" | sed 's/[].[]/\\&/g')\$" \
              "$work/out.txt"; then
      echo "FAIL $path in $report: no claim names the cell"; cat "$work/out.txt"
      failed=$((failed + 1))
    else
      passed=$((passed + 1)); quoted=$((quoted + 1))
    fi
  done < "$work/quoted.txt"
done
echo "$rules_passed cells bound by rules and $quoted quoted by the text, each caught"
[ "$quoted" -ge 30 ] || { echo "FAIL: only $quoted quoted cells changed"; failed=$((failed + 1)); }
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
