#!/usr/bin/env python3
"""gen_registry.py - write src/registry/tables.c from the IANA TLS CSVs.

Inputs (all beside this script, so the build needs nothing outside the
repository):
  iana/tls-parameters-4.csv            cipher suites
  iana/tls-extensiontype-values-1.csv  extension types
  iana/tls-parameters-8.csv            supported groups
  iana/tls-signaturescheme.csv         signature schemes
  iana/tls-parameters-6.csv            alert descriptions
  overrides.csv                        what the CSVs cannot give (see there)

Usage:
  gen_registry.py [--out PATH]           write the tables (default tables.c)
  gen_registry.py --check [--out PATH]   exit 1 if PATH differs from what
                                         would be written

Rules (each failure exits 2 and names the CSV row):
  * A row is a code point unless its Value is a range ("0x00,0x1C-1D",
    "0x01-09,*", "63-2569", "0x0000-0x0200") or its Description starts
    with "Unassigned" or "Reserved".  Names must then be identifiers;
    parenthesised notes are dropped ("supported_groups (renamed from
    ...)", "X25519Kyber768Draft00 (OBSOLETE)") except "(deprecated)",
    which becomes "_deprecated" because "connection_id (deprecated)" (53)
    and "connection_id" (54) would otherwise share a name.
  * Cipher suites are classified from the IANA name alone,
    TLS_<kx>[_EXPORT]_WITH_<cipher>[_<mac>] for TLS 1.2 and earlier and
    TLS_<cipher>_<hash> (no _WITH_) for TLS 1.3-only suites, through the
    tables KX, CIPHER_FAMILIES and MACS below.  A name with a part that is
    not in those tables stops the generator: a new suite needs a look, not
    a guess.  Names ending in _SCSV are signalling values (kex SCSV).
    DH_anon and ECDH_anon count as DHE / ECDHE: the server sends fresh
    (EC)DH parameters in ServerKeyExchange (RFC 5246 7.4.3, RFC 8422 2.3).
  * insecure = Recommended "D", or RC4, DES, DES40, 3DES, RC2, EXPORT,
    anon, no encryption (NULL) or an MD5 MAC in the name.
  * Groups: kind 1 for ffdhe*, 2 for hybrid/PQ (MLKEM, Kyber), 0 for the
    elliptic-curve name families in GROUP_EC; anything else stops.
  * Signature algorithms: hash = high byte, sig = low byte of the code
    point, for every row: that is how a TLS 1.2 peer (and mbedTLS 2.x)
    reads a signature_algorithms entry (RFC 5246 7.4.1.4.1).  For RFC 8446
    schemes this gives hash 8 ("Intrinsic", RFC 8422) with sig 4..11
    (0x0804 rsa_pss_rsae_sha256 -> 8/4, 0x0807 ed25519 -> 8/7).
    TLS 1.2 pairs outside the registry come from overrides.csv and are
    named by pair_name(): "rsa_pkcs1_<hash>" for rsa (as the registry
    names 0x0201/0x0401), "<sig>_<hash>" for dsa and ecdsa (as the
    registry names 0x0203 ecdsa_sha1); md5 pairs follow the same rule
    (0x0101 rsa_pkcs1_md5, 0x0102 dsa_md5, 0x0103 ecdsa_md5).
  * Versions come from overrides.csv plus 0x7f00..0x7fff named
    "TLS 1.3 draft N" with N the low byte in decimal (0x7f10 -> 16).

Output is deterministic: same inputs, same bytes.  Python 3 standard
library only.
"""

import argparse
import csv
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

CSV_SUITES = "iana/tls-parameters-4.csv"
CSV_EXTS = "iana/tls-extensiontype-values-1.csv"
CSV_GROUPS = "iana/tls-parameters-8.csv"
CSV_SIGALGS = "iana/tls-signaturescheme.csv"
CSV_ALERTS = "iana/tls-parameters-6.csv"
OVERRIDES = "overrides.csv"

