#!/usr/bin/env python3
"""`tlsdiag probe` against real misconfigured servers on 127.0.0.1.

Run: python3 tests/cli/test_probe.py --binary PATH/tlsdiag --source DIR
     [--shared DIR]   (TD_PROBE_ONLY="NAME ..." limits the scenarios)

For each failing scenario of tests/peers/scenarios.py, the scenario's own
server (openssl s_server, gnutls-serv or a scripted Python server) is
started again and `tlsdiag --json probe localhost:PORT --connect-to
127.0.0.1 --from captures/logs/NAME.log` runs against it: the recorded log
of the real mbedTLS 2.28 client that failed there.  Checked: the exit code,
the confirmed finding (first), that the fix the probe reports is one the
server really accepted (its attempt has a ServerHello), the change kind,
and that it took fewer than 20 connections.  Then: a default hello without
--from, hostile servers (close, reset, silence, HTTP), usage errors.

Every server is stopped by its PID; every tlsdiag run has a timeout.
"""
import os
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tdtest import Run, eq, loads, true  # noqa: E402

r = Run()
sys.path.insert(0, os.path.join(r.args.source, "tests", "peers"))
import peers  # noqa: E402
import scenarios  # noqa: E402

peers.install_signal_handlers()
ONLY = set(os.environ.get("TD_PROBE_ONLY", "").split())
CA = r.src("captures/certs/ca.crt")
CERT = r.src("captures/certs/peer-client.crt")
KEY = r.src("captures/certs/peer-client.key")
MAX_CONNECTIONS = 20

# What the probe must prove for each scenario: the confirmed cause and the
# kind of hello change (None: proved by the full handshake, no hello
# change), or the exit code alone for servers nothing can satisfy.
EXPECT = {
    "ecdsa-only-vs-rsa": ("no_shared_cipher", "cipher_suites"),
    "rsa-only-vs-ecdsa": ("no_shared_cipher", "cipher_suites"),
    "gnutls-ecdsa-only-vs-rsa": ("no_shared_cipher", "cipher_suites"),
    "sni-wrong-alert40": ("sni_wrong", "sni"),
    "gnutls-sni-wrong-alert112": ("sni_wrong", "sni"),
    "openssl-sni-wrong-alert112": ("sni_wrong", "sni"),
    "sni-missing-alert80": ("sni_missing", "sni"),
    "no-shared-curve": ("no_shared_curve", "groups"),
    "no-shared-sigalg": ("no_shared_sigalg", "signature_algorithms"),
    "no-shared-sigalg-sha1": ("no_shared_sigalg", "signature_algorithms"),
    "tls13-only-server": ("version_mismatch", "versions"),
    "tls11-client-vs-tls12-server": ("version_mismatch", "versions"),
    "gnutls-tls13-only-server": ("version_mismatch", "versions"),
    "mfl-512-fragmented-cert": ("max_fragment_length", None),
    "gnutls-mfl-512-fragmented-cert": ("max_fragment_length", None),
    "ca-unknown": ("ca_missing_or_wrong", None),
    "cert-expired": ("cert_time", None),
    "cert-hostname": ("cert_hostname", None),
    "client-cert-required": ("client_cert_required", None),
    "gnutls-client-cert-required": ("client_cert_required", None),
    "seed-stm32-google-sni": ("sni_wrong", "sni"),
    "seed-mbedos-ecdsa-only-alert80": ("sni_missing", "sni"),
    "seed-stm32f427-rsa-alert80": ("sni_missing", "sni"),
    "ok-tls12-rsa": 0,
    # The device skips verification (--verify none); the probe verifies
    # for the name it sends and finds the certificate does not hold it.
    "sni-warning-112-ok": ("cert_hostname", None),
    "closed-after-hello": 1,
    "reset-after-hello": 1,
    "silent-server": 4,
}
# Both changes are needed: the server wants a name and an RSA suite.
ALSO_CONFIRMED = {"seed-mbedos-ecdsa-only-alert80": ["no_shared_cipher"]}


def wanted(name):
    return not ONLY or name in ONLY


