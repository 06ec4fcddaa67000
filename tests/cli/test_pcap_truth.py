#!/usr/bin/env python3
"""`tlsdiag pcap` against tshark's reading of the public captures.

../shared/captures-public/ holds real captures from other projects, each
with NAME.truth.json: what tshark 4.0.17 reads in it (the format and
tshark's known weak spots are in that folder's README.md).  For every TCP
connection tshark saw TLS on, this test finds tlsdiag's handshakes of the
same connection and compares, field by field:

  ClientHello   SSLv2 flag, record version, legacy version, random, session
                id, cipher suites (SSLv2 cipher specs too), compression
                methods, extension types and lengths in wire order, SNI,
                supported_versions, supported_groups, ec_point_formats,
                signature_algorithms(_cert), ALPN, key_share groups,
                max_fragment_length (code), record_size_limit, JA3, and the
                packet when tshark saw it in one segment and one record
  ServerHello   SSLv2 flag, record version, version, random, session id
  (and HRR)     length, cipher suite, extensions, selected_version,
                hello_retry_request, key_share group, ALPN
  Certificate   per direction: the Certificate messages, per message the
                number of certificates, per certificate DER length, subject,
                issuer, key algorithm, RSA bits or curve, validity, SAN and
                signature algorithm (see "Normalisation")
  Alert         from, level, description, encrypted, packet; in order
  messages      per direction, the types of the plaintext handshake
                messages in order, and the number of SSLv2 records
  summary       DTLS and QUIC flows (recognised, not decoded)

and the roles (which side is the client).  It prints, per file, the
connections in the truth, how many tlsdiag matched, the fields compared,
how many agree, how many differences are explained and how many are not,
then the explanations and the differences.

tshark is an oracle, not a god.  Where tlsdiag and tshark disagree and the
bytes show that tshark (or the script that wrote the truth) is wrong, or
the comparison is ill-posed, the difference is explained: one by one in
KNOWN, with the evidence in a comment, or, for a kind of difference that
recurs, by an excuse_* function that checks on the data that the
explanation holds.  Every other difference fails the test: it is a tlsdiag
bug until shown otherwise.  A KNOWN entry of kind "tshark" whose difference
is no longer seen fails too: tlsdiag would then agree with a value the
bytes show to be wrong.

Matching.  A tlsdiag handshake belongs to the truth connection with the
same endpoint pair (in either order: one side may have the roles swapped,
which is then one compared field, "roles"); with several connections on one
pair (port reuse), to the last one that started at or before the
handshake's first packet.  Hellos are matched in order within a connection:
tlsdiag's client_hello, client_hello_retry of each handshake against
tshark's client_hellos[], and hello_retry_request, server_hello against
server_hellos[].  tlsdiag handshakes on no truth connection are extra
connections (field "connection"), truth connections without a tlsdiag
handshake missing ones.

Normalisation (what is compared how):
- code points: tshark's hex strings ("0x1301", SSLv2 "0x0700c0") against
  tlsdiag's integers.  IPv6 endpoints "[addr]:port" in canonical form.
- list-valued ClientHello fields: tshark writes null when the extension is
  absent and [] when it is present but empty; tlsdiag always writes a list,
  so its list is read as null when its own extension list lacks that
  extension type.  The SNI is compared as a string (null: absent).  A
  ServerHello's ALPN: tshark a list, tlsdiag a string.
- random is not compared for SSLv2 CLIENT-HELLOs (SSLv2 has a challenge,
  tshark writes null).
- Certificate messages are counted from tlsdiag's events (type
  "certificate", from client/server); the chain of the first one of a
  handshake is "certificates" / "client_certificates" (absent when empty).
- names: tshark (through the truth script) renders them most specific
  first, "CN=x,O=y,C=z", values as they are; mbedTLS as in the DER, "C=z,
  O=y, CN=x", with "\," inside values and "??" for attribute types it has
  no name for.  Both are split into (attribute, value) pairs (tshark's at
  "," before "ATTR=", tlsdiag's at ", " before "ATTR=" and backslash
  escapes undone) and compared as sorted lists.
- keys: tshark's algorithm name through KEYALG_NAMES against the first
  word of tlsdiag's "key"; rsa_modulus_bits against "RSA N"; named_curve
  name against "EC NAME N".  Dates: tshark's UTCTime "YYYY-MM-DD HH:MM:SS
  (UTC)" and GeneralizedTime "Mon DD, YYYY HH:MM:SS.fffffffff UTC" both as
  "YYYY-MM-DD HH:MM:SS".  Signature algorithms through SIGALG_NAMES;
  tshark names not in it are not compared.
- alerts: tshark writes level/description null for an alert it cannot read
  (encrypted); tlsdiag writes null too.  An alert record is a few bytes, so
  both name the same packet.
"""
import glob
import ipaddress
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from tdtest import Run, schema_check, schema_problems  # noqa: E402

