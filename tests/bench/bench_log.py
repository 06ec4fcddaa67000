#!/usr/bin/env python3
"""Benchmark of `tlsdiag log`: throughput and peak memory on a large log
made of real logs, beside grep on the same file.

    bench_log.py --binary build/tlsdiag [--size-mb 200] [--work DIR]

The log is the seed logs (../shared/seed-logs, when present) and the
project's recorded logs (captures/logs) repeated until it reaches the
size.  Each program runs once to warm the page cache, then --runs times;
the best wall time counts.  Peak memory is the child's maximum resident
set (wait4).  A second file of twice the size checks that memory does not
grow with the log.  Prints figures; asserts nothing (the goals are in the
README)."""
import argparse
import glob
import os
import subprocess
import sys
import time


def build_log(path, size, sources):
    blob = b"\n".join(open(f, "rb").read() for f in sources) + b"\n"
    with open(path, "wb") as f:
        written = 0
        while written < size:
            f.write(blob)
            written += len(blob)
    return os.path.getsize(path)


def run(argv, out_path):
    """(seconds, peak RSS in KiB, exit status) of one run.  GNU time
    measures the peak (a fork of this Python would count its own memory);
    output goes to a file, since grep stops early when it writes to
    /dev/null."""
    rss_file = out_path + ".rss"
    with open(out_path, "wb") as out:
        t0 = time.perf_counter()
        rc = subprocess.call(["/usr/bin/time", "-f", "%M", "-o", rss_file]
                             + argv, stdout=out, stderr=subprocess.DEVNULL)
        secs = time.perf_counter() - t0
    rss = int(open(rss_file).read().split()[-1])
    return secs, rss, rc


def best(argv, runs, out_path):
    run(argv, out_path)
    results = [run(argv, out_path) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results), \
        results[0][2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--source", default=os.path.join(os.path.dirname(
        __file__), "..", ".."))
    ap.add_argument("--shared", default=None)
    ap.add_argument("--size-mb", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/tmp/tlsdiag-bench")
    a = ap.parse_args()
    shared = a.shared or os.path.join(a.source, "..", "shared")
    sources = sorted(glob.glob(os.path.join(shared, "seed-logs", "*.log")))
    sources += sorted(glob.glob(os.path.join(a.source, "captures", "logs",
                                             "**", "*.log"), recursive=True))
    if not sources:
        sys.exit("no logs to build the benchmark from")
    os.makedirs(a.work, exist_ok=True)
    small = os.path.join(a.work, "bench.log")
    big = os.path.join(a.work, "bench2x.log")
    n1 = build_log(small, a.size_mb << 20, sources)
    n2 = build_log(big, 2 * (a.size_mb << 20), sources)
    mb = n1 / 1e6
    print(f"log: {n1 / (1 << 20):.0f} MiB from {len(sources)} real logs, "
          f"{sum(1 for _ in open(small, 'rb'))} lines")
    rows = []
    for name, argv in [
            ("tlsdiag --json log", [a.binary, "--json", "log", small]),
            ("tlsdiag log (text)", [a.binary, "log", small]),
            ("grep -c returned", ["grep", "-c", "returned", small]),
            ("wc -l", ["wc", "-l", small])]:
        secs, rss, rc = best(argv, a.runs, os.path.join(a.work, "out"))
        rows.append((name, secs, rss, rc))
    base = rows[2][1]
    print(f"{'program':22} {'seconds':>8} {'MB/s':>8} {'vs grep':>8} "
          f"{'peak RSS':>10} {'exit':>5}")
    for name, secs, rss, rc in rows:
        print(f"{name:22} {secs:8.3f} {mb / secs:8.1f} {secs / base:7.1f}x "
              f"{rss / 1024:8.1f} MiB {rc:5d}")
    secs2, rss2, _ = best([a.binary, "--json", "log", big], 1,
                          os.path.join(a.work, "out"))
    print(f"memory flatness: {n1 >> 20} MiB -> {rows[0][2] / 1024:.1f} MiB, "
          f"{n2 >> 20} MiB -> {rss2 / 1024:.1f} MiB peak "
          f"({mb * 2 / secs2:.1f} MB/s)")
    goal_speed = mb / rows[0][1] >= 200
    goal_mem = max(rows[0][2], rss2) < 64 * 1024
    print(f"goals: >= 200 MB/s with --json: {'met' if goal_speed else 'NOT met'}; "
          f"peak < 64 MiB and flat: {'met' if goal_mem else 'NOT met'}")
    for f in (small, big, os.path.join(a.work, "out"),
              os.path.join(a.work, "out.rss")):
        os.unlink(f)


if __name__ == "__main__":
    main()
