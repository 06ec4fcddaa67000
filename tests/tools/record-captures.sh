#!/usr/bin/env bash
# shellcheck disable=SC2016  # backticks in printf formats are Markdown, not command substitution
# record-captures.sh - (re)record tlsdiag's own TLS sample captures on 127.0.0.1.
#
# Usage: tests/tools/record-captures.sh [--regen-certs] [--keep-work] [SCENARIO...]
#
#   SCENARIO...     record only these (default: all, see SCENARIOS below)
#   --regen-certs   throw away captures/certs/ and make a new test CA + keys
#                   (implies re-recording every scenario, because the
#                   certificates are inside the captures)
#   --keep-work     keep the scratch directory (logs of s_server/s_client/tcpdump)
#
# Needs: bash, openssl (3.x), tcpdump (run as root or with CAP_NET_RAW),
# tshark, python3 (stdlib only). Everything happens on 127.0.0.1 / lo.
# Each scenario: tcpdump on lo filtered to a free port, one openssl s_server
# (-naccept 1), one openssl s_client; all bounded by `timeout`, every process
# stopped by PID. Outputs (written only after every check passed):
#
#   captures/NAME.pcap                    whole TCP connection, SYN..FIN/RST
#   captures/records/NAME.client.bin      client->server TCP payload (TLS records)
#   captures/records/NAME.server.bin      server->client TCP payload
#   captures/facts/NAME.json              facts derived by tests/tools/capture_facts.py
#   captures/keylog/NAME.keylog           s_client -keylogfile (SSLKEYLOGFILE format;
#                                         only for scenarios that derived secrets)
#   captures/README.md                    regenerated tables
#   captures/certs/                       test CA + server keys (only if missing
#                                         or --regen-certs)
#
# The .bin files are extracted with tshark (tcp.payload per direction) and
# must equal the pure-Python extraction (tests/tools/pcap_tcp_streams.py);
# tshark's record view must equal tests/tools/tls_records.py's walk of the
# .bin; and each scenario's expected facts (--expect lines below) must hold.

set -euo pipefail
export LC_ALL=C PYTHONDONTWRITEBYTECODE=1

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TOOLS=$ROOT/tests/tools
CAP=$ROOT/captures
CERTS=$CAP/certs
PY=${PYTHON:-python3}

# Line the client sends; s_server -rev answers with it reversed.
APP_LINE='hello from tlsdiag record-captures'

SCENARIOS=(
  tls12-rsa
  tls12-ecdsa
  tls13-rsa
  tls13-ecdsa
  tls13-hrr
  tls12-alert-no-shared-cipher
  tls13-only-vs-tls12-client
  tls12-no-sni
)