t = Run()

# ---------------------------------------------------------------------------
# Differences that are tshark's error (or its truth script's), or an
# ill-posed comparison, one by one.
# Key: (capture file, tshark tcp.stream, field).  For tlsdiag handshakes on
# no truth connection the second element is "extra client>server".
# Value: (kind, reason).  kind "tshark": the bytes show tshark's value is
# wrong; if tlsdiag ever agrees with it, the entry is stale and the test
# fails.  kind "ill-posed": there is no right value to compare (the entry
# may go stale without harm).  Evidence in the comment above each entry.
# Differences of a kind that recurs are excused by checks on the data
# instead (the excuse_* functions below; some read tlsdiag's warnings).
# ---------------------------------------------------------------------------
ZERO_LEN_SH = ("tshark", "the ServerHello's handshake header says length 0 "
               "(02 00 00 00); tshark reads its fields past the message end, "
               "out of the following HelloRequest and the next record; "
               "tlsdiag stops at byte 4 (legacy_version: 0 bytes left)")
CUT_RECORD_AT_END = ("tshark", "a one-packet stream whose handshake record "
                     "is cut by the end of the capture; with "
                     "tls.desegment_ssl_records tshark waits for the rest of "
                     "the record and dissects nothing, so the truth has no "
                     "connection; tlsdiag decodes the messages that are "
                     "whole in the part that is there")
SSLV2_JA3 = ("ill-posed", "JA3 is defined on a TLS ClientHello record "
             "(salesforce/ja3 skips anything else); tshark computes none "
             "for an SSLv2 CLIENT-HELLO, tlsdiag fingerprints its TLS "
             "cipher specs")
KNOWN = {
    # Frame 3: 16 03 03 00 28 | 02 00 00 00 | 00 00 00 00 | 7c 5d 04 24 ..
    # A ServerHello of length 0, a HelloRequest of length 0, then garbage.
    # tshark -V shows "Length: 0" and still "Version: Unknown (0x0000)",
    # "Session ID Length: 181" and a session id running into the next
    # record (17 03 03 05 c0 ...), "Cipher Suite: Unknown (0x2175)".
    ("mercury-corner-cases.pcap", 2, "server_hello[0].random"): ZERO_LEN_SH,
    ("mercury-corner-cases.pcap", 2, "server_hello[0].session_id_length"):
        ZERO_LEN_SH,
    ("mercury-corner-cases.pcap", 2, "server_hello[0].cipher_suite"):
        ZERO_LEN_SH,
    # Frame 1 (tshark: "[TCP segment of a reassembled PDU]"):
    # 16 03 03 19 f1 | 02 00 00 55 03 03 5c 09 b9 cd ... : a 6641-byte record
    # of which 1260 bytes were captured; the 85-byte ServerHello (suite
    # 0xc028, extensions 5, 23, 65281 ...) is whole.
    ("mercury-corner-cases.pcap", "extra 10.82.252.206:53832>173.36.7.6:443",
     "connection"): CUT_RECORD_AT_END,
    # Frame 5: 16 03 03 13 33 | 02 00 00 26 03 03 5c 09 ba 0d ... : a
    # 4915-byte record, 1260 bytes captured; the ServerHello (suite 0x003c,
    # no extensions) and the start of the Certificate are there.
    ("mercury-corner-cases.pcap",
     "extra 10.82.252.206:53875>173.37.239.62:443", "connection"):
        CUT_RECORD_AT_END,
    # Frame 10: 16 03 03 0a 5b | 0b 00 0a 57 ...: a Certificate of 2647
    # bytes, 1432 captured: tlsdiag reports the cut Certificate message
    # (no whole certificate in it), tshark nothing.
    ("mercury-corner-cases.pcap",
     "extra 192.168.10.14:59116>52.216.1.59:443", "connection"):
        CUT_RECORD_AT_END,
    # tshark -V on the server certificate: "GeneralNames: 3 items":
    # directoryName, dNSName: XRX9C934E949FEF.local, "iPAddress:
    # 10.206.65.249".  The iPAddress is dissected as field
    # x509ce.IPAddress.ipv4, which tshark-truth.py does not collect (it
    # looks for x509ce.iPAddress), so the truth's san lacks it.
    ("ndpi-ja3_lots_of_cipher_suites.pcap", 0,
     "certificates.server[0][0].san"):
        ("tshark", "tshark shows iPAddress 10.206.65.249 in the SAN "
         "(field x509ce.IPAddress.ipv4); the truth script collects only "
         "x509ce.iPAddress and dropped it"),
    # Stream 297: the server's first captured segment (frame 6810) has
    # relative seq 2921 while the client's ACK in frame 6826 is 3692: the
    # first 2920 server bytes (ServerHello, most of the Certificate) were
    # never captured.  Frame 6810's 771 bytes are the tail of the cut
    # Certificate record, then 16 03 03 00 73 0c ... (ServerKeyExchange,
    # 111 bytes) and 16 03 03 00 04 0e 00 00 00 (ServerHelloDone).
    # tlsdiag finds those records by scanning for a record header after
    # the hole (the client answers them with its ClientKeyExchange in
    # frame 6826); tshark cannot find the record boundary and decodes only
    # the NewSessionTicket of frame 6838.
    ("pcpp-tls2.pcap", 297, "handshake_types.server"):
        ("tshark", "the server side starts 2920 bytes into the stream; "
         "tlsdiag finds the ServerKeyExchange and ServerHelloDone records "
         "after the cut Certificate, tshark does not resynchronise"),
    # SSLv2 records (80 2e 01 00 02 ... and 80 ... 01 03 01 ...): truth
    # "ja3": null, "ja3_full": null.
    ("zeek-ssl-v2.pcap", 0, "client_hello[0].ja3"): SSLV2_JA3,
    ("sv-sslv2-tls-upgrade-01.pcap", 0, "client_hello[0].ja3"): SSLV2_JA3,
}


