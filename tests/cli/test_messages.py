#!/usr/bin/env python3
"""Every message a user can see, checked: it names the input, the place
and says what to do.

The inventory (what can be said, and from where):
- stderr, through src/msg.c: td_msg_error / td_msg_warn / td_msg_info /
  td_msg_usage from src/cmd_*.c, src/from_input.c, src/cli.c, src/main.c
  (inputs that cannot be opened or read, no handshake in them, options,
  network failures of probe and scan, output that cannot be written);
  getopt's own "tlsdiag CMD: unrecognized option" lines;
- the document's warnings (td_doc_warn: the text renderer's "Warnings",
  JSON "warnings"): damaged captures (src/cmd_pcap.c with src/pcapin.c's
  reason), link types that are not read, DTLS/QUIC flows (src/pcapfe.c),
  lines cut at the length cap (src/logparse.c), inputs without a
  handshake;
- the handshakes' warnings (td_hs_warn, td_hs_warn_at: text "Not read",
  JSON handshake "warnings", copied into the document's as "<input>:
  handshake N, <place>: ..."): dumps with missing or bad rows
  (src/logparse.c), records and messages cut short, gaps, bytes that are
  not TLS (src/record.c), fields the decoders could not read
  (src/hs_*.c), certificates that cannot be parsed (src/hs_server.c with
  src/x509.c), the TLS 1.3 reader and the probe (src/tls13_read.c,
  src/probe_net.c, src/probe_mbedtls.c).

The wording is "<input>: <place>: <what happened>; <what to do>": the
input is a file name, "standard input", "argument N" or host:port; the
place is "line N", "packet N" or "byte offset N" where one exists.  Each
row below makes one class of bad input and checks the message it gets:
where it appears (stderr or the JSON warnings), the input, the place, and
a hint of what to do.
"""
import json
import os
import re
import shutil
import socket
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from tdtest import Run, eq, true  # noqa: E402

t = Run()
tmp = tempfile.mkdtemp(prefix="tlsdiag-messages-")
os.chmod(tmp, 0o755)     # readable by the unprivileged user of a row


def path(name):
    return os.path.join(tmp, name)


