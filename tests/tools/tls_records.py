#!/usr/bin/env python3
"""Walk a raw TLS record stream (one direction of a connection).

Python 3 standard library only. Prints one line per record, or a JSON
summary with --json, or a one-line compact sequence with --compact:

    tls_records.py captures/records/tls12-rsa.server.bin [--json|--compact]

Plaintext handshake messages are named (they may span or share records);
everything after this direction's ChangeCipherSpec (TLS 1.2) and every
application_data record (TLS 1.3 encrypted handshake) is reported as
encrypted (except a TLS 1.3 Client/ServerHello following a
middlebox-compatibility CCS, see looks_like_hello). Plaintext alerts are decoded. A ServerHello whose random is the
RFC 8446 magic value is reported as HelloRetryRequest.

This is an independent reference walker for cross-checking captures; it is
not the tlsdiag decoder.
"""

import argparse
import json
import sys

CONTENT = {20: "change_cipher_spec", 21: "alert", 22: "handshake",
           23: "application_data", 24: "heartbeat"}
SHORT = {20: "CCS", 21: "Alert", 22: "HS", 23: "AppData", 24: "HB"}
HANDSHAKE = {0: "HelloRequest", 1: "ClientHello", 2: "ServerHello",
             4: "NewSessionTicket", 5: "EndOfEarlyData",
             8: "EncryptedExtensions", 11: "Certificate",
             12: "ServerKeyExchange", 13: "CertificateRequest",
             14: "ServerHelloDone", 15: "CertificateVerify",
             16: "ClientKeyExchange", 20: "Finished", 24: "KeyUpdate",
             254: "MessageHash"}
ALERT = {0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac",
         22: "record_overflow", 40: "handshake_failure", 42: "bad_certificate",
         43: "unsupported_certificate", 44: "certificate_revoked",
         45: "certificate_expired", 46: "certificate_unknown",
         47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied",
         50: "decode_error", 51: "decrypt_error", 70: "protocol_version",
         71: "insufficient_security", 80: "internal_error",
         86: "inappropriate_fallback", 90: "user_canceled",
         109: "missing_extension", 110: "unsupported_extension",
         112: "unrecognized_name", 113: "bad_certificate_status_response",
         115: "unknown_psk_identity", 116: "certificate_required",
         120: "no_application_protocol"}
HRR_RANDOM = bytes.fromhex(
    "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")


def looks_like_hello(body):
    """TLS 1.3 middlebox-compat CCS does not start encryption: after an
    HRR the client sends CCS + a plaintext ClientHello and the server
    HRR + CCS + a plaintext ServerHello. Accept a post-CCS handshake record
    as plaintext only if it is exactly one Client/ServerHello with
    legacy_version 0x0303 (a random encrypted record matches this with
    probability ~2^-39)."""
    return (len(body) >= 38 and body[0] in (1, 2)
            and int.from_bytes(body[1:4], "big") == len(body) - 4
            and body[4:6] == b"\x03\x03")


def walk(data):
    """Return (records, trailing_bytes). Each record is a dict."""
    records = []
    off = 0
    encrypted = False
    hs_buf = b""
    while off + 5 <= len(data):
        ctype = data[off]
        ver = (data[off + 1] << 8) | data[off + 2]
        length = (data[off + 3] << 8) | data[off + 4]
        body = data[off + 5:off + 5 + length]
        rec = {"offset": off, "type": ctype,
               "type_name": CONTENT.get(ctype, "unknown"),
               "version": "0x%04x" % ver, "length": length}
        if len(body) < length:
            rec["truncated"] = True
            records.append(rec)
            off = len(data)
            break
        if ctype == 20:
            encrypted = True
        elif ctype == 21:
            if encrypted or length != 2:
                rec["encrypted"] = True
            else:
                rec["alert_level"] = body[0]
                rec["alert"] = body[1]
                rec["alert_name"] = ALERT.get(body[1], "unknown")
        elif ctype == 22:
            if encrypted and not looks_like_hello(body):
                rec["encrypted"] = True
            else:
                hs_buf += body
                msgs = []
                while len(hs_buf) >= 4:
                    mlen = int.from_bytes(hs_buf[1:4], "big")
                    if len(hs_buf) < 4 + mlen:
                        break
                    mtype = hs_buf[0]
                    name = HANDSHAKE.get(mtype, "unknown(%d)" % mtype)
                    if mtype == 2 and hs_buf[6:38] == HRR_RANDOM:
                        name = "HelloRetryRequest"
                    msgs.append({"type": mtype, "name": name, "length": mlen})
                    hs_buf = hs_buf[4 + mlen:]
                rec["handshake"] = msgs
                if hs_buf:
                    rec["handshake_continues"] = len(hs_buf)
        elif ctype == 23:
            rec["encrypted"] = True
        records.append(rec)
        off += 5 + length
    return records, len(data) - off


def compact(records):
    parts = []
    for r in records:
        s = SHORT.get(r["type"], "T%d" % r["type"])
        if r.get("handshake"):
            s += "(" + ",".join(m["name"] for m in r["handshake"]) + ")"
        elif "alert" in r:
            s += "(%s:%s/%d)" % ("fatal" if r["alert_level"] == 2 else "warning",
                                 r["alert_name"], r["alert"])
        elif r.get("encrypted") and r["type"] in (21, 22):
            s += "(encrypted)"
        if r.get("truncated"):
            s += "[truncated]"
        parts.append(s)
    return " ".join(parts)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--json", action="store_true")
    g.add_argument("--compact", action="store_true")
    args = ap.parse_args(argv)
    with open(args.file, "rb") as f:
        data = f.read()
    records, trailing = walk(data)
    if args.json:
        print(json.dumps({"file": args.file, "bytes": len(data),
                          "records": records, "trailing_bytes": trailing,
                          "compact": compact(records)}, indent=2))
    elif args.compact:
        print(compact(records))
    else:
        for i, r in enumerate(records, 1):
            extra = ""
            if r.get("handshake"):
                extra = " " + ",".join(m["name"] for m in r["handshake"])
            elif "alert" in r:
                extra = " level=%d %s(%d)" % (r["alert_level"], r["alert_name"], r["alert"])
            elif r.get("encrypted"):
                extra = " (encrypted)"
            print("%3d @%-6d %-18s %s len=%d%s" % (i, r["offset"], r["type_name"],
                                                  r["version"], r["length"], extra))
        if trailing:
            print("trailing %d bytes (partial record header)" % trailing)
    return 1 if trailing or any(r.get("truncated") for r in records) else 0


if __name__ == "__main__":
    sys.exit(main())