def excuse_draft_key_share(g, w):
    """A TLS 1.3 draft ServerHello (version 0x7fNN, N < 23) carries its
    key_share as extension 40 (draft-ietf-tls-tls13-16 4.2; 51 from draft
    23 on).  tshark dissects it ("Reserved (key_share) (40)", in
    zeek-tls13draft16-ff52-unknown-ca.pcap "Group: secp384r1 (24)"), but the
    truth script records key_share_group only for extension 51."""
    v = w.get("version") or ""
    if (w.get("key_share_group") is None and g.get("key_share_group")
            and v.startswith("0x7f") and int(v, 16) & 0xff < 23
            and any(e["type"] == 40 for e in w.get("extensions") or [])):
        return ("draft key_share is extension 40; the truth script reads "
                "only extension 51")
    return None


def excuse_app_data_only(h):
    """An extra tlsdiag handshake on a stream the truth does not list:
    tshark-truth.py keeps only streams in which tshark decoded a handshake
    message or an alert (`if not c.events: continue`).  Holds when tlsdiag
    saw nothing but records it cannot read either."""
    plain = {"application_data", "change_cipher_spec", "close", "reset",
             "encrypted_handshake"}
    kinds = {e.get("kind") for e in h.get("events") or []}
    if (h.get("client_hello") or h.get("server_hello") or h.get("alerts")
            or h.get("certificates") or not kinds <= plain):
        return None
    return ("the truth lists only streams with a handshake message or an "
            "alert; tlsdiag saw only " + ", ".join(sorted(kinds))
            + " here (the capture starts mid-connection)")


def excuse_cut_certificate(warnings, side):
    """tlsdiag reports a Certificate message that a hole in the stream or
    the end of the capture cut (its warnings say so); tshark does not
    dissect a message whose record is incomplete, so the truth has none."""
    # A warning starts with its place ("packet 12: ").
    cut_cert = any(
        re.search(r"Certificate: list announces \d+ bytes, \d+ present", w)
        for w in warnings)
    cut_rec = any(re.search(r"(^|: )" + side + r" record is cut short", w)
                  for w in warnings)
    if cut_cert and cut_rec:
        return ("tlsdiag decodes a Certificate message whose record is cut "
                "(by a lost segment or the end of the capture); tshark does "
                "not dissect an incomplete record")
    return None


# tshark's X.509 signature algorithm names -> mbedTLS's descriptions.
SIGALG_NAMES = {
    "sha1WithRSAEncryption": "RSA with SHA1",
    "sha224WithRSAEncryption": "RSA with SHA-224",
    "sha256WithRSAEncryption": "RSA with SHA-256",
    "sha384WithRSAEncryption": "RSA with SHA-384",
    "sha512WithRSAEncryption": "RSA with SHA-512",
    "md5WithRSAEncryption": "RSA with MD5",
    "ecdsa-with-SHA1": "ECDSA with SHA1",
    "ecdsa-with-SHA224": "ECDSA with SHA224",
    "ecdsa-with-SHA256": "ECDSA with SHA256",
    "ecdsa-with-SHA384": "ECDSA with SHA384",
    "ecdsa-with-SHA512": "ECDSA with SHA512",
    "id-RSASSA-PSS": "RSASSA-PSS",
    # tshark 4.0 has no name for OID 2.16.840.1.101.3.4.3.17 and shows
    # "sigAlgs.17"; the OID is id-ml-dsa-44 (FIPS 204, RFC 9881).
    "sigAlgs.17": "ML-DSA-44",
}
# tshark's subjectPublicKeyInfo algorithm names -> the first word of
# tlsdiag's "key" ("RSA 2048", "EC secp256r1 256", "ML-DSA-44").
KEYALG_NAMES = {
    "rsaEncryption": "RSA",
    "id-ecPublicKey": "EC",
    "id-Ed25519": "Ed25519",
    "id-Ed448": "Ed448",
    "sigAlgs.17": "ML-DSA-44",      # as above
}

