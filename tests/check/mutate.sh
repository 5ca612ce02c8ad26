#!/bin/sh
# Every value cell of the sample's tables 三 (applications) and 四
# (review_litigation), one at a time, plus one: paiban check must fail
# (exit 6) and name that cell.  Blank cells are skipped: they have no
# value to change.
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
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
