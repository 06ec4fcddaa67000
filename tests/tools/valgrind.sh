#!/bin/sh
# valgrind.sh [BUILD_DIR] - `make valgrind`: the unit tests and the command
# line under valgrind memcheck.  Every run uses
#
#   valgrind --error-exitcode=N --leak-check=full
#            --errors-for-leak-kinds=definite,indirect
#
# with one log file per process in BUILD_DIR/valgrind/; any error or leak
# of those kinds fails the run, whatever the exit status of the program.
# N is 1 for the cmocka tests; for tlsdiag it is 99, as tlsdiag's own 1
# means "a failed handshake was diagnosed".
#
# What runs, and what does not:
# - every cmocka program (tests/test_*), the ones that fork servers and
#   measure deadlines included: they start their peers (openssl, gnutls,
#   scripted servers) as children, which are not traced
#   (--child-silent-after-fork), and their deadlines are about the peer,
#   not about the speed of our code; under valgrind they pass with room;
# - tlsdiag on every recorded input: log (captures/logs, its mbedTLS 3.6
#   logs and the seed logs in ../shared), pcap (captures/*.pcap and
#   captures/logs/*.pcap), hello (captures/records/*.bin, alone and each
#   client with its server), explain (alerts, error codes, verify flags),
#   each in text with -v and in JSON;
# - probe (the ECDSA-only device log against an RSA-only server: alerts,
#   the variant search, the full handshake, chain verification) and scan
#   (its chains in threads) against a local openssl s_server;
# - the command-line tests that run tlsdiag on files (tests/cli: explain,
#   hello, log, pcap, pcap_truth; the golden rows), with tlsdiag under
#   valgrind (tests/tools/vg-tlsdiag.sh), for the options and the error
#   paths.
# Not run under valgrind: the command-line tests of probe, scan and the
# real peers (test_probe, test_scan, test_peers, test_limits): they
# time servers that stall or drip bytes against tlsdiag's deadlines, and
# valgrind's slowdown (20 to 50 times) would turn their timing into
# failures that say nothing about memory; the probe and scan runs above
# and test_probembedtls, test_probenet, test_tls13read cover that code.
# test_log_formats (the same logs in twelve prefix styles, 195 runs) is
# left to ASan: the line reader it exercises is run here by every log.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
jobs=${JOBS:-2}
shared=${TD_SHARED_DIR:-$here/../shared}
logs=$build/valgrind
rm -rf "$logs"
mkdir -p "$logs"
export TD_SHARED_DIR="$shared" TD_SOURCE_DIR="$here" NO_COLOR=1
VG="valgrind --error-exitcode=1 --leak-check=full \
--errors-for-leak-kinds=definite,indirect --child-silent-after-fork=yes"
export TD_VG_BINARY="$build/tlsdiag" TD_VG_LOGS="$logs"
vgt="$here/tests/tools/vg-tlsdiag.sh"
fail=0
start=$(date +%s)

say() { printf '%s\n' "$*"; }

# ---- the cmocka programs, JOBS at a time; the two longest under valgrind
# (minutes: every chunking of the RFC 8448 flight, every prefix of every
# record) first, so that the others run beside them
say "valgrind: unit tests"
slow='/test_(tls13read|decode)$'
{
    ls "$build"/tests/test_* | grep -v '\.' | grep -E "$slow"
    ls "$build"/tests/test_* | grep -v '\.' | grep -v -E "$slow"
} > "$logs/unit.list"
# shellcheck disable=SC2016
xargs -P "$jobs" -I{} sh -c '
    t={}; n=$(basename "$t")
    if '"$VG"' -q --log-file="'"$logs"'/unit-$n.%p.log" "$t" \
        > "'"$logs"'/unit-$n.out" 2>&1; then
        echo "  ok    $n"
    else
        echo "  FAIL  $n (see '"$logs"'/unit-$n.*)"; exit 1
    fi' < "$logs/unit.list" || fail=1