# ClientHello list fields -> (tshark key, tlsdiag key, extension type)
CH_LISTS = [
    ("supported_versions", "supported_versions", 43),
    ("supported_groups", "supported_groups", 10),
    ("signature_algorithms", "signature_algorithms", 13),
    ("key_share_groups", "key_share_groups", 51),
    ("signature_algorithms_cert", "signature_algorithms_cert", 50),
]


def hx(v, width=4):
    return None if v is None else "0x%0*x" % (width, v)


def ids(lst):
    return [hx(x["id"]) for x in lst]


def canon_ep(ep):
    """'1.2.3.4:5' / '[v6]:5' with the address in canonical form."""
    if ep is None:
        return None
    host, _, port = ep.rpartition(":")
    host = host.strip("[]")
    try:
        a = ipaddress.ip_address(host)
    except ValueError:
        return ep
    return (f"[{a.compressed}]" if a.version == 6 else str(a)) + ":" + port


# Distinguished names.  tshark (through the truth script): "CN=x,O=y,C=z",
# most specific first, values unescaped.  tlsdiag (mbedTLS's
# mbedtls_x509_dn_gets): "C=z, O=y, CN=x" as in the DER, "\," inside
# values, "??" for attribute types mbedTLS has no name for.
ATTR_TSHARK = re.compile(r",(?=[A-Za-z][A-Za-z0-9.-]*=)")
ATTR_TD = re.compile(r", (?=(?:[A-Za-z][A-Za-z0-9.-]*|\?\?)=)")
# tshark's long attribute names, to rebuild the length of its label
TSHARK_ATTR = {"CN": "id-at-commonName", "O": "id-at-organizationName",
               "OU": "id-at-organizationalUnitName",
               "L": "id-at-localityName", "ST": "id-at-stateOrProvinceName",
               "C": "id-at-countryName",
               "emailAddress": "pkcs-9-at-emailAddress",
               "serialNumber": "id-at-serialNumber"}
ITEM_LABEL_LENGTH = 240     # wireshark epan/proto.h: label buffer size


def dn_pairs(s, splitter, unescape=False):
    if not s:
        return []
    out = []
    for part in splitter.split(s):
        k, _, v = part.partition("=")
        if unescape:
            v = re.sub(r"\\(.)", r"\1", v)
        out.append((k.strip(), v))
    return sorted(out)


def tshark_label_cut(td_dn):
    """Excuse for an empty tshark DN: tshark writes the rdnSequence summary
    "rdnSequence: N items (id-at-commonName=...,...)" into a label of at
    most ITEM_LABEL_LENGTH bytes; a longer one is cut before its ")" and the
    truth script, which takes the text between the parentheses, records "".
    The excuse holds only if tshark's label for tlsdiag's DN (unknown
    attribute names counted at 12 bytes, less than any of tshark's) would
    not fit."""
    if not td_dn:
        return None
    items = ",".join(TSHARK_ATTR.get(k, "x" * max(12, len(k))) + "=" + v
                     for k, v in td_dn)
    label = f"rdnSequence: {len(td_dn)} items ({items})"
    if len(label) < ITEM_LABEL_LENGTH:
        return None
    return (f"tshark cut its rdnSequence label ({len(label)} bytes > "
            f"ITEM_LABEL_LENGTH {ITEM_LABEL_LENGTH}) before the ')'; the "
            "truth has '' for this name")


def tshark_time(s):
    """'2018-11-29 18:57:22 (UTC)' (UTCTime) or, for GeneralizedTime,
    'Apr 15, 2024 23:59:59.000000000 UTC' -> 'YYYY-MM-DD HH:MM:SS'."""
    if not s:
        return s
    s = s.replace(" (UTC)", "")
    m = re.match(r"([A-Z][a-z]{2}) +(\d+), (\d{4}) (\d\d:\d\d:\d\d)", s)
    if m:
        mon = time.strptime(m.group(1), "%b").tm_mon
        return f"{m.group(3)}-{mon:02d}-{int(m.group(2)):02d} {m.group(4)}"
    return s