def probe(port, *extra, timeout=90):
    rc, out, err = r.tlsdiag("--json", "probe", "localhost:%d" % port,
                             "--connect-to", "127.0.0.1", "--timeout", "3000",
                             *extra, timeout=timeout)
    try:
        doc = loads(out, "tlsdiag --json probe") if out.strip() else None
    except ValueError as e:
        raise AssertionError("not JSON (%s): %s %s" % (e, out[:300], err))
    return rc, doc, err


def confirmed(doc):
    hs = (doc or {}).get("handshakes") or []
    if not hs:
        return []
    return [f["id"] for f in hs[0].get("findings") or []
            if f.get("likelihood") == "confirmed"]


def check_doc(doc, name, want):
    cause, kind = want
    pr = doc["probe"]
    ids = confirmed(doc)
    true(ids, "%s: no confirmed finding (findings: %s)" % (
        name, [(f["id"], f["likelihood"]) for f in
               doc["handshakes"][0].get("findings") or []]))
    eq(ids[0], cause, "%s: first confirmed finding" % name)
    for other in ALSO_CONFIRMED.get(name, []):
        true(other in ids, "%s: %s not confirmed too (%s)" % (name, other,
                                                             ids))
    true(pr["connections"] < MAX_CONNECTIONS,
         "%s: %d connections" % (name, pr["connections"]))
    fix = pr["fix"]
    if kind is None:
        return
    true(fix, "%s: no fix" % name)
    kinds = [c["kind"] for c in fix["changes"]]
    true(kind in kinds, "%s: fix changes %s, want %s" % (name, kinds, kind))
    won = [a for a in pr["attempts"] if a["connection"] == fix["connection"]]
    eq(len(won), 1, "%s: the fix's attempt" % name)
    true(won[0]["accepted"] and won[0]["server_hello"],
         "%s: the fix's attempt was not accepted: %s" % (name, won[0]))


# Also probed from the capture recorded beside the log: same proof.
FROM_PCAP = {"ecdsa-only-vs-rsa", "sni-wrong-alert40", "tls13-only-server",
             "seed-stm32f427-rsa-alert80"}


def run_one(sc, work, ext="log"):
    name = sc["name"]
    log = r.src("captures/logs/%s.%s" % (name, ext))
    want = EXPECT[name]
    env = peers.server_env(work)
    srv = peers.Server(sc["server"], work, env)
    srv.start()
    try:
        extra = ["--from", log, "--ca", CA]
        if name.endswith("client-cert-required"):
            extra += ["--cert", CERT, "--key", KEY]
        t0 = time.monotonic()
        rc, doc, err = probe(srv.port, *extra)
        took = time.monotonic() - t0
    finally:
        srv.stop()
    if isinstance(want, int):
        eq(rc, want, "%s: exit (%s)" % (name, err.strip()[:200]))
        if want == 4:
            true(took < 10, "%s: %.1f s" % (name, took))
        return
    eq(rc, 1, "%s: exit (%s)" % (name, err.strip()[:200]))
    check_doc(doc, name, want)
    # a finding of the log that the probe lowered says why, first
    _, out, _ = r.tlsdiag("--json", ("pcap" if ext == "pcap" else "log"), log)
    before = {f["id"]: f["likelihood"] for f in
              loads(out, "tlsdiag --json log")["handshakes"][0]["findings"]}
    rank = ["confirmed", "likely", "possible", "info"]
    for f in doc["handshakes"][0]["findings"]:
        was = before.get(f["id"])
        if was and rank.index(f["likelihood"]) > rank.index(was):
            LOWERED.append((name, f["id"]))
            true(f["explanation"].startswith("Not what stopped this server:"),
                 "%s: %s lowered from %s without saying why: %s" % (
                     name, f["id"], was, f["explanation"][:120]))
    print("     %s: %s confirmed with %d connections in %.1f s" % (
        name, "+".join(confirmed(doc)), doc["probe"]["connections"], took))
    if name.endswith("tls13-only-server"):
        # the chain comes from the decrypted TLS 1.3 flight
        fh = doc["probe"]["full_handshake"]
        true(fh and fh["ran"] and fh["by"] != "mbedTLS",
             "%s: TLS 1.3 flight not read: %s" % (name, fh))
        true(fh["certificates"], "%s: no certificates" % name)
        eq(fh["verify"]["verified"], True, "%s: chain verified" % name)
    if name.endswith("client-cert-required"):
        fc = doc["probe"].get("full_handshake_with_client_certificate")
        true(fc and fc["ran"] and fc["verdict"] == "ok",
             "%s: the retry with --cert did not complete: %s" % (name, fc))