# ---- tlsdiag on the recorded inputs
say "valgrind: tlsdiag on the recorded inputs"
{
    for f in "$here"/captures/logs/*.log "$here"/captures/logs/mbedtls3/*.log \
             "$shared"/seed-logs/*.log; do
        [ -f "$f" ] || continue
        printf 'log -v %s\n--json log %s\n' "$f" "$f"
    done
    for f in "$here"/captures/*.pcap "$here"/captures/logs/*.pcap; do
        [ -f "$f" ] || continue
        printf 'pcap -v %s\n--json pcap %s\n' "$f" "$f"
    done
    for f in "$here"/captures/records/*.bin; do
        printf 'hello -v %s\n' "$f"
    done
    for c in "$here"/captures/records/*.client.bin; do
        s=${c%.client.bin}.server.bin
        [ -f "$s" ] && printf 'hello -v %s %s\n--json hello %s %s\n' \
            "$c" "$s" "$c" "$s"
    done
    printf '%s\n' \
        'explain 40 [2:42] handshake_failure 80 112 -0x7780 -0x2700 -0x7200 -0x5D80 -0x7680 -0x4290 ffff8880 7A00 MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE 00000008 --flags 0c' \
        '--json explain 0x7780 -30592 116 -0x7800 -0x262e --flags 00000009 4'
} > "$logs/cli.list"
# One run per line; the words of a line are the arguments (no file name
# in captures/ or ../shared holds a space).
# shellcheck disable=SC2016
xargs -P "$jobs" -L 1 sh -c '
    "$0" "$@" > /dev/null 2>&1
    rc=$?
    if [ $rc -gt 4 ]; then echo "  FAIL  tlsdiag $* (exit $rc)"; exit 1; fi
    ' "$vgt" < "$logs/cli.list" || fail=1
say "  $(wc -l < "$logs/cli.list") runs"

# ---- probe and scan against a local openssl s_server (RSA certificate)
say "valgrind: probe and scan against openssl s_server"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
OPENSSL_CONF=/dev/null openssl s_server -accept "127.0.0.1:$port" -quiet \
    -cert "$here/captures/certs/server-rsa.crt" \
    -key "$here/captures/certs/server-rsa.key" >/dev/null 2>&1 &
srv=$!
i=0
while ! python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 50 ]; then say "  s_server did not start"; fail=1; break; fi
    sleep 0.1
done
for args in \
    "probe localhost:$port --connect-to 127.0.0.1 --from $here/captures/logs/ecdsa-only-vs-rsa.log --ca $here/captures/certs/ca.crt -v" \
    "--json probe localhost:$port --connect-to 127.0.0.1 --ca $here/captures/certs/ca.crt" \
    "scan localhost:$port --connect-to 127.0.0.1 --ca $here/captures/certs/ca.crt"; do
    # shellcheck disable=SC2086
    "$vgt" $args > "$logs/net.out" 2>&1
    rc=$?
    if [ $rc -gt 4 ]; then say "  FAIL  tlsdiag $args (exit $rc)"; fail=1; fi
done
kill "$srv" 2>/dev/null
wait "$srv" 2>/dev/null

# ---- the command-line tests, tlsdiag under valgrind
say "valgrind: command-line tests"
{
    for t in test_pcap test_pcap_truth test_explain test_hello test_log; do
        echo "$here/tests/cli/$t.py"
    done
    echo "$here/tests/golden/run_golden.py"
} > "$logs/py.list"
# shellcheck disable=SC2016
xargs -P "$jobs" -I{} sh -c '
    t={}; n=$(basename "$t" .py)
    if python3 "$t" --binary "'"$vgt"'" --source "'"$here"'" \
        --shared "'"$shared"'" > "'"$logs"'/py-$n.out" 2>&1; then
        echo "  ok    $n"
    else
        echo "  FAIL  $n (see '"$logs"'/py-$n.out)"; exit 1
    fi' < "$logs/py.list" || fail=1

# ---- every log file must be empty: with -q valgrind writes only errors
bad=$(find "$logs" -name '*.log' -size +0 | sort)
if [ -n "$bad" ]; then
    say "valgrind reported errors:"
    for f in $bad; do
        say "== $f"
        head -40 "$f"
    done
    fail=1
fi
runs=$(find "$logs" -name '*.log' | wc -l)
say "valgrind: $runs processes checked in $(( $(date +%s) - start )) s"
if [ $fail -ne 0 ]; then
    say "valgrind: FAILED"
    exit 1
fi
say "valgrind: clean"