class FileCheck:
    """Compares one capture; counts fields and collects differences."""

    def __init__(self, name):
        self.name = name
        self.compared = 0
        self.agree = 0
        self.explained = []     # (conn, field, reason)
        self.diffs = []         # (conn, field, tlsdiag, tshark)
        self.used = set()

    def cmp(self, conn, field, got, want, excuse=None):
        """Count one field; excuse(): a reason why tshark's value cannot be
        compared here (checked on the data), or None."""
        self.compared += 1
        if got == want:
            self.agree += 1
            return True
        key = (self.name, conn, field)
        why = excuse() if excuse else None
        if key in KNOWN:
            self.used.add(key)
            self.explained.append((conn, field, KNOWN[key][1]))
        elif why:
            self.explained.append((conn, field, why))
        else:
            self.diffs.append((conn, field, got, want))
        return False


def ext_types(hello):
    return {e["id"] for e in hello.get("extensions") or []}


def ch_view(ch):
    """tlsdiag's ClientHello as the truth writes one."""
    present = ext_types(ch)
    v = {
        "sslv2_record": bool(ch.get("sslv2")),
        "record_version": hx(ch.get("record_version")),
        "handshake_version": hx(ch.get("legacy_version")),
        "random": ch.get("random"),
        "session_id": ch.get("session_id"),
        "compression_methods": ch.get("compression_methods"),
        "extensions": [{"type": e["id"], "len": e["length"]}
                       for e in ch.get("extensions") or []],
        "sni": ch.get("sni"),
        "ec_point_formats": (ch.get("ec_point_formats")
                             if 11 in present else None),
        "alpn": ch.get("alpn") if 16 in present else None,
        "max_fragment_length": ch.get("max_fragment_length_code"),
        "record_size_limit": ch.get("record_size_limit"),
        "ja3": ch.get("ja3"),
        "frame": ch.get("packet"),
    }
    if ch.get("sslv2"):
        v["cipher_suites"] = [hx(x, 6) for x in
                              ch.get("sslv2_cipher_specs") or []]
    else:
        v["cipher_suites"] = ids(ch.get("cipher_suites") or [])
    for tk, dk, ext in CH_LISTS:
        v[tk] = ids(ch.get(dk) or []) if ext in present else None
    return v


def sh_view(sh):
    if sh.get("sslv2"):
        return {"sslv2": True, "version": hx(sh.get("version")),
                "record_version": hx(sh.get("record_version", 2))}
    sid = sh.get("session_id")
    ksg = sh.get("key_share_group")
    cs = sh.get("cipher_suite")
    alpn = sh.get("alpn")
    if isinstance(alpn, str):
        alpn = [alpn]       # tshark: a list (a server names one protocol)
    return {
        "sslv2": False,
        "record_version": hx(sh.get("record_version")),
        "version": hx(sh.get("version")),
        "random": sh.get("random"),
        "session_id_length": None if sid is None else len(sid) // 2,
        "cipher_suite": hx(cs["id"]) if cs else None,
        "extensions": [{"type": e["id"], "len": e["length"]}
                       for e in sh.get("extensions") or []],
        "selected_version": hx(sh.get("selected_version")),
        "hello_retry_request": bool(sh.get("hello_retry_request")),
        "key_share_group": hx(ksg["id"]) if ksg else None,
        "alpn": alpn,
    }


CH_FIELDS = ["sslv2_record", "record_version", "handshake_version", "random",
             "session_id", "cipher_suites", "compression_methods",
             "extensions", "sni", "supported_versions", "supported_groups",
             "ec_point_formats", "signature_algorithms",
             "signature_algorithms_cert", "alpn",
             "key_share_groups", "max_fragment_length", "record_size_limit",
             "ja3", "frame"]
SH_FIELDS = ["record_version", "version", "random", "session_id_length",
             "cipher_suite", "extensions", "selected_version",
             "hello_retry_request", "key_share_group", "alpn"]


def compare_hellos(fc, conn, kind, fields, got, want):
    fc.cmp(conn, kind + ".count", len(got), len(want))
    for i, (g, w) in enumerate(zip(got, want)):
        tag = f"{kind}[{i}]"
        if kind == "server_hello":
            fc.cmp(conn, tag + ".sslv2", g["sslv2"], bool(w.get("sslv2")))
            if w.get("sslv2") or g["sslv2"]:
                fc.cmp(conn, tag + ".version", g["version"], w["version"])
                continue
        for f in fields:
            if f == "random" and w.get("sslv2_record"):
                continue    # SSLv2: a challenge, tshark writes null
            if f == "session_id_length" and "session_id_length" not in w:
                continue
            if f == "frame" and (w.get("tcp_segments") != 1
                                 or w.get("tls_records") != 1):
                continue    # tshark: the frame that completed it
            excuse = None
            if f == "key_share_group" and kind == "server_hello":
                excuse = lambda g=g, w=w: excuse_draft_key_share(g, w)
            fc.cmp(conn, f"{tag}.{f}", g.get(f), w.get(f), excuse=excuse)