LOWERED = []    # (scenario, cause) of log findings a probe lowered
missing = peers.tools_missing()
work_root = tempfile.mkdtemp(prefix="td-test-probe-")
for sc in scenarios.SCENARIOS:
    name = sc["name"]
    if name not in EXPECT or not wanted(name):
        continue
    kind = sc["server"]["kind"]
    if (kind == "openssl" and "openssl" in missing) or \
       (kind == "gnutls" and "gnutls-serv" in missing) or \
       not os.path.exists(r.src("captures/logs/%s.log" % name)):
        r.check("probe %s" % name, lambda: "skip")
        continue
    work = os.path.join(work_root, name)
    os.makedirs(work, exist_ok=True)
    r.check("probe %s" % name, lambda sc=sc, work=work: run_one(sc, work))
    if name in FROM_PCAP:
        r.check("probe %s --from its pcap" % name,
                lambda sc=sc, work=work: run_one(sc, work, "pcap"))


def lowered_seen():
    """The scenarios include log findings a probe disproves (the
    ECDSA-only device's version_mismatch), so the check above ran."""
    if not wanted("ecdsa-only-vs-rsa") or "openssl" in missing:
        return "skip"
    true(LOWERED, "no lowered finding in any scenario")


r.check("probe: some log finding was lowered, and said why", lowered_seen)


# --- without --from: a default mbedTLS 2.28 hello ---------------------------

def default_hello():
    if "openssl" in missing:
        return "skip"
    work = os.path.join(work_root, "default")
    os.makedirs(work, exist_ok=True)
    srv = peers.Server(dict(kind="openssl", cert="rsa"), work,
                       peers.server_env(work)).start()
    try:
        rc, doc, err = probe(srv.port, "--ca", CA)
    finally:
        srv.stop()
    eq(rc, 0, "exit (%s)" % err.strip()[:200])
    pr = doc["probe"]
    eq(pr["connections"], 2, "connections (hello + full handshake)")
    eq(pr["attempts"][0]["result"], "server_hello", "result")
    eq(pr["full_handshake"]["verdict"], "ok", "full handshake")
    eq(pr["full_handshake"]["verify"]["verified"], True, "verified")
    eq(doc["command"], "probe", "command")
    eq(doc["input"]["kind"], "live", "input kind")


r.check("probe default hello, RSA server: accepted and verified",
        default_hello)


def tls13_default():
    if "openssl" in missing:
        return "skip"
    work = os.path.join(work_root, "tls13")
    os.makedirs(work, exist_ok=True)
    srv = peers.Server(dict(kind="openssl", cert="ecdsa", args=["-tls1_3"]),
                       work, peers.server_env(work)).start()
    try:
        rc, doc, err = probe(srv.port, "--ca", CA)
    finally:
        srv.stop()
    eq(rc, 1, "exit (%s)" % err.strip()[:200])
    eq(confirmed(doc)[:1], ["version_mismatch"], "confirmed")
    fh = doc["probe"]["full_handshake"]
    true(fh and fh["ran"], "full handshake did not run: %s" % fh)
    true(fh["certificates"] and "ECDSA" in fh["certificates"][0]["subject"]
         or "EC" in (fh["certificates"] or [{}])[0].get("key", ""),
         "TLS 1.3 chain not read: %s" % fh.get("certificates"))
    eq(fh["verify"]["verified"], True, "TLS 1.3 chain verified")


