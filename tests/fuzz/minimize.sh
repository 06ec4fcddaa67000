#!/bin/sh
# minimize.sh [BUILD_DIR] [TARGET...] - fold the campaign's corpus
# (tests/fuzz/corpus-long/<name>) into the committed one
# (tests/fuzz/corpus/<name>): libFuzzer's -merge=1 keeps the smallest set
# of inputs that reaches the same features as both together, and inputs
# over MAX_BYTES (default 4096) are left out so the repository stays
# small.  CI's smoke run (run.sh) starts from the committed corpus.
set -eu
build=${1:-build-fuzz-long}
[ $# -gt 0 ] && shift
max=${MAX_BYTES:-4096}
here=$(cd "$(dirname "$0")" && pwd)
targets=${*:-$(ls "$here/corpus-long" 2>/dev/null)}
for name in $targets; do
    bin="$build/tests/fuzz/fuzz_$name"
    long="$here/corpus-long/$name"
    [ -x "$bin" ] && [ -d "$long" ] || { echo "skip $name"; continue; }
    tmp=$(mktemp -d)
    small="$tmp/small"
    mkdir -p "$small" "$tmp/merged"
    # candidates: the committed corpus and the campaign's small inputs
    for f in "$here/corpus/$name"/* "$long"/*; do
        [ -f "$f" ] || continue
        [ "$(wc -c < "$f")" -le "$max" ] && cp "$f" "$small/"
    done
    "$bin" -merge=1 -rss_limit_mb=4096 -max_len=65536 -timeout=10 \
        "$tmp/merged" "$small" > "$tmp/merge.log" 2>&1 || {
        echo "$name: merge failed"; tail -20 "$tmp/merge.log"; rm -rf "$tmp"
        continue; }
    rm -rf "$here/corpus/$name"
    mkdir -p "$here/corpus/$name"
    cp "$tmp/merged"/* "$here/corpus/$name/" 2>/dev/null || true
    echo "$name: $(ls "$here/corpus/$name" | wc -l) inputs," \
         "$(du -sk "$here/corpus/$name" | cut -f1) KiB"
    rm -rf "$tmp"
done
