#!/usr/bin/env python3
"""Resource limits on hostile and oversized input, scaled down from
`make limits` (tests/bench/limits.py, whose input builders this test
imports): random bytes given as a log, a capture and a hello; captures of
random frames and of random TCP packets; 200,000 half-open connections
(bare SYNs: more than the flow table's 65,536) and 50,000 with a
ClientHello each (more than the 64 MiB the open handshakes may hold); a
ClientHello with 65535 bytes of extensions; a chain of 100 certificates.

Each run checks the exit status, the message (it names the input and says
what was found) and the peak RSS against a bound.  The peak comes from GNU
time (`/usr/bin/time`, package time) when it is there: a child of this
script would otherwise count the script's own pages, which its exec
inherits in the kernel's high-water mark; without it, os.wait4's ru_maxrss
is used, an upper bound.  A binary built with AddressSanitizer (make asan)
is checked for everything but the peak, which its shadow memory and
quarantine make meaningless."""
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "bench"))
from tdtest import Run, eq, loads, true  # noqa: E402
import limits as L  # noqa: E402

t = Run()
TMP = tempfile.mkdtemp(prefix="td-test-limits-")
MiB = 1 << 20
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
with open(t.args.binary, "rb") as _f:
    SANITIZED = b"__asan_init" in _f.read()
if SANITIZED:
    print("note: AddressSanitizer build: peak RSS not checked")


def run(*argv):
    """(exit status, stdout, stderr, peak RSS in MiB) of one run."""
    out, err = os.path.join(TMP, "out"), os.path.join(TMP, "err")
    rss_file = os.path.join(TMP, "rss")
    cmd = [t.args.binary] + list(argv)
    if GNU_TIME:
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_file] + cmd
    with open(out, "wb") as o, open(err, "wb") as e:
        p = subprocess.Popen(cmd, stdout=o, stderr=e, cwd=t.args.source,
                             env=dict(os.environ, NO_COLOR="1"))
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    rss = ru.ru_maxrss
    if GNU_TIME:
        rss = int(open(rss_file).read().split()[-1])
    return (p.returncode,
            open(out, "rb").read().decode("utf-8", "replace"),
            open(err, "rb").read().decode("utf-8", "replace"),
            rss / 1024)


def below(rss, bound, what):
    if SANITIZED:
        return
    true(rss < bound, f"{what}: peak RSS {rss:.1f} MiB, bound {bound} MiB")


def path(name):
    return os.path.join(TMP, name)


def random_as_log():
    p = path("random.bin")
    L.write_random(p, 4 * MiB)
    rc, out, err, rss = run("log", p)
    eq(rc, 3, "exit")
    true(p in err and "no mbedTLS handshake in" in err, f"message: {err}")
    below(rss, 16, "random log")


def random_as_pcap():
    p = path("random.bin")
    rc, out, err, rss = run("pcap", p)
    eq(rc, 3, "exit")
    true(p in err and "not a pcap" in err, f"message: {err}")
    below(rss, 16, "random bytes as a capture")


def random_as_hello():
    for mb in (1, 8):
        p = path(f"random-{mb}.bin")
        L.write_random(p, mb * MiB, seed=mb)
        rc, out, err, rss = run("hello", p)
        eq(rc, 3, f"{mb} MiB: exit")
        true(p in err and "not a TLS record" in err, f"message: {err}")
        # refused after the first 64 KiB: never the whole file in memory
        below(rss, 12, f"{mb} MiB random hello")


def random_like_tls_as_hello():
    """Random bytes behind a first few bytes that pass for TLS: a record
    header, a bare ClientHello, Certificate or ServerHello header, an alert
    record.  They decode into noise: exit 3, saying so."""
    rnd = random.Random(9)
    for i, head in enumerate((b"\x16\x03\x03\x40\x00", b"\x16\x03\x01\x00\x30\x01",
                              b"\x01\x00\x01\x00", b"\x0b\x00\x80\x00",
                              b"\x02\x00\x00\x46", b"\x15\x03\x03\x00\x02",
                              b"\x17\x03\x03\x10\x00")):
        p = path(f"tlsish-{i}.bin")
        open(p, "wb").write(head + rnd.randbytes(256 * 1024))
        rc, out, err, rss = run("hello", p)
        eq(rc, 3, f"{head.hex()}: exit")
        true(p in err and "no TLS message in" in err,
             f"{head.hex()}: message: {err}")


def random_frames():
    p = path("frames.pcap")
    L.write_random_frames(p, 4 * MiB)
    rc, out, err, rss = run("pcap", p)
    eq(rc, 3, "exit")
    true(p in err and "no TLS handshake in" in err, f"message: {err}")
    below(rss, 16, "random frames")


def random_tcp():
    """Every packet a flow whose payload is random: some start like a TLS
    record or an SSLv2 hello and are still not taken for handshakes."""
    p = path("tcp.pcap")
    L.write_random_tcp(p, 16 * MiB)
    rc, out, err, rss = run("pcap", p)
    eq(rc, 3, "exit")
    true(p in err and "no TLS handshake in" in err, f"message: {err}")
    below(rss, 32, "random TCP packets")


