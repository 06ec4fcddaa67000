#!/bin/sh
# Run every fuzz target in BUILD_DIR for FUZZ_SECONDS each, starting from
# the committed corpus (tests/fuzz/corpus/<name>/) plus the project's own
# captures; new inputs go to a scratch copy so the committed corpus only
# changes on purpose.  Any crash, leak or timeout fails the run.
set -eu
build=${1:-build-fuzz}
secs=${FUZZ_SECONDS:-30}
here=$(cd "$(dirname "$0")" && pwd)
work="$here/corpus-work"
status=0
for bin in "$build"/tests/fuzz/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin" | sed 's/^fuzz_//')
    # FUZZ_ONLY=NAME: one target (campaign.sh seeds its corpus this way)
    [ -n "${FUZZ_ONLY:-}" ] && [ "$name" != "$FUZZ_ONLY" ] && continue
    rm -rf "$work/$name"
    mkdir -p "$work/$name"
    if [ -d "$here/corpus/$name" ]; then
        cp -r "$here/corpus/$name/." "$work/$name/"
    fi
    # Seeds from the project's own data.  fuzz_decode reads a mode byte
    # (0 client, 1 server, 2 auto) and a split byte before the bytes.
    case $name in
        decode)
            for f in "$here"/../../captures/records/*.bin; do
                [ -f "$f" ] || continue
                case $f in *.client.bin) m='\000' ;; *) m='\001' ;; esac
                { printf "$m\\000"; cat "$f"; } > "$work/$name/$(basename "$f")"
            done ;;
        x509)
            cp "$here"/../data/x509/*.der "$work/$name/" 2>/dev/null || true ;;
        reply)
            # fuzz_reply reads a mode byte (0: the TLS 1.3 reader alone,
            # 1: beside the record-layer decoder) and a chunk byte.
            for f in "$here"/../../captures/records/*.bin; do
                [ -f "$f" ] || continue
                b=$(basename "$f")
                { printf '\000\377'; cat "$f"; } > "$work/$name/r0-$b"
                { printf '\001\037'; cat "$f"; } > "$work/$name/r1-$b"
            done ;;
        pcap)
            # fuzz_pcap reads a mode byte first (0: a pcap file)
            for f in "$here"/../../captures/*.pcap; do
                [ -f "$f" ] || continue
                { printf '\000'; cat "$f"; } > "$work/$name/$(basename "$f")"
            done ;;
        log)
            # fuzz_log reads a split byte first; logs beyond 64 KiB are cut
            # by -max_len anyway.
            for f in "$here"/../../../shared/seed-logs/*.log \
                     "$here"/../../captures/logs/*.log \
                     "$here"/../../captures/logs/*/*.log; do
                [ -f "$f" ] || continue
                { printf '\100'; head -c 60000 "$f"; } \
                    > "$work/$name/$(basename "$f")"
            done ;;
    esac
    # Dictionaries (make-dicts.py): mbedTLS log wording for the log
    # parser, TLS code points for the byte decoders.
    case $name in
        log) dict="-dict=$here/log.dict" ;;
        decode|reply|pcap|x509) dict="-dict=$here/tls.dict" ;;
        *) dict="" ;;
    esac
    echo "fuzz_$name: ${secs}s"
    if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
            -max_len=65536 -print_final_stats=1 $dict \
            -artifact_prefix="$work/$name-" "$work/$name" \
            > "$work/$name.log" 2>&1; then
        echo "fuzz_$name FAILED:"
        tail -60 "$work/$name.log"
        status=1
    else
        grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' \
            "$work/$name.log" | sed "s/^/  /"
    fi
done
exit $status
