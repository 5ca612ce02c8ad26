#!/bin/sh
# Makes the keys and certificates the signing tests use, with openssl, into
# OUTDIR (nothing of it is kept in the repository):
#   ca.pem ca.key            a test certificate authority, 2020-2040
#   inter.pem inter.key      an intermediate authority under it
#   rsa.pem rsa.key          RSA 2048 leaf of ca, 2021-2031 (某某市某某局)
#   ec.pem ec.key            ECDSA P-256 leaf of ca, 2021-2031
#   sub.pem sub.key          ECDSA P-256 leaf of inter, 2021-2031
#   sm2.pem sm2.key          SM2 leaf of ca, 2021-2031
#   old.pem old.key          expired: 2019-2020
#   new.pem                  not yet valid: 2030-2035 (key rsa.key)
#   nosign.pem               for certificate signing only (key rsa.key)
#   other.key                an RSA key of no certificate
#   small.pem small.key      RSA 1024
#   rsa-enc.key              rsa.key encrypted, passphrase "口令 s3cret"
#   other-ca.pem             an authority that signed none of them
# The dates are fixed, so certificates cover a signing time of 2022-01-20
# (the samples' date) whenever the tests run.
# usage: make-keys.sh OUTDIR
set -eu
out=$1
mkdir -p "$out"
cd "$out"
rm -rf db && mkdir -p db/new && : > db/index.txt && echo 01 > db/serial
cat > ca.cnf <<'EOF'
[ca]
default_ca = testca
[testca]
dir = db
database = $dir/index.txt
new_certs_dir = $dir/new
serial = $dir/serial
default_md = sha256
policy = any
unique_subject = no
email_in_dn = no
utf8 = yes
string_mask = utf8only
[any]
countryName = optional
organizationName = optional
commonName = supplied
[req]
distinguished_name = dn
utf8 = yes
string_mask = utf8only
prompt = no
[dn]
CN = unused
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_nosign]
basicConstraints = critical,CA:FALSE
keyUsage = critical,keyCertSign
EOF

key() { # NAME ALGORITHM OPTIONS...
  name=$1 alg=$2; shift 2
  openssl genpkey -algorithm "$alg" "$@" -out "$name.key" 2>/dev/null
}
# cert NAME SUBJECT ISSUER(self|ca|inter) START END EXTENSIONS [KEY]
cert() {
  name=$1 subj=$2 issuer=$3 start=$4 end=$5 ext=$6 k=${7:-$1}
  openssl req -new -config ca.cnf -key "$k.key" -subj "$subj" -out "$name.csr"
  if [ "$issuer" = self ]; then
    openssl ca -batch -config ca.cnf -selfsign -keyfile "$k.key" -in "$name.csr" \
      -out "$name.pem" -startdate "$start" -enddate "$end" -extensions "$ext" -notext 2>/dev/null
  else
    openssl ca -batch -config ca.cnf -cert "$issuer.pem" -keyfile "$issuer.key" \
      -in "$name.csr" -out "$name.pem" -startdate "$start" -enddate "$end" \
      -extensions "$ext" -notext 2>/dev/null
  fi
  rm -f "$name.csr"
}

rsa="-pkeyopt rsa_keygen_bits:2048"
key ca RSA $rsa
cert ca "/O=Paiban Test CA/CN=排版测试根证书" self 20200101000000Z 20400101000000Z v3_ca
key inter RSA $rsa
cert inter "/O=Paiban Test CA/CN=排版测试中级证书" ca 20200101000000Z 20400101000000Z v3_ca
key rsa RSA $rsa
cert rsa "/C=CN/O=某某市人民政府/CN=某某市某某局" ca 20210101000000Z 20310101000000Z v3_leaf
key ec EC -pkeyopt ec_paramgen_curve:P-256
cert ec "/C=CN/CN=某某市某某局" ca 20210101000000Z 20310101000000Z v3_leaf
key sub EC -pkeyopt ec_paramgen_curve:P-256
cert sub "/C=CN/CN=某某市某某局办公室" inter 20210101000000Z 20310101000000Z v3_leaf
key sm2 SM2
cert sm2 "/C=CN/CN=某某市某某局" ca 20210101000000Z 20310101000000Z v3_leaf
key old RSA $rsa
cert old "/C=CN/CN=某某市某某局" ca 20190101000000Z 20200101000000Z v3_leaf
cert new "/C=CN/CN=某某市某某局" ca 20300101000000Z 20350101000000Z v3_leaf rsa
cert nosign "/C=CN/CN=某某市某某局" ca 20210101000000Z 20310101000000Z v3_nosign rsa
key other RSA $rsa
key small RSA -pkeyopt rsa_keygen_bits:1024
cert small "/C=CN/CN=某某市某某局" ca 20210101000000Z 20310101000000Z v3_leaf
openssl pkey -in rsa.key -aes-256-cbc -passout "pass:口令 s3cret" -out rsa-enc.key
key otherca RSA $rsa
cert other-ca "/CN=另一个根证书" self 20200101000000Z 20400101000000Z v3_ca otherca
