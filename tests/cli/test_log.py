#!/usr/bin/env python3
"""`tlsdiag log` on the seed logs (read from ../shared) and on edge cases:
the findings the founding cases must get, exit codes, stdin, streaming."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from tdtest import Run, eq, loads, true  # noqa: E402

t = Run()


def seed(name):
    return t.shared("seed-logs/" + name)


def ids(hs):
    return [f["id"] for f in hs["findings"]]


def google_sni():
    p = seed("stm32-google-sni.log")
    if not p:
        return "skip"
    d = t.json("log", p, want_exit=1)
    eq(len(d["handshakes"]), 1, "handshakes")
    hs = d["handshakes"][0]
    f = hs["findings"][0]
    eq(f["id"], "sni_wrong", "first finding")
    text = f["title"] + " " + f["explanation"] + " " + f["fix"]["summary"]
    true("mbed TLS Server 1" in text and "www.google.de" in text, text)
    true("mbedtls_ssl_set_hostname" in f["fix"]["mbedtls_2"], "fix 2")
    true("mbedtls_ssl_set_hostname" in f["fix"]["mbedtls_3"], "fix 3")
    true(any(e.get("line") for e in f["evidence"]), "evidence lines")
    eq(hs["target"], {"host": "www.google.de", "port": 443}, "target")
    eq(hs["alerts"][0]["description"], 40, "alert")
    eq(hs["outcome"], "failed", "outcome")
    eq(hs["client_hello"]["complete"], True, "complete")
    rc, out, _ = t.tlsdiag("log", p)
    true("sni_wrong" in out and "Verdict" in out, out)


def mbedos_ecdsa():
    p = seed("mbedos-ecdsa-only-alert80.log")
    if not p:
        return "skip"
    d = t.json("log", p, want_exit=1)
    eq(len(d["handshakes"]), 2, "handshakes")
    for hs in d["handshakes"]:
        eq(set(ids(hs)[:2]), {"no_shared_cipher", "sni_missing"},
           f"first two of {ids(hs)}")
        first = hs["findings"][0]
        true("before" in first["explanation"]
             and hs["findings"][1]["id"] in first["explanation"],
             "ranking reason: " + first["explanation"])
        true("tlsdiag probe" in first["explanation"], "probe hint")
    # the first attempt has no record dumps: rebuilt from text
    eq(d["handshakes"][0]["client_hello"]["complete"], False, "text hello")
    eq([c["id"] for c in d["handshakes"][0]["client_hello"]["cipher_suites"]],
       [0xc02c, 0xc02b, 0x00ff], "text suites")
    eq(d["handshakes"][1]["client_hello"]["complete"], True, "dump hello")


def stm32f427():
    p = seed("stm32f427-rsa-alert80.log")
    if not p:
        return "skip"
    d = t.json("log", p, want_exit=1)
    eq(len(d["handshakes"]), 2, "handshakes")
    for hs in d["handshakes"]:
        ch = hs["client_hello"]
        eq(ch["complete"], True, "complete")
        eq(ch["max_fragment_length"], 2048, "mfl")
        eq(ids(hs)[0], "sni_missing", "first")
        true("max_fragment_length" in ids(hs), "mfl listed")
        true("no_shared_cipher" not in ids(hs), "no no_shared_cipher")


def not_a_log():
    rc, out, err = t.tlsdiag("log", "-", stdin="hello world\nnothing here\n")
    eq(rc, 3, "exit for a text without mbedTLS")
    true("no mbedTLS handshake" in err, err)
    rc, _, err = t.tlsdiag("log", "/nonexistent/file.log")
    eq(rc, 3, "missing file")
    rc, _, _ = t.tlsdiag("log", "--bogus")
    eq(rc, 2, "bad option")
    rc, out, _ = t.tlsdiag("log", "--help")
    eq(rc, 0, "help")
    true("Usage: tlsdiag log" in out, out)


def stdin_and_crlf():
    p = seed("stm32-google-sni.log")
    if not p:
        return "skip"
    text = open(p, encoding="utf-8", errors="replace").read()
    a = t.json("log", p, want_exit=1)
    crlf = text.replace("\n", "\r\n")
    b = t.json("log", "-", stdin=crlf, want_exit=1)
    eq(ids(b["handshakes"][0]), ids(a["handshakes"][0]), "CRLF on stdin")
    # two logs in one paste, and two files: handshakes in order
    two = t.json("log", "-", stdin=text + "\n" + text, want_exit=1)
    eq(len(two["handshakes"]), 2, "two pastes")
    eq([h["index"] for h in two["handshakes"]], [0, 1], "indexes")


def long_lines_and_garbage():
    junk = ("x" * 20000 + "\n") * 3 + "\x00\xff\xfe garbage\n"
    p = seed("stm32-google-sni.log")
    if not p:
        return "skip"
    text = open(p, encoding="utf-8", errors="replace").read()
    d = t.json("log", "-", stdin=junk + text + junk, want_exit=1)
    eq(ids(d["handshakes"][0])[0], "sni_wrong", "still found")
    true(any("longer than" in w for w in d["warnings"]), d["warnings"])


# mbedTLS 3.6 logs written from the 3.6.6 format strings
# (captures/logs/mbedtls3/README.md): file -> (exit, [(outcome, first id)])
V3 = {
    "tls12-ecdsa-only-alert40.log": (1, [("failed", "no_shared_cipher")]),
    "tls13-hrr-then-ok.log": (0, [("ok", None)]),
    "tls13-only-server-vs-tls12-client-alert70.log":
        (1, [("failed", "version_mismatch")]),
    "verify-fail-unknown-ca.log": (1, [("failed", "ca_missing_or_wrong")]),
    "no-hostname-5d80.log": (1, [("failed", "hostname_not_set")]),
    "server-no-common-cipher.log": (1, [("failed", "no_shared_cipher"),
                                        ("failed", "no_shared_cipher")]),
}


def mbedtls3():
    for name, (code, want) in V3.items():
        d = t.json("log", t.src("captures/logs/mbedtls3/" + name),
                   want_exit=code)
        got = [(h["outcome"], h["findings"][0]["id"] if h["findings"]
                else None) for h in d["handshakes"]]
        eq(got, want, name)
        for h in d["handshakes"]:
            eq(h["client_hello"] is not None, True, name + " hello")
    d = t.json("log", t.src("captures/logs/mbedtls3/tls13-hrr-then-ok.log"))
    h = d["handshakes"][0]
    eq(h["hello_retry_request"]["key_share_group"]["name"], "secp256r1",
       "hrr group")
    d = t.json("log", t.src("captures/logs/mbedtls3/"
                            "server-no-common-cipher.log"))
    for h in d["handshakes"]:
        eq(h["alerts"][0]["from"], "server", "the device sends the alert")


def fix_steps_stand_alone():
    """Each version's step reads on its own (JSON consumers, and `log`
    text that shows only the log's version): no 3.6 step that refers to
    the 2.28 one, and each names its own version's config file."""
    import glob
    logs = sorted(glob.glob(t.src("captures/logs/*.log"))
                  + glob.glob(t.src("captures/logs/mbedtls3/*.log")))
    seen = 0
    for log in logs:
        rc, out, err = t.tlsdiag("--json", "log", log)
        for h in loads(out, "tlsdiag --json log " + log)["handshakes"]:
            for f in h["findings"]:
                fx = f["fix"]
                m2, m3 = fx["mbedtls_2"] or "", fx["mbedtls_3"] or ""
                seen += bool(m3)
                true(not m3.lower().startswith("the same"),
                     "%s: %s: 3.6 step refers to 2.28: %r"
                     % (log, f["id"], m3))
                true("mbedtls/config.h" not in m3,
                     "%s: %s: 3.6 step names 2.28's config.h" % (log, f["id"]))
                true("mbedtls_config.h" not in m2,
                     "%s: %s: 2.28 step names 3.6's mbedtls_config.h"
                     % (log, f["id"]))
    true(seen > 20, "3.6 steps checked: %d" % seen)


t.check("mbedTLS 3.6 logs", mbedtls3)
t.check("each version's fix step stands alone", fix_steps_stand_alone)
t.check("stm32-google-sni: sni_wrong", google_sni)
t.check("mbedos-ecdsa-only-alert80: no_shared_cipher + sni_missing",
        mbedos_ecdsa)
t.check("stm32f427-rsa-alert80: sni_missing, mfl, no cipher", stm32f427)
t.check("input without mbedTLS, errors", not_a_log)
t.check("stdin, CRLF, several pastes", stdin_and_crlf)
t.check("long lines and garbage around a log", long_lines_and_garbage)
t.finish()
