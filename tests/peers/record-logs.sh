#!/usr/bin/env bash
# record-logs.sh - (re)record captures/logs/ from real peers on 127.0.0.1.
#
# Usage: tests/peers/record-logs.sh [NAME...]   (default: every scenario,
#        the styles/ set and README.md; with NAMEs only those logs/pcaps)
#
# For each row of tests/peers/scenarios.py: start the server, tcpdump on lo
# (root only; without it no .pcap is written), run td_client at debug level
# 4, write captures/logs/NAME.log and NAME.pcap; then the style scenario once
# per --style into captures/logs/styles/; then captures/logs/README.md from
# what the logs and captures really showed. Fails if a peer did not behave
# as its scenario's `wire` entry says. Needs: a build in build/ (or
# TD_BUILD=DIR), openssl, gnutls-serv, python3, tcpdump.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${TD_BUILD:-$ROOT/build}
[[ -f $BUILD/CMakeCache.txt ]] ||
  { echo "record-logs: no CMake build in $BUILD (run: make build)" >&2; exit 1; }
cmake --build "$BUILD" --target td_client >/dev/null
"$ROOT/tests/peers/make-peer-certs.sh"
exec python3 "$ROOT/tests/peers/peers.py" record \
  --td-client "$BUILD/tests/peers/td_client" "$@"
