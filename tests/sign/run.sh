#!/bin/sh
# Digital signatures end to end, with keys and certificates made here by
# openssl (make-keys.sh): pdfsig (poppler, over NSS, with the test
# authority in an NSS database made by certutil) and paiban verify agree
# that every signature paiban makes is valid and covers the whole
# document, for RSA and ECDSA P-256 keys, a chain through an intermediate
# authority, a sealed document (the widget over the seal) and the plain
# sample; that a byte changed inside the signed range, content appended
# after signing (bytes, and a real incremental update) and an edited
# /ByteRange are each found; signing is deterministic (RSA: the same bytes;
# ECDSA: all but the signature); render --key is render then sign, byte
# for byte; paiban's file (object streams, a cross-reference stream) gets
# its update with a cross-reference stream, the same file rewritten with
# a classic table gets a table; qpdf --check is clean;
# SM2 with SM3 signs and paiban verify checks it; paiban verify checks a
# signature pdfsig made.
# usage: run.sh PAIBAN ROOT WORKDIR
set -u
paiban=$1 root=$2 work=$3
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
rm -rf "$work" && mkdir -p "$work"
cd "$work" || exit 1
sh "$root/tests/sign/make-keys.sh" keys > keys.log 2>&1 || { cat keys.log; exit 1; }
python3 "$root/tests/seal/make-seals.py" seals > /dev/null || exit 1
# the samples' date: the certificates cover it whenever the test runs
SOURCE_DATE_EPOCH=1642636800
export SOURCE_DATE_EPOCH
sample=$root/samples/nangang-2021.json
features=$root/tests/fixtures/features.json
k=keys

# pdfsig trusts the test authority through an NSS database
mkdir nss && certutil -N -d sql:nss --empty-password &&
  certutil -A -d sql:nss -n paiban-test-ca -t "CT,CT,CT" -i $k/ca.pem ||
  { echo "FAIL: certutil"; exit 1; }

