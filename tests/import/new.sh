#!/bin/sh
# paiban new's skeleton of the disclosure layout renders: a PDF that
# qpdf finds clean, whose text (pdftotext) has the title, every chapter
# heading of the layout's outline and the tables' captions, and that
# paiban check passes.
# usage: new.sh PAIBAN WORKDIR
set -u
paiban=$1 work=$2
mkdir -p "$work"
passed=0 failed=0
check() { if [ "$2" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1: $2"; fi; }
"$paiban" new -l gov-info-annual-2021 --year 2022 --issuer 南岗区城管局 -o "$work/new.json" \
  2> "$work/new.log"
check "new" "$([ $? = 0 ] && echo ok || cat "$work/new.log")"
"$paiban" check "$work/new.json" > "$work/check.txt" 2>&1
check "check" "$([ $? = 0 ] && echo ok || cat "$work/check.txt")"
"$paiban" render "$work/new.json" -o "$work/new.pdf" 2> "$work/render.log"
check "render" "$([ $? = 0 ] && echo ok || cat "$work/render.log")"
check "qpdf --check" "$(qpdf --check "$work/new.pdf" > /dev/null 2>&1 && echo ok || echo broken)"
pdftotext -layout "$work/new.pdf" - | tr -d ' ' > "$work/new.txt"
for want in 南岗区城管局2022年 政府信息公开工作年度报告 一、总体情况 二、主动公开政府信息情况 \
            三、收到和处理政府信息公开申请情况 四、政府信息公开行政复议、行政诉讼情况 \
            五、存在的主要问题及改进情况 六、其他需要报告的事项 收到和处理政府信息公开申请情况 \
            第二十条第（一）项 结转下年度继续办理 在此填写本部分内容 ××××年×月×日; do
  check "the PDF shows $want" "$(grep -q "$want" "$work/new.txt" && echo ok || echo missing)"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
