#!/usr/bin/env bash
# shellcheck disable=SC2016  # backticks in printf formats are Markdown
# make-peer-certs.sh - the extra test certificates of the real-peer suite.
#
# Usage: tests/peers/make-peer-certs.sh [--force]
#
# Adds to captures/certs/ (never touches the files tests/tools/record-captures.sh
# made there: ca.*, server-rsa.*, server-ecdsa.*, server-expired.*, README.md):
#
#   peer-unknown-ca.crt/.key        a second CA that no client trusts
#   peer-server-unknown-ca.crt/.key server cert (RSA 2048, SAN localhost,
#                                   127.0.0.1) signed by that unknown CA
#   peer-client.crt/.key            client cert (ECDSA P-256, clientAuth)
#                                   signed by the project's test CA (ca.crt)
#   PEERS.md                        what these files are (written here)
#
# TEST KEYS ONLY: published on purpose, they protect nothing.
# Without --force, existing files are kept if they still verify (the client
# cert against the current ca.crt); a regenerated ca.crt makes peer-client.crt
# stale, and this script then makes it again. Needs openssl 3.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CERTS=$ROOT/captures/certs
FORCE=0
[[ ${1-} == --force ]] && FORCE=1

[[ -f $CERTS/ca.crt && -f $CERTS/ca.key ]] ||
  { echo "make-peer-certs: $CERTS/ca.crt missing (run tests/tools/record-captures.sh --regen-certs)" >&2; exit 1; }

ok() {   # are the files there and do they verify?
  local f
  for f in peer-unknown-ca peer-server-unknown-ca peer-client; do
    [[ -f $CERTS/$f.crt && -f $CERTS/$f.key ]] || return 1
  done
  openssl verify -CAfile "$CERTS/peer-unknown-ca.crt" "$CERTS/peer-server-unknown-ca.crt" >/dev/null 2>&1 &&
  openssl verify -CAfile "$CERTS/ca.crt" "$CERTS/peer-client.crt" >/dev/null 2>&1
}
if (( !FORCE )) && ok; then
  echo "make-peer-certs: peer certificates present and valid (use --force to remake)"
  exit 0
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
OSSL=(timeout 60 openssl)
export OPENSSL_CONF=$WORK/empty.cnf
: >"$OPENSSL_CONF"