# pdfsig FILE: what pdfsig says, with the test authority trusted
pdfsig_says() { pdfsig -nssdir sql:nss "$1" 2>&1; }
valid_pdfsig() {
  pdfsig_says "$1" > "$1.pdfsig"
  grep -q "Signature Validation: Signature is Valid." "$1.pdfsig" &&
    grep -q "Total document signed" "$1.pdfsig" &&
    grep -q "Certificate Validation: Certificate is Trusted." "$1.pdfsig" &&
    [ "$(grep -c "^Signature #" "$1.pdfsig")" = 1 ]
}
valid_paiban() {
  "$paiban" verify --ca $k/ca.pem "$1" > "$1.verify" 2>&1 &&
    grep -q "^signature 1 (field Signature1): valid$" "$1.verify" &&
    grep -q "the whole file but the signature itself" "$1.verify" &&
    grep -q "not changed since it was signed" "$1.verify"
}

# ---- RSA and ECDSA -----------------------------------------------------------
"$paiban" render "$sample" -o sample.pdf 2> /dev/null
for key in rsa ec; do
  "$paiban" sign sample.pdf --key $k/$key.key --cert $k/$key.pem --chain $k/ca.pem \
    --reason 依法主动公开 --location 哈尔滨市南岗区 -o $key.pdf
  check "$key: sign exits 0" '[ $? = 0 ]'
  check "$key: pdfsig: valid, the whole document, trusted" 'valid_pdfsig $key.pdf' ||
    cat $key.pdf.pdfsig
  check "$key: paiban verify: valid, the whole file, not changed" 'valid_paiban $key.pdf' ||
    cat $key.pdf.verify
  check "$key: pdfsig: signed on 2022-01-20" 'grep -q "Signing Time: Jan 20 2022 00:00:00" $key.pdf.pdfsig'
  check "$key: pdfsig: SHA-256, ETSI.CAdES.detached" \
    'grep -q "Signing Hash Algorithm: SHA-256" $key.pdf.pdfsig && grep -q "Signature Type: ETSI.CAdES.detached" $key.pdf.pdfsig'
  check "$key: paiban verify: signer, time, reason, location" \
    'grep -q "signed by: CN=某某市某某局" $key.pdf.verify && grep -q "signing time: 2022-01-20 00:00:00 UTC" $key.pdf.verify &&
     grep -q "reason: 依法主动公开" $key.pdf.verify && grep -q "location: 哈尔滨市南岗区" $key.pdf.verify'
  check "$key: qpdf --check is clean" 'qpdf --check $key.pdf > $key.qpdf 2>&1'
  check "$key: the signed file starts with the unsigned one" \
    'head -c "$(wc -c < sample.pdf)" $key.pdf | cmp -s - sample.pdf'
  "$paiban" extract $key.pdf -o $key.json
  check "$key: the report data still comes out" 'cmp -s "$sample" $key.json'
done
check "rsa: paiban verify names the algorithm" 'grep -q "algorithm: RSA 2048 bits with SHA-256, ETSI.CAdES.detached with signing-certificate-v2" rsa.pdf.verify'
check "ec: paiban verify names the algorithm" 'grep -q "algorithm: ECDSA P-256 with SHA-256" ec.pdf.verify'
"$paiban" verify --ca $k/ca.pem --format json rsa.pdf > rsa.json.out
check "verify --format json: valid, one signature, the whole file" \
  'python3 -c "import json,sys; r=json.load(open(\"rsa.json.out\")); s=r[\"signatures\"]; sys.exit(not (r[\"valid\"] and len(s)==1 and s[0][\"whole_file\"] and s[0][\"chain\"]==\"trusted\" and s[0][\"signing_time\"]==\"2022-01-20 00:00:00 UTC\"))"'

# ---- deterministic; render --key is render then sign ----------------------------
"$paiban" sign sample.pdf --key $k/rsa.key --cert $k/rsa.pem --chain $k/ca.pem \
  --reason 依法主动公开 --location 哈尔滨市南岗区 -o rsa2.pdf
check "RSA: the same key, time and document give the same bytes" 'cmp -s rsa.pdf rsa2.pdf'
"$paiban" render "$sample" --key $k/rsa.key --cert $k/rsa.pem --chain $k/ca.pem \
  --reason 依法主动公开 --location 哈尔滨市南岗区 -o rendered.pdf
check "render --key gives what render then sign gives" 'cmp -s rsa.pdf rendered.pdf'
"$paiban" sign sample.pdf --key $k/ec.key --cert $k/ec.pem --chain $k/ca.pem \
  --reason 依法主动公开 --location 哈尔滨市南岗区 -o ec2.pdf
# ECDSA draws a random number for each signature: only /Contents differs
mask() { python3 -c '
import re, sys
d = open(sys.argv[1], "rb").read()
m = re.search(rb"/ByteRange \[0 (\d+) (\d+) \d+\]", d)
a, b = int(m.group(1)), int(m.group(2))
sys.stdout.buffer.write(d[:a] + b"<masked>" + d[b:])' "$1"; }
mask ec.pdf > ec.masked
mask ec2.pdf > ec2.masked
check "ECDSA: two signatures differ in their signature bytes" '! cmp -s ec.pdf ec2.pdf'
check "ECDSA: and in nothing else" 'cmp -s ec.masked ec2.masked'

# ---- a sealed document: the widget over the seal -------------------------------
cp seals/seal.png .
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
for b in r["body"]:
    if b["type"] == "signature":
        b["seal"] = "seal.png"
json.dump(r, open("sealed.json", "w"), ensure_ascii=False)' "$features"
"$paiban" render sealed.json --key $k/ec.key --cert $k/ec.pem -o sealed.pdf 2> /dev/null
check "sealed: render --key exits 0" '[ $? = 0 ]'
check "sealed: pdfsig: valid, the whole document" 'valid_pdfsig sealed.pdf' || cat sealed.pdf.pdfsig
check "sealed: paiban verify: valid" 'valid_paiban sealed.pdf' || cat sealed.pdf.verify
widget=$(qpdf --json --json-key=acroform sealed.pdf |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["acroform"]["fields"][0]["object"].split()[0])')
rect=$(qpdf --show-object="$widget" sealed.pdf | sed -n 's|.*/Rect \[ *\([^]]*\)\].*|\1|p')
bbox=$(pdfinfo -struct sealed.pdf | sed -n 's|.*/BBox \[\(.*\)\]|\1|p' | head -1)
check "sealed: the signature's widget lies over the seal ($rect; the seal: $bbox)" \
  'python3 -c "import sys; a=[float(x) for x in sys.argv[1].split()]; b=[float(x) for x in sys.argv[2].split()]; sys.exit(not (len(a)==4 and len(b)==4 and all(abs(x-y)<0.5 for x,y in zip(a,b))))" "$rect" "$bbox"'

# ---- a chain through an intermediate authority ----------------------------------
"$paiban" sign sample.pdf --key $k/sub.key --cert $k/sub.pem --chain $k/inter.pem -o sub.pdf
check "intermediate: pdfsig trusts the chain the signature carries" 'valid_pdfsig sub.pdf' ||
  cat sub.pdf.pdfsig
check "intermediate: paiban verify trusts it" 'valid_paiban sub.pdf' || cat sub.pdf.verify
check "intermediate: the chain is named" 'grep -q "certificate chain: trusted: CN=排版测试中级证书,O=Paiban Test CA ← CN=排版测试根证书,O=Paiban Test CA" sub.pdf.verify'
"$paiban" sign sample.pdf --key $k/sub.key --cert $k/sub.pem -o nochain.pdf
"$paiban" verify --ca $k/ca.pem nochain.pdf > nochain.verify 2>&1
check "without the chain the signer is not trusted (exit 9)" '[ $? = 9 ]'
check "... and verify says why" 'grep -q "certificate chain: not trusted: unable to get local issuer certificate" nochain.verify'
"$paiban" verify --ca $k/other-ca.pem rsa.pdf > other.verify 2>&1
check "another authority: not trusted (exit 9)" '[ $? = 9 ]'
"$paiban" verify rsa.pdf > noca.verify 2> noca.err
check "without --ca: valid, the chain not checked, a warning" \
  '[ $? = 0 ] && grep -q "certificate chain: not checked (no --ca)" noca.verify && grep -q "were not checked against a certificate authority" noca.err'

# ---- tampering -------------------------------------------------------------------
python3 - <<'EOF'
import re
d = open("ec.pdf", "rb").read()
m = re.search(rb"/ByteRange \[0 (\d+) (\d+) (\d+)\]", d)
a = int(m.group(1))
# 1: one byte of the signed range changed: the year in the document's title
# in its XMP metadata (a stream stored uncompressed, outside the object
# streams), 2021 -> 2020
t = bytearray(d)
i = d.index("<dc:title>".encode()) + d[d.index("<dc:title>".encode()):].index("2021年".encode())
assert i < a
t[i + 3] = ord("0")
open("t-byte.pdf", "wb").write(bytes(t))
# 2: bytes appended after signing
open("t-append.pdf", "wb").write(d + b"%% appended after signing\n")
# 3: a real incremental update: a new Info dictionary with another title,
# its cross-reference section a stream as the file's last one is
sx = int(re.findall(rb"startxref\s+(\d+)", d)[-1])
size = int(re.findall(rb"/Size (\d+)", d)[-1])
root = int(re.findall(rb"/Root (\d+) 0 R", d)[-1])
info = int(re.findall(rb"/Info (\d+) 0 R", d)[-1])
body = b"%d 0 obj\n<</Title (Changed after signing) /Creator (paiban 0.2.0)>>\nendobj\n" % info
at = len(d)
xref_at = at + len(body)
rows = bytes([1]) + at.to_bytes(4, "big") + bytes(2) + bytes([1]) + xref_at.to_bytes(4, "big") + bytes(2)
upd = body + b"%d 0 obj\n<</Type /XRef /Size %d /W [1 4 2] /Index [%d 1 %d 1] /Root %d 0 R /Info %d 0 R /Prev %d /Length %d>>\nstream\n" % (
    size, size + 1, info, size, root, info, sx, len(rows)) + rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
open("t-update.pdf", "wb").write(d + upd)
# 4: the /ByteRange edited: its last length one less, the same width
br = m.group(0)
new = br[:-len(m.group(3)) - 1] + str(int(m.group(3)) - 1).zfill(len(m.group(3))).encode() + b"]"
open("t-range.pdf", "wb").write(d.replace(br, new, 1))
EOF
for t in byte append update range; do
  pdfsig_says t-$t.pdf > t-$t.pdfsig
  "$paiban" verify --ca $k/ca.pem t-$t.pdf > t-$t.verify 2>&1
  st=$?
  check "tampered ($t): paiban verify exits 9 ($st)" '[ $st = 9 ]'
  check "tampered ($t): paiban verify says NOT VALID" 'grep -q "^signature 1 (field Signature1): NOT VALID" t-$t.verify'
done
check "tampered (byte): pdfsig finds the digest does not match" 'grep -q "Signature Validation: Digest Mismatch." t-byte.pdfsig'
check "tampered (byte): paiban verify says the signed bytes changed" \
  'grep -q "problem: the signed bytes were changed: their digest is not the one signed" t-byte.verify'
for t in append update; do
  check "tampered ($t): pdfsig says not the total document" 'grep -q "Not total document signed" t-$t.pdfsig'
  check "tampered ($t): paiban verify says the document changed after it was signed" \
    'grep -q "problem: the document changed after it was signed" t-$t.verify'
done
check "tampered (update): pdfinfo shows the new title" 'pdfinfo t-update.pdf | grep -q "Changed after signing"'
check "tampered (range): pdfsig finds it invalid" \
  'grep -q "Signature Validation: Digest Mismatch." t-range.pdfsig && grep -q "Not total document signed" t-range.pdfsig'
check "tampered (range): paiban verify finds it" 'grep -q "problem: the signed bytes were changed" t-range.verify'

# ---- the update's cross-reference section of the form of the file's last ----------
check "paiban's file (object streams): the update's cross-reference section is a stream" \
  'tail -c +"$(($(wc -c < sample.pdf) + 1))" rsa.pdf | grep -aq "/Type /XRef" &&
   ! tail -c +"$(($(wc -c < sample.pdf) + 1))" rsa.pdf | grep -aq "^xref"'
# the same file rewritten by qpdf without object streams: a classic table
qpdf --object-streams=disable sample.pdf classic.pdf
"$paiban" sign classic.pdf --key $k/rsa.key --cert $k/rsa.pem --chain $k/ca.pem -o classic-signed.pdf
check "classic: sign exits 0" '[ $? = 0 ]'
check "classic: pdfsig: valid, the whole document" 'valid_pdfsig classic-signed.pdf' ||
  cat classic-signed.pdf.pdfsig
check "classic: paiban verify: valid" 'valid_paiban classic-signed.pdf' ||
  cat classic-signed.pdf.verify
check "classic: the update has a cross-reference table" \
  'tail -c +"$(($(wc -c < classic.pdf) + 1))" classic-signed.pdf | grep -aq "^xref" &&
   ! tail -c +"$(($(wc -c < classic.pdf) + 1))" classic-signed.pdf | grep -aq "/Type /XRef"'
check "classic: qpdf --check is clean" 'qpdf --check classic-signed.pdf > classic.qpdf 2>&1'

# ---- a plain PDF, standard input and output, a batch ---------------------------------
"$paiban" render "$sample" --pdf plain -o plain.pdf 2> /dev/null
"$paiban" sign plain.pdf --key $k/rsa.key --cert $k/rsa.pem --chain $k/ca.pem -o plain-signed.pdf
check "plain: pdfsig: valid" 'valid_pdfsig plain-signed.pdf' || cat plain-signed.pdf.pdfsig
"$paiban" sign - --key $k/rsa.key --cert $k/rsa.pem --chain $k/ca.pem \
  --reason 依法主动公开 --location 哈尔滨市南岗区 -o - < sample.pdf > stdio.pdf
check "sign - -o -: the same bytes as from and to files" 'cmp -s stdio.pdf rsa.pdf'
"$paiban" render "$sample" "$features" -o batch/ --key $k/rsa.key --cert $k/rsa.pem \
  --chain $k/ca.pem --quiet 2> /dev/null
check "a batch signs every PDF" 'valid_pdfsig batch/nangang-2021.pdf && valid_pdfsig batch/features.pdf'
printf 'pw:口令 s3cret\n' | sed 's/^pw://' > pass.txt
"$paiban" sign sample.pdf --key $k/rsa-enc.key --cert $k/rsa.pem --pass-in file:pass.txt -o enc1.pdf
check "an encrypted key with --pass-in file:" '[ $? = 0 ] && valid_pdfsig enc1.pdf'
PAIBAN_TEST_PASS='口令 s3cret' "$paiban" sign sample.pdf --key $k/rsa-enc.key --cert $k/rsa.pem \
  --pass-in env:PAIBAN_TEST_PASS -o enc2.pdf
check "an encrypted key with --pass-in env:" '[ $? = 0 ] && valid_pdfsig enc2.pdf'
"$paiban" sign sample.pdf --key $k/rsa-enc.key --cert $k/rsa.pem --pass-in fd:3 -o enc3.pdf 3< pass.txt
check "an encrypted key with --pass-in fd:" '[ $? = 0 ] && valid_pdfsig enc3.pdf'
"$paiban" sign sample.pdf --key $k/rsa.key --cert $k/rsa.pem --reserve 20000 -o reserve.pdf
check "--reserve 20000: /Contents holds 20,000 bytes" \
  '[ $? = 0 ] && valid_pdfsig reserve.pdf &&
   python3 -c "import re,sys; sys.exit(not re.search(rb\"/Contents <[0-9A-F]{40000}>\", open(\"reserve.pdf\",\"rb\").read()))"'

# ---- a signature another program made ----------------------------------------------
# pdfsig signs (adbe.pkcs7.detached, with NSS) with the RSA key imported
# into the NSS database; paiban verify checks it
openssl pkcs12 -export -inkey $k/rsa.key -in $k/rsa.pem -certfile $k/ca.pem -name office \
  -passout pass: -out office.p12 2> /dev/null &&
  pk12util -i office.p12 -d sql:nss -W "" > /dev/null 2>&1 &&
  pdfsig -add-signature -nssdir sql:nss -nick office -reason 依法主动公开 sample.pdf \
    poppler.pdf > /dev/null 2>&1
check "pdfsig -add-signature signs the sample" '[ -s poppler.pdf ]'
"$paiban" verify --ca $k/ca.pem poppler.pdf > poppler.verify 2>&1
check "paiban verify: pdfsig's signature is valid, the whole file, trusted" \
  '[ $? = 0 ] && grep -q "^signature 1 (field .*): valid$" poppler.verify &&
   grep -q "adbe.pkcs7.detached" poppler.verify && grep -q "certificate chain: trusted" poppler.verify &&
   grep -q "reason: 依法主动公开" poppler.verify' || cat poppler.verify

# ---- SM2 with SM3 -----------------------------------------------------------------
"$paiban" sign sample.pdf --key $k/sm2.key --cert $k/sm2.pem --chain $k/ca.pem -o sm2.pdf
check "SM2: sign exits 0" '[ $? = 0 ]'
check "SM2: paiban verify: valid, SM2 with SM3" \
  'valid_paiban sm2.pdf && grep -q "algorithm: SM2 with SM3" sm2.pdf.verify' || cat sm2.pdf.verify
pdfsig_says sm2.pdf > sm2.pdfsig
check "SM2: pdfsig (NSS) sees the whole document signed, but knows no SM3" \
  'grep -q "Total document signed" sm2.pdfsig && grep -q "Unrecognized Hash ID" sm2.pdfsig'

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