HEADERS = {
    CSV_SUITES: ["Value", "Description", "DTLS-OK", "Recommended",
                 "Reference", "Comment"],
    CSV_EXTS: ["Value", "Extension Name", "TLS 1.3", "DTLS-Only",
               "Recommended", "Reference", "Comment"],
    CSV_GROUPS: ["Value", "Description", "DTLS-OK", "Recommended",
                 "Reference", "Comment"],
    CSV_SIGALGS: ["Value", "Description", "Recommended", "Reference",
                  "Comment"],
    CSV_ALERTS: ["Value", "Description", "DTLS-OK", "Reference", "Comment"],
}

# Key exchange part of a TLS 1.2 name (before _WITH_, _EXPORT removed):
# (enum td_kex, enum td_auth).  Auth is what the server must prove with:
# RSA_PSK and ECDH_RSA need an RSA certificate, SRP_SHA/ECCPWD/ECJPAKE
# none.
KX = {
    "NULL": ("TD_KEX_NULL", "TD_AUTH_NONE"),
    "RSA": ("TD_KEX_RSA", "TD_AUTH_RSA"),
    "DH_DSS": ("TD_KEX_DH", "TD_AUTH_DSS"),
    "DH_RSA": ("TD_KEX_DH", "TD_AUTH_RSA"),
    "DHE_DSS": ("TD_KEX_DHE", "TD_AUTH_DSS"),
    "DHE_RSA": ("TD_KEX_DHE", "TD_AUTH_RSA"),
    "DH_anon": ("TD_KEX_DHE", "TD_AUTH_ANON"),
    "ECDH_ECDSA": ("TD_KEX_ECDH", "TD_AUTH_ECDSA"),
    "ECDH_RSA": ("TD_KEX_ECDH", "TD_AUTH_RSA"),
    "ECDHE_ECDSA": ("TD_KEX_ECDHE", "TD_AUTH_ECDSA"),
    "ECDHE_RSA": ("TD_KEX_ECDHE", "TD_AUTH_RSA"),
    "ECDH_anon": ("TD_KEX_ECDHE", "TD_AUTH_ANON"),
    "PSK": ("TD_KEX_PSK", "TD_AUTH_PSK"),
    "DHE_PSK": ("TD_KEX_DHE_PSK", "TD_AUTH_PSK"),
    "PSK_DHE": ("TD_KEX_DHE_PSK", "TD_AUTH_PSK"),  # 0xC0AA/0xC0AB spelling
    "ECDHE_PSK": ("TD_KEX_ECDHE_PSK", "TD_AUTH_PSK"),
    "RSA_PSK": ("TD_KEX_RSA_PSK", "TD_AUTH_RSA"),
    "SRP_SHA": ("TD_KEX_SRP", "TD_AUTH_OTHER"),
    "SRP_SHA_RSA": ("TD_KEX_SRP", "TD_AUTH_RSA"),
    "SRP_SHA_DSS": ("TD_KEX_SRP", "TD_AUTH_DSS"),
    "KRB5": ("TD_KEX_KRB5", "TD_AUTH_OTHER"),
    "ECCPWD": ("TD_KEX_ECCPWD", "TD_AUTH_OTHER"),
    "GOSTR341112_256": ("TD_KEX_GOST", "TD_AUTH_OTHER"),
    "ECJPAKE": ("TD_KEX_OTHER", "TD_AUTH_OTHER"),
}

# First token of the cipher part -> default class.  None: the class comes
# from the mode token (MODES).  Families listed in WEAK make a suite
# insecure.
CIPHER_FAMILIES = {
    "AES": None, "CAMELLIA": None, "ARIA": None, "SEED": None,
    "IDEA": None, "DES": None, "DES40": None, "3DES": None, "RC2": None,
    "SM4": None, "KUZNYECHIK": None, "MAGMA": None, "28147": None,
    "CHACHA20": None,
    "RC4": "TD_CIPHER_STREAM",
    "AEGIS": "TD_CIPHER_AEAD",          # draft-irtf-cfrg-aegis-aead
    "ASCONAEAD128": "TD_CIPHER_AEAD",   # NIST SP 800-232
}
MODES = {
    "GCM": "TD_CIPHER_AEAD", "CCM": "TD_CIPHER_AEAD",
    "POLY1305": "TD_CIPHER_AEAD", "MGM": "TD_CIPHER_AEAD",
    "CBC": "TD_CIPHER_CBC",
    "CTR": "TD_CIPHER_OTHER", "CNT": "TD_CIPHER_OTHER",  # GOST + OMAC/IMIT
}
WEAK = {"RC4", "DES", "DES40", "3DES", "RC2"}