mkca() {   # mkca DIR CERT KEY SERIAL: an `openssl ca` setup around CERT/KEY
  local d=$1
  mkdir -p "$d/newcerts"
  : >"$d/index.txt"
  echo "$4" >"$d/serial"
  cat >"$d/ca.cnf" <<EOF
[ ca ]
default_ca = test_ca
[ test_ca ]
dir            = $d
database       = \$dir/index.txt
new_certs_dir  = \$dir/newcerts
serial         = \$dir/serial
certificate    = $2
private_key    = $3
default_md     = sha256
policy         = policy_any
unique_subject = no
copy_extensions = none
email_in_dn    = no
[ policy_any ]
organizationName       = optional
organizationalUnitName = optional
commonName             = supplied
[ req ]
distinguished_name = req_dn
string_mask        = utf8only
[ req_dn ]
[ v3_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
[ v3_server_rsa ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
[ v3_client_ec ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF
}

# Unknown CA (serial 0x2000), self-signed, 2020-01-01 .. 2049-12-31
U=$WORK/unknown
mkca "$U" "$WORK/peer-unknown-ca.crt" "$WORK/peer-unknown-ca.key" 2000
"${OSSL[@]}" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/peer-unknown-ca.key" 2>/dev/null
"${OSSL[@]}" req -new -config "$U/ca.cnf" -key "$WORK/peer-unknown-ca.key" \
  -subj "/O=tlsdiag peer test/CN=tlsdiag unknown CA" -out "$U/ca.csr"
"${OSSL[@]}" ca -batch -config "$U/ca.cnf" -notext -preserveDN -selfsign \
  -keyfile "$WORK/peer-unknown-ca.key" -in "$U/ca.csr" -out "$WORK/peer-unknown-ca.crt" \
  -extensions v3_ca -startdate 20200101000000Z -enddate 20491231235959Z 2>>"$U/ca.log"
# Server signed by the unknown CA (0x2001), 2025-01-01 .. 2045-12-31
"${OSSL[@]}" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/peer-server-unknown-ca.key" 2>/dev/null
"${OSSL[@]}" req -new -config "$U/ca.cnf" -key "$WORK/peer-server-unknown-ca.key" \
  -subj "/O=tlsdiag peer test/OU=unknown CA/CN=tlsdiag test server" -out "$U/srv.csr"
"${OSSL[@]}" ca -batch -config "$U/ca.cnf" -notext -preserveDN -in "$U/srv.csr" \
  -out "$WORK/peer-server-unknown-ca.crt" -extensions v3_server_rsa \
  -startdate 20250101000000Z -enddate 20451231235959Z 2>>"$U/ca.log"
# Client (device) cert signed by the project's test CA (0x2101)
T=$WORK/test
mkca "$T" "$CERTS/ca.crt" "$CERTS/ca.key" 2101
"${OSSL[@]}" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
  -pkeyopt ec_param_enc:named_curve -out "$WORK/peer-client.key" 2>/dev/null
"${OSSL[@]}" req -new -config "$T/ca.cnf" -key "$WORK/peer-client.key" \
  -subj "/O=tlsdiag test/OU=client/CN=tlsdiag test device" -out "$T/cli.csr"
"${OSSL[@]}" ca -batch -config "$T/ca.cnf" -notext -preserveDN -in "$T/cli.csr" \
  -out "$WORK/peer-client.crt" -extensions v3_client_ec \
  -startdate 20250101000000Z -enddate 20451231235959Z 2>>"$T/ca.log"

openssl verify -CAfile "$WORK/peer-unknown-ca.crt" "$WORK/peer-server-unknown-ca.crt" >/dev/null
openssl verify -CAfile "$CERTS/ca.crt" "$WORK/peer-client.crt" >/dev/null
if openssl verify -CAfile "$CERTS/ca.crt" "$WORK/peer-server-unknown-ca.crt" >/dev/null 2>&1; then
  echo "make-peer-certs: the unknown-CA server cert verifies against ca.crt?" >&2; exit 1
fi
for f in peer-unknown-ca peer-server-unknown-ca peer-client; do
  install -m 0644 "$WORK/$f.crt" "$CERTS/$f.crt"
  install -m 0644 "$WORK/$f.key" "$CERTS/$f.key"
done

{
  cat <<'EOF'
# Peer-suite certificates — NOT SECRET, TEST USE ONLY

Made by `tests/peers/make-peer-certs.sh` (in addition to the files of
`README.md`, which it never touches) for the real-peer scenarios of
`tests/peers/scenarios.py`. The keys are published on purpose and protect
nothing; never trust these certificates anywhere.

| file | what | subject | issuer | serial | validity (UTC) | SHA-256 fingerprint |
|---|---|---|---|---|---|---|
EOF
  for f in peer-unknown-ca peer-server-unknown-ca peer-client; do
    c=$CERTS/$f.crt
    case $f in
      peer-unknown-ca) what="CA, RSA 2048, self-signed, trusted by nobody" ;;
      peer-server-unknown-ca) what="server, RSA 2048, SAN DNS:localhost IP:127.0.0.1, signed by the unknown CA (scenario ca-unknown)" ;;
      peer-client) what="client (device), ECDSA P-256, clientAuth, signed by ca.crt" ;;
    esac
    printf '| `%s.crt` / `%s.key` | %s | `%s` | `%s` | %s | %s .. %s | `%s` |\n' "$f" "$f" "$what" \
      "$(openssl x509 -in "$c" -noout -subject -nameopt compat | sed 's/^subject=//')" \
      "$(openssl x509 -in "$c" -noout -issuer -nameopt compat | sed 's/^issuer=//')" \
      "$(openssl x509 -in "$c" -noout -serial | sed 's/^serial=/0x/')" \
      "$(date -u -d "$(openssl x509 -in "$c" -noout -startdate | sed 's/^notBefore=//')" +%F)" \
      "$(date -u -d "$(openssl x509 -in "$c" -noout -enddate | sed 's/^notAfter=//')" +%F)" \
      "$(openssl x509 -in "$c" -noout -fingerprint -sha256 | sed 's/^.*=//')"
  done
} >"$CERTS/PEERS.md"
echo "make-peer-certs: wrote peer-unknown-ca, peer-server-unknown-ca, peer-client and PEERS.md in $CERTS"