def cert_view_td(c):
    key = c.get("key") or ""
    m = re.match(r"RSA (\d+)$", key)
    e = re.match(r"EC (\S+) \d+$", key)
    return {
        "subject": dn_pairs(c.get("subject"), ATTR_TD, unescape=True),
        "issuer": dn_pairs(c.get("issuer"), ATTR_TD, unescape=True),
        "rsa_bits": int(m.group(1)) if m else None,
        "curve": e.group(1) if e else None,
        "not_before": c.get("not_before"),
        "not_after": c.get("not_after"),
        "san": c.get("san") or [],
        "sigalg": c.get("signature_algorithm"),
        "length": c.get("der_length"),
        "keyalg": key.split(" ")[0] if key else None,
    }


def cert_view_ts(c):
    nc = c.get("named_curve")
    return {
        "subject": dn_pairs(c.get("subject"), ATTR_TSHARK),
        "issuer": dn_pairs(c.get("issuer"), ATTR_TSHARK),
        "rsa_bits": c.get("rsa_modulus_bits"),
        "curve": nc.get("name") if isinstance(nc, dict) else nc,
        "not_before": tshark_time(c.get("not_before")),
        "not_after": tshark_time(c.get("not_after")),
        "san": c.get("san") or [],
        "sigalg": SIGALG_NAMES.get(c.get("signature_algorithm")),
        "length": c.get("length"),
        "keyalg": KEYALG_NAMES.get((c.get("public_key_algorithm")
                                    or {}).get("name")),
    }


def compare_certs(fc, conn, side, got, want, warnings):
    """got: tlsdiag's chains of one direction (one per Certificate message,
    None for one it did not keep); want: tshark's Certificate messages of
    that direction; warnings: tlsdiag's, of the connection."""
    fc.cmp(conn, f"certificates.{side}.messages", len(got), len(want),
           excuse=lambda: len(got) > len(want)
           and excuse_cut_certificate(warnings, side))
    for i, (g, w) in enumerate(zip(got, want)):
        tag = f"certificates.{side}[{i}]"
        fc.cmp(conn, tag + ".count", None if g is None else len(g),
               w["count"])
        if g is None:
            continue
        for j, (gc, wc) in enumerate(zip(g, w["chain"])):
            gv, wv = cert_view_td(gc), cert_view_ts(wc)
            for f in ("length", "not_before", "not_after", "san"):
                fc.cmp(conn, f"{tag}[{j}].{f}", gv[f], wv[f])
            for f in ("subject", "issuer"):
                fc.cmp(conn, f"{tag}[{j}].{f}", gv[f], wv[f],
                       excuse=lambda f=f: None if wv[f] else
                       tshark_label_cut(gv[f]))
            if wv["rsa_bits"] is not None or gv["rsa_bits"] is not None:
                fc.cmp(conn, f"{tag}[{j}].rsa_bits", gv["rsa_bits"],
                       wv["rsa_bits"])
            if wv["curve"] is not None or gv["curve"] is not None:
                fc.cmp(conn, f"{tag}[{j}].curve", gv["curve"], wv["curve"])
            if wv["sigalg"] is not None:
                fc.cmp(conn, f"{tag}[{j}].signature_algorithm",
                       gv["sigalg"], wv["sigalg"])
            if wv["keyalg"] is not None:
                fc.cmp(conn, f"{tag}[{j}].key_algorithm", gv["keyalg"],
                       wv["keyalg"])


# tlsdiag's handshake message type names (IANA TLS HandshakeType)
HS_TYPES = {
    "hello_request": 0, "client_hello": 1, "server_hello": 2,
    "hello_verify_request": 3, "new_session_ticket": 4,
    "end_of_early_data": 5, "hello_retry_request": 6,
    "encrypted_extensions": 8, "certificate": 11,
    "server_key_exchange": 12, "certificate_request": 13,
    "server_hello_done": 14, "certificate_verify": 15,
    "client_key_exchange": 16, "finished": 20, "certificate_url": 21,
    "certificate_status": 22, "supplemental_data": 23, "key_update": 24,
    "compressed_certificate": 25, "message_hash": 254,
}


def hs_type_num(name):
    if name in HS_TYPES:
        return HS_TYPES[name]
    m = re.match(r"unknown_(?:0x)?([0-9a-fA-F]+)$", name or "")
    return int(m.group(1), 16 if "0x" in name else 10) if m else name


def without_cut_certificate(types, warnings, side):
    """The types with the Certificate (11) that tlsdiag says was cut taken
    out; None when there is none."""
    if 11 not in types or not excuse_cut_certificate(warnings, side):
        return None
    i = types.index(11)
    return types[:i] + types[i + 1:]