# Last token of a name that is a MAC (TLS 1.2) or hash (TLS 1.3).
MACS = {"NULL", "MD5", "SHA", "SHA256", "SHA384", "SHA512", "SM3",
        "ASCONHASH256", "OMAC", "IMIT"}
HASHES_13 = {"SHA256", "SHA384", "SHA512", "SM3", "ASCONHASH256"}

GROUP_EC = ("sect", "secp", "brainpoolP", "x25519", "x448", "GC256",
            "GC512", "curveSM2", "arbitrary_explicit_")

PAIR_HASHES = {1: "md5", 2: "sha1", 3: "sha224", 4: "sha256", 5: "sha384",
               6: "sha512"}
PAIR_SIGS = {1: "rsa", 2: "dsa", 3: "ecdsa"}

NAME_KINDS = ("version", "point_format", "hs_type", "content_type",
              "compression")


class GenError(Exception):
    pass


def fail_row(path, lineno, msg):
    raise GenError("%s:%d: %s" % (path, lineno, msg))


def read_csv(rel, header=None):
    """Yield (line number, row) of a CSV; checks the header row."""
    path = os.path.join(HERE, rel)
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        first = True
        for row in reader:
            lineno = reader.line_num
            if first:
                first = False
                if header is not None and row != header:
                    fail_row(rel, lineno, "unexpected header %r" % (row,))
                continue
            yield lineno, row


def is_range(value):
    return "-" in value or "*" in value


def is_code_point(desc):
    return not (desc.startswith("Unassigned") or desc.startswith("Reserved"))


def clean_name(rel, lineno, desc):
    """IANA description -> identifier (see the module docstring)."""
    name = re.sub(r"\s*\(renamed from [^)]*\)$", "", desc.strip())
    name = re.sub(r"\s*\(OBSOLETE\)$", "", name)
    name = re.sub(r"\s*\(deprecated\)$", "_deprecated", name)
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        fail_row(rel, lineno, "name %r is not an identifier" % desc)
    return name


def parse_int(rel, lineno, text):
    try:
        if text.lower().startswith("0x"):
            return int(text, 16)
        return int(text, 10)
    except ValueError:
        fail_row(rel, lineno, "bad value %r" % text)
    return None


def parse_suite_value(rel, lineno, text):
    m = re.fullmatch(r"0x([0-9A-Fa-f]{2}),0x([0-9A-Fa-f]{2})", text)
    if not m:
        fail_row(rel, lineno, "bad suite value %r" % text)
    return int(m.group(1), 16) << 8 | int(m.group(2), 16)


def split_mac(tokens):
    """Split name tokens into (cipher tokens, mac) at a trailing MAC."""
    if len(tokens) >= 2 and tokens[-1] in MACS:
        return tokens[:-1], tokens[-1]
    return tokens, ""


def cipher_class(cipher):
    """Class of a cipher part, or None when it cannot be told."""
    if cipher == "NULL":
        return "TD_CIPHER_NULL"
    tokens = cipher.split("_")
    if tokens[0] not in CIPHER_FAMILIES:
        return None
    fixed = CIPHER_FAMILIES[tokens[0]]
    modes = {MODES[t] for t in tokens[1:] if t in MODES}
    if fixed is not None:
        return fixed if not modes or modes == {fixed} else None
    if len(modes) != 1:
        return None
    return modes.pop()