r.check("probe default hello, TLS 1.3-only server: version_mismatch, chain "
        "read from the encrypted flight", tls13_default)


# --- hostile servers ---------------------------------------------------------

def _hrr():
    magic = bytes.fromhex("cf21ad74e59a6111be1d8c021e65b891"
                          "c2a211167abb8c5e079e09e2c8a8339c")
    exts = bytes.fromhex("002b00020304" "003300020017")
    body = (b"\x03\x03" + magic + b"\x00" + b"\x13\x01" + b"\x00" +
            len(exts).to_bytes(2, "big") + exts)
    msg = b"\x02" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x03" + len(msg).to_bytes(2, "big") + msg


HRR = _hrr()


class Hostile(threading.Thread):
    """A listening socket answering every connection the same way
    (record: keep what each connection sent, then close)."""

    def __init__(self, mode, v6=False):
        super().__init__(daemon=True)
        self.mode = mode
        self.got = []
        self.ls = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET)
        self.ls.bind(("::1" if v6 else "127.0.0.1", 0))
        self.ls.listen(16)
        self.ls.settimeout(0.2)
        self.port = self.ls.getsockname()[1]
        self.stop_ev = threading.Event()
        self.conns = []

    def run(self):
        while not self.stop_ev.is_set():
            try:
                c, _ = self.ls.accept()
            except OSError:
                continue
            self.conns.append(c)
            data = b""
            try:
                c.settimeout(1)
                while len(data) < 5 or \
                        len(data) < 5 + int.from_bytes(data[3:5], "big"):
                    chunk = c.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            except OSError:
                pass
            self.got.append(data)
            if self.mode == "record":
                c.close()
            if self.mode == "http":
                c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0"
                          b"\r\n\r\n")
                c.close()
            elif self.mode == "garbage":
                # not a record header: no content type, no SSLv2 length bit
                c.sendall(b"G" + os.urandom(299))
                c.close()
            elif self.mode == "flight":
                # a real server flight recorded earlier: its signature is
                # over another client random, so the full handshake fails
                with open(r.src("captures/records/tls12-rsa.server.bin"),
                          "rb") as f:
                    c.sendall(f.read())
                time.sleep(0.2)
                c.close()
            elif self.mode == "hrr":
                # a HelloRetryRequest (RFC 8446 4.1.3) to every read
                try:
                    while data and not self.stop_ev.is_set():
                        c.sendall(HRR)
                        data = c.recv(65536)
                except OSError:
                    pass
                c.close()
            elif self.mode in ("alerts", "huge", "drip"):
                threading.Thread(target=self.pour, args=(c,),
                                 daemon=True).start()
            # silent: keep it open until stop

    def pour(self, c):
        """alerts: fatal alerts without end; huge: a handshake message of
        0xFFFFFF bytes in maximum-size records; drip: a ServerHello record
        one byte every 300 ms."""
        try:
            if self.mode == "alerts":
                while not self.stop_ev.is_set():
                    c.sendall(bytes([21, 3, 3, 0, 2, 2, 40]) * 512)
            elif self.mode == "huge":
                body = bytes([2, 0xff, 0xff, 0xff]) + bytes(16380)
                c.sendall(bytes([22, 3, 3, 0x40, 0]) + body)
                while not self.stop_ev.is_set():
                    c.sendall(bytes([22, 3, 3, 0x40, 0]) + bytes(16384))
            else:
                for b in bytes([22, 3, 3, 0, 80, 2, 0, 0, 76]):
                    if self.stop_ev.wait(0.3):
                        break
                    c.sendall(bytes([b]))
        except OSError:
            pass

    def stop(self):
        self.stop_ev.set()
        self.join(3)
        for c in self.conns:
            c.close()
        self.ls.close()


