#!/usr/bin/env python3
"""`tlsdiag hello`: the done-when cases of the foundation, the input forms,
exit codes, and agreement with tshark's reading of the project's own
recorded handshakes (captures/facts/*.json, made by
tests/tools/capture_facts.py)."""
import base64
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from tdtest import Run, eq, loads, true  # noqa: E402

t = Run()


def seed_dump(name):
    """The 'output record sent to network' dump lines of a seed log."""
    path = t.shared("seed-logs/" + name)
    if not path:
        return None
    lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    start = next(i for i, l in enumerate(lines)
                 if "output record sent to network" in l)
    out = [lines[start]]
    for l in lines[start + 1:]:
        if "flush output" in l:
            break
        out.append(l)
    return "\n".join(out) + "\n"


def stm32_done_when():
    dump = seed_dump("stm32-google-sni.log")
    if dump is None:
        return "skip"
    rc, out, err = t.tlsdiag("hello", "-", stdin=dump)
    eq(rc, 0, "exit")
    for want in ['host_name "mbed TLS Server 1"',
                 "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                 "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256",
                 "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256",
                 "TLS_PSK_WITH_AES_128_GCM_SHA256",
                 "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
                 "secp256r1", "ecdsa_secp256r1_sha256", "rsa_pkcs1_sha256",
                 "ecdsa_sha224", "rsa_pkcs1_sha224",
                 "encrypt_then_mac", "extended_master_secret"]:
        true(want in out, f"{want!r} missing from:\n{out}")
    doc = t.json("hello", "-", stdin=dump, want_exit=0)
    ch = doc["handshakes"][0]["client_hello"]
    eq(ch["sni"], "mbed TLS Server 1", "sni")
    eq([c["id"] for c in ch["cipher_suites"]],
       [0xc02b, 0xc031, 0xc02d, 0x00a8, 0x00ff], "suites")
    eq([g["name"] for g in ch["supported_groups"]], ["secp256r1"], "groups")
    eq([s["name"] for s in ch["signature_algorithms"]],
       ["ecdsa_secp256r1_sha256", "rsa_pkcs1_sha256", "ecdsa_sha224",
        "rsa_pkcs1_sha224"], "sigalgs")
    eq([e["name"] for e in ch["extensions"]],
       ["server_name", "signature_algorithms", "supported_groups",
        "ec_point_formats", "encrypt_then_mac", "extended_master_secret"],
       "extensions")
    eq(ch["complete"], True, "complete")
    eq(doc["command"], "hello", "command")
    eq(doc["tool"], "tlsdiag", "tool")


def input_forms():
    dump = seed_dump("stm32-google-sni.log")
    if dump is None:
        return "skip"
    want = t.json("hello", "-", stdin=dump)["handshakes"][0]["client_hello"]
    # The bytes, re-encoded in other forms users paste.
    doc = t.json("hello", "-", stdin=dump)
    raw = bytes.fromhex(doc["handshakes"][0]["client_hello"]["random"])
    true(len(raw) == 32, "random")
    hexs = None
    rc, out, _ = t.tlsdiag("hello", "--json", "-", stdin=dump)
    loads(out, "tlsdiag hello --json -")
    # rebuild the record bytes from the dump rows
    rows = [l.split(":  ", 1)[1][:48] for l in dump.splitlines()[1:]]
    hexs = "".join(r.replace(" ", "") for r in rows)
    b = bytes.fromhex(hexs)
    forms = {
        "plain": hexs,
        "spaced": " ".join(f"{x:02x}" for x in b),
        "colons": ":".join(f"{x:02X}" for x in b),
        "0x": ", ".join(f"0x{x:02x}" for x in b),
        "base64": base64.b64encode(b).decode(),
    }
    for name, text in forms.items():
        d = t.json("hello", text, want_exit=0)
        eq(d["handshakes"][0]["client_hello"]["cipher_suites"],
           want["cipher_suites"], name)
    # split across arguments: a record cut in three pieces decodes whole
    d = t.json("hello", hexs[:20], hexs[20:100], hexs[100:], want_exit=0)
    eq(d["handshakes"][0]["client_hello"]["sni"], "mbed TLS Server 1",
       "split args")
    # a bare handshake message (no record header)
    d = t.json("hello", hexs[10:], want_exit=0)
    eq(d["handshakes"][0]["client_hello"]["sni"], "mbed TLS Server 1", "bare")
    # truncated: decoded as far as it goes, says where, exit 0
    d = t.json("hello", hexs[:120], want_exit=0)
    ch = d["handshakes"][0]["client_hello"]
    eq(ch["complete"], False, "truncated complete")
    true(any("cut short" in w for w in d["warnings"]), "truncation warning")


