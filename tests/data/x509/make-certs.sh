#!/bin/sh
# make-certs.sh - regenerate the X.509 test certificates of test_x509.c.
#
# Run from anywhere: ./make-certs.sh [OUTDIR] (default: this directory).
# Needs OpenSSL 3.0 or later.  Keys are fresh on every run, everything the
# tests check (names, dates, serials, key types, SANs, CA flag) is fixed:
# `openssl ca` takes explicit -startdate/-enddate, which `openssl x509` and
# `openssl req` of 3.0 cannot do.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

mkdir db
: > db/index.txt
cat > ca.cnf <<'CNF'
[ ca ]
default_ca = td_ca

[ td_ca ]
dir = .
database = ./db/index.txt
new_certs_dir = ./db
serial = ./db/serial
default_md = sha256
policy = td_policy
unique_subject = no
copy_extensions = none
preserve = yes

[ td_policy ]
countryName = optional
organizationName = optional
commonName = supplied

[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ v3_leaf ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth

[ v3_rsa_san ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:rsa.example.com, DNS:www.example.com, IP:192.0.2.1, IP:2001:db8::1, email:admin@example.com

[ v3_ec_san ]
basicConstraints = CA:FALSE
subjectAltName = DNS:ec.example.com

[ v3_ed_ca ]
basicConstraints = critical, CA:TRUE
subjectAltName = DNS:ed.example.com, IP:10.0.0.1

[ v3_crit ]
basicConstraints = CA:FALSE
subjectAltName = DNS:crit.example.com, IP:10.0.0.2
1.3.6.1.4.1.55555.1 = critical, DER:0500
CNF

# sign NAME SUBJECT KEYFILE EXT START END SERIAL [SELF]
# The request is signed with its own key; the certificate with the CA key
# (or its own key when SELF is given).
sign() {
    name=$1 subj=$2 key=$3 ext=$4 start=$5 end=$6 serial=$7 self=${8:-}
    echo "$serial" > db/serial
    openssl req -new -key "$key" -subj "$subj" -out "$name.csr" 2>/dev/null
    if [ -n "$self" ]; then
        openssl ca -batch -config ca.cnf -selfsign -keyfile "$key" \
            -in "$name.csr" -extensions "$ext" -startdate "$start" \
            -enddate "$end" $self -notext -out "$name.pem" 2>/dev/null
    else
        openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key \
            -in "$name.csr" -extensions "$ext" -startdate "$start" \
            -enddate "$end" -notext -out "$name.pem" 2>/dev/null
    fi
    openssl x509 -in "$name.pem" -outform DER -out "$out/$name.der"
}

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ca.key \
    2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key \
    2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -pkeyopt ec_param_enc:named_curve -out p256.key
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 \
    -pkeyopt ec_param_enc:named_curve -out p384.key
openssl genpkey -algorithm ED25519 -out ed25519.key
openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 \
    -out pss.key 2>/dev/null

# CA: self-signed RSA 2048, CA:TRUE.
sign ca "/C=DE/O=tlsdiag/CN=tlsdiag Test CA" ca.key v3_ca \
    20200101000000Z 20400101000000Z 01 "-md sha256"
# RSA 2048 leaf with DNS, IP (v4 and v6) and e-mail SANs, signed by the CA.
sign rsa2048-san "/C=DE/O=tlsdiag/CN=rsa.example.com" rsa.key v3_rsa_san \
    20240101000000Z 20340101120000Z 1001
# EC P-256, self-signed with ECDSA-SHA256.
sign ec-p256 "/CN=ec.example.com" p256.key v3_ec_san \
    20240315083000Z 20290315083000Z 1002 "-md sha256"
# EC P-384, self-signed with ECDSA-SHA384.
sign ec-p384 "/CN=p384.example.com" p384.key v3_leaf \
    20240101000000Z 20300101000000Z 1003 "-md sha384"
# Expired long ago.
sign expired "/CN=expired.example.com" rsa.key v3_leaf \
    20000101000000Z 20010101000000Z 1004
# Valid only from 2099 on (GeneralizedTime: years >= 2050).
sign future "/CN=future.example.com" rsa.key v3_leaf \
    20990101000000Z 21000101000000Z 1005
# Ed25519 key signed by the RSA CA: mbedTLS 2.28 cannot parse the key.
sign ed25519 "/CN=ed25519.example.com" ed25519.key v3_leaf \
    20240101000000Z 20340101000000Z 1006

# Ed25519, self-signed: the signature algorithm is unknown to mbedTLS too.
sign ed25519-self "/CN=ed.example.com" ed25519.key v3_ed_ca \
    20240601000000Z 20250601000000Z 1007 "-md default"
# RSA-PSS key (id-RSASSA-PSS, which 2.28 cannot parse), signed by the CA.
sign rsa-pss "/CN=pss.example.com" pss.key v3_leaf \
    20240101000000Z 20340101000000Z 1008
# A critical extension mbedTLS does not know: rejected, fields still read.
sign critical-ext "/CN=crit.example.com" rsa.key v3_crit \
    20240101000000Z 20340101000000Z 1009

# A certificate cut short, and bytes that are no certificate at all.
head -c 300 "$out/rsa2048-san.der" > "$out/truncated.der"
printf 'this is not a certificate, just text\n' > "$out/garbage.der"
