#!/usr/bin/env bash
# make-chain-certs.sh - a throw-away CA hierarchy with two intermediates,
# for the chain tests of tests/test_probembedtls.c.
#
# Usage: tests/tools/make-chain-certs.sh OUTDIR
#
# Writes into OUTDIR (PEM, EC P-256 keys, valid from now for ten
# years; TEST KEYS, made fresh on every run, never kept):
#   root.crt           self-signed root   CN=tlsdiag chain root
#   root-rekeyed.crt   same name, another key (a re-keyed root)
#   int1.crt           intermediate signed by the root   CN=tlsdiag chain int1
#   int2.crt           intermediate signed by int1       CN=tlsdiag chain int2
#   leaf.crt leaf.key  server, SAN DNS:localhost, signed by int2
#   leaf-future.crt    the same key and names, valid only from a year
#                      from now for a year (what a device whose clock
#                      runs late, or was never set, sees of a new one)
#   chain.crt          int2 then int1 (what the server must send after leaf)
#   chain-reversed.crt int1 then int2 (the wrong order)
set -euo pipefail
export LC_ALL=C
OUT=${1:?usage: make-chain-certs.sh OUTDIR}
mkdir -p "$OUT"
cd "$OUT"
# compiled-in defaults only, no distribution policy
export OPENSSL_CONF=$OUT/empty.cnf
: >"$OPENSSL_CONF"
OSSL=(timeout 60 openssl)

cat >ext.cnf <<'EOF'
[ ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

key() { "${OSSL[@]}" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
          -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null; }
# sign NAME SUBJECT ISSUER-NAME EXT SERIAL
sign() {
  "${OSSL[@]}" req -new -key "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
  "${OSSL[@]}" x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" \
    -set_serial "$5" -days 3650 -sha256 -extfile ext.cnf -extensions "$4" \
    -out "$1.crt" 2>/dev/null
}

key root.key
"${OSSL[@]}" req -x509 -new -key root.key -subj "/O=tlsdiag test/CN=tlsdiag chain root" \
  -days 3650 -sha256 -set_serial 0x3000 -config ext.cnf -extensions ca \
  -out root.crt 2>/dev/null
key root-rekeyed.key
"${OSSL[@]}" req -x509 -new -key root-rekeyed.key \
  -subj "/O=tlsdiag test/CN=tlsdiag chain root" -days 3650 -sha256 \
  -set_serial 0x3001 -config ext.cnf -extensions ca -out root-rekeyed.crt 2>/dev/null
key int1.key
sign int1 "/O=tlsdiag test/CN=tlsdiag chain int1" root ca 0x3002
key int2.key
sign int2 "/O=tlsdiag test/CN=tlsdiag chain int2" int1 ca 0x3003
key leaf.key
sign leaf "/O=tlsdiag test/CN=tlsdiag chain leaf" int2 leaf 0x3004
# `openssl ca` is the one that takes a start date
mkdir -p newcerts
: >index.txt
echo 3005 >serial
cat >ca.cnf <<EOF
[ ca ]
default_ca = int2
[ int2 ]
database = $OUT/index.txt
new_certs_dir = $OUT/newcerts
serial = $OUT/serial
default_md = sha256
policy = any
[ any ]
commonName = supplied
EOF
"${OSSL[@]}" ca -batch -config ca.cnf -cert int2.crt -keyfile int2.key \
  -in leaf.csr -out leaf-future.crt -notext -preserveDN \
  -startdate "$(date -u -d '+1 year' +%Y%m%d%H%M%SZ)" \
  -enddate "$(date -u -d '+2 years' +%Y%m%d%H%M%SZ)" \
  -extfile ext.cnf -extensions leaf 2>/dev/null
cat int2.crt int1.crt >chain.crt
cat int1.crt int2.crt >chain-reversed.crt
"${OSSL[@]}" verify -CAfile root.crt -untrusted chain.crt leaf.crt >/dev/null
