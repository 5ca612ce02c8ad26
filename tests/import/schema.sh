#!/bin/sh
# The reports paiban import and paiban new write pass the report schema
# (layouts/schema/report.schema.json), checked by a JSON Schema validator
# (python3-jsonschema), as the sample does; the layouts pass the layout
# schema.
# usage: schema.sh PAIBAN ROOT WORKDIR
set -u
paiban=$1 root=$2 work=$3
mkdir -p "$work"
fx=$root/tests/import/fixtures
failed=0
n=0
for src in nangang-2021.txt nangang-2021-wrapped.txt variants.txt own-table.txt \
           nangang-2021.html variants.html own-table.html \
           docx/nangang-2021.docx docx/variants.docx docx/own-table.docx; do
  n=$((n + 1))
  if ! "$paiban" import "$fx/$src" -o "$work/import-$n.json" --quiet 2> "$work/log"; then
    echo "FAIL: $src does not import:"; cat "$work/log"; failed=$((failed + 1))
  fi
done
"$paiban" new -l gov-info-annual-2021 --year 2022 --issuer 某某局 -o "$work/new-1.json" ||
  failed=$((failed + 1))
"$paiban" new -l gbt9704 -o "$work/new-2.json" || failed=$((failed + 1))
python3 - "$root" "$work" <<'PY' || failed=$((failed + 1))
import glob, json, sys
import jsonschema
root, work = sys.argv[1], sys.argv[2]
def check(schema_file, files):
    schema = json.load(open(schema_file, encoding="utf-8"))
    v = jsonschema.Draft202012Validator(schema)
    bad = 0
    for f in files:
        errors = list(v.iter_errors(json.load(open(f, encoding="utf-8"))))
        for e in errors[:5]:
            print("FAIL: %s: %s: %s" % (f, "/".join(map(str, e.absolute_path)), e.message))
        bad += bool(errors)
    return len(files) - bad, bad
reports = sorted(glob.glob(work + "/import-*.json") + glob.glob(work + "/new-*.json")) + \
    [root + "/samples/nangang-2021.json"]
layouts = sorted(glob.glob(root + "/layouts/*.json"))
ok1, bad1 = check(root + "/layouts/schema/report.schema.json", reports)
ok2, bad2 = check(root + "/layouts/schema/layout.schema.json", layouts)
print("%d reports and %d layouts valid" % (ok1, ok2))
sys.exit(1 if bad1 or bad2 else 0)
PY
echo "$failed failed"
[ "$failed" = 0 ]