def write(name, data):
    p = path(name)
    with open(p, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return p


def read(rel):
    with open(t.src(rel), "rb") as f:
        return f.read()


# --- inputs -----------------------------------------------------------------

LOG = "captures/logs/cert-expired.log"


def log_lines():
    return read(LOG).decode().split("\n")


def first_dump(lines):
    """Index of the first record dump's header line."""
    for i, l in enumerate(lines):
        if "dumping 'output record sent to network'" in l:
            return i
    raise AssertionError("no record dump in " + LOG)


def log_cut_dump():
    """The ClientHello dump keeps its first 3 rows: lines were lost."""
    lines = log_lines()
    i = first_dump(lines)
    j = i + 1
    while j < len(lines) and re.search(r": [0-9a-f]{4}:  ", lines[j]):
        j += 1
    p = write("cut-dump.log", "\n".join(lines[:i + 4] + lines[j:]))
    return p, i + 1


def log_bad_hex():
    """The dump's first row has a byte that is not hex."""
    lines = log_lines()
    i = first_dump(lines)
    lines[i + 1] = re.sub(r"(0000:  [0-9a-f]{2}) [0-9a-f]{2}", r"\1 zq",
                          lines[i + 1], count=1)
    return write("bad-hex.log", "\n".join(lines)), i + 2, i + 3


def pcap_packets():
    """(global header, [(record header, data)]) of a recorded capture."""
    src = read("captures/tls12-rsa.pcap")
    pkts, off = [], 24
    while off < len(src):
        incl = struct.unpack("<I", src[off + 8:off + 12])[0]
        pkts.append((src[off:off + 16], src[off + 16:off + 16 + incl]))
        off += 16 + incl
    return src[:24], pkts


def pcap_truncated(n):
    """A capture that ends in the middle of packet n."""
    hdr, pkts = pcap_packets()
    body = b"".join(h + d for h, d in pkts[:n - 1])
    h, d = pkts[n - 1]
    return write("truncated.pcap", hdr + body + h + d[:len(d) // 2])


def pcap_link(lt):
    hdr, pkts = pcap_packets()
    hdr = hdr[:20] + struct.pack("<I", lt)
    return write("link%d.pcap" % lt, hdr + b"".join(h + d for h, d in pkts))


def pcapng_damaged(n):
    """The capture as pcapng, packet n's block with a wrong trailing
    length; returns the path and that block's byte offset."""
    hdr, pkts = pcap_packets()
    lt = struct.unpack("<I", hdr[20:24])[0]

    def blk(typ, body):
        body += b"\0" * (-len(body) % 4)
        return struct.pack("<II", typ, 12 + len(body)) + body + \
            struct.pack("<I", 12 + len(body))
    blocks = [blk(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1)),
              blk(1, struct.pack("<HHI", lt, 0, 65535))]
    for h, d in pkts:
        s, us, incl, orig = struct.unpack("<IIII", h)
        ts = s * 1000000 + us
        blocks.append(blk(6, struct.pack("<IIIII", 0, ts >> 32,
                                         ts & 0xffffffff, incl, orig) + d))
    k = 2 + n - 1
    at = sum(len(b) for b in blocks[:k])
    bad = blocks[k][:-4] + struct.pack("<I", 0x1234)
    data = b"".join(blocks[:k]) + bad + b"".join(blocks[k + 1:])
    return write("damaged.pcapng", data), at


def records(data):
    """(offset, type, body) of each TLS record."""
    out, i = [], 0
    while i + 5 <= len(data):
        n = data[i + 3] << 8 | data[i + 4]
        out.append((i, data[i], data[i + 5:i + 5 + n]))
        i += 5 + n
    return out


def first_record(data):
    return data[:5 + (data[3] << 8 | data[4])]


def server_bad_cert():
    """The server flight with its first certificate's DER damaged; returns
    the path and the byte offset of the record that carries it."""
    d = bytearray(read("captures/records/tls12-rsa.server.bin"))
    for off, typ, body in records(bytes(d)):
        j = 0
        while typ == 22 and j + 4 <= len(body):
            hl = body[j + 1] << 16 | body[j + 2] << 8 | body[j + 3]
            if body[j] == 11:
                der = off + 5 + j + 4 + 3 + 3
                d[der] = 0x31          # a SET where the SEQUENCE is
                d[der + 20] ^= 0xff
                return write("bad-cert.server.bin", bytes(d)), off
            j += 4 + hl
    raise AssertionError("no Certificate message")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# --- what a message must say ------------------------------------------------

# What to do: after "; " (or on the usage hint's line), a request.
DO = re.compile(r"(;|\n).*?\b(check|give|use|try|is the debug level|"
                r"capture|copy|save|paste|pick|raise|look at|write|run|"
                r"start|split|see|open)\b", re.I | re.S)


def says(msg, want_input, place, hint):
    """msg names the input (and the place right after it, with only the
    handshake between them) and says what to do (hint, and the general
    form)."""
    if want_input is not None:
        head = re.escape(want_input) + r": "
        if place:
            head += r"(handshake \d+, )?" + re.escape(place) + r"[:,]"
        true(re.search(head, msg), "input %r%s not named as '<input>: "
             "<place>:' in: %s" % (want_input,
                                   (" and place %r" % place) if place
                                   else "", msg))
    true(DO.search(msg), "no 'what to do' after '; ' in: %s" % msg)
    for h in hint if isinstance(hint, (list, tuple)) else [hint]:
        true(h in msg, "%r not in: %s" % (h, msg))


def stderr_message(err, want_input):
    """The stderr lines of the message about want_input (the usage hint
    line that follows a usage error included)."""
    lines = err.splitlines()
    for i, l in enumerate(lines):
        if want_input is None or want_input in l:
            rest = "\n".join(lines[i:i + 2])
            return rest
    raise AssertionError("nothing on stderr names %r: %r" % (want_input, err))


def json_warning(out, want_input, place_word):
    doc = json.loads(out)
    for w in doc.get("warnings") or []:
        if (want_input is None or want_input in w) and place_word in w:
            return w
    raise AssertionError("no JSON warning names %r and %r: %s" % (
        want_input, place_word, doc.get("warnings")))


# --- the rows -----------------------------------------------------------------

ROWS = []


def row(name, where, want_exit, input_name, place, hint):
    """A row: name; where the message is ("stderr" or "json"); the exit
    status; the input and place it must name; a hint it must contain.
    The decorated function returns the argv (and optional stdin)."""
    def deco(fn):
        ROWS.append((name, where, want_exit, input_name, place, hint, fn))
        return fn
    return deco


def as_nobody():
    """argv prefix to run as an unprivileged user (root reads any file),
    or None when that is not possible."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        return None
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


# log
row("log: a missing file", "stderr", 3, "nope.log", None,
    ["cannot open", "check the name"])(
    lambda: (["log", path("nope.log")],))
row("log: a directory", "stderr", 3, tmp, None, "give a log file")(
    lambda: (["log", tmp],))
row("log: an unreadable file", "stderr", 3, "unreadable.log", None,
    ["cannot open: Permission denied", "permissions"])(
    lambda: ("unreadable", ["log", unreadable("unreadable.log")]))
row("log: an empty file", "stderr", 3, "empty.log", None,
    ["the file is empty", "check"])(
    lambda: (["log", write("empty.log", b"")],))
row("log: nothing on standard input", "stderr", 3, "standard input", None,
    "paste the log")(lambda: (["log", "-"], b""))
row("log: text without mbedTLS lines", "stderr", 3, "plain.txt", None,
    ["no mbedTLS handshake in 2 lines", "is the debug level at least 2?"])(
    lambda: (["log", write("plain.txt", "hello\nworld\n")],))
row("log: lines longer than the cap", "json", 1, "longline.log", "line 1",
    ["1 line longer than", "check that this is the console's text"])(
    lambda: (["--json", "log", write("longline.log", "x" * 9000 + "\n"
                                     + read(LOG).decode())],))


def cut_dump_row():
    p, line = log_cut_dump()
    ROW_PLACE["log: a hexdump cut short"] = "line %d" % line
    return (["--json", "log", p],)


def bad_hex_row():
    p, bad, gap = log_bad_hex()
    ROW_PLACE["log: a hexdump row with bad hex"] = "line %d" % gap
    ROW_HINT["log: a hexdump row with bad hex"] = "check line %d" % bad
    return (["--json", "log", p],)


ROW_PLACE = {}
ROW_HINT = {}
row("log: a hexdump cut short", "json", 1, "cut-dump.log", "?",
    ["announces 300 bytes but has 48", "lines of the log are missing",
     "save"])(
    cut_dump_row)
row("log: a hexdump row with bad hex", "json", 1, "bad-hex.log", "?",
    ["cut or not hex"])(bad_hex_row)

# pcap
row("pcap: a missing file", "stderr", 3, "nope.pcap", None,
    ["cannot open", "check the name"])(
    lambda: (["pcap", path("nope.pcap")],))
row("pcap: a directory", "stderr", 3, tmp, None, "give a .pcap")(
    lambda: (["pcap", tmp],))
row("pcap: an unreadable file", "stderr", 3, "unreadable.pcap", None,
    ["cannot open: Permission denied", "permissions"])(
    lambda: ("unreadable", ["pcap", unreadable("unreadable.pcap")]))
row("pcap: an empty file", "stderr", 3, "empty.pcap", None,
    ["the file is empty", "check that the capture was stopped"])(
    lambda: (["pcap", write("empty.pcap", b"")],))
row("pcap: not a capture", "stderr", 3, "notcap.pcap", "byte offset 0",
    ["not a pcap or pcapng", "give a file"])(
    lambda: (["pcap", write("notcap.pcap", "hello, not a capture\n")],))
row("pcap: truncated at packet 5", "json", 3, "truncated.pcap", "packet 5",
    "copy the capture again")(
    lambda: (["--json", "pcap", pcap_truncated(5)],))
row("pcap: a link type tlsdiag does not read", "json", 3, "link147.pcap",
    "packet 1", ["link type 147", "capture on"])(
    lambda: (["--json", "pcap", pcap_link(147)],))
row("pcap: no TLS in the capture", "stderr", 3, "link147.pcap", None,
    ["no TLS handshake in 18 packets", "start the capture"])(
    lambda: (["pcap", pcap_link(147)],))


def damaged_row():
    p, at = pcapng_damaged(5)
    ROW_HINT["pcap: a pcapng with a damaged block"] = \
        "block at offset %d" % at
    return (["--json", "pcap", p],)


row("pcap: a pcapng with a damaged block", "json", 3, "damaged.pcapng",
    "packet 5", "copy the capture again")(damaged_row)
row("pcap: a filter that does not compile", "stderr", 2, "filter 'tcp and ('",
    None, ["write it as for tcpdump", "Try 'tlsdiag pcap --help'"])(
    lambda: (["pcap", "-f", "tcp and (", t.src("captures/tls12-rsa.pcap")],))

# hello
HEX16 = read("captures/records/tls12-rsa.client.bin")[:16].hex()
row("hello: text that is neither hex nor base64", "stderr", 3, "argument 1",
    None, "give hex")(lambda: (["hello", "this is not hex!"],))
row("hello: a row with bad hex", "stderr", 3, "argument 1",
    "line 1, column 10", ["'z' is not a hex digit", "give hex"])(
    lambda: (["hello", "--hex", "16 03 01 zz 00"],))
row("hello: a file name that does not exist", "stderr", 3,
    "nope/capture.bin", None, ["no such file", "check the file name"])(
    lambda: (["hello", "nope/capture.bin"],))
row("hello: a directory", "stderr", 3, tmp, None, "give hex")(
    lambda: (["hello", tmp],))
row("hello: an unreadable file", "stderr", 3, "unreadable.bin", None,
    ["cannot open: Permission denied", "permissions"])(
    lambda: ("unreadable", ["hello", unreadable("unreadable.bin")]))
row("hello: an empty file", "stderr", 3, "empty.bin", None,
    ["no bytes to decode", "give hex"])(
    lambda: (["hello", write("empty.bin", b"")],))
row("hello: bytes that are not TLS", "stderr", 3, "argument 1",
    "byte offset 0", "give the TLS bytes")(
    lambda: (["hello", "474554202f20485454502f312e31"],))
row("hello: a record cut at byte 16", "json", 0, "argument 1",
    "byte offset 0", ["client record is cut short: 16 of",
                      "give all of its bytes"])(
    lambda: (["--json", "hello", HEX16],))
row("hello: the second file's record cut", "json", 0, "server-cut.bin",
    "byte offset 0", ["server record is cut short",
                      "give all of its bytes"])(
    lambda: (["--json", "hello", write("client-hello.bin", first_record(
        read("captures/records/tls12-rsa.client.bin"))),
              write("server-cut.bin",
                    read("captures/records/tls12-rsa.server.bin")[:40])],))


def bad_cert_row():
    p, at = server_bad_cert()
    ROW_PLACE["hello: a certificate that cannot be parsed"] = \
        "byte offset %d" % at
    return (["--json", "hello", p],)


ROW_PLACE["hello: a certificate that cannot be parsed"] = "?"
row("hello: a certificate that cannot be parsed", "json", 0,
    "bad-cert.server.bin", "?",
    ["certificate #1 (903 bytes) cannot be parsed", "openssl x509"])(
    bad_cert_row)

# explain
row("explain: a code it cannot read", "stderr", 2, "'zz'", None,
    "give an alert")(lambda: (["explain", "zz"],))
row("explain: --flags that are not hex", "stderr", 2, "'zz'", None,
    "give them in hex")(lambda: (["explain", "--flags", "zz"],))

# options
for cmd in ("log", "pcap", "hello", "probe", "scan", "explain"):
    row("%s: an unknown option" % cmd, "stderr", 2,
        "tlsdiag %s" % cmd, None, "option '--bogus'")(
        (lambda c: lambda: ([c, "--bogus"],))(cmd))
row("an unknown command", "stderr", 2, None, None,
    ["unknown command 'frobnicate'", "the commands are"])(
    lambda: (["frobnicate"],))
row("an unknown global option", "stderr", 2, None, None,
    ["unknown option '--bogus'", "Try 'tlsdiag --help'"])(
    lambda: (["--bogus", "log"],))
row("--color with a bad value", "stderr", 2, None, None,
    ["--color takes auto, always or never, not 'sometimes'", "Try"])(
    lambda: (["--color=sometimes", "log", "x"],))
row("pcap --port out of range", "stderr", 2, None, None,
    ["--port takes 0..65535, not '99999'", "Try 'tlsdiag pcap --help'"])(
    lambda: (["pcap", "--port", "99999", "x.pcap"],))
row("probe --timeout not a number", "stderr", 2, None, None,
    ["--timeout takes a number", "'abc'", "Try 'tlsdiag probe --help'"])(
    lambda: (["probe", "--timeout", "abc", "h"],))
row("scan --timeout 0", "stderr", 2, None, None,
    ["--timeout takes a number from 1", "Try 'tlsdiag scan --help'"])(
    lambda: (["scan", "--timeout", "0", "h"],))
row("explain --mbedtls 4", "stderr", 2, None, None,
    ["--mbedtls takes 2 or 3, not '4'", "Try 'tlsdiag explain --help'"])(
    lambda: (["explain", "--mbedtls", "4", "40"],))
row("probe: a target that is not HOST[:PORT]", "stderr", 2, None, None,
    ["'h:99999' is not HOST[:PORT]", "Try 'tlsdiag probe --help'"])(
    lambda: (["probe", "h:99999"],))

# probe and scan: the network
PORT = free_port()
for cmd in ("probe", "scan"):
    row("%s: a refused port" % cmd, "stderr", 4, "127.0.0.1:%d" % PORT,
        None, ["connection refused", "check the port"])(
        (lambda c: lambda: ([c, "--timeout", "2000",
                             "127.0.0.1:%d" % PORT],))(cmd))
    row("%s: a name that does not resolve" % cmd, "stderr", 4,
        "tlsdiag-test.invalid:443", None,
        ["does not resolve", "check the spelling"])(
        (lambda c: lambda: ([c, "--timeout", "2000",
                             "tlsdiag-test.invalid:443"],))(cmd))
row("probe: the refused port in the JSON warnings", "json", 4,
    "127.0.0.1:%d" % PORT, None, "check the port")(
    lambda: (["--json", "probe", "--timeout", "2000",
              "127.0.0.1:%d" % PORT],))
row("probe --from a missing file", "stderr", 3, "nope.log", None,
    ["cannot open", "check the name"])(
    lambda: (["probe", "--from", path("nope.log"), "127.0.0.1:1"],))
row("probe --from a log without a handshake", "stderr", 3, "plain.txt",
    None, ["no ClientHello to replay", "is the debug level at least 2?"])(
    lambda: (["probe", "--from", write("plain.txt", "hello\nworld\n"),
              "127.0.0.1:1"],))
row("scan --from: a handshake the log does not have", "stderr", 3,
    "cert-expired.log", None, ["no handshake 7", "use --handshake 0"])(
    lambda: (["scan", "--from", t.src(LOG), "--handshake", "7",
              "127.0.0.1:1"],))


def unreadable(name):
    p = write(name, b"\x16\x03\x01 some bytes\n")
    os.chmod(p, 0)
    return p


def run_row(name, where, want_exit, input_name, place, hint, fn):
    def check():
        got = fn()
        prefix = []
        if got and got[0] == "unreadable":
            prefix = as_nobody()
            if prefix is None:
                return "skip"
            got = got[1:]
        argv = got[0]
        stdin = got[1] if len(got) > 1 else None
        if prefix:
            import subprocess
            e = dict(os.environ, NO_COLOR="1")
            p = subprocess.run(prefix + [t.args.binary] + argv,
                               cwd=t.args.source, env=e, input=stdin,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=60)
            rc, out, err = p.returncode, p.stdout.decode(), \
                p.stderr.decode()
        else:
            rc, out, err = t.tlsdiag(*argv, stdin=stdin, timeout=60)
        eq(rc, want_exit, "exit (stderr: %s)" % err.strip())
        pl = ROW_PLACE.get(name, place)
        hints = list(hint if isinstance(hint, (list, tuple)) else [hint])
        if name in ROW_HINT:
            hints.append(ROW_HINT[name])
        if where == "stderr":
            msg = stderr_message(err, input_name or hints[0])
            true(msg.startswith("tlsdiag"), "not a tlsdiag message: " + msg)
        else:
            msg = json_warning(out, input_name or hints[0], pl or "")
        says(msg, input_name, pl, hints)
    return check


for r in ROWS:
    t.check(r[0], run_row(*r))

shutil.rmtree(tmp, ignore_errors=True)
t.finish()
