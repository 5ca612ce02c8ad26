#!/bin/sh
# Writes samples/long-table.json: a report with one long table (by default
# 12 districts x 25 departments, a subtotal per district and a grand total:
# 313 data rows) under a three-level column header, for looking at page
# breaks, repeated header rows and repeated group labels, and for the
# benchmark's long tables (--rows 2991, --rows 5000: districts past the
# twelfth are named by number, the last one has as many departments as the
# count needs).  The numbers come from a fixed formula, so the output is the
# same on every run; every row adds up:
#   received + carried = disclosed + partly + withheld + other + pending = total
# Usage: tools/make-long-table.sh [--rows N] [OUTPUT]
#        (default: 313 rows, samples/long-table.json; N at least 3)
set -eu
usage="usage: tools/make-long-table.sh [--rows N] [OUTPUT]"
rows=313
while [ $# -gt 0 ]; do
    case $1 in
    --rows) [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }; rows=$2; shift 2 ;;
    --rows=*) rows=${1#--rows=}; shift ;;
    -h|--help) echo "$usage"; exit 0 ;;
    --) shift; break ;;
    -*) echo "$usage" >&2; exit 2 ;;
    *) break ;;
    esac
done
case $rows in
''|*[!0-9]*) echo "make-long-table.sh: --rows: expected a number of rows, got '$rows'" >&2; exit 2 ;;
esac
if [ "$rows" -lt 3 ] || [ "$rows" -gt 1000000 ]; then
    echo "make-long-table.sh: --rows: $rows is not between 3 and 1000000" >&2
    exit 2
fi
out=${1:-samples/long-table.json}
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
cd "$(dirname "$0")/.."
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT INT TERM