def compare_messages(fc, conn, tc, hss):
    """Per direction: the plaintext handshake messages in order (types),
    and the number of SSLv2 records."""
    warnings = [w for h in hss for w in h.get("warnings") or []]
    for side in ("client", "server"):
        want = [m["type"] for m in tc.get("handshake_messages") or []
                if m.get("from") == side and m.get("type") is not None
                and not m.get("sslv2")]
        got = [hs_type_num(e.get("type")) for h in hss
               for e in h.get("events") or []
               if e.get("kind") == "handshake" and e.get("from") == side]
        fc.cmp(conn, f"handshake_types.{side}", got, want,
               excuse=lambda got=got, want=want, side=side:
               without_cut_certificate(got, warnings, side) == want
               and excuse_cut_certificate(warnings, side))
        want = sum(1 for m in tc.get("handshake_messages") or []
                   if m.get("from") == side and m.get("sslv2"))
        got = sum(1 for h in hss for e in h.get("events") or []
                  if e.get("kind") == "sslv2" and e.get("from") == side)
        if want or got:
            fc.cmp(conn, f"sslv2_records.{side}", got, want)


def alert_view(a):
    return {"from": a.get("from"), "level": a.get("level"),
            "description": a.get("description"),
            "encrypted": bool(a.get("encrypted")),
            "frame": a.get("packet", a.get("frame"))}


def compare_conn(fc, conn, tc, hss):
    """tc: the truth connection; hss: tlsdiag's handshakes on it."""
    tcl, tsv = canon_ep(tc["client"]), canon_ep(tc["server"])
    roles = [(canon_ep(h["source"]["client"]),
              canon_ep(h["source"]["server"])) for h in hss]
    fc.cmp(conn, "roles", roles, [(tcl, tsv)] * len(hss))
    chs, shs, alerts = [], [], []
    certs = {"server": [], "client": []}
    for h in hss:
        for k in ("client_hello", "client_hello_retry"):
            if h.get(k):
                chs.append(ch_view(h[k]))
        for k in ("hello_retry_request", "server_hello"):
            if h.get(k):
                shs.append(sh_view(h[k]))
        # Certificate messages from the events; tlsdiag keeps the chain of
        # the first one per direction and handshake (None: not kept).
        for side, key in (("server", "certificates"),
                          ("client", "client_certificates")):
            n = sum(1 for e in h.get("events") or []
                    if e.get("type") == "certificate"
                    and e.get("from") == side)
            if n:
                certs[side].append(h.get(key) or [])
                certs[side] += [None] * (n - 1)
        alerts += [alert_view(a) for a in h.get("alerts") or []]
    compare_hellos(fc, conn, "client_hello", CH_FIELDS, chs,
                   tc["client_hellos"])
    compare_hellos(fc, conn, "server_hello", SH_FIELDS, shs,
                   tc["server_hellos"])
    for side in ("server", "client"):
        want = [m for m in tc["certificates"] if m["from"] == side]
        compare_certs(fc, conn, side, certs[side], want,
                      [w for h in hss for w in h.get("warnings") or []])
    compare_messages(fc, conn, tc, hss)
    want = [alert_view(a) for a in tc["alerts"]]
    fc.cmp(conn, "alerts.count", len(alerts), len(want))
    for i, (g, w) in enumerate(zip(alerts, want)):
        gf, wf = g.pop("frame"), w.pop("frame")
        fc.cmp(conn, f"alerts[{i}]", g, w)
        # an alert record is a few bytes: one packet for both readers
        fc.cmp(conn, f"alerts[{i}].frame", gf, wf)


