#!/bin/sh
# demo-probe.sh BINARY - `make demo`'s live part: an openssl s_server with
# only an RSA certificate on 127.0.0.1, probed with the recorded log of a
# device that offered only ECDSA suites.  The server is stopped by its PID.
set -u
bin=${1:-./build/tlsdiag}
here=$(cd "$(dirname "$0")/../.." && pwd)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
OPENSSL_CONF=/dev/null openssl s_server -accept "127.0.0.1:$port" -quiet \
    -cert "$here/captures/certs/server-rsa.crt" \
    -key "$here/captures/certs/server-rsa.key" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT INT TERM
i=0
while ! python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 50 ] && { echo "s_server did not start"; exit 1; }
    sleep 0.1
done
echo "\$ tlsdiag probe localhost:$port --connect-to 127.0.0.1 --from captures/logs/ecdsa-only-vs-rsa.log --ca captures/certs/ca.crt"
"$bin" probe "localhost:$port" --connect-to 127.0.0.1 \
    --from "$here/captures/logs/ecdsa-only-vs-rsa.log" \
    --ca "$here/captures/certs/ca.crt" || true