# ---------------------------------------------------------------------------
# scenario definitions: sets SRV_KEY (rsa|ecdsa), SRV_ARGS, CLI_ARGS,
# CLIENT_OK (1 = s_client must succeed, 0 = must fail), EXPECT, DESC
scenario() {
  SRV_KEY=rsa; SRV_ARGS=(); CLI_ARGS=(); CLIENT_OK=1; DESC=
  EXPECT=(tcp_syn=yes "client_bin_prefix=16 03 01")
  local closed=("decrypted_alerts=client warning close_notify(0); server warning close_notify(0)"
                "tcp_close=client FIN, server FIN")
  local ok12=(negotiated_version="TLS 1.2" hrr=no alerts=- "encrypted_alerts=client,server"
              "server_bin_prefix=16 03 03" "${closed[@]}")
  local ok13=(negotiated_version="TLS 1.3" hrr=no alerts=- "ch_supported_versions=0x0304,0x0303,0x0302,0x0301"
              "server_bin_prefix=16 03 03" "${closed[@]}")
  case $1 in
    tls12-rsa)
      DESC="TLS 1.2 full handshake, RSA cert, SNI localhost, app data both ways, close_notify both ways"
      CLI_ARGS=(-tls1_2 -servername localhost)
      EXPECT+=("${ok12[@]}" sni=localhost cipher_suite=0xc030) ;;
    tls12-ecdsa)
      DESC="as tls12-rsa with the ECDSA P-256 cert"
      SRV_KEY=ecdsa
      CLI_ARGS=(-tls1_2 -servername localhost)
      EXPECT+=("${ok12[@]}" sni=localhost cipher_suite=0xc02c) ;;
    tls13-rsa)
      DESC="TLS 1.3 (server -tls1_3, client default hello), RSA cert, app data, close_notify"
      SRV_ARGS=(-tls1_3)
      CLI_ARGS=(-servername localhost)
      EXPECT+=("${ok13[@]}" sni=localhost cipher_suite=0x1302) ;;
    tls13-ecdsa)
      DESC="as tls13-rsa with the ECDSA P-256 cert"
      SRV_KEY=ecdsa
      SRV_ARGS=(-tls1_3)
      CLI_ARGS=(-servername localhost)
      EXPECT+=("${ok13[@]}" sni=localhost cipher_suite=0x1302) ;;
    tls13-hrr)
      DESC="TLS 1.3 HelloRetryRequest: client key_share x25519 only, server accepts P-256 only"
      SRV_ARGS=(-tls1_3 -groups P-256)
      CLI_ARGS=(-servername localhost -groups X25519:P-256)
      EXPECT+=(negotiated_version="TLS 1.3" hrr=yes hrr_group=secp256r1 client_hellos=2
               ch_key_share=x25519 ch2_key_share=secp256r1 alerts=- sni=localhost
               cipher_suite=0x1302 "server_bin_prefix=16 03 03" "${closed[@]}") ;;
    tls12-alert-no-shared-cipher)
      DESC="TLS 1.2 client offers only ECDHE-ECDSA-AES128-GCM-SHA256 to an RSA-only server: fatal handshake_failure"
      CLI_ARGS=(-tls1_2 -servername localhost -cipher ECDHE-ECDSA-AES128-GCM-SHA256)
      CLIENT_OK=0
      EXPECT+=(negotiated_version=- "alerts=server fatal handshake_failure(40)" ch_cipher_suites=2
               sni=localhost "server_bin_prefix=15 03 03" server_records=1 keylog=-
               "tcp_close=client FIN, server FIN") ;;
    tls13-only-vs-tls12-client)
      DESC="server -tls1_3 only, client -tls1_2: fatal protocol_version"
      SRV_ARGS=(-tls1_3)
      CLI_ARGS=(-tls1_2 -servername localhost)
      CLIENT_OK=0
      EXPECT+=(negotiated_version=- "alerts=server fatal protocol_version(70)" ch_supported_versions=-
               sni=localhost server_records=1 keylog=-
               "tcp_close=client FIN, server FIN") ;;
    tls12-no-sni)
      DESC="as tls12-rsa but the client sends no server_name extension (-noservername)"
      CLI_ARGS=(-tls1_2 -noservername)
      EXPECT+=("${ok12[@]}" sni=- cipher_suite=0xc030) ;;
    *) echo "unknown scenario: $1 (known: ${SCENARIOS[*]})" >&2; return 1 ;;
  esac
}