def hostile_check(mode, want_exit, want_result, limit):
    h = Hostile(mode)
    h.start()
    try:
        t0 = time.monotonic()
        rc, out, err = r.tlsdiag("--json", "probe", "127.0.0.1:%d" % h.port,
                                 "--timeout", "1500", "--no-handshake",
                                 timeout=60)
        took = time.monotonic() - t0
    finally:
        h.stop()
    eq(rc, want_exit, "exit (%s)" % err.strip()[:200])
    doc = loads(out, "tlsdiag --json probe (%s server)" % mode)
    eq(doc["probe"]["attempts"][0]["result"], want_result, "first result")
    true(took < limit, "took %.1f s (limit %d)" % (took, limit))
    true(doc["probe"]["connections"] < MAX_CONNECTIONS, "connections")


r.check("probe hostile: HTTP answer is not_tls",
        lambda: hostile_check("http", 1, "not_tls", 30))
r.check("probe hostile: garbage is not_tls",
        lambda: hostile_check("garbage", 1, "not_tls", 30))
r.check("probe hostile: silence ends in the timeout, exit 4",
        lambda: hostile_check("silent", 4, "timeout", 6))


def hello_fields(out):
    ch = loads(out)["handshakes"][0]["client_hello"]
    return {k: v for k, v in ch.items() if k not in ("line", "offset")}


def exact_replay():
    log = r.src("captures/logs/seed-stm32f427-rsa-alert80.log")
    rc, out, err = r.tlsdiag("--json", "log", log)
    device = hello_fields(out)
    for exact in (True, False):
        h = Hostile("record")
        h.start()
        try:
            rc, out, err = r.tlsdiag(
                "--json", "probe", "127.0.0.1:%d" % h.port, "--from", log,
                "--no-handshake", "--timeout", "1500", "--max-connections",
                "1", *(["--exact"] if exact else []), timeout=60)
        finally:
            h.stop()
        true(h.got and h.got[0], "nothing received")
        path = os.path.join(work_root, "sent.bin")
        with open(path, "wb") as f:
            f.write(h.got[0])
        rc, out, err = r.tlsdiag("--json", "hello", path)
        eq(rc, 0, "hello on the bytes sent (%s)" % err)
        sent = hello_fields(out)
        if exact:
            eq(sent, device, "--exact: the hello sent")
        else:
            true(sent["random"] != device["random"], "random not fresh")
            sent.pop("random")
            d = dict(device)
            d.pop("random")
            # JA3/JA4 do not depend on the random
            eq(sent, d, "replay: the hello sent apart from its random")


def handshake_choice():
    # two attempts: 0 at debug level 3 (hello rebuilt from the text lines),
    # 1 at level 4 (its bytes); the failed one with bytes is the default
    log = r.src("captures/logs/seed-mbedos-ecdsa-only-alert80.log")
    for args, want in (([], 1), (["--handshake", "0"], 0),
                       (["--handshake", "1"], 1)):
        h = Hostile("record")
        h.start()
        try:
            rc, out, err = r.tlsdiag(
                "--json", "probe", "127.0.0.1:%d" % h.port, "--from", log,
                "--no-handshake", "--timeout", "1500", "--max-connections",
                "1", *args, timeout=60)
        finally:
            h.stop()
        doc = loads(out, "tlsdiag --json probe --from %s" % log)
        eq(doc["handshakes"][0]["index"], want, "handshake for %s" % args)
        true(h.got and h.got[0][:1] == b"\x16", "a hello was sent")
    rc, out, err = r.tlsdiag("probe", "127.0.0.1:1", "--from", log,
                             "--handshake", "7", timeout=30)
    eq(rc, 3, "--handshake 7 of 2")
    true("no handshake 7" in err, err)


r.check("probe --handshake N picks the attempt; the default is the failed "
        "one with bytes", handshake_choice)


r.check("probe --exact sends the logged hello byte for byte; without it "
        "only the random differs", exact_replay)


def budget_and_delay():
    h = Hostile("http")
    h.start()
    try:
        t0 = time.monotonic()
        rc, out, err = r.tlsdiag("--json", "probe", "127.0.0.1:%d" % h.port,
                                 "--no-handshake", "--timeout", "1500",
                                 "--max-connections", "3", "--delay", "300",
                                 timeout=60)
        took = time.monotonic() - t0
    finally:
        h.stop()
    pr = loads(out, "tlsdiag --json probe --max-connections 3")["probe"]
    eq(pr["connections"], 3, "connections")
    eq(pr["budget_exhausted"], True, "budget_exhausted")
    eq(len(h.got), 3, "connections the server saw")
    true(took >= 0.6, "--delay 300 between 3 connections: %.2f s" % took)