def check_file(path):
    name = os.path.basename(path)
    truth = json.load(open(path + ".truth.json"))
    fc = FileCheck(name)
    try:
        rc, out, err = t.tlsdiag("--json", "pcap", path)
        doc = schema_check.parse(out)
    except subprocess.TimeoutExpired:
        rc, err, doc = "timeout", "no answer within 60 s", None
    except ValueError:
        doc = None
    if doc is None or rc not in (0, 1, 3):
        fc.diffs.append(("-", "run", f"exit {rc}, {err.strip()[:200]}",
                         "a JSON document"))
        return fc, len(truth["connections"]), 0
    # the document against the JSON Schema, then field by field
    for problem in schema_problems(doc):
        fc.diffs.append(("-", "schema", problem,
                         "valid against src/schema/tlsdiag.schema.json"))
    # summary counts: DTLS and QUIC flows are recognised, not decoded
    summ = doc.get("summary") or {}
    for k in ("dtls_flows", "quic_flows"):
        fc.cmp("summary", "summary." + k, summ.get(k),
               truth["summary"][k])
    # connections
    by_pair = {}
    for tc in truth["connections"]:
        pair = frozenset((canon_ep(tc["client"]), canon_ep(tc["server"])))
        by_pair.setdefault(pair, []).append(tc)
    for lst in by_pair.values():
        lst.sort(key=lambda c: c["first_frame"])
    assigned = {id(tc): [] for tc in truth["connections"]}
    for h in doc.get("handshakes") or []:
        s = h.get("source") or {}
        cl, sv = canon_ep(s.get("client")), canon_ep(s.get("server"))
        cands = by_pair.get(frozenset((cl, sv)))
        if not cands:
            conn = f"extra {cl}>{sv}"
            fc.cmp(conn, "connection", "tlsdiag handshake at packet "
                   f"{s.get('first_packet')}", None,
                   excuse=lambda h=h: excuse_app_data_only(h))
            continue
        first = s.get("first_packet") or 0
        pick = cands[0]
        for tc in cands:
            if tc["first_frame"] <= first:
                pick = tc
        assigned[id(pick)].append(h)
    matched = 0
    for tc in truth["connections"]:
        hss = assigned[id(tc)]
        conn = tc["stream"]
        if not hss:
            fc.cmp(conn, "connection", None,
                   f"{tc['client']}>{tc['server']}")
            continue
        matched += 1
        hss.sort(key=lambda h: h.get("index", 0))
        compare_conn(fc, conn, tc, hss)
    return fc, len(truth["connections"]), matched


MAX_SHOWN = 100


def short(v, n=160):
    s = json.dumps(v)
    return s if len(s) <= n else s[:n] + "..."


def main():
    d = t.shared("captures-public")
    if not d:
        print("SKIP pcap truth: no captures-public in --shared "
              f"({t.args.shared or 'not given'})")
        t.skipped += 1
        t.finish()
    files = sorted(p[:-len(".truth.json")]
                   for p in glob.glob(os.path.join(d, "*.truth.json")))
    start = time.monotonic()
    rows, used = [], set()
    tot = [0, 0, 0, 0, 0, 0]
    for p in files:
        if not os.path.exists(p):
            continue
        fc, nconn, matched = check_file(p)
        used |= fc.used
        row = (fc.name, nconn, matched, fc.compared, fc.agree,
               len(fc.explained), len(fc.diffs))
        rows.append((row, fc))
        for i in range(6):
            tot[i] += row[i + 1]
    w = max(len(r[0][0]) for r in rows)
    print(f"{'file':<{w}}  conns matched  fields  agree explained differ")
    for row, fc in rows:
        print(f"{row[0]:<{w}}  {row[1]:5d} {row[2]:7d} {row[3]:7d} "
              f"{row[4]:6d} {row[5]:9d} {row[6]:6d}")
    print(f"{'total':<{w}}  {tot[0]:5d} {tot[1]:7d} {tot[2]:7d} "
          f"{tot[3]:6d} {tot[4]:9d} {tot[5]:6d}")
    print(f"agreement {tot[3]}/{tot[2]} fields; explained: {tot[4]}; "
          f"unexplained: {tot[5]} ({time.monotonic() - start:.1f} s)")
    for row, fc in rows:
        if fc.diffs:
            t.failed += 1
            print(f"FAIL {fc.name}: {len(fc.diffs)} difference(s)"
                  + (f", explained: {len(fc.explained)}"
                     if fc.explained else ""))
            for conn, field, got, want in fc.diffs[:MAX_SHOWN]:
                print(f"  {conn} {field}: tlsdiag {short(got)}, "
                      f"tshark {short(want)}")
            if len(fc.diffs) > MAX_SHOWN:
                print(f"  ... {len(fc.diffs) - MAX_SHOWN} more")
        else:
            t.passed += 1
            print(f"ok   {fc.name}"
                  + (f" (explained: {len(fc.explained)})"
                     if fc.explained else ""))
        # explanations, one line per reason with where it applied
        by_why = {}
        for conn, field, why in fc.explained:
            by_why.setdefault(why, []).append(f"{conn} {field}")
        for why, where in by_why.items():
            more = f" +{len(where) - 3} more" if len(where) > 3 else ""
            print(f"  explained {len(where)}x ({'; '.join(where[:3])}{more})"
                  f": {why}")
    stale = sorted(set(KNOWN) - used, key=str)
    seen = {r[0][0] for r in rows}
    for key in stale:
        if key[0] not in seen or KNOWN[key][0] != "tshark":
            continue
        t.failed += 1
        print(f"FAIL stale KNOWN entry {key}: the difference is no longer "
              "seen (tlsdiag now agrees with tshark where tshark is wrong?)")
    t.finish()


if __name__ == "__main__":
    main()
