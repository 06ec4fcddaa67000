#!/usr/bin/env python3
"""Benchmark of `tlsdiag scan` against sslscan and testssl.sh.

    bench_scan.py --binary build/tlsdiag [--tools tlsdiag,sslscan,testssl]
                  [--servers NAME,...] [--work DIR]

The same local servers as tests/cli/test_scan.py (openssl s_server and
gnutls-serv on 127.0.0.1, the project's test certificates), one at a time.
Every tool reaches the server through a small TCP proxy in this script that
counts the connections it accepts, so "connections" is what the server
saw, not what a tool says.  For each server and tool: connections, wall
time, and whether the tool's findings agree with tlsdiag's on protocol
versions, cipher suites (per version) and groups (all versions together).

Tools and what they are asked:
  tlsdiag scan         everything it does (versions, suites in order,
                       groups, schemes, certificates, SNI, MFL/RSL)
  sslscan              its default run (ciphers, groups, certificate,
                       renegotiation, compression, Heartbleed, fallback)
  sslscan --no-...     ciphers, groups and certificate only
  testssl.sh -p -E -P -S -f
                       protocols, ciphers per protocol, server order,
                       server defaults (certificate), forward secrecy
                       (curves and DH groups); not its vulnerability checks
Prints figures and differences; asserts nothing.  Every process is stopped
by its PID; every run has a time limit.
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "peers"))
import peers  # noqa: E402

CERTS = peers.CERTS
RUN_TIMEOUT = 900

CIPHERS = ("ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:"
           "AES256-SHA:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES256-GCM-SHA384:"
           "ECDHE-ECDSA-AES128-SHA")


def cert(name):
    return [os.path.join(CERTS, "server-%s.crt" % name),
            os.path.join(CERTS, "server-%s.key" % name)]


def openssl_argv(*extra):
    rsa = cert("rsa")
    return lambda port: ["openssl", "s_server", "-accept",
                         "127.0.0.1:%d" % port, "-cert", rsa[0], "-key",
                         rsa[1], "-rev"] + list(extra)


SERVERS = [
    ("openssl-rsa", "openssl s_server, RSA, defaults", openssl_argv()),
    ("openssl-both-pref", "openssl s_server, RSA+ECDSA, -cipher list, "
     "-serverpref", openssl_argv("-dcert", cert("ecdsa")[0], "-dkey",
                                 cert("ecdsa")[1], "-cipher", CIPHERS,
                                 "-serverpref")),
    ("openssl-tls13-p384", "openssl s_server, TLS 1.3 only, -groups P-384",
     openssl_argv("-tls1_3", "-groups", "P-384")),
    ("gnutls", "gnutls-serv, RSA, defaults",
     lambda port: ["gnutls-serv", "--port", str(port), "--x509certfile",
                   cert("rsa")[0], "--x509keyfile", cert("rsa")[1],
                   "--echo"]),
]

# OpenSSL / testssl group names -> IANA ids
GROUP_IDS = {"prime256v1": 23, "secp256r1": 23, "secp384r1": 24,
             "secp521r1": 25, "x25519": 29, "x448": 30,
             "brainpoolp256r1": 26, "brainpoolp384r1": 27,
             "brainpoolp512r1": 28, "ffdhe2048": 256, "ffdhe3072": 257,
             "ffdhe4096": 258, "ffdhe6144": 259, "ffdhe8192": 260}
VERSION_NAMES = {0x0300: "SSL 3.0", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1",
                 0x0303: "TLS 1.2", 0x0304: "TLS 1.3"}


class Proxy:
    """127.0.0.1 TCP relay to upstream_port that counts accepted
    connections."""

    def __init__(self, upstream_port):
        self.upstream = upstream_port
        self.count = 0
        self.lock = threading.Lock()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(512)
        self.port = self.sock.getsockname()[1]
        self.stopped = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopped:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.count += 1
            threading.Thread(target=self._relay, args=(conn,),
                             daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s, how in ((dst, socket.SHUT_WR), (src, socket.SHUT_RD)):
            try:
                s.shutdown(how)
            except OSError:
                pass

    def _relay(self, conn):
        try:
            up = socket.create_connection(("127.0.0.1", self.upstream),
                                          timeout=10)
            up.settimeout(None)
        except OSError:
            conn.close()
            return
        t = threading.Thread(target=self._pipe, args=(up, conn), daemon=True)
        t.start()
        self._pipe(conn, up)
        t.join(timeout=60)
        conn.close()
        up.close()

    def close(self):
        self.stopped = True
        self.sock.close()


def run_timed(argv, out_path, env):
    t0 = time.monotonic()
    with open(out_path, "wb") as out:
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, env=env)
        peers.PROCS.live.append(p)
        try:
            p.wait(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            peers.PROCS.stop(p)
        finally:
            if p in peers.PROCS.live:
                peers.PROCS.live.remove(p)
    return time.monotonic() - t0, p.returncode


# --------------------------------------------------------------------------
# one result form: {"versions": set, "suites": {version: set}, "groups": set}

def from_tlsdiag(path):
    doc = json.load(open(path))
    s = doc["scan"]
    res = {"versions": {v["id"] for v in s["versions"]
                        if v["accepted"] is True},
           "suites": {}, "groups": set()}
    for entry in s["cipher_suites"]:
        res["suites"][entry["version"]["id"]] = {
            x["id"] for x in entry["suites"]}
    for key in ("tls12", "tls13"):
        res["groups"] |= {g["id"] for g in s["groups"][key]["groups"]}
    res["info"] = "order %s" % ",".join(
        "%s:%s" % (VERSION_NAMES.get(e["version"]["id"], "?")[4:],
                   e["order"]) for e in s["cipher_suites"])
    return res


def from_sslscan(path):
    root = ET.parse(path).getroot()
    res = {"versions": set(), "suites": {}, "groups": set()}
    vmap = {("ssl", "3"): 0x0300, ("tls", "1.0"): 0x0301,
            ("tls", "1.1"): 0x0302, ("tls", "1.2"): 0x0303,
            ("tls", "1.3"): 0x0304}
    smap = {"SSLv3": 0x0300, "TLSv1.0": 0x0301, "TLSv1.1": 0x0302,
            "TLSv1.2": 0x0303, "TLSv1.3": 0x0304}
    for p in root.iter("protocol"):
        v = vmap.get((p.get("type"), p.get("version")))
        if v and p.get("enabled") == "1":
            res["versions"].add(v)
    for c in root.iter("cipher"):
        v = smap.get(c.get("sslversion"))
        if v:
            res["suites"].setdefault(v, set()).add(int(c.get("id"), 16))
    for g in root.iter("group"):
        res["groups"].add(int(g.get("id"), 16))
    return res


def from_testssl(path):
    doc = json.load(open(path))
    res = {"versions": set(), "suites": {}, "groups": set()}
    vmap = {"SSLv3": 0x0300, "TLS1": 0x0301, "TLS1_1": 0x0302,
            "TLS1_2": 0x0303, "TLS1_3": 0x0304}
    for e in doc:
        i, f = e["id"], e["finding"]
        if i in vmap and f.startswith("offered"):
            res["versions"].add(vmap[i])
        m = re.match(r"cipher-(tls1(?:_\d)?|ssl3)_x([0-9a-f]+)$", i)
        if m:
            v = {"ssl3": 0x0300, "tls1": 0x0301, "tls1_1": 0x0302,
                 "tls1_2": 0x0303, "tls1_3": 0x0304}[m.group(1)]
            res["suites"].setdefault(v, set()).add(int(m.group(2), 16))
        if i in ("PFS_ECDHE_curves", "FS_ECDHE_curves", "DH_groups",
                 "FS_TLS13_groups"):
            for name in f.split():
                gid = GROUP_IDS.get(name.lower())
                if gid:
                    res["groups"].add(gid)
    return res


def compare(ref, got):
    """Differences of got from ref, as short strings per field."""
    out = {}
    if ref["versions"] != got["versions"]:
        out["versions"] = "tlsdiag only %s, tool only %s" % (
            names(ref["versions"] - got["versions"]),
            names(got["versions"] - ref["versions"]))
    diffs = []
    for v in sorted(set(ref["suites"]) | set(got["suites"])):
        a, b = ref["suites"].get(v, set()), got["suites"].get(v, set())
        if a != b:
            diffs.append("%s: tlsdiag only %s, tool only %s" % (
                VERSION_NAMES.get(v, v), hexes(a - b), hexes(b - a)))
    if diffs:
        out["suites"] = "; ".join(diffs)
    if ref["groups"] != got["groups"]:
        out["groups"] = "tlsdiag only %s, tool only %s" % (
            sorted(ref["groups"] - got["groups"]),
            sorted(got["groups"] - ref["groups"]))
    return out


def names(vs):
    return "{%s}" % ", ".join(VERSION_NAMES.get(v, hex(v))
                              for v in sorted(vs))


def hexes(s):
    return "{%s}" % ", ".join("0x%04x" % x for x in sorted(s))


# --------------------------------------------------------------------------

def tool_runs(binary, work, tools):
    runs = []
    if "tlsdiag" in tools:
        runs.append(("tlsdiag scan", "tlsdiag", lambda port, out: [
            binary, "--json", "scan", "--connect-to", "127.0.0.1",
            "localhost:%d" % port], from_tlsdiag, True))
    if "sslscan" in tools and shutil.which("sslscan"):
        runs.append(("sslscan", "sslscan", lambda port, out: [
            "sslscan", "--no-colour", "--xml=" + out,
            "--sni-name=localhost", "127.0.0.1:%d" % port],
            from_sslscan, False))
        runs.append(("sslscan --no-(checks)", "sslscan-min",
                     lambda port, out: [
                         "sslscan", "--no-colour", "--xml=" + out,
                         "--sni-name=localhost", "--no-heartbleed",
                         "--no-renegotiation", "--no-compression",
                         "--no-fallback", "127.0.0.1:%d" % port],
                     from_sslscan, False))
    testssl = shutil.which("testssl") or shutil.which("testssl.sh")
    if "testssl" in tools and testssl:
        runs.append(("testssl.sh -p -E -P -S -f", "testssl",
                     lambda port, out: [
                         testssl, "--quiet", "--color", "0", "--warnings",
                         "off", "--ip", "127.0.0.1", "-p", "-E", "-P", "-S",
                         "-f", "--jsonfile", out, "localhost:%d" % port],
                     from_testssl, False))
    return runs


def bench_server(name, what, argv_for_port, runs, work, env):
    print("\n%s: %s" % (name, what))
    print("  %-28s %7s %9s  %-8s %-8s %-8s" % (
        "tool", "conns", "seconds", "versions", "suites", "groups"))
    ref = None
    notes = []
    for label, tag, argv_fn, parse, stdout_is_result in runs:
        port, proc = None, None
        for _ in range(3):
            port = peers.free_port()
            proc = peers.PROCS.spawn(argv_for_port(port),
                                     os.path.join(work, name + ".srv"),
                                     env=env)
            if peers.wait_listening(port, proc):
                break
            peers.PROCS.stop(proc)
            proc = None
        if proc is None:
            print("  server did not start")
            return
        proxy = Proxy(port)
        out = os.path.join(work, "%s-%s.out" % (name, tag))
        result_path = os.path.join(work, "%s-%s.result" % (name, tag))
        if os.path.exists(result_path):
            os.unlink(result_path)
        argv = argv_fn(proxy.port, result_path)
        seconds, rc = run_timed(argv, out, env)
        time.sleep(0.2)
        proxy.close()
        peers.PROCS.stop(proc)
        try:
            res = parse(out if stdout_is_result else result_path)
        except (OSError, ValueError, KeyError, ET.ParseError) as e:
            print("  %-28s %7d %9.2f  (no result: %s, exit %s)" % (
                label, proxy.count, seconds, e, rc))
            continue
        if ref is None:
            ref = res
            print("  %-28s %7d %9.2f  %-8s %-8s %-8s %s" % (
                label, proxy.count, seconds, "(ref)", "(ref)", "(ref)",
                res.get("info", "")))
            continue
        diff = compare(ref, res)
        cols = ["agree" if k not in diff else "DIFFER"
                for k in ("versions", "suites", "groups")]
        print("  %-28s %7d %9.2f  %-8s %-8s %-8s" % (
            label, proxy.count, seconds, *cols))
        for k, v in diff.items():
            notes.append("%s, %s: %s" % (label, k, v))
    for n in notes:
        print("    - " + n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--tools", default="tlsdiag,sslscan,testssl")
    ap.add_argument("--servers", default="")
    ap.add_argument("--work", default="")
    a = ap.parse_args()
    peers.install_signal_handlers()
    work = a.work or tempfile.mkdtemp(prefix="tlsdiag-bench-scan-")
    os.makedirs(work, exist_ok=True)
    env = peers.server_env(work)
    tools = set(a.tools.split(","))
    runs = tool_runs(os.path.abspath(a.binary), work, tools)
    if not runs or runs[0][1] != "tlsdiag":
        sys.exit("tlsdiag must be among --tools (it is the reference)")
    missing = [t for t in ("sslscan", "testssl")
               if t in tools and not any(r[1].startswith(t) for r in runs)]
    if missing:
        print("not installed, skipped: %s (Debian packages sslscan, "
              "testssl.sh)" % ", ".join(missing))
    only = set(x for x in a.servers.split(",") if x)
    print("connections: accepted by a counting proxy in front of the "
          "server; seconds: wall time of the tool")
    for name, what, argv_fn in SERVERS:
        if only and name not in only:
            continue
        if argv_fn(0)[0] == "gnutls-serv" and not shutil.which("gnutls-serv"):
            print("\n%s: skipped (no gnutls-serv)" % name)
            continue
        bench_server(name, what, argv_fn, runs, work, env)
    peers.PROCS.stop_all()
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
