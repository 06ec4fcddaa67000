#!/usr/bin/env python3
"""Derive checkable facts from a recorded TLS capture, cross-checked three ways.

Python 3 standard library + tshark. Used by tests/tools/record-captures.sh.

  capture_facts.py facts NAME PCAP --port N --client-bin C --server-bin S
                   [--expect KEY=VALUE ...] [--json-out F]
      Dissects PCAP with tshark (PDML, TLS forced on port N), walks the two
      .bin record streams with tls_records.py, re-extracts the streams with
      pcap_tcp_streams.py and fails (exit 1) unless
        * the .bin files equal the pure-Python extraction,
        * tshark and the Python walker see the same records per direction,
        * every --expect KEY=VALUE matches the fact KEY exactly.
      Prints the facts (flat dict of strings) as JSON.

  capture_facts.py table FACTS.json...
  capture_facts.py files CAPTURES_DIR FACTS.json...
      Print the Markdown tables used in captures/README.md.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcap_tcp_streams  # noqa: E402
import tls_records  # noqa: E402

HRR_RANDOM = tls_records.HRR_RANDOM.hex()
DOWNGRADE = {"444f574e47524401": "DOWNGRD\\x01 (TLS 1.2)",
             "444f574e47524400": "DOWNGRD\\x00 (TLS 1.1-)"}
VERSIONS = {"0x0300": "SSL 3.0", "0x0301": "TLS 1.0", "0x0302": "TLS 1.1",
            "0x0303": "TLS 1.2", "0x0304": "TLS 1.3"}


def fields(elem, name):
    return [f for f in elem.iter("field") if f.get("name") == name]


def first(elem, name, attr="show"):
    for f in elem.iter("field"):
        if f.get("name") == name:
            return f.get(attr)
    return None


def paren_name(showname):
    """'Cipher Suite: TLS_AES_128_GCM_SHA256 (0x1301)' -> 'TLS_AES_128_GCM_SHA256'."""
    m = re.match(r"^[^:]*:\s*(.*?)\s*\([^()]*\)\s*$", showname or "")
    return m.group(1) if m else (showname or "")


def extensions(hs):
    out = []
    for f in hs.findall("field"):
        if f.get("name") == "" and (f.get("show") or "").startswith("Extension:"):
            t = first(f, "tls.handshake.extension.type")
            m = re.match(r"Extension: (\S+)", f.get("show"))
            out.append((int(t) if t is not None else -1, m.group(1) if m else "?", f))
    return out


def tshark_pdml(pcap, port, keylog=None):
    cmd = ["tshark", "-n", "-r", pcap, "-d", "tcp.port==%d,tls" % port,
           "-o", "tcp.desegment_tcp_streams:TRUE",
           "-o", "tls.desegment_ssl_records:TRUE",
           "-o", "tls.desegment_ssl_application_data:TRUE",
           "-o", "tls.keylog_file:%s" % (keylog or ""),
           "-T", "pdml"]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if r.returncode != 0:
        raise SystemExit("tshark failed: %s" % r.stderr.decode(errors="replace"))
    return ET.fromstring(r.stdout)


def tls_view(root, port):
    """tshark's records per direction, plus the Client/ServerHello elements.

    Each record: type (on the wire: opaque_type for TLS 1.3 protected
    records), inner (decrypted content type, = type if not decrypted),
    version, hs (handshake types, or "encrypted"), alert (None, "encrypted"
    or (level, desc, name))."""
    ts = {"client": [], "server": []}
    hellos = []                             # (dir, handshake element)
    for pkt in root.iter("packet"):
        tcp = [p for p in pkt.findall("proto") if p.get("name") == "tcp"]
        if not tcp:
            continue
        sport = int(first(tcp[0], "tcp.srcport"))
        d = "server" if sport == port else "client"
        for p in pkt.findall("proto"):
            if p.get("name") != "tls":
                continue
            for rec in p.findall("field"):
                if rec.get("name") != "tls.record":
                    continue
                ct = first(rec, "tls.record.content_type")
                ot = first(rec, "tls.record.opaque_type")
                r = {"type": int(ot if ot is not None else ct),
                     "inner": int(ct if ct is not None else ot),
                     "version": first(rec, "tls.record.version"),
                     "hs": [], "alert": None}
                for hs in rec.findall("field"):
                    if hs.get("name") != "tls.handshake":
                        continue
                    t = hs.find("field[@name='tls.handshake.type']")
                    if t is None:
                        r["hs"].append("encrypted")
                        continue
                    htype = int(t.get("show"))
                    if htype == 2 and first(hs, "tls.handshake.random", "value") == HRR_RANDOM:
                        htype = "HelloRetryRequest"
                    r["hs"].append(htype)
                    if t.get("show") in ("1", "2"):
                        hellos.append((d, hs))
                am = rec.find("field[@name='tls.alert_message']")
                if am is not None:
                    lvl = first(am, "tls.alert_message.level")
                    desc = first(am, "tls.alert_message.desc")
                    if desc is not None:
                        r["alert"] = (int(lvl), int(desc),
                                      paren_name(first(am, "tls.alert_message.desc", "showname")))
                    else:
                        r["alert"] = "encrypted"
                ts[d].append(r)
    return ts, hellos


def alert_text(d, alert):
    lvl, desc, dname = alert
    return "%s %s %s(%d)" % (d, {1: "warning", 2: "fatal"}.get(lvl, lvl),
                             tls_records.ALERT.get(desc, dname), desc)


def decrypted_sequence(recs):
    parts = []
    for r in recs:
        s = tls_records.SHORT.get(r["inner"], "T%d" % r["inner"])
        if r["hs"]:
            s += "(" + ",".join(tls_records.HANDSHAKE.get(h, str(h)) if isinstance(h, int)
                                else ("?" if h == "encrypted" else h) for h in r["hs"]) + ")"
        if isinstance(r["alert"], tuple):
            s += "(%s:%s/%d)" % ("fatal" if r["alert"][0] == 2 else "warning",
                                 tls_records.ALERT.get(r["alert"][1], r["alert"][2]), r["alert"][1])
        parts.append(s)
    return " ".join(parts)


def analyse(name, pcap, port, client_bin, server_bin, keylog=None):
    ts, hellos = tls_view(tshark_pdml(pcap, port), port)

    # ---- independent extraction + record walk ---------------------------
    cs, ss, tcpsum = pcap_tcp_streams.extract(pcap, port)
    problems = []
    with open(client_bin, "rb") as f:
        cbin = f.read()
    with open(server_bin, "rb") as f:
        sbin = f.read()
    if cbin != cs:
        problems.append("client .bin differs from pure-Python extraction")
    if sbin != ss:
        problems.append("server .bin differs from pure-Python extraction")
    walked = {}
    for d, data in (("client", cbin), ("server", sbin)):
        recs, trailing = tls_records.walk(data)
        if trailing or any(r.get("truncated") for r in recs):
            problems.append("%s stream ends inside a record" % d)
        walked[d] = recs
        tt = [r["type"] for r in ts[d]]
        wt = [r["type"] for r in recs]
        if tt != wt:
            problems.append("%s records differ: tshark %s vs walker %s" % (d, tt, wt))

    # ---- facts ----------------------------------------------------------
    F = {"scenario": name, "pcap": os.path.basename(pcap), "server_port": str(port)}
    ch = [hs for d, hs in hellos if d == "client" and first(hs, "tls.handshake.type") == "1"]
    sh = [hs for d, hs in hellos if d == "server" and first(hs, "tls.handshake.type") == "2"]
    F["client_hellos"] = str(len(ch))
    if ch:
        c = ch[0]
        F["ch_legacy_version"] = first(c, "tls.handshake.version")
        sv = [x.get("show") for x in fields(c, "tls.handshake.extensions.supported_version")]
        F["ch_supported_versions"] = ",".join(sv) or "-"
        F["ch_cipher_suites"] = str(len(fields(c, "tls.handshake.ciphersuite")))
        tls13 = [x.get("value") for x in fields(c, "tls.handshake.ciphersuite")
                 if x.get("value", "").startswith("13")]
        F["ch_tls13_suites_offered"] = str(len(tls13))
        sni = fields(c, "tls.handshake.extensions_server_name")
        F["sni"] = sni[0].get("show") if sni else "-"
        F["ch_extensions"] = ",".join(e[1] for e in extensions(c))
        F["ch_session_id_length"] = first(c, "tls.handshake.session_id_length")
        F["ch_key_share"] = ",".join(paren_name(x.get("showname")) for x in
                                     fields(c, "tls.handshake.extensions_key_share_group")) or "-"
        if len(ch) > 1:
            F["ch2_key_share"] = ",".join(paren_name(x.get("showname")) for x in
                                          fields(ch[1], "tls.handshake.extensions_key_share_group")) or "-"
    hrr = [s for s in sh if (first(s, "tls.handshake.random", "value") or "") == HRR_RANDOM]
    real = [s for s in sh if s not in hrr]
    F["hrr"] = "yes" if hrr else "no"
    if hrr:
        g = fields(hrr[0], "tls.handshake.extensions_key_share_selected_group")
        F["hrr_group"] = paren_name(g[0].get("showname")) if g else "?"
    F["negotiated_version"] = "-"
    F["cipher_suite"] = "-"
    F["cipher_name"] = "-"
    if real:
        s = real[0]
        legacy = first(s, "tls.handshake.version")
        sv = fields(s, "tls.handshake.extensions.supported_version")
        ver = sv[0].get("show") if sv else legacy
        F["sh_legacy_version"] = legacy
        F["negotiated_version"] = VERSIONS.get(ver, ver)
        cs_f = [x for x in s.findall("field") if x.get("name") == "tls.handshake.ciphersuite"]
        F["cipher_suite"] = "0x" + cs_f[0].get("value")
        F["cipher_name"] = paren_name(cs_f[0].get("showname"))
        F["sh_extensions"] = ",".join(e[1] for e in extensions(s))
        F["sh_session_id_length"] = first(s, "tls.handshake.session_id_length")
        F["sh_key_share"] = ",".join(paren_name(x.get("showname")) for x in
                                     fields(s, "tls.handshake.extensions_key_share_group")) or "-"
        rnd = first(s, "tls.handshake.random", "value") or ""
        F["downgrade_sentinel"] = DOWNGRADE.get(rnd[-16:], "-")
        F["server_sni_ack"] = "yes" if any(e[0] == 0 for e in extensions(s)) else "no"
    alerts = []
    enc_alerts = []
    for d in ("client", "server"):
        for r in ts[d]:
            if r["alert"] == "encrypted":
                enc_alerts.append(d)
            elif r["alert"]:
                alerts.append(alert_text(d, r["alert"]))
    F["alerts"] = "; ".join(alerts) or "-"
    F["encrypted_alerts"] = ",".join(enc_alerts) or "-"
    for d, data in (("client", cbin), ("server", sbin)):
        recs = walked[d]
        F["%s_records" % d] = str(len(recs))
        F["%s_bytes" % d] = str(len(data))
        F["%s_bin_prefix" % d] = data[:3].hex(" ")
        F["%s_sequence" % d] = tls_records.compact(recs)
        F["%s_appdata_records" % d] = str(sum(1 for r in recs if r["type"] == 23))
        F["%s_record_versions" % d] = ",".join(sorted(set(r["version"] for r in recs)))
    tcp_end = []
    for d in ("client", "server"):
        if tcpsum["%s_fin" % d]:
            tcp_end.append("%s FIN" % d)
        if tcpsum["%s_rst" % d]:
            tcp_end.append("%s RST" % d)
    F["tcp_syn"] = "yes" if tcpsum["client_syn"] else "no"
    F["tcp_close"] = ", ".join(tcp_end) or "none"
    F["tcp_packets"] = str(tcpsum["client_packets"] + tcpsum["server_packets"])
    F["tcp_duplicate_segments"] = str(tcpsum["duplicate_segments"])
    # ---- with the client's key log (SSLKEYLOGFILE) ----------------------
    F["keylog"] = "-"
    if keylog:
        F["keylog"] = os.path.basename(keylog)
        dv, _ = tls_view(tshark_pdml(pcap, port, keylog), port)
        dalerts = []
        for d in ("client", "server"):
            if [r["type"] for r in dv[d]] != [r["type"] for r in ts[d]]:
                problems.append("%s: decrypting changed the record list" % d)
            if any(r["alert"] == "encrypted" or "encrypted" in r["hs"] for r in dv[d]):
                problems.append("%s: some records could not be decrypted with %s" % (d, keylog))
            F["%s_decrypted" % d] = decrypted_sequence(dv[d])
            dalerts += [alert_text(d, r["alert"]) for r in dv[d] if isinstance(r["alert"], tuple)]
        F["decrypted_alerts"] = "; ".join(dalerts) or "-"
    return F, problems


def table(facts_files):
    rows = []
    for fn in facts_files:
        with open(fn) as f:
            rows.append(json.load(f))
    out = []
    out.append("| scenario | version | suite | alert (plaintext) | HRR | SNI | records C/S | bytes C/S | .bin starts C / S | TCP end |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    for F in rows:
        suite = F["cipher_suite"] if F["cipher_suite"] == "-" else "%s `%s`" % (F["cipher_suite"], F["cipher_name"])
        hrr = F["hrr"] + (" (%s)" % F["hrr_group"] if F["hrr"] == "yes" else "")
        out.append("| `%s` | %s | %s | %s | %s | %s | %s / %s | %s / %s | `%s` / `%s` | %s |" % (
            F["scenario"], F["negotiated_version"], suite, F["alerts"], hrr, F["sni"],
            F["client_records"], F["server_records"], F["client_bytes"], F["server_bytes"],
            F["client_bin_prefix"], F["server_bin_prefix"], F["tcp_close"]))
    out.append("")
    out.append("Record sequences (from the .bin files; `HS(...)` = plaintext handshake messages in that record,")
    out.append("`AppData` = content type 23, which in TLS 1.3 also carries the encrypted handshake and the close_notify):")
    out.append("")
    out.append("| scenario | direction | records |")
    out.append("|---|---|---|")
    for F in rows:
        out.append("| `%s` | client | %s |" % (F["scenario"], F["client_sequence"]))
        out.append("| `%s` | server | %s |" % (F["scenario"], F["server_sequence"]))
    out.append("")
    out.append("Decrypted with `keylog/NAME.keylog` (tshark `-o tls.keylog_file:...`; inner content types):")
    out.append("")
    out.append("| scenario | direction | records |")
    out.append("|---|---|---|")
    for F in rows:
        if F.get("keylog", "-") == "-":
            continue
        out.append("| `%s` | client | %s |" % (F["scenario"], F["client_decrypted"]))
        out.append("| `%s` | server | %s |" % (F["scenario"], F["server_decrypted"]))
    out.append("")
    out.append("Hello details (tshark):")
    out.append("")
    out.append("| scenario | CH legacy / supported_versions | CH suites (TLS 1.3 ones) | CH session_id len | CH key_share | SH extensions | SH key_share | downgrade sentinel in SH random |")
    out.append("|---|---|---|---|---|---|---|---|")
    for F in rows:
        ks = F.get("ch_key_share", "-")
        if F.get("ch2_key_share"):
            ks += " then (CH2) " + F["ch2_key_share"]
        out.append("| `%s` | %s / %s | %s (%s) | %s | %s | %s | %s | %s |" % (
            F["scenario"], F.get("ch_legacy_version", "-"), F.get("ch_supported_versions", "-"),
            F.get("ch_cipher_suites", "-"), F.get("ch_tls13_suites_offered", "-"),
            F.get("ch_session_id_length", "-"), ks,
            F.get("sh_extensions", "-") or "(none)", F.get("sh_key_share", "-"),
            F.get("downgrade_sentinel", "-")))
    return "\n".join(out)


def files_table(capdir, facts_files):
    """One row per committed file of each scenario."""
    out = ["| file | scenario | bytes | content |", "|---|---|---|---|"]

    def row(rel, name, what):
        path = os.path.join(capdir, rel)
        if os.path.exists(path):
            out.append("| `%s` | `%s` | %d | %s |" % (rel, name, os.path.getsize(path), what))

    for fn in facts_files:
        with open(fn) as f:
            F = json.load(f)
        n = F["scenario"]
        row("%s.pcap" % n, n, "pcap EN10MB, one TCP connection 127.0.0.1 -> 127.0.0.1:%s "
            "(SYN .. %s); decode with `tshark -d tcp.port==%s,tls`"
            % (F["server_port"], F["tcp_close"], F["server_port"]))
        for d in ("client", "server"):
            row("records/%s.%s.bin" % (n, d), n, "%s->%s TLS record stream: %s record(s), starts `%s`"
                % (d, "server" if d == "client" else "client", F["%s_records" % d], F["%s_bin_prefix" % d]))
        row("keylog/%s.keylog" % n, n, "client key log (NSS SSLKEYLOGFILE format) for this connection")
        row("facts/%s.json" % n, n, "facts below as JSON")
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("facts")
    a.add_argument("name")
    a.add_argument("pcap")
    a.add_argument("--port", type=int, required=True)
    a.add_argument("--client-bin", required=True)
    a.add_argument("--server-bin", required=True)
    a.add_argument("--expect", action="append", default=[], metavar="KEY=VALUE")
    a.add_argument("--keylog", help="SSLKEYLOGFILE of the client, for a decrypted view")
    a.add_argument("--json-out")
    t = sub.add_parser("table")
    t.add_argument("facts", nargs="+")
    fl = sub.add_parser("files")
    fl.add_argument("capdir")
    fl.add_argument("facts", nargs="+")
    args = ap.parse_args(argv)
    if args.cmd == "table":
        print(table(args.facts))
        return 0
    if args.cmd == "files":
        print(files_table(args.capdir, args.facts))
        return 0
    F, problems = analyse(args.name, args.pcap, args.port, args.client_bin, args.server_bin,
                          args.keylog)
    for e in args.expect:
        k, _, v = e.partition("=")
        if F.get(k) != v:
            problems.append("expected %s=%r, got %r" % (k, v, F.get(k)))
    text = json.dumps(F, indent=2, sort_keys=True)
    if args.json_out:
        with open(args.json_out, "w") as f:
            f.write(text + "\n")
    print(text)
    for p in problems:
        print("capture_facts: %s: %s" % (args.name, p), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
