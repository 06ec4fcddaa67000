#!/usr/bin/env python3
"""`tlsdiag scan` against real servers on 127.0.0.1, configured in known
ways, and against scripted ones (tests/cli/scan_peer.py).

Run: python3 tests/cli/test_scan.py --binary PATH/tlsdiag --source DIR

Each check starts its server on a free port (openssl s_server, gnutls-serv
or scan_peer.py), scans host `localhost` with --connect-to 127.0.0.1 (so
SNI is sent), compares the JSON "scan" object with what the server was
told to accept -- the suites with what `openssl ciphers -V` (or
`gnutls-cli --list`) says that configuration has -- and stops the server
by its PID (tests/peers/peers.py: SIGTERM, then SIGKILL; again at exit).
Every scan has a time limit.  Checks that need a program the machine lacks
say they skipped.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tdtest import Run, eq, loads, true  # noqa: E402

r = Run()
sys.path.insert(0, os.path.join(r.args.source, "tests", "peers"))
import peers  # noqa: E402

peers.install_signal_handlers()
WORK = tempfile.mkdtemp(prefix="tlsdiag-scan-")
CERTS = peers.CERTS
PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "scan_peer.py")
ENV = peers.server_env(WORK)
SCAN_TIMEOUT = 120

RSA = ["-cert", os.path.join(CERTS, "server-rsa.crt"),
       "-key", os.path.join(CERTS, "server-rsa.key")]
ECDSA = ["-cert", os.path.join(CERTS, "server-ecdsa.crt"),
         "-key", os.path.join(CERTS, "server-ecdsa.key")]
BOTH = RSA + ["-dcert", os.path.join(CERTS, "server-ecdsa.crt"),
              "-dkey", os.path.join(CERTS, "server-ecdsa.key")]


class Server:
    """One server on a free port, stopped by PID."""

    def __init__(self, argv_for_port, name):
        self.argv_for_port = argv_for_port
        self.name = name
        self.proc = None
        self.port = None
        self.out = os.path.join(WORK, name + ".out")

    def __enter__(self):
        for _ in range(3):
            self.port = peers.free_port()
            self.proc = peers.PROCS.spawn(self.argv_for_port(self.port),
                                          self.out, env=ENV)
            if peers.wait_listening(self.port, self.proc):
                return self
            peers.PROCS.stop(self.proc)
        raise AssertionError("server %s did not start: %s" % (
            self.name, peers.read_text(self.out)[-500:]))

    def __exit__(self, *exc):
        peers.PROCS.stop(self.proc)


def openssl(name, *args):
    return Server(lambda port: ["openssl", "s_server", "-accept",
                                "127.0.0.1:%d" % port, "-rev"] + list(args),
                  name)


def gnutls(name, *args):
    crt, key = (os.path.join(CERTS, f)
                for f in ("server-rsa.crt", "server-rsa.key"))
    return Server(lambda port: ["gnutls-serv", "--port", str(port),
                                "--x509certfile", crt, "--x509keyfile", key,
                                "--echo"] + list(args), name)


def scripted(name, mode, *args):
    return Server(lambda port: [sys.executable, PEER, "--port", str(port),
                                "--mode", mode] + list(args), name)


def scan(port, *args, want_exit=0):
    """tlsdiag --json scan ... localhost:PORT; the document."""
    rc, out, err = r.tlsdiag("--json", "scan", "--connect-to", "127.0.0.1",
                             *args, "localhost:%d" % port,
                             timeout=SCAN_TIMEOUT)
    if rc != want_exit:
        raise AssertionError("exit %d (want %d): %s" % (rc, want_exit,
                                                        err[-400:]))
    try:
        return loads(out, "tlsdiag --json scan localhost:%d %s"
                     % (port, " ".join(args)))
    except ValueError as e:
        raise AssertionError("not JSON (%s): %s %s" % (e, out[:200], err))


def ciphers_v(spec, *flags):
    """[(id, protocol, kx, au)] of `openssl ciphers -V [flags] spec`."""
    p = subprocess.run(["openssl", "ciphers", "-V"] + list(flags) + [spec],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=ENV, timeout=30)
    rows = []
    for line in p.stdout.decode().splitlines():
        m = re.match(r"\s*0x([0-9A-F]{2}),0x([0-9A-F]{2})\s+-\s+\S+\s+"
                     r"(\S+)\s+Kx=(\S+)\s+Au=(\S+)", line)
        if m:
            rows.append((int(m.group(1) + m.group(2), 16), m.group(3),
                         m.group(4), m.group(5)))
    return rows


def expected12(spec, auth, *flags):
    """Suites a TLS 1.2 server with `-cipher spec` and a certificate of the
    key types `auth` can choose, in the list's order: openssl's own view,
    without TLS 1.3 suites and without PSK/SRP/anonymous ones (no such
    credentials configured)."""
    return [i for (i, proto, kx, au) in ciphers_v(spec, *flags)
            if proto != "TLSv1.3" and au in auth
            and kx in ("ECDH", "DH", "RSA")]


def suites_of(doc, version):
    for entry in doc["scan"]["cipher_suites"]:
        if entry["version"]["id"] == version:
            return entry
    return None


def ids(values):
    return [v["id"] for v in values]


def accepted_versions(doc):
    return sorted(v["id"] for v in doc["scan"]["versions"]
                  if v["accepted"] is True)


def key(doc, kind):
    return [k for k in doc["scan"]["certificates"]
            if k["key_type"] == kind][0]


def sni_test(doc, test):
    for t in doc["scan"]["sni"]:
        if t["test"] == test:
            return t
    return None


def common(doc):
    s = doc["scan"]
    eq(doc["command"], "scan", "command")
    eq(doc["input"]["kind"], "live", "input kind")
    true(doc["input"]["name"].startswith("localhost:"), "input name")
    eq(s["connections"], len(s["connections_log"]), "connections counted")
    eq(s["target"]["sni"], "localhost", "SNI sent")
    true(s["reached"], "reached")


def need(*tools):
    missing = [t for t in tools if shutil.which(t) is None]
    return "skip" if missing else None


# ---------------------------------------------------------------------------
# openssl s_server

def t_openssl_rsa_default():
    if need("openssl"):
        return "skip"
    with openssl("rsa", *RSA) as s:
        doc = scan(s.port)
    common(doc)
    eq(accepted_versions(doc), [771, 772], "versions")
    # TLS 1.1 refused outright: TLS 1.0 and SSL 3.0 without a connection
    old = {v["id"]: v for v in doc["scan"]["versions"]}
    eq(old[770]["inferred_from"], None, "TLS 1.1 asked")
    eq(old[769]["inferred_from"]["id"], 770, "TLS 1.0 by the 1.1 answer")
    eq(old[768]["accepted"], False, "SSL 3.0 refused")
    eq(sorted(ids(suites_of(doc, 771)["suites"])),
       sorted(expected12("DEFAULT", ("RSA",), "-s", "-tls1_2")),
       "TLS 1.2 suites = openssl ciphers -V -s -tls1_2 (RSA)")
    eq(sorted(ids(suites_of(doc, 772)["suites"])), [0x1301, 0x1302, 0x1303],
       "TLS 1.3 suites")
    k = key(doc, "RSA")
    eq(k["present"], True, "RSA certificate")
    true("OU=RSA" in k["chain"][0]["subject"], "RSA subject")
    eq(k["chain"][0]["key"], "RSA 2048", "RSA key")
    eq(k["chain"][0]["san"], ["localhost", "127.0.0.1"], "SAN")
    true(k["chain"][0]["not_before"].startswith("2025-01-01"), "validity")
    true("tlsdiag test CA" in k["chain"][0]["issuer"], "issuer")
    eq(key(doc, "ECDSA")["present"], False, "no ECDSA certificate")
    eq(key(doc, "ECDSA")["answer"]["alert"]["description"], 40,
       "ECDSA-only hello: handshake_failure")
    eq(sni_test(doc, "none")["behaviour"], "same_certificate", "no SNI")
    eq(sni_test(doc, "unknown")["name"], "tlsdiag-unknown.invalid", "name")
    eq(sni_test(doc, "unknown")["behaviour"], "same_certificate",
       "unknown SNI")
    ext = doc["scan"]["extensions"]
    eq(ext["max_fragment_length"]["honoured"], True, "MFL echoed")
    eq(ext["max_fragment_length"]["echoed"], 512, "MFL value")
    eq(ext["record_size_limit"]["honoured"], False,
       "OpenSSL 3.0 has no record_size_limit")
    g12 = ids(doc["scan"]["groups"]["tls12"]["groups"])
    eq(sorted(g12), sorted([23, 24, 25, 29, 30]),
       "OpenSSL 3.0 default curves")
    true(doc["scan"]["connections"] < 90,
         "few connections (%d)" % doc["scan"]["connections"])


def t_openssl_ecdsa():
    if need("openssl"):
        return "skip"
    with openssl("ecdsa", *ECDSA) as s:
        doc = scan(s.port)
    common(doc)
    eq(sorted(ids(suites_of(doc, 771)["suites"])),
       sorted(expected12("DEFAULT", ("ECDSA",), "-s", "-tls1_2")),
       "TLS 1.2 suites (ECDSA)")
    k = key(doc, "ECDSA")
    eq(k["present"], True, "ECDSA certificate")
    eq(k["chain"][0]["key"], "EC secp256r1 256", "ECDSA key")
    true(set(ids(k["signature_algorithms"]["schemes"]))
         >= {0x0403, 0x0503, 0x0603}, "ECDSA schemes")
    eq(key(doc, "RSA")["present"], False, "no RSA certificate")


def t_openssl_both_certs():
    if need("openssl"):
        return "skip"
    with openssl("both", *BOTH) as s:
        doc = scan(s.port)
    common(doc)
    eq(sorted(ids(suites_of(doc, 771)["suites"])),
       sorted(expected12("DEFAULT", ("RSA", "ECDSA"), "-s", "-tls1_2")),
       "TLS 1.2 suites (both)")
    eq(key(doc, "RSA")["present"], True, "RSA")
    eq(key(doc, "ECDSA")["present"], True, "ECDSA")
    true("OU=RSA" in key(doc, "RSA")["chain"][0]["subject"], "RSA cert")
    true("OU=ECDSA" in key(doc, "ECDSA")["chain"][0]["subject"], "EC cert")


CIPHERS = ("ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA:"
           "ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES256-GCM-SHA384:"
           "ECDHE-RSA-AES256-SHA")


def t_openssl_cipher_serverpref():
    if need("openssl"):
        return "skip"
    with openssl("serverpref", *RSA, "-cipher", CIPHERS, "-serverpref",
                 "-no_tls1_3") as s:
        doc = scan(s.port)
    common(doc)
    eq(accepted_versions(doc), [771], "TLS 1.2 only")
    entry = suites_of(doc, 771)
    eq(ids(entry["suites"]), expected12(CIPHERS, ("RSA",)),
       "suites in the server's order = openssl ciphers -V order")
    eq(entry["order"], "server", "server order")
    eq(entry["complete"], True, "complete")
    # n accepted suites: n + 1 connections, at most one more for the order
    true(entry["connections"] <= len(entry["suites"]) + 2, "chain cost")


def t_openssl_cipher_clientpref():
    if need("openssl"):
        return "skip"
    with openssl("clientpref", *RSA, "-cipher", CIPHERS, "-no_tls1_3") as s:
        doc = scan(s.port)
    entry = suites_of(doc, 771)
    eq(sorted(ids(entry["suites"])), sorted(expected12(CIPHERS, ("RSA",))),
       "suites")
    eq(entry["order"], "client", "the client's order")


def t_openssl_groups_p384():
    if need("openssl"):
        return "skip"
    with openssl("p384", *RSA, "-groups", "P-384") as s:
        doc = scan(s.port)
    g = doc["scan"]["groups"]
    eq(ids(g["tls12"]["groups"]), [24], "TLS 1.2: secp384r1 only")
    eq(ids(g["tls13"]["groups"]), [24], "TLS 1.3: secp384r1 only")
    eq(g["x25519_key_share"], "hello_retry_request", "x25519 share refused")
    eq(g["hello_retry_request_group"]["name"], "secp384r1", "HRR group")
    eq(g["preferred"]["id"], 24, "preferred")
    # the TLS 1.3 hellos after the HRR carry a P-384 share
    eq(key(doc, "RSA")["present"], True, "RSA over TLS 1.2")


def t_openssl_sigalgs():
    if need("openssl"):
        return "skip"
    with openssl("sigalgs", *RSA, "-sigalgs", "RSA-PSS+SHA256:RSA+SHA384",
                 "-no_tls1_3") as s:
        doc = scan(s.port)
    schemes = key(doc, "RSA")["signature_algorithms"]["schemes"]
    eq(sorted(ids(schemes)), [0x0501, 0x0804],
       "rsa_pkcs1_sha384 and rsa_pss_rsae_sha256 only")


def t_openssl_tls13_only():
    if need("openssl"):
        return "skip"
    with openssl("tls13", *RSA, "-tls1_3") as s:
        doc = scan(s.port)
    common(doc)
    eq(accepted_versions(doc), [772], "TLS 1.3 only")
    eq(sorted(ids(suites_of(doc, 772)["suites"])), [0x1301, 0x1302, 0x1303],
       "suites")
    eq(key(doc, "RSA")["present"], True, "RSA (TLS 1.3)")
    eq(key(doc, "RSA")["version"]["id"], 772, "over TLS 1.3")
    eq(key(doc, "ECDSA")["present"], False, "no ECDSA")
    eq(doc["scan"]["groups"]["tls12"]["state"], "untested", "no TLS 1.2")
    # the encrypted flight read with the x25519 share's private half
    eq(doc["scan"]["tls13_decrypted"], True, "decrypted")
    rsa = key(doc, "RSA")
    true("OU=RSA" in rsa["chain"][0]["subject"], "certificate read")
    eq(sorted(ids(rsa["signature_algorithms_tls13"]["schemes"])),
       [0x0804, 0x0805, 0x0806], "CertificateVerify: rsa_pss_rsae_*")
    eq(rsa["signature_algorithms"]["schemes"], [], "no TLS 1.2 schemes")
    ext = doc["scan"]["extensions"]
    eq(ext["max_fragment_length"]["honoured"], True,
       "MFL echoed in EncryptedExtensions")
    eq(ext["max_fragment_length"]["version"]["id"], 772, "over TLS 1.3")


def t_openssl_tls13_sni_after_hrr():
    """TLS 1.3 only, secp256r1 only: the scan answers the HRR's group with
    a share it keeps the key of, and still reads certificates."""
    if need("openssl"):
        return "skip"
    with openssl("tls13-sni", *RSA, "-tls1_3", "-groups", "P-256",
                 "-servername", "localhost", "-cert2",
                 os.path.join(CERTS, "server-ecdsa.crt"), "-key2",
                 os.path.join(CERTS, "server-ecdsa.key")) as s:
        doc = scan(s.port)
    eq(doc["scan"]["groups"]["hello_retry_request_group"]["id"], 23, "HRR")
    true("OU=ECDSA" in sni_test(doc, "scan_name")["certificate"]["subject"],
         "localhost gets -cert2")
    none = sni_test(doc, "none")
    eq(none["behaviour"], "other_certificate", "no SNI")
    true("OU=RSA" in none["certificate"]["subject"], "the default")


def t_openssl_tls12_only():
    if need("openssl"):
        return "skip"
    with openssl("tls12", *RSA, "-tls1_2") as s:
        doc = scan(s.port)
    eq(accepted_versions(doc), [771], "TLS 1.2 only")
    v13 = [v for v in doc["scan"]["versions"] if v["id"] == 772][0]
    eq(v13["answer"]["alert"]["description"], 70, "protocol_version")
    eq(doc["scan"]["groups"]["tls13"]["state"], "untested", "no 1.3 groups")


def t_openssl_sni():
    if need("openssl"):
        return "skip"
    args = RSA + ["-servername", "localhost", "-cert2",
                  os.path.join(CERTS, "server-ecdsa.crt"), "-key2",
                  os.path.join(CERTS, "server-ecdsa.key")]
    with openssl("sni", *args) as s:
        doc = scan(s.port)
    scan_name = sni_test(doc, "scan_name")
    true("OU=ECDSA" in scan_name["certificate"]["subject"],
         "localhost gets -cert2")
    none = sni_test(doc, "none")
    eq(none["behaviour"], "other_certificate", "no SNI: default cert")
    true("OU=RSA" in none["certificate"]["subject"], "default is RSA")
    eq(sni_test(doc, "unknown")["behaviour"], "other_certificate",
       "unknown name: default cert")
    with openssl("sni-fatal", *(args + ["-servername_fatal"])) as s:
        doc = scan(s.port)
    unknown = sni_test(doc, "unknown")
    eq(unknown["behaviour"], "alert", "unknown name: alert")
    eq(unknown["answer"]["alert"]["description"], 112, "unrecognized_name")


# ---------------------------------------------------------------------------
# gnutls-serv

def gnutls_suites(priority):
    p = subprocess.run(["gnutls-cli", "--list", "--priority", priority],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    out = []
    for line in p.stdout.decode().splitlines():
        m = re.match(r"(TLS_\S+)\s+0x([0-9a-f]{2}), 0x([0-9a-f]{2})", line)
        if m:
            out.append(int(m.group(2) + m.group(3), 16))
    return out


def t_gnutls_tls13_only():
    if need("gnutls-serv", "gnutls-cli"):
        return "skip"
    prio = "NORMAL:-VERS-ALL:+VERS-TLS1.3"
    with gnutls("gnutls13", "--priority", prio) as s:
        doc = scan(s.port)
    common(doc)
    eq(accepted_versions(doc), [772], "TLS 1.3 only")
    eq(sorted(ids(suites_of(doc, 772)["suites"])),
       sorted(gnutls_suites(prio)), "suites = gnutls-cli --list")
    ext = doc["scan"]["extensions"]
    eq(ext["record_size_limit"]["honoured"], True, "RSL in EE")
    eq(ext["record_size_limit"]["version"]["id"], 772, "over TLS 1.3")


def t_gnutls_default():
    if need("gnutls-serv"):
        return "skip"
    with gnutls("gnutls") as s:
        doc = scan(s.port)
    common(doc)
    true({771, 772} <= set(accepted_versions(doc)), "TLS 1.2 and 1.3")
    ext = doc["scan"]["extensions"]
    eq(ext["max_fragment_length"]["honoured"], True, "MFL")
    eq(ext["record_size_limit"]["honoured"], True, "record_size_limit")


# ---------------------------------------------------------------------------
# scripted servers

def count_file():
    return os.path.join(WORK, "count-%d" % time.monotonic_ns())


def lines(path):
    try:
        with open(path) as f:
            return len(f.readlines())
    except OSError:
        return 0


PREFS = "0x009d,0x002f,0x0035,0x009c,0x003c"


def t_scripted_server_order():
    cf = count_file()
    with scripted("pref", "tls12", "--prefs", PREFS, "--count", cf) as s:
        doc = scan(s.port)
        time.sleep(0.2)
    entry = suites_of(doc, 771)
    eq(ids(entry["suites"]), [0x009d, 0x002f, 0x0035, 0x009c, 0x003c],
       "the server's order")
    eq(entry["order"], "server", "order")
    eq(entry["connections"], 6, "5 suites: 6 connections, order for free")
    eq(lines(cf), doc["scan"]["connections"],
       "connections the server saw = connections reported")
    ext = doc["scan"]["extensions"]
    eq(ext["max_fragment_length"]["honoured"], False, "MFL not echoed")
    eq(ext["record_size_limit"]["honoured"], False, "RSL not echoed")
    # MFL and RSL in one hello, neither echoed: one connection for both
    purposes = [c["purpose"] for c in doc["scan"]["connections_log"]]
    eq(sum(1 for p in purposes if "max_fragment_length" in p
           or "record_size_limit" in p), 1, "one hello for MFL and RSL")


def t_scripted_client_order():
    with scripted("client", "tls12", "--prefs", PREFS, "--order",
                  "client") as s:
        doc = scan(s.port)
    entry = suites_of(doc, 771)
    eq(ids(entry["suites"]), sorted([0x009d, 0x002f, 0x0035, 0x009c,
                                     0x003c]), "as offered (id order)")
    eq(entry["order"], "client", "client order")
    eq(entry["connections"], 7, "5 suites: 6 connections + 1 for the order")


def t_scripted_large_hello():
    with scripted("small", "tls12", "--prefs", PREFS, "--max-hello",
                  "600") as s:
        doc = scan(s.port, "--timeout", "2000")
    entry = suites_of(doc, 771)
    true(entry is not None, "TLS 1.2 found through smaller hellos")
    eq(ids(entry["suites"]), [0x009d, 0x002f, 0x0035, 0x009c, 0x003c],
       "all suites, server order")
    true(any("at a time" in n for n in doc["scan"]["notes"]), "said why")


def t_budget():
    with scripted("budget", "tls12", "--prefs", PREFS) as s:
        doc = scan(s.port, "--max-connections", "4")
    true(doc["scan"]["connections"] <= 4, "at most 4")
    eq(doc["scan"]["budget_exhausted"], True, "budget said")
    eq(doc["scan"]["max_connections"], 4, "budget in the document")


def t_delay():
    with scripted("delay", "tls12", "--prefs", "0x002f") as s:
        t0 = time.monotonic()
        doc = scan(s.port, "--max-connections", "4", "--delay", "150")
        took = time.monotonic() - t0
    eq(doc["scan"]["connections"], 4, "4 connections")
    true(took >= 0.45, "3 pauses of 150 ms (took %.2f s)" % took)


def hostile(mode, want_exit, words, timeout_ms=800):
    with scripted(mode, mode) as s:
        t0 = time.monotonic()
        rc, out, err = r.tlsdiag("scan", "--connect-to", "127.0.0.1",
                                 "--timeout", str(timeout_ms),
                                 "localhost:%d" % s.port, timeout=60)
        took = time.monotonic() - t0
    eq(rc, want_exit, "exit (%s)" % err.strip())
    for w in words:
        true(w in err, "message says %r: %s" % (w, err.strip()))
    true(took < timeout_ms / 1000.0 + 1.5, "ended in %.2f s" % took)


def t_silent():
    hostile("silent", 4, ["sent nothing within 800 ms"])


def t_reset():
    hostile("reset", 4, ["reset the connection"])


def t_http():
    hostile("http", 3, ["not TLS", "HTTP"])


def t_refuses_every_hello():
    """A server that answers handshake_failure to every hello: nothing is
    accepted, and nothing is reported as accepted (the scan's own name
    included)."""
    with scripted("refuse", "refuse") as s:
        rc, out, err = r.tlsdiag("--json", "scan", "--connect-to",
                                 "127.0.0.1", "localhost:%d" % s.port,
                                 timeout=60)
        _, text, _ = r.tlsdiag("scan", "--connect-to", "127.0.0.1",
                               "localhost:%d" % s.port, timeout=60)
    doc = loads(out, "tlsdiag --json scan (refuses every hello)")
    true(doc["scan"]["reached"], "reached")
    eq(accepted_versions(doc), [], "no version accepted")
    eq([t for t in doc["scan"]["sni"] if t["behaviour"] == "accepted"], [],
       "no name reported as accepted")
    true("no handshake with it went through" in text, text[-600:])


def t_refused():
    port = peers.free_port()
    rc, out, err = r.tlsdiag("--json", "scan", "--connect-to", "127.0.0.1",
                             "localhost:%d" % port, timeout=60)
    eq(rc, 4, "exit")
    true("refused" in err, err)
    doc = loads(out, "tlsdiag --json scan (refused)")
    eq(doc["scan"]["reached"], False, "not reached")
    eq(doc["scan"]["failure"]["connected"], False, "no connection")


def t_from():
    if need("openssl"):
        return "skip"
    log = r.src("captures/logs/ecdsa-only-vs-rsa.log")
    with openssl("from", *RSA) as s:
        doc = scan(s.port, "--from", log)
    f = doc["scan"]["from"]
    eq(f["cipher_suite"], None, "ECDSA-only device vs RSA server: none")
    dev = [x for x in f["suites"] if x["device"]]
    eq(sorted(x["id"] for x in dev), [0xc02b, 0xc02c], "device's suites")
    true(all(not x["server"] for x in dev), "none accepted")
    true(any(x["server"] and not x["device"] for x in f["suites"]),
         "the server's suites beside")
    eq(f["replayed"]["result"], "alert", "replayed: alert")
    eq(f["replayed"]["alert"]["description"], 40, "handshake_failure")
    eq(f["version"]["id"], 771, "common version TLS 1.2")
    eq(len(doc["handshakes"]), 1, "the device's handshake")
    log = r.src("captures/logs/mfl-512-fragmented-cert.log")
    with openssl("from-mfl", *RSA, "-cipher", CIPHERS, "-serverpref") as s:
        doc = scan(s.port, "--from", log)
    f = doc["scan"]["from"]
    eq(f["cipher_suite"]["id"], 0xc02f, "the server's first the device has")
    eq(f["max_fragment_length"]["device"], 512, "device MFL")
    eq(f["max_fragment_length"]["honoured"], True, "openssl echoes it")
    eq(f["replayed"]["result"], "server_hello", "replayed: accepted")
    # a TLS 1.3 device (mbedTLS 3.6 log): the schemes compared are TLS
    # 1.3's CertificateVerify ones, where RSA signs only with PSS
    log = r.src("captures/logs/mbedtls3/tls13-hrr-then-ok.log")
    with openssl("from-tls13", *RSA) as s:
        doc = scan(s.port, "--from", log)
    f = doc["scan"]["from"]
    eq(f["version"]["id"], 0x0304, "common version TLS 1.3")
    server = sorted(x["id"] for x in f["signature_algorithms"]
                    if x["server"])
    true(server and all(0x0804 <= x <= 0x0806 for x in server),
         "server schemes are RSA-PSS only: %s" % [hex(x) for x in server])
    true(any(x["device"] and x["server"] for x in f["signature_algorithms"]),
         "a scheme in common")


def t_text_and_usage():
    if need("openssl"):
        return "skip"
    with openssl("text", *RSA, "-cipher", CIPHERS, "-serverpref",
                 "-no_tls1_3") as s:
        rc, out, err = r.tlsdiag("scan", "-v", "--connect-to", "127.0.0.1",
                                 "localhost:%d" % s.port, timeout=60,
                                 env={"COLUMNS": "72"})
    eq(rc, 0, "exit " + err)
    wide = [l for l in out.splitlines() if len(l) > 72]
    eq(wide, [], "lines wider than COLUMNS=72")
    for w in ["connections in", "Protocol versions", "TLS 1.2", "Cipher "
              "suites, TLS 1.2: 5, in the server's order", "Certificates",
              "Server name (SNI)", "max_fragment_length 512",
              "tlsdiag-unknown.invalid", "Connections"]:
        true(w in out, "text has %r" % w)
    for argv in (["scan"], ["scan", "a", "b"], ["scan", "--timeout", "x",
                                                "h"],
                 ["scan", "--handshake", "1", "h"], ["scan", "h:99999"]):
        rc, out, err = r.tlsdiag(*argv)
        eq(rc, 2, "usage error for %s" % argv)
    rc, out, err = r.tlsdiag("scan", "--help")
    eq(rc, 0, "help")
    true("--max-connections" in out, "help text")


for name, fn in sorted((k, v) for k, v in dict(globals()).items()
                       if k.startswith("t_")):
    r.check(name[2:], fn)
peers.PROCS.stop_all()
shutil.rmtree(WORK, ignore_errors=True)
r.finish()