def exit_codes():
    rc, _, err = t.tlsdiag("hello")
    eq(rc, 2, "no args")
    rc, _, err = t.tlsdiag("hello", "--bogus")
    eq(rc, 2, "bad option")
    rc, _, err = t.tlsdiag("hello", "zz-not-hex-or-base64!!")
    eq(rc, 3, "garbage")
    true("hello" in err or "not" in err, err)
    rc, _, err = t.tlsdiag("hello", "48545450")   # "HTTP"
    eq(rc, 3, "not TLS")
    rc, out, _ = t.tlsdiag("hello", "--help")
    eq(rc, 0, "help")
    true("Usage: tlsdiag hello" in out, "help text")
    rc, out, _ = t.tlsdiag("--version")
    eq(rc, 0, "version")
    true(out.startswith("tlsdiag 0.1.0") and "mbed TLS 2.28" in out, out)


def no_color_when_piped():
    path = t.src("captures/records/tls12-rsa.client.bin")
    rc, out, _ = t.tlsdiag("hello", path, env={"NO_COLOR": ""})
    true("\033[" not in out, "colour escapes in piped output")
    rc, out, _ = t.tlsdiag("hello", "--color=always", path)
    true("\033[" in out, "no colour with --color=always")


def against_tshark_facts():
    """Every recorded scenario: what hello decodes equals what tshark saw."""
    n = 0
    for fpath in sorted(glob.glob(t.src("captures/facts/*.json"))):
        f = json.load(open(fpath))
        name = f["scenario"]
        cbin = t.src(f"captures/records/{name}.client.bin")
        sbin = t.src(f"captures/records/{name}.server.bin")
        d = t.json("hello", cbin, want_exit=0)
        ch = d["handshakes"][0]["client_hello"]
        eq(len(ch["cipher_suites"]), int(f["ch_cipher_suites"]),
           name + " suites")
        eq(",".join(e["name"] for e in ch["extensions"]),
           f["ch_extensions"], name + " extensions")
        eq(ch["sni"], None if f["sni"] == "-" else f["sni"], name + " sni")
        eq("0x%04x" % ch["legacy_version"], f["ch_legacy_version"],
           name + " legacy_version")
        d = t.json("hello", sbin, want_exit=0)
        hs = d["handshakes"][0]
        if f.get("cipher_suite", "-") != "-":
            sh = hs["server_hello"]
            true(sh is not None, name + " server hello")
            eq("0x%04x" % sh["cipher_suite"]["id"], f["cipher_suite"],
               name + " cipher")
            eq(sh["cipher_suite"]["name"], f["cipher_name"],
               name + " cipher name")
            eq(sh["hello_retry_request"] or (hs.get("hello_retry_request")
                                             is not None),
               f["hrr"] == "yes", name + " hrr")
        alerts = [a for a in hs["alerts"] if not a["encrypted"]]
        if f["alerts"] not in ("-", ""):
            true(alerts, name + " alert expected: " + f["alerts"])
            true(str(alerts[0]["description"]) in f["alerts"],
                 f"{name} alert {alerts[0]} vs {f['alerts']}")
        n += 1
    true(n >= 8, f"only {n} scenarios")


t.check("stm32 seed ClientHello (done-when)", stm32_done_when)
t.check("input forms", input_forms)
t.check("exit codes", exit_codes)
t.check("colour", no_color_when_piped)
t.check("recorded captures agree with tshark", against_tshark_facts)
t.finish()