def classify_suite(rel, lineno, sid, name, dtls, rec, fix):
    """One suite row -> dict of struct td_suite_info fields.

    fix: attributes from a suite_fix override (tls13, mac) or {}."""
    def bad(why):
        fail_row(rel, lineno, "cannot classify suite 0x%04X %s: %s"
                 % (sid, name, why))

    if not name.startswith("TLS_"):
        bad("name does not start with TLS_")
    body = name[4:]
    row = {"id": sid, "name": name, "dtls": dtls, "rec": rec}

    if body.endswith("_SCSV"):
        row.update(kex="TD_KEX_SCSV", auth="TD_AUTH_NONE",
                   cls="TD_CIPHER_NULL", cipher="", mac="", tls13=False,
                   insecure=False)
        return row

    export = False
    if "_WITH_" in body:
        kx, rest = body.split("_WITH_", 1)
        if kx.endswith("_EXPORT"):
            export = True
            kx = kx[:-len("_EXPORT")]
        if kx not in KX:
            bad("unknown key exchange %r" % kx)
        kex, auth = KX[kx]
        tls13 = fix.get("tls13") == "Y"
        if tls13:
            kex, auth = "TD_KEX_TLS13", "TD_AUTH_ANY"
        ctoks, mac = split_mac(rest.split("_"))
        cipher = "_".join(ctoks)
        cls = cipher_class(cipher)
        if cls is None:
            bad("unknown cipher %r" % cipher)
        if cls != "TD_CIPHER_AEAD" and not mac:
            bad("no MAC in a non-AEAD suite")
    else:
        # TLS 1.3 naming: TLS_<cipher>_<hash>.
        tls13 = True
        kex, auth = "TD_KEX_TLS13", "TD_AUTH_ANY"
        ctoks, mac = split_mac(body.split("_"))
        if mac not in HASHES_13:
            bad("TLS 1.3 name without a known hash")
        cipher = "_".join(ctoks)
        if cipher in HASHES_13:
            # Integrity-only suites (RFC 9150): HMAC, no encryption.
            cipher, cls = "NULL", "TD_CIPHER_NULL"
        else:
            cls = cipher_class(cipher)
            if cls != "TD_CIPHER_AEAD":
                bad("TLS 1.3 suite with a non-AEAD cipher %r" % cipher)
    if "mac" in fix:
        mac = fix["mac"]

    family = cipher.split("_")[0]
    insecure = (rec == "D" or family in WEAK or export
                or auth == "TD_AUTH_ANON" or cls == "TD_CIPHER_NULL"
                or mac == "MD5")
    row.update(kex=kex, auth=auth, cls=cls, cipher=cipher, mac=mac,
               tls13=tls13, insecure=insecure)
    return row


def yn(rel, lineno, text, allowed, what):
    if text not in allowed:
        fail_row(rel, lineno, "bad %s %r" % (what, text))
    return text


def group_kind(name):
    if name.startswith("ffdhe"):
        return 1
    if "MLKEM" in name or "Kyber" in name:
        return 2
    if name.startswith(GROUP_EC):
        return 0
    return None


def pair_name(hash_id, sig_id):
    """Name of a TLS 1.2 (hash, signature) pair, as the registry would."""
    h, s = PAIR_HASHES[hash_id], PAIR_SIGS[sig_id]
    return "rsa_pkcs1_" + h if s == "rsa" else s + "_" + h


def read_overrides():
    rows = []
    path = os.path.join(HERE, OVERRIDES)
    with open(path, newline="", encoding="utf-8") as f:
        lines = [(i + 1, line) for i, line in enumerate(f)]
    data = [(n, l) for n, l in lines
            if l.strip() and not l.lstrip().startswith("#")]
    header = True
    for lineno, line in data:
        row = next(csv.reader([line]))
        if header:
            header = False
            if row != ["kind", "value", "name", "attrs", "source"]:
                fail_row(OVERRIDES, lineno, "unexpected header %r" % (row,))
            continue
        if len(row) != 5:
            fail_row(OVERRIDES, lineno, "want 5 columns, got %d" % len(row))
        kind, value, name, attrs, source = row
        if not source.strip():
            fail_row(OVERRIDES, lineno, "no source")
        if not re.fullmatch(r"0x[0-9A-Fa-f]{2,4}", value):
            fail_row(OVERRIDES, lineno, "bad value %r" % value)
        amap = {}
        for kv in filter(None, attrs.split(";")):
            if "=" not in kv:
                fail_row(OVERRIDES, lineno, "bad attr %r" % kv)
            k, v = kv.split("=", 1)
            amap[k] = v
        rows.append((lineno, kind, int(value, 16), name, amap))
    return rows


def add_unique(table, rel, lineno, cid, item):
    if cid in table:
        fail_row(rel, lineno, "duplicate code point 0x%04X" % cid)
    table[cid] = item


