#!/bin/sh
# Makes the benchmark's inputs from the sample report:
#   OUT/long10.json   the sample's body ten times over (a report ten times as long)
#   OUT/batch/NNN.json  COUNT copies of the sample, each for another department
# usage: make-reports.sh SAMPLE.json OUT COUNT
set -eu
sample=$1 out=$2 count=$3
mkdir -p "$out/batch"
# The sample keeps one block per line between '"body": [' and the closing
# '  ]', but for its tables, which run from '{"type": "table"' to '    }},'.
# The copies after the first leave the tables out: a report has each
# official table once (its text refers to their cells).
awk -v times=10 '
  BEGIN { n = 0; m = 0 }  # body[0] is the first block (the title)
  state == 0 { print; if ($0 ~ /"body": \[$/) state = 1; next }
  state == 1 && $0 ~ /^  \]$/ { state = 2; closing = $0; next }
  state == 1 { body[n] = $0; intable[n] = table || ($0 ~ /"type": "table"/);
               table = intable[n] && $0 !~ /^    }},?$/; n++; next }
  state == 2 { tail[m++] = $0 }
  END {
    for (t = 0; t < times; t++)
      for (i = 0; i < n; i++) {
        if (t > 0 && intable[i]) continue
        line = body[i]
        if (i == n - 1 && t < times - 1) line = line ","
        print line
      }
    print closing
    for (i = 0; i < m; i++) print tail[i]
  }' "$sample" > "$out/long10.json"
i=1
while [ "$i" -le "$count" ]; do
  name=$(printf '%04d' "$i")
  sed "s/南岗区城管局/第${name}号部门/g" "$sample" > "$out/batch/$name.json"
  i=$((i + 1))
done
