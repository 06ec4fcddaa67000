#!/bin/sh
# coverage.sh [CORPUS_ROOT] - line coverage of each fuzz target's corpus
# (llvm-cov): the targets are built again with clang's source-based
# coverage in build-fuzz-cov/, every input of CORPUS_ROOT/<name>/
# (default: the campaign's tests/fuzz/corpus-long, else the committed
# tests/fuzz/corpus) is run once (-runs=0), and the lines of src/ that ran
# are counted.  Prints one line per target: inputs, the lines of src/ code
# linked into the target, and the share of them that ran.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=${1:-}
if [ -z "$corpus" ]; then
    if [ -d "$here/corpus-long" ]; then corpus="$here/corpus-long"; else corpus="$here/corpus"; fi
fi
build="$root/build-fuzz-cov"
CC=clang cmake -S "$root" -B "$build" -DTD_FUZZ=ON -DTD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS="-fprofile-instr-generate -fcoverage-mapping" \
    -DCMAKE_EXE_LINKER_FLAGS="-fprofile-instr-generate" >/dev/null
cmake --build "$build" -j 2 >/dev/null
profdata=$(command -v llvm-profdata || command -v llvm-profdata-14)
cov=$(command -v llvm-cov || command -v llvm-cov-14)
printf '%-8s %8s %8s %8s\n' target inputs lines covered
for bin in "$build"/tests/fuzz/fuzz_*; do
    name=$(basename "$bin" | sed 's/^fuzz_//')
    dir="$corpus/$name"
    [ -d "$dir" ] || continue

    rm -f "$build"/$name*.profraw
    LLVM_PROFILE_FILE="$build/$name-%p.profraw" "$bin" -runs=0 \
        -rss_limit_mb=4096 -max_len=65536 "$dir" >/dev/null 2>&1 || true
    "$profdata" merge -sparse "$build"/$name-*.profraw -o "$build/$name.profdata"
    # TOTAL row of the src/ files: lines, missed lines
    "$cov" report "$bin" -instr-profile="$build/$name.profdata" \
        "$root/src" > "$build/$name.cov.txt" 2>/dev/null || true
    total=$(grep '^TOTAL' "$build/$name.cov.txt" | awk '{print $8, $9, $10}')
    n=$(ls "$dir" | wc -l)
    # lines and covered over all src/ files (unreached files count as 0)
    set -- $total
    lines=${1:-0}; missed=${2:-0}; pct=${3:-0%}
    printf '%-8s %8s %8s %8s\n' "$name" "$n" "$lines" "$pct"
done