def name_rows(rel, header, name_col=1):
    """Code points of a name-only CSV (extensions, alerts)."""
    out = {}
    for lineno, row in read_csv(rel, header):
        if len(row) != len(header):
            fail_row(rel, lineno, "want %d columns" % len(header))
        value, desc = row[0], row[name_col]
        if is_range(value) or not is_code_point(desc):
            continue
        add_unique(out, rel, lineno, parse_int(rel, lineno, value),
                   clean_name(rel, lineno, desc))
    return out


def build():
    """Read every input; return the tables as plain Python data."""
    ovr = read_overrides()
    fixes = {}
    for lineno, kind, cid, name, amap in ovr:
        if kind == "suite_fix":
            if set(amap) - {"tls13", "mac"}:
                fail_row(OVERRIDES, lineno, "suite_fix attrs: tls13, mac")
            fixes[cid] = (lineno, name, amap)

    suites = {}
    for lineno, row in read_csv(CSV_SUITES, HEADERS[CSV_SUITES]):
        if len(row) != 6:
            fail_row(CSV_SUITES, lineno, "want 6 columns")
        value, desc, dtls, rec = row[0], row[1], row[2], row[3]
        if is_range(value) or not is_code_point(desc):
            continue
        sid = parse_suite_value(CSV_SUITES, lineno, value)
        name = clean_name(CSV_SUITES, lineno, desc)
        fix = {}
        if sid in fixes:
            flineno, fname, fix = fixes.pop(sid)
            if fname != name:
                fail_row(OVERRIDES, flineno, "suite_fix name %r is not the "
                         "IANA name %r" % (fname, name))
        add_unique(suites, CSV_SUITES, lineno, sid, classify_suite(
            CSV_SUITES, lineno, sid, name,
            yn(CSV_SUITES, lineno, dtls, "YN", "DTLS-OK"),
            yn(CSV_SUITES, lineno, rec, "YND", "Recommended"), fix))
    for sid, (flineno, fname, _) in sorted(fixes.items()):
        fail_row(OVERRIDES, flineno, "suite_fix for 0x%04X %s: no such IANA "
                 "suite" % (sid, fname))

    groups = {}
    for lineno, row in read_csv(CSV_GROUPS, HEADERS[CSV_GROUPS]):
        if len(row) != 6:
            fail_row(CSV_GROUPS, lineno, "want 6 columns")
        value, desc, rec = row[0], row[1], row[3]
        if is_range(value) or not is_code_point(desc):
            continue
        name = clean_name(CSV_GROUPS, lineno, desc)
        kind = group_kind(name)
        if kind is None:
            fail_row(CSV_GROUPS, lineno, "cannot classify group %r" % name)
        add_unique(groups, CSV_GROUPS, lineno,
                   parse_int(CSV_GROUPS, lineno, value),
                   (name, yn(CSV_GROUPS, lineno, rec, ("Y", "N", "D", ""),
                             "Recommended"), kind))

    sigalgs = {}
    for lineno, row in read_csv(CSV_SIGALGS, HEADERS[CSV_SIGALGS]):
        if len(row) != 5:
            fail_row(CSV_SIGALGS, lineno, "want 5 columns")
        value, desc = row[0], row[1]
        if is_range(value) or not is_code_point(desc):
            continue
        cid = parse_int(CSV_SIGALGS, lineno, value)
        add_unique(sigalgs, CSV_SIGALGS, lineno, cid,
                   (clean_name(CSV_SIGALGS, lineno, desc), False))

    exts = name_rows(CSV_EXTS, HEADERS[CSV_EXTS])
    alerts = name_rows(CSV_ALERTS, HEADERS[CSV_ALERTS])
    for cid in alerts:
        if cid > 0xFF:
            fail_row(CSV_ALERTS, 0, "alert %d does not fit a byte" % cid)

    named = {k: {} for k in NAME_KINDS}
    suite_alias = {}
    group_alias = {}
    for lineno, kind, cid, name, amap in ovr:
        if kind == "suite":
            if set(amap) != {"dtls", "rec"}:
                fail_row(OVERRIDES, lineno, "suite attrs: dtls, rec")
            add_unique(suites, OVERRIDES, lineno, cid, classify_suite(
                OVERRIDES, lineno, cid, name,
                yn(OVERRIDES, lineno, amap["dtls"], "YN", "dtls"),
                yn(OVERRIDES, lineno, amap["rec"], "YND", "rec"), {}))
        elif kind == "suite_fix":
            pass
        elif kind == "suite_alias":
            suite_alias[(lineno, name)] = cid
        elif kind == "group_alias":
            group_alias[(lineno, name)] = cid
        elif kind == "sigalg":
            h, s = cid >> 8, cid & 0xFF
            if h not in PAIR_HASHES or s not in PAIR_SIGS:
                fail_row(OVERRIDES, lineno, "0x%04X is not a TLS 1.2 "
                         "(hash, signature) pair" % cid)
            if name != pair_name(h, s):
                fail_row(OVERRIDES, lineno, "pair 0x%04X must be named %r"
                         % (cid, pair_name(h, s)))
            add_unique(sigalgs, OVERRIDES, lineno, cid, (name, True))
        elif kind == "ext_name":
            if cid not in exts:
                fail_row(OVERRIDES, lineno, "ext_name: 0x%04X is not in %s"
                         % (cid, CSV_EXTS))
            if not re.fullmatch(r"[A-Za-z0-9_]+", name):
                fail_row(OVERRIDES, lineno, "bad name %r" % name)
            exts[cid] = name
        elif kind in NAME_KINDS:
            if not re.fullmatch(r"[A-Za-z0-9_. ]+", name):
                fail_row(OVERRIDES, lineno, "bad name %r" % name)
            limit = 0xFFFF if kind == "version" else 0xFF
            if cid > limit:
                fail_row(OVERRIDES, lineno, "0x%X out of range" % cid)
            add_unique(named[kind], OVERRIDES, lineno, cid, name)
        else:
            fail_row(OVERRIDES, lineno, "unknown kind %r" % kind)
        if amap and kind not in ("suite", "suite_fix"):
            fail_row(OVERRIDES, lineno, "attrs only on suite rows")

    for n in range(256):
        add_unique(named["version"], OVERRIDES, 0, 0x7F00 | n,
                   "TLS 1.3 draft %d" % n)

    def name_index(what, rows, aliases):
        """Sorted (name, id) list; lowercased names must be unique."""
        index = {}
        for cid, name in rows:
            if name.lower() in index:
                raise GenError("%s: names %r and %r differ only in case"
                               % (what, index[name.lower()][0], name))
            index[name.lower()] = (name, cid)
        for (lineno, name), cid in sorted(aliases.items()):
            if cid not in dict((c, n) for c, n in rows):
                fail_row(OVERRIDES, lineno, "alias for unknown 0x%04X" % cid)
            if name.lower() in index:
                fail_row(OVERRIDES, lineno, "alias %r is taken" % name)
            index[name.lower()] = (name, cid)
        return [index[k] for k in sorted(index, key=lambda k: k.encode())]

    suite_names = name_index("suites", [(c, r["name"])
                                        for c, r in suites.items()],
                             suite_alias)
    group_names = name_index("groups", [(c, g[0])
                                        for c, g in groups.items()],
                             group_alias)
    alert_names = name_index("alerts", list(alerts.items()), {})

    return {
        "suites": [suites[k] for k in sorted(suites)],
        "groups": [(k,) + groups[k] for k in sorted(groups)],
        "sigalgs": [(k,) + sigalgs[k] for k in sorted(sigalgs)],
        "exts": sorted(exts.items()),
        "alerts": sorted(alerts.items()),
        "named": {k: sorted(v.items()) for k, v in named.items()},
        "suite_names": suite_names,
        "group_names": group_names,
        "alert_names": alert_names,
    }


