#!/bin/sh
# pdf.js reads paiban's structure tree: installs pdfjs-dist, pinned by
# package-lock.json, with npm into WORKDIR (never into the source tree),
# renders the sample and runs struct.mjs on it.  Nothing is skipped: if
# node or npm is missing or the install fails, the test fails.
# usage: run.sh PAIBAN ROOT WORKDIR
set -u
paiban=$1 root=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work" && cd "$work" || exit 1
command -v node > /dev/null && command -v npm > /dev/null ||
  { echo "FAIL: node and npm are needed (Debian: apt-get install nodejs npm)"; exit 1; }
if ! cmp -s "$here/package-lock.json" package-lock.json || [ ! -d node_modules/pdfjs-dist ]; then
  cp "$here/package.json" "$here/package-lock.json" .
  npm ci --omit=optional --no-audit --no-fund --loglevel=error > npm.log 2>&1 ||
    { cat npm.log; echo "FAIL: npm could not install pdfjs-dist"; exit 1; }
fi
"$paiban" render "$root/samples/nangang-2021.json" -o sample.pdf 2> /dev/null ||
  { echo "FAIL: render"; exit 1; }
cp "$here/struct.mjs" .
node struct.mjs sample.pdf "一、总体情况" "申请人情况" \
  "南岗区城管局2021年政府信息公开工作年度报告" "一、总体情况" \
  "（一）主动公开情况。" "第二十条第（一）项" \
  "申请人情况" "自然人" "三、本年度办理结果" \
  "六、其他需要报告的事项" "本年度无收取信息费情况。"