r.check("probe --max-connections is a hard bound; --delay spaces them",
        budget_and_delay)


def ipv6_literal():
    try:
        h = Hostile("http", v6=True)
    except OSError:
        return "skip"
    h.start()
    try:
        rc, out, err = r.tlsdiag("--json", "probe", "[::1]:%d" % h.port,
                                 "--no-handshake", "--timeout", "1500",
                                 "--max-connections", "1", timeout=60)
    finally:
        h.stop()
    pr = loads(out, "tlsdiag --json probe [::1]")["probe"]
    eq(pr["target"]["address"], "[::1]:%d" % h.port, "address")
    eq(pr["attempts"][0]["result"], "not_tls", "result")


r.check("probe [::1]:PORT reaches an IPv6 server", ipv6_literal)


r.check("probe hostile: alerts forever end in a clear alert",
        lambda: hostile_check("alerts", 1, "alert", 30))
r.check("probe hostile: a 16 MB handshake message is cut at the byte cap",
        lambda: hostile_check("huge", 1, "not_tls", 30))
r.check("probe hostile: a server dripping bytes ends within the timeout, "
        "no variants", lambda: hostile_check("drip", 1, "timeout", 3))


def flight_then_fail():
    h = Hostile("flight")
    h.start()
    try:
        rc, out, err = r.tlsdiag("--json", "probe", "127.0.0.1:%d" % h.port,
                                 "--timeout", "1500", "--ca", CA, timeout=60)
    finally:
        h.stop()
    eq(rc, 1, "exit (%s)" % err.strip()[:200])
    doc = loads(out, "tlsdiag --json probe (flight server)")
    pr = doc["probe"]
    eq(pr["full_handshake"]["code"], "-0x7b00", "the ServerKeyExchange "
       "(signed over another client random) fails")
    eq(pr["attempts"][0]["accepted"], True, "the hello was accepted")
    eq(pr["full_handshake"]["verdict"], "handshake_failed", "full handshake")
    ids = [f["id"] for f in doc["handshakes"][0]["findings"]]
    true("unexplained" in ids, "the failed full handshake is said: %s" % ids)


r.check("probe: a ServerHello then a full handshake that fails is not a "
        "success", flight_then_fail)


r.check("probe hostile: HelloRetryRequest in a loop ends with a verdict",
        lambda: hostile_check("hrr", 1, "server_hello", 10))


def refused():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    rc, out, err = r.tlsdiag("probe", "127.0.0.1:%d" % port, "--timeout",
                             "1000", timeout=30)
    eq(rc, 4, "exit")
    true("could not connect" in err, "message: %s" % err)


r.check("probe: connection refused is exit 4 with a message", refused)


# --- usage -------------------------------------------------------------------

def usage(argv, want, text):
    def t():
        rc, out, err = r.tlsdiag("probe", *argv, timeout=30)
        eq(rc, want, "exit for %s" % (argv,))
        true(text in err, "message %r not in %r" % (text, err))
    return t


r.check("probe usage: no target", usage([], 2, "needs a target"))
r.check("probe usage: bad port", usage(["host:99999"], 2, "HOST[:PORT]"))
r.check("probe usage: --handshake without --from",
        usage(["h", "--handshake", "1"], 2, "--handshake needs --from"))
r.check("probe usage: --cert without --key",
        usage(["h", "--cert", "x"], 2, "go together"))
r.check("probe: --from a missing file is exit 3",
        usage(["127.0.0.1:1", "--from", "/nonexistent.log"], 3,
              "No such file"))
r.check("probe: --from a log without handshakes is exit 3",
        usage(["127.0.0.1:1", "--from", r.src("LICENSE")], 3,
              "no ClientHello"))

peers.PROCS.stop_all()
r.finish()