def cstr(s):
    if not re.fullmatch(r"[A-Za-z0-9_. -]*", s):
        raise GenError("string %r needs escaping" % s)
    return '"%s"' % s


def wrap_row(items, indent="    "):
    """'{a, b, ...},' wrapped at 79 columns, continuation aligned."""
    lines, cur = [], indent + "{"
    for i, item in enumerate(items):
        piece = item + ("}," if i == len(items) - 1 else ",")
        if len(cur) + len(piece) + 1 > 79 and cur.strip() != "{":
            lines.append(cur.rstrip())
            cur = indent + " " + piece
        else:
            cur += ("" if cur.endswith("{") else " ") + piece
    lines.append(cur)
    return lines


def emit_table(out, ctype, name, rows):
    out.append("const %s %s[] = {" % (ctype, name))
    for items in rows:
        out.extend(wrap_row(items))
    out.append("};")
    out.append("const size_t %s_n =" % name)
    out.append("    sizeof(%s) / sizeof(%s[0]);" % (name, name))
    out.append("")


def render(t):
    srcs = [CSV_SUITES, CSV_EXTS, CSV_GROUPS, CSV_SIGALGS, CSV_ALERTS,
            OVERRIDES]
    out = [
        "/* tables.c - TLS registry tables behind registry.c.",
        " *",
        " * generated by gen_registry.py from",
    ]
    out += [" *   %s" % s for s in srcs]
    out += [
        " * do not edit: change the inputs and run",
        " *   python3 src/registry/gen_registry.py --out "
        "src/registry/tables.c",
        " * Rows are sorted by id, name indexes by lowercased name.",
        " */",
        '#include "tables.h"',
        "",
        "#include <stdbool.h>",
        "",
        "/* Suites: id, name, kex, auth, cipher_class, cipher, mac, tls13,",
        " * dtls_ok, recommended, insecure (struct td_suite_info). */",
    ]
    b = {True: "true", False: "false"}
    emit_table(out, "struct td_suite_info", "td_reg_suite_rows", [
        ["0x%04x" % r["id"], cstr(r["name"]), r["kex"], r["auth"], r["cls"],
         cstr(r["cipher"]), cstr(r["mac"]), b[r["tls13"]],
         b[r["dtls"] == "Y"], "'%s'" % r["rec"], b[r["insecure"]]]
        for r in t["suites"]])
    out.append("/* Groups: id, name, recommended, kind (0 EC, 1 FFDHE, "
               "2 hybrid/PQ). */")
    emit_table(out, "struct td_group_info", "td_reg_group_rows", [
        ["0x%04x" % gid, cstr(name), "'%s'" % rec if rec else "0", str(kind)]
        for gid, name, rec, kind in t["groups"]])
    out.append("/* Signature algorithms: id, name, hash (high byte), sig "
               "(low byte),")
    out.append(" * tls12_pair. */")
    emit_table(out, "struct td_sigalg_info", "td_reg_sigalg_rows", [
        ["0x%04x" % sid, cstr(name), str(sid >> 8), str(sid & 0xFF),
         b[pair]]
        for sid, name, pair in t["sigalgs"]])
    codes = [("td_reg_ext_rows", t["exts"], 4),
             ("td_reg_alert_rows", t["alerts"], 2)]
    for kind in NAME_KINDS:
        codes.append(("td_reg_%s_rows" % kind, t["named"][kind],
                      4 if kind == "version" else 2))
    for cname, rows, width in codes:
        emit_table(out, "struct td_reg_code", cname, [
            ["0x%0*x" % (width, cid), cstr(name)] for cid, name in rows])
    out.append("/* Name indexes: name, id; sorted by lowercased name. */")
    for cname, key in (("td_reg_suite_names", "suite_names"),
                       ("td_reg_group_names", "group_names"),
                       ("td_reg_alert_names", "alert_names")):
        emit_table(out, "struct td_reg_alias", cname, [
            [cstr(name), "0x%04x" % cid] for name, cid in t[key]])
    while out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(HERE, "tables.c"),
                    help="file to write or check (default: tables.c here)")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if --out differs from what would be "
                    "written")
    args = ap.parse_args(argv)
    try:
        text = render(build())
    except GenError as e:
        sys.stderr.write("gen_registry.py: error: %s\n" % e)
        return 2
    if args.check:
        try:
            with open(args.out, encoding="utf-8", newline="") as f:
                cur = f.read()
        except OSError as e:
            sys.stderr.write("gen_registry.py: %s: %s\n" % (args.out, e))
            return 1
        if cur != text:
            sys.stderr.write(
                "gen_registry.py: %s is out of date with the CSVs; run "
                "gen_registry.py --out %s\n" % (args.out, args.out))
            return 1
        return 0
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