# ---------------------------------------------------------------------------
log() { printf '[record-captures] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

PIDS=()
track()   { PIDS+=("$1"); }
untrack() { local p keep=(); for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done; PIDS=("${keep[@]}"); }
stop_pid() {   # stop one process we started: SIGTERM, then SIGKILL after 3 s
  local pid=$1 _
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  untrack "$pid"
}

KEEP_WORK=0
WORK=
cleanup() {
  local rc=$? p
  for p in "${PIDS[@]}"; do stop_pid "$p"; done
  if [[ -n $WORK && -d $WORK ]]; then
    if (( KEEP_WORK || rc != 0 )); then log "scratch directory kept: $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for FILE REGEX SECONDS
wait_for() {
  local _
  for _ in $(seq $(( $3 * 10 ))); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

USED_PORTS=" "
free_port() {   # an unused TCP port on 127.0.0.1 (not handed out before in this run)
  local p _
  for _ in $(seq 20); do
    p=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    if [[ $USED_PORTS != *" $p "* ]] && ! ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then
      USED_PORTS+="$p "; echo "$p"; return 0
    fi
  done
  die "no free port found"
}

# hex (stdin, tshark tcp.payload lines) -> bytes (file $1)
unhex() { "$PY" -c 'import sys, binascii; sys.stdout.buffer.write(binascii.unhexlify("".join(sys.stdin.read().split()).replace(":", "")))' >"$1"; }

# ---------------------------------------------------------------------------
CERT_SUBJ_CA='/O=tlsdiag test/CN=tlsdiag test CA'
CERT_SUBJ_RSA='/O=tlsdiag test/OU=RSA/CN=tlsdiag test server'
CERT_SUBJ_ECDSA='/O=tlsdiag test/OU=ECDSA/CN=tlsdiag test server'
CERT_SUBJ_EXPIRED='/O=tlsdiag test/OU=expired/CN=tlsdiag test server'

certs_present() {
  local f
  for f in ca.crt ca.key server-rsa.crt server-rsa.key server-ecdsa.crt server-ecdsa.key \
           server-expired.crt server-expired.key; do
    [[ -s $CERTS/$f ]] || return 1
  done
}

gen_certs() {
  local d=$WORK/ca out=$WORK/certs
  mkdir -p "$d/newcerts" "$out"
  : >"$d/index.txt"
  echo 1000 >"$d/serial"
  cat >"$d/ca.cnf" <<EOF
[ ca ]
default_ca = test_ca
[ test_ca ]
dir            = $d
database       = \$dir/index.txt
new_certs_dir  = \$dir/newcerts
serial         = \$dir/serial
certificate    = $out/ca.crt
private_key    = $out/ca.key
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
[ v3_server_ec ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF
  local ossl=(timeout 60 openssl)
  local ca=("${ossl[@]}" ca -batch -config "$d/ca.cnf" -notext -preserveDN)
  # CA (serial 0x1000), self-signed, valid 2020-01-01 .. 2049-12-31
  "${ossl[@]}" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/ca.key"
  "${ossl[@]}" req -new -config "$d/ca.cnf" -key "$out/ca.key" -subj "$CERT_SUBJ_CA" -out "$d/ca.csr"
  "${ca[@]}" -selfsign -keyfile "$out/ca.key" -in "$d/ca.csr" -out "$out/ca.crt" \
    -extensions v3_ca -startdate 20200101000000Z -enddate 20491231235959Z 2>>"$d/ca.log"
  # RSA 2048 server (0x1001) and ECDSA P-256 server (0x1002): 2025-01-01 .. 2045-12-31
  "${ossl[@]}" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/server-rsa.key"
  "${ossl[@]}" req -new -config "$d/ca.cnf" -key "$out/server-rsa.key" -subj "$CERT_SUBJ_RSA" -out "$d/rsa.csr"
  "${ca[@]}" -in "$d/rsa.csr" -out "$out/server-rsa.crt" -extensions v3_server_rsa \
    -startdate 20250101000000Z -enddate 20451231235959Z 2>>"$d/ca.log"
  "${ossl[@]}" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve \
    -out "$out/server-ecdsa.key"
  "${ossl[@]}" req -new -config "$d/ca.cnf" -key "$out/server-ecdsa.key" -subj "$CERT_SUBJ_ECDSA" -out "$d/ec.csr"
  "${ca[@]}" -in "$d/ec.csr" -out "$out/server-ecdsa.crt" -extensions v3_server_ec \
    -startdate 20250101000000Z -enddate 20451231235959Z 2>>"$d/ca.log"
  # expired RSA 2048 server (0x1003): 2020-01-01 .. 2021-01-01
  "${ossl[@]}" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/server-expired.key"
  "${ossl[@]}" req -new -config "$d/ca.cnf" -key "$out/server-expired.key" -subj "$CERT_SUBJ_EXPIRED" -out "$d/exp.csr"
  "${ca[@]}" -in "$d/exp.csr" -out "$out/server-expired.crt" -extensions v3_server_rsa \
    -startdate 20200101000000Z -enddate 20210101000000Z 2>>"$d/ca.log"
  chmod 0644 "$out"/*
  mkdir -p "$CERTS"
  cp "$out"/* "$CERTS/"
  log "generated new test CA and server certificates in captures/certs/"
}

check_certs() {
  local o
  timeout 10 openssl verify -CAfile "$CERTS/ca.crt" "$CERTS/server-rsa.crt" "$CERTS/server-ecdsa.crt" >/dev/null \
    || die "captures/certs: server-rsa/server-ecdsa do not verify against ca.crt (use --regen-certs)"
  o=$(timeout 10 openssl verify -CAfile "$CERTS/ca.crt" "$CERTS/server-expired.crt" 2>&1 || true)
  [[ $o == *"certificate has expired"* ]] || die "captures/certs/server-expired.crt is not reported as expired: $o"
  local k
  for k in rsa ecdsa expired; do
    [[ $(openssl x509 -in "$CERTS/server-$k.crt" -noout -pubkey) == "$(openssl pkey -in "$CERTS/server-$k.key" -pubout)" ]] \
      || die "captures/certs/server-$k.key does not match server-$k.crt"
  done
}

write_certs_readme() {
  local f
  {
    cat <<'EOF'
# Test certificates and keys — NOT SECRET, TEST USE ONLY

Everything in this directory was generated by `tests/tools/record-captures.sh`
(function `gen_certs`, run with `--regen-certs` to make new ones) purely as
test material for tlsdiag. The private keys are deliberately published in
this repository: they protect nothing, must never be trusted anywhere, and
the CA must never be added to a real trust store.

They are the keys and certificates used by `openssl s_server` when the
captures in `captures/*.pcap` were recorded, so the certificates you find in
those captures are byte-identical to the `.crt` files here. Regenerating the
certs therefore means re-recording all captures (the script does both).

| file | what | subject | serial | validity (UTC) | SHA-256 fingerprint |
|---|---|---|---|---|---|
EOF
    for f in ca server-rsa server-ecdsa server-expired; do
      local c=$CERTS/$f.crt what
      case $f in
        ca) what="test CA, RSA 2048, self-signed, CA:TRUE" ;;
        server-rsa) what="server, RSA 2048, SAN DNS:localhost IP:127.0.0.1" ;;
        server-ecdsa) what="server, ECDSA P-256, SAN DNS:localhost IP:127.0.0.1" ;;
        server-expired) what="server, RSA 2048, same SAN, **expired** (not used in a capture yet)" ;;
      esac
      printf '| `%s.crt` / `%s.key` | %s | `%s` | %s | %s .. %s | `%s` |\n' "$f" "$f" "$what" \
        "$(openssl x509 -in "$c" -noout -subject -nameopt compat | sed 's/^subject=//')" \
        "$(openssl x509 -in "$c" -noout -serial | sed 's/^serial=/0x/')" \
        "$(date -u -d "$(openssl x509 -in "$c" -noout -startdate | sed 's/^notBefore=//')" +%F)" \
        "$(date -u -d "$(openssl x509 -in "$c" -noout -enddate | sed 's/^notAfter=//')" +%F)" \
        "$(openssl x509 -in "$c" -noout -fingerprint -sha256 | sed 's/^.*=//')"
    done
    cat <<'EOF'

All leaf certificates are signed by `ca.crt` (sha256WithRSAEncryption), have
`basicConstraints=critical,CA:FALSE`, `extendedKeyUsage=serverAuth` and
`subjectAltName=DNS:localhost, IP Address:127.0.0.1`. Keys are unencrypted
PKCS#8 PEM. `openssl verify -CAfile ca.crt server-expired.crt` fails with
"certificate has expired" (error 10); the CA's validity covers the expired
certificate's, so expiry is the only problem with it.
EOF
  } >"$CERTS/README.md"
}

# ---------------------------------------------------------------------------
# record_one NAME OUTDIR -> OUTDIR/NAME.pcap, NAME.client.bin, NAME.server.bin, NAME.json
record_one() {
  local name=$1 out=$2 port w td sv crc src
  scenario "$name"
  w=$WORK/$name; rm -rf "$w"; mkdir -p "$w"
  port=$(free_port)
  echo "$port" >"$w/port"

  timeout 60 tcpdump -i lo -n -s 0 -U --immediate-mode -w "$w/$name.pcap" \
    "host 127.0.0.1 and tcp port $port" >"$w/tcpdump.log" 2>&1 &
  td=$!; track "$td"
  wait_for "$w/tcpdump.log" 'listening on' 10 || { cat "$w/tcpdump.log" >&2; die "$name: tcpdump did not start"; }

  timeout 20 openssl s_server -accept "127.0.0.1:$port" -naccept 1 -rev \
    -cert "$CERTS/server-$SRV_KEY.crt" -key "$CERTS/server-$SRV_KEY.key" "${SRV_ARGS[@]}" \
    </dev/null >"$w/server.log" 2>&1 &
  sv=$!; track "$sv"
  wait_for "$w/server.log" '^ACCEPT' 10 || { cat "$w/server.log" >&2; die "$name: s_server did not start"; }

  # client: one line of application data, then (after 1 s, enough for the
  # reversed echo to come back) EOF on stdin -> close_notify + FIN.
  set +e
  { printf '%s\n' "$APP_LINE"; sleep 1; } |
    timeout 15 openssl s_client -connect "127.0.0.1:$port" -nocommands -keylogfile "$w/$name.keylog" \
      -CAfile "$CERTS/ca.crt" -verify_return_error -verify_hostname localhost \
      "${CLI_ARGS[@]}" >"$w/client.log" 2>&1
  crc=${PIPESTATUS[1]}
  wait "$sv"; src=$?
  set -e
  untrack "$sv"
  sleep 0.5   # let the last ACK/FIN reach tcpdump
  kill -INT "$td" 2>/dev/null || true
  wait "$td" 2>/dev/null || true
  untrack "$td"

  log "$name: port $port, s_client exit $crc, s_server exit $src"
  if (( CLIENT_OK )); then
    (( crc == 0 )) || { tail -20 "$w/client.log" >&2; log "$name: s_client failed"; return 1; }
    grep -qF "$("$PY" -c 'import sys; print(sys.argv[1][::-1])' "$APP_LINE")" "$w/client.log" || { log "$name: no reversed echo from s_server"; return 1; }
  else
    (( crc != 0 && crc != 124 )) || { tail -20 "$w/client.log" >&2; log "$name: s_client should have failed (exit $crc)"; return 1; }
  fi

  # TCP payload per direction via tshark.
  timeout 60 tshark -n -r "$w/$name.pcap" -Y "tcp.dstport==$port && tcp.len>0" -T fields -e tcp.payload \
    2>/dev/null | unhex "$w/$name.client.bin"
  timeout 60 tshark -n -r "$w/$name.pcap" -Y "tcp.srcport==$port && tcp.len>0" -T fields -e tcp.payload \
    2>/dev/null | unhex "$w/$name.server.bin"

  local exp=() e keep=("$w/$name.pcap" "$w/$name.client.bin" "$w/$name.server.bin" "$w/$name.json")
  for e in "${EXPECT[@]}"; do exp+=(--expect "$e"); done
  if grep -q '^[A-Z]' "$w/$name.keylog" 2>/dev/null; then
    exp+=(--keylog "$w/$name.keylog"); keep+=("$w/$name.keylog")
  fi
  if ! timeout 120 "$PY" "$TOOLS/capture_facts.py" facts "$name" "$w/$name.pcap" --port "$port" \
       --client-bin "$w/$name.client.bin" --server-bin "$w/$name.server.bin" \
       --json-out "$w/$name.json" "${exp[@]}" >/dev/null; then
    log "$name: capture does not show what it should (see above)"
    return 1
  fi
  rm -f "$out/$name".*
  cp "${keep[@]}" "$out/"
}

write_readme() {
  local f facts=()
  for f in "${SCENARIOS[@]}"; do [[ -f $CAP/facts/$f.json ]] && facts+=("$CAP/facts/$f.json"); done
  {
    cat <<'EOF'
# tlsdiag sample captures

Real TLS connections recorded by the project itself on 127.0.0.1 with
OpenSSL `s_server`/`s_client`, for use as test vectors for the TLS decoder
and the pcap front end. Regenerate with `tests/tools/record-captures.sh`
(as root; needs openssl 3, tcpdump, tshark, python3). The script is the
authoritative description of how each file was made (exact commands in
`scenario()` and `record_one()`). **This README and `facts/*.json` are
written by that script** from what tshark and `tests/tools/tls_records.py`
actually saw on the wire; edit the script, not this file.

Per scenario `NAME`:

* `NAME.pcap` — classic pcap (microsecond timestamps), link type EN10MB
  (Linux `lo` has an all-zero Ethernet header), snaplen 262144 (`-s 0`),
  exactly one TCP connection, SYN to FIN, capture filter
  `host 127.0.0.1 and tcp port PORT`. PORT is random per recording
  (`server_port` in `facts/NAME.json`); tshark decodes it as TLS only with
  `-d tcp.port==PORT,tls`.
* `records/NAME.client.bin`, `records/NAME.server.bin` — the TCP payload of
  each direction concatenated in sequence order, i.e. the raw TLS record
  stream (extracted with tshark `-e tcp.payload`; the script checks it is
  byte-identical to the pure-Python extraction in
  `tests/tools/pcap_tcp_streams.py`). No record is cut at either end.
* `keylog/NAME.keylog` — `s_client -keylogfile` output (SSLKEYLOGFILE
  format) for the scenarios that completed a handshake, so tshark (or a
  future tlsdiag option) can decrypt them. Test secrets only.
* `facts/NAME.json` — everything in the tables below as a flat JSON object
  of strings (`-` = absent), for table-driven tests.
* `certs/` — test CA and server keys used by `s_server` (see
  `certs/README.md`; test keys only, deliberately committed).

Common setup for every scenario:

    openssl s_server -accept 127.0.0.1:PORT -naccept 1 -rev \
        -cert certs/server-{rsa|ecdsa}.crt -key certs/server-{rsa|ecdsa}.key  [server options]
    { echo 'hello from tlsdiag record-captures'; sleep 1; } |
    openssl s_client -connect 127.0.0.1:PORT -nocommands -keylogfile keylog/NAME.keylog \
        -CAfile certs/ca.crt -verify_return_error -verify_hostname localhost  [client options]

with `OPENSSL_CONF` pointing at an empty file (compiled-in OpenSSL
defaults, no distro policy). The client sends one line (35 bytes of
application data), `s_server -rev` echoes it reversed, and 1 s later the
client's stdin reaches EOF so it sends close_notify and FIN; the server
answers with close_notify and FIN.

| scenario | what it shows | server options | client options |
|---|---|---|---|
EOF
    local n
    for n in "${SCENARIOS[@]}"; do
      scenario "$n"
      printf '| `%s` | %s | `-cert server-%s.crt%s` | `%s` |\n' "$n" "$DESC" "$SRV_KEY" \
        "${SRV_ARGS[*]:+ ${SRV_ARGS[*]}}" "${CLI_ARGS[*]}"
    done
    printf '\n## Files\n\n'
    if (( ${#facts[@]} )); then "$PY" "$TOOLS/capture_facts.py" files "$CAP" "${facts[@]}"; fi
    cat <<EOF

## Facts a test can assert (recorded with $(openssl version | awk '{print $1, $2}'), tshark $(tshark --version 2>/dev/null | head -1 | awk '{print $3}'))

Suite = the ServerHello cipher_suite; version = the ServerHello
supported_versions extension if present, else its legacy_version. "records
C/S" counts TLS records (not handshake messages, not TCP segments) in the
client/server .bin. "alert (plaintext)" lists only alerts readable without
keys; a clean close is one *encrypted* alert per direction in TLS 1.2 and
one more application_data record per direction in TLS 1.3 (see the
decrypted table).

Stable across re-recordings: versions, suites, extension lists, record
counts/types/order, alert bytes, the .bin prefixes. Not stable: randoms,
keys, tickets, ports, timestamps, TCP packet count (ACK timing), and the
exact length of ECDSA signatures (DER, 70-72 bytes) and hence of the ECDSA
scenarios' server bytes.

EOF
    if (( ${#facts[@]} )); then "$PY" "$TOOLS/capture_facts.py" table "${facts[@]}"; fi
    cat <<'EOF'

## Things worth knowing (observed on the wire)

* **TLS 1.2 scenarios carry the RFC 8446 downgrade sentinel.** `s_server`
  is TLS 1.3-capable and the client is capped with `-tls1_2`, so the last 8
  bytes of the ServerHello random are `44 4F 57 4E 47 52 44 01`
  ("DOWNGRD\x01"). This is correct behaviour (the client did not offer
  1.3), not an attack; a decoder that flags it must check the ClientHello.
* **`-tls1_2` makes a genuine TLS 1.2 ClientHello**: no supported_versions,
  no key_share, no TLS 1.3 suites, empty session_id, 28 suites ending in
  the `TLS_EMPTY_RENEGOTIATION_INFO_SCSV` (0x00ff) instead of a
  renegotiation_info extension. Extensions: server_name (unless
  `-noservername`), ec_point_formats, supported_groups, session_ticket
  (empty), encrypt_then_mac, extended_master_secret, signature_algorithms.
  No ALPN, status_request, padding or GREASE anywhere.
* **The default (TLS 1.3) ClientHello still offers TLS 1.1 and 1.0** in
  supported_versions (`0x0304,0x0303,0x0302,0x0301`, OpenSSL compiled-in
  defaults), 31 suites (3 TLS 1.3 + 28), a 32-byte legacy session_id
  (middlebox compatibility) and a key_share for x25519 only.
* Every first ClientHello has record-layer version 0x0301 (`16 03 01`);
  every other record from either side, including the fatal alerts from the
  TLS 1.3-only server, uses 0x0303.
* **TLS 1.2 server flights include a plaintext NewSessionTicket** (type 4)
  before the server's ChangeCipherSpec, and the ServerHello session_id is
  empty. The ServerHello echoes renegotiation_info, ec_point_formats,
  session_ticket and extended_master_secret, but *not* server_name:
  `s_server` without `-servername` never acknowledges SNI, so an SNI ack is
  not a usable signal here.
* **TLS 1.3 middlebox-compatibility CCS records**: the server sends a CCS
  right after its ServerHello (after the HelloRetryRequest in `tls13-hrr`),
  the client one before its Finished (before the second ClientHello in
  `tls13-hrr`). In `tls13-hrr` a *plaintext* ServerHello/ClientHello follows
  a CCS, so "everything after CCS is encrypted" (TLS 1.2 logic) is wrong
  for TLS 1.3.
* TLS 1.3 server: every encrypted handshake message is its own record
  (EncryptedExtensions, Certificate, CertificateVerify, Finished), then two
  NewSessionTickets (OpenSSL default `num_tickets` = 2), the echoed line and
  close_notify: 8 records of outer type 23 that only the key log can tell
  apart.
* `tls13-hrr`: the HelloRetryRequest has only supported_versions and
  key_share (selected group secp256r1), no cookie; it echoes the client's
  32-byte session_id. The second ClientHello carries only a secp256r1 share.
* Alert scenarios: the server's whole output is one 7-byte record
  (`15 03 03 00 02 02 28` resp. `15 03 03 00 02 02 46`), followed by a
  normal FIN (no RST); the client sends nothing after its ClientHello. The
  no-shared-cipher ClientHello lists 2 suites (0xc02b and the SCSV 0x00ff).
* Clean close: the client sends close_notify and immediately FIN
  (half-close); in these recordings the server's close_notify and FIN
  follow the client's FIN.
EOF
  } >"$CAP/README.md"
}

# ---------------------------------------------------------------------------
main() {
  local regen=0 sel=() a
  for a in "$@"; do
    case $a in
      --regen-certs) regen=1 ;;
      --keep-work) KEEP_WORK=1 ;;
      -h|--help) sed -n '3,32p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
      -*) die "unknown option $a" ;;
      *) scenario "$a" >/dev/null || exit 2; sel+=("$a") ;;
    esac
  done
  local t
  for t in openssl tcpdump tshark "$PY" timeout ss; do
    command -v "$t" >/dev/null || die "$t not found"
  done
  [[ $(openssl version) == "OpenSSL 3."* ]] || log "warning: expected OpenSSL 3.x, have $(openssl version)"

  WORK=$(mktemp -d "${TMPDIR:-/tmp}/tlsdiag-record-captures.XXXXXX")
  # Compiled-in OpenSSL defaults only: no distro openssl.cnf (MinProtocol,
  # CipherString, SECLEVEL ...) may change what goes on the wire.
  : >"$WORK/openssl-empty.cnf"
  export OPENSSL_CONF=$WORK/openssl-empty.cnf
  mkdir -p "$CAP/records" "$CAP/facts" "$CAP/keylog" "$WORK/out"

  if (( regen )) || ! certs_present; then
    gen_certs
    sel=()   # new certs: every capture must be re-recorded
  fi
  check_certs
  write_certs_readme
  (( ${#sel[@]} )) || sel=("${SCENARIOS[@]}")

  local n attempt failed=()
  for n in "${sel[@]}"; do
    for attempt in 1 2 3; do
      if record_one "$n" "$WORK/out"; then break; fi
      log "$n: attempt $attempt failed"
      if (( attempt == 3 )); then failed+=("$n"); fi
    done
  done
  (( ${#failed[@]} == 0 )) || die "scenarios failed: ${failed[*]} (nothing written)"

  for n in "${sel[@]}"; do
    cp "$WORK/out/$n.pcap" "$CAP/$n.pcap"
    cp "$WORK/out/$n.client.bin" "$WORK/out/$n.server.bin" "$CAP/records/"
    cp "$WORK/out/$n.json" "$CAP/facts/$n.json"
    rm -f "$CAP/keylog/$n.keylog"
    if [[ -f $WORK/out/$n.keylog ]]; then cp "$WORK/out/$n.keylog" "$CAP/keylog/$n.keylog"; fi
    log "$n: ok ($(stat -c %s "$CAP/$n.pcap") bytes pcap)"
  done
  write_readme
  log "total size of captures/: $(du -sb "$CAP" | cut -f1) bytes"
}

main "$@"