awk -v rows="$rows" '
function row(id, v,    s, i) {
    s = sprintf("      \"%s\": [", id)
    for (i = 1; i <= 8; i++) s = s (i > 1 ? ", " : "") v[i]
    return s "]"
}
BEGIN {
    ndn = split("东城区 西城区 南湖区 北山区 江北区 江南区 新城区 高新区 临港区 河西区 河东区 经开区", district, " ")
    nk = split("办公室 发展和改革局 教育局 科学技术局 工业和信息化局 公安分局 民政局 司法局 财政局 " \
               "人力资源和社会保障局 自然资源分局 生态环境分局 住房和城乡建设局 交通运输局 水务局 " \
               "农业农村局 商务局 文化广电和旅游局 卫生健康局 退役军人事务局 应急管理局 审计局 " \
               "市场监督管理局 统计局 医疗保障局", dept, " ")
    # rows = districts x (departments + subtotal) + the grand total; the
    # last district takes what is left (at least one department)
    per = nk + 1
    nd = int((rows - 1 + per - 1) / per)
    for (d = 1; d <= nd; d++) {
        ndept[d] = nk
        if (d > ndn) district[d] = sprintf("第%d区", d)
    }
    ndept[nd] = rows - 1 - (nd - 1) * per - 1

    print "{"
    print "  \"layout\": \"gov-info-annual-2021\","
    print "  \"meta\": {"
    print "    \"title\": \"2021年各区政府信息公开申请办理情况汇总（长表测试样例）\","
    print "    \"issuer\": \"paiban\","
    print "    \"year\": 2021,"
    print "    \"subject\": \"长表格分页、表头重复与合并单元格续页测试\","
    print "    \"keywords\": [\"长表格\", \"分页\", \"测试\"]"
    print "  },"
    print "  \"body\": ["
    print "    {\"type\": \"title\", \"text\": [\"2021年各区政府信息公开申请\", \"办理情况汇总\"]},"
    print "    {\"type\": \"paragraph\", \"text\": \"本文件是排版测试样例，数据由 tools/make-long-table.sh 按固定公式生成，不代表任何真实机关的统计结果。表格共 " nd " 个区、每区 " nk " 个部门" (ndept[nd] < nk ? "（末区 " ndept[nd] " 个）" : "") "，另有各区小计和全市合计，用于检查跨页时表头是否逐页重复、区名合并单元格在续页上是否重新标出、每页底线是否完整。\"},"
    print "    {\"type\": \"paragraph\", \"text\": \"各行数据均满足：本年新收加上年结转，等于予以公开、部分公开、不予公开、其他处理与结转下年度之和，也等于总计。\"},"
    print "    {\"type\": \"heading\", \"level\": 1, \"text\": \"一、各区各部门办理情况\"},"
    print "    {\"type\": \"table\", \"template\": {"
    print "      \"caption\": \"各区各部门政府信息公开申请办理情况\","
    print "      \"style\": {\"font\": \"fangsong\", \"size\": 10.5, \"min_size\": 8, \"padding\": [1.5, 1], \"padding_range\": [0.5, 1.5], \"outer_rule\": 1.0, \"inner_rule\": 0.5, \"continued\": \"续表\"},"
    print "      \"columns\": ["
    print "        {\"id\": \"district\", \"label\": true},"
    print "        {\"id\": \"department\", \"label\": true},"
    print "        {\"id\": \"received\"},"
    print "        {\"id\": \"carried\"},"
    print "        {\"id\": \"disclosed\"},"
    print "        {\"id\": \"partly\"},"
    print "        {\"id\": \"withheld\"},"
    print "        {\"id\": \"other\"},"
    print "        {\"id\": \"pending\"},"
    print "        {\"id\": \"total\"}"
    print "      ],"
    print "      \"corner\": \"地区及部门\","
    print "      \"header\": ["
    print "        {\"text\": \"收到申请\", \"children\": ["
    print "          {\"text\": \"本年新收\", \"column\": \"received\"},"
    print "          {\"text\": \"上年结转\", \"column\": \"carried\"}"
    print "        ]},"
    print "        {\"text\": \"办理结果\", \"children\": ["
    print "          {\"text\": \"已办结\", \"children\": ["
    print "            {\"text\": \"予以公开\", \"column\": \"disclosed\"},"
    print "            {\"text\": \"部分公开\", \"column\": \"partly\"},"
    print "            {\"text\": \"不予公开\", \"column\": \"withheld\"},"
    print "            {\"text\": \"其他处理\", \"column\": \"other\"}"
    print "          ]},"
    print "          {\"text\": [\"结转\", \"下年度\"], \"column\": \"pending\"}"
    print "        ]},"
    print "        {\"text\": \"总计\", \"column\": \"total\"}"
    print "      ],"
    print "      \"rows\": ["
    for (d = 1; d <= nd; d++) {
        printf "        {\"id\": \"d%02d\", \"label\": \"%s\", \"children\": [\n", d, district[d]
        for (k = 1; k <= ndept[d]; k++)
            printf "          {\"id\": \"d%02d_k%02d\", \"label\": \"%s\"},\n", d, k, dept[k]
        printf "          {\"id\": \"d%02d_subtotal\", \"label\": \"小计\"}\n", d
        printf "        ]},\n"
    }
    print "        {\"id\": \"grand_total\", \"label\": \"合计\"}"
    print "      ]"
    print "    },"
    print "    \"values\": {"
    for (i = 1; i <= 8; i++) g[i] = 0
    for (d = 1; d <= nd; d++) {
        for (i = 1; i <= 8; i++) st[i] = 0
        for (k = 1; k <= ndept[d]; k++) {
            v[1] = (d * 31 + k * 17) % 97 + 20      # received
            v[2] = (d + k) % 5                      # carried
            v[4] = (3 * d + k) % 6                  # partly
            v[5] = (d + 2 * k) % 4                  # withheld
            v[6] = (5 * d + 3 * k) % 7              # other
            v[7] = (d * k) % 3                      # pending
            v[8] = v[1] + v[2]                      # total
            v[3] = v[8] - v[4] - v[5] - v[6] - v[7] # disclosed
            for (i = 1; i <= 8; i++) st[i] += v[i]
            print row(sprintf("d%02d_k%02d", d, k), v) ","
        }
        for (i = 1; i <= 8; i++) g[i] += st[i]
        print row(sprintf("d%02d_subtotal", d), st) ","
    }
    print row("grand_total", g)
    print "    }},"
    print "    {\"type\": \"heading\", \"level\": 1, \"text\": \"二、说明\"},"
    print "    {\"type\": \"paragraph\", \"text\": \"表格之后的这段正文用于检查表格结束后正文是否接续排在网格行上。\"}"
    print "  ]"
    print "}"
}' >"$tmp"
mv "$tmp" "$out"
trap - EXIT INT TERM