def half_open_syn():
    """200,000 SYNs: the flow table keeps 65,536 (16 MiB), evicts the
    rest and says so."""
    p = path("syn.pcap")
    L.write_half_open(p, 200000)
    rc, out, err, rss = run("--json", "pcap", p)
    eq(rc, 3, "exit")
    doc = loads(out, "tlsdiag --json pcap syn.pcap")
    eq(doc["summary"]["evicted_flows"], 200000 - 65536, "evicted flows")
    true(any("closed early" in w and "65536" in w for w in doc["warnings"]),
         f"warnings: {doc['warnings']}")
    below(rss, 32, "200,000 SYNs")


def half_open_hello():
    """50,000 ClientHellos never answered: the open handshakes hold at most
    64 MiB; beyond, the least recently active is diagnosed early (with a
    warning), so every one is still reported."""
    p = path("hello.pcap")
    L.write_half_open(p, 50000, L.records(22, L.small_client_hello()))
    rc, out, err, rss = run("pcap", p)
    eq(rc, 0, f"exit ({err})")
    true("Verdict: 50000 handshakes" in out, "every handshake reported")
    m = re.search(r"; (\d+) handshakes diagnosed before their connection "
                  r"ended \(memory cap\)", out)
    true(m and 10000 < int(m.group(1)) < 50000, "summary: evicted count")
    true(re.search(r"packet \d+: the open handshakes hold more than 64 "
                   r"MiB", " ".join(out.split())), "warning")
    eq(out.count("SNI limits.example"), 30, "handshakes listed")
    true("... 49970 more handshakes not listed (0 failed)"
         in " ".join(out.split()), "the rest counted")
    rc, out, err, rss = run("pcap", "--jsonl", p)
    eq(out.count('"sni":"limits.example"'), 50000, "hellos decoded")
    # 64 MiB of handshakes + 50,000 flows + malloc's overhead
    below(rss, 100, "50,000 half-open connections")


def ext_hellos():
    for shape, exts, count in (("lists", L.exts_lists(), 7),
                               ("many", L.exts_many(), 16383)):
        ch = L.records(22, L.client_hello(exts))
        alert = L.records(21, b"\x02\x28")
        b = path(f"ext-{shape}.bin")
        open(b, "wb").write(ch)
        h = path(f"ext-{shape}.hex")
        open(h, "w").write(ch.hex(" ", 1))
        c = path(f"ext-{shape}.pcap")
        L.write_conversation(c, ch, alert)
        g = path(f"ext-{shape}.log")
        L.write_log(g, ch, alert)
        for cmd, f, want_rc in (("hello", b, 0), ("hello", h, 0),
                                ("pcap", c, 1), ("log", g, 1)):
            rc, out, err, rss = run("--json", cmd, f)
            eq(rc, want_rc, f"{shape} {cmd} {f}: exit ({err})")
            hs = loads(out, f"tlsdiag --json {cmd} {f}")["handshakes"][0][
                "client_hello"]
            true(hs and hs["complete"], f"{shape} {cmd}: complete hello")
            eq(len(hs["extensions"]), count, f"{shape} {cmd}: extensions")
            eq(sum(4 + e["length"] for e in hs["extensions"]), 65535,
               f"{shape} {cmd}: extension bytes")
            below(rss, 32, f"{shape} {cmd}")


def chain():
    ch = L.records(22, L.small_client_hello())
    for n in (100, 101):
        sv = L.server_flight(L.repeat_chain(t.args.source, n))
        b = path(f"chain{n}.bin")
        open(b, "wb").write(ch + sv)
        c = path(f"chain{n}.pcap")
        L.write_conversation(c, ch, sv)
        g = path(f"chain{n}.log")
        L.write_log(g, ch, sv, result="-0x2700")
        for cmd, f in (("hello", b), ("pcap", c), ("log", g)):
            rc, out, err, rss = run("--json", cmd, f)
            true(rc in (0, 1), f"{n} {cmd}: exit {rc} ({err})")
            h = loads(out, f"tlsdiag --json {cmd} {f}")["handshakes"][0]
            eq(len(h["certificates"]), 100, f"{n} {cmd}: certificates")
            true(all(c["parsed"] for c in h["certificates"]),
                 f"{n} {cmd}: every certificate parsed")
            cut = any("more than 100 certificates" in w
                      for w in h["warnings"])
            eq(cut, n > 100, f"{n} {cmd}: cap warning")
            below(rss, 32, f"{n} certificates, {cmd}")


t.check("random bytes as a log", random_as_log)
t.check("random bytes as a capture", random_as_pcap)
t.check("random bytes as a hello", random_as_hello)
t.check("random bytes that start like TLS as a hello",
        random_like_tls_as_hello)
t.check("capture of random frames", random_frames)
t.check("capture of random TCP packets", random_tcp)
t.check("200,000 half-open connections (SYN)", half_open_syn)
t.check("50,000 half-open connections (ClientHello)", half_open_hello)
t.check("ClientHello with 65535 bytes of extensions", ext_hellos)
t.check("chain of 100 certificates", chain)
shutil.rmtree(TMP, ignore_errors=True)
t.finish()
