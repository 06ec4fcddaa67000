#!/bin/sh
# campaign.sh [BUILD_DIR] [TARGET...] - the long fuzz campaign (`make
# fuzz-long FUZZ_SECONDS=N`), outside CI: each target for FUZZ_SECONDS
# (default 3600) on a corpus that persists between runs
# (tests/fuzz/corpus-long/<name>, seeded like run.sh's), with the
# dictionaries; a crash, leak, timeout or out-of-memory is kept in
# tests/fuzz/artifacts/<name>/ and fuzzing goes on (-fork=1 -ignore_*).
# Per target the figures go to tests/fuzz/artifacts/<name>.stats:
# executions, execs/s, corpus size, artifacts found.
set -eu
build=${1:-build-fuzz}
[ $# -gt 0 ] && shift
secs=${FUZZ_SECONDS:-3600}
here=$(cd "$(dirname "$0")" && pwd)
long="$here/corpus-long"
arts="$here/artifacts"
mkdir -p "$long" "$arts"
targets=${*:-$(for b in "$build"/tests/fuzz/fuzz_*; do basename "$b" | sed 's/^fuzz_//'; done)}
for name in $targets; do
    bin="$build/tests/fuzz/fuzz_$name"
    [ -x "$bin" ] || { echo "no $bin"; continue; }
    if [ ! -d "$long/$name" ]; then
        # seeds: what run.sh builds (one second of it) plus the corpus
        FUZZ_SECONDS=1 FUZZ_ONLY=$name sh "$here/run.sh" "$build" >/dev/null 2>&1 || true
        mkdir -p "$long/$name"
        cp -r "$here/corpus-work/$name/." "$long/$name/" 2>/dev/null || true
    fi
    case $name in
        log) dict="-dict=$here/log.dict" ;;
        decode|reply|pcap|x509) dict="-dict=$here/tls.dict" ;;
        *) dict="" ;;
    esac
    mkdir -p "$arts/$name"
    echo "fuzz_$name: ${secs}s"
    start=$(date +%s)
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -fork=1 -ignore_crashes=1 \
        -ignore_timeouts=1 -ignore_ooms=1 $dict \
        -artifact_prefix="$arts/$name/" "$long/$name" \
        > "$arts/$name.log" 2>&1 || true
    end=$(date +%s)
    {
        echo "target fuzz_$name"
        echo "seconds $((end - start))"
        grep -E '^#[0-9]+' "$arts/$name.log" | tail -1
        echo "corpus_files $(ls "$long/$name" | wc -l)"
        echo "artifacts $(ls "$arts/$name" | wc -l)"
    } > "$arts/$name.stats"
    cat "$arts/$name.stats"
done
