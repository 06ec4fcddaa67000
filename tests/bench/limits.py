#!/usr/bin/env python3
"""Resource limits of tlsdiag on hostile and oversized input, measured.

    limits.py --binary build/tlsdiag [--size-mb 1024] [--conns 1000000]
              [--chain 100] [--work DIR] [--only NAME...] [--keep]

Builds each input in a temporary directory, runs tlsdiag on it under GNU
time (`/usr/bin/time -v`) and prints one row per run: input, size, wall
time, peak RSS, exit status and the first line of the message.  Inputs:

- random bytes (a fast PRNG stream, never a repeated block) given to
  `log`, to `pcap` and to `hello` (1 MiB and 64 MiB);
- captures of random packets: a valid pcap header, then records whose
  frames are random bytes, and records with valid Ethernet/IPv4/TCP
  headers whose addresses, ports, sequence numbers, flags and payload are
  random (every packet a new flow);
- a million concurrent half-open connections from distinct addresses and
  ports: bare SYNs, and a SYN plus the first ClientHello segment; none
  ever finishes;
- a ClientHello with 65535 bytes of extensions (the most the length field
  allows), two shapes: long lists (groups, signature algorithms, ALPN)
  topped up with padding, and 16,383 extensions of distinct types; given
  to `hello` as binary records and as a hex text file, inside a capture,
  and inside an mbedTLS debug log (full dumps, and cut at 4096 bytes as
  mbedTLS 2.28's debug.c prints them);
- a certificate chain of 100 distinct certificates (openssl, ECDSA P-256,
  each signed by the one above) in one Certificate message, given to
  `hello`, to `pcap` and to `log`.

Each run is limited to --max-vm-mb of address space (RLIMIT_AS) so that a
runaway cannot take the machine down; a run that hits it says so in its
exit status and message.  Prints figures; asserts nothing (the scaled-down
checks are tests/cli/test_limits.py, which imports the builders below)."""
import argparse
import os
import random
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time

MiB = 1 << 20
CHUNK = 4 * MiB
ETH_HDR = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00"
T0 = 1_700_000_000


# ---- random bytes ---------------------------------------------------------

def write_random(path, size, seed=1):
    """size bytes of a PRNG stream (random.Random.randbytes, ~150 MB/s)."""
    rnd = random.Random(seed)
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(CHUNK, left)
            f.write(rnd.randbytes(n))
            left -= n
    return size


# ---- pcap -----------------------------------------------------------------

def checksum16(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


class Pcap:
    """A classic little-endian pcap, Ethernet, written packet by packet."""

    def __init__(self, path):
        self.f = open(path, "wb", buffering=MiB)
        self.f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535,
                                 1))
        self.size = 24
        self.usec = 0
        self.ip_sums = {}

    def frame(self, frame, step_usec=10):
        self.usec += step_usec
        self.f.write(struct.pack("<IIII", T0 + self.usec // 1000000,
                                 self.usec % 1000000, len(frame), len(frame)))
        self.f.write(frame)
        self.size += 16 + len(frame)

    def tcp(self, src, dst, sport, dport, seq, ack, flags, payload=b"",
            step_usec=10):
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff,
                          ack & 0xffffffff, 5 << 4, flags, 65535, 0, 0)
        key = (src, dst, len(tcp) + len(payload))
        ip = self.ip_sums.get(key)
        if ip is None:
            if len(self.ip_sums) > 4096:
                self.ip_sums.clear()
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + key[2], 0,
                             0x4000, 64, 6, 0, src, dst)
            ip = ip[:10] + struct.pack("!H", checksum16(ip)) + ip[12:]
            self.ip_sums[key] = ip
        self.frame(ETH_HDR + ip + tcp + payload, step_usec)

    def close(self):
        self.f.close()
        return self.size


def write_random_frames(path, size, seed=2):
    """A valid pcap header, then records of 60..1514 random bytes."""
    rnd = random.Random(seed)
    w = Pcap(path)
    while w.size < size:
        pool = rnd.randbytes(CHUNK)
        off = 0
        while off + 1514 <= len(pool) and w.size < size:
            n = rnd.randint(60, 1514)
            w.frame(pool[off:off + n])
            off += n
    return w.close()


def write_random_tcp(path, size, seed=3):
    """Valid Ethernet/IPv4/TCP headers (checksums not computed), random
    addresses, ports, sequence numbers, flags and payload: nearly every
    packet is a flow of its own."""
    rnd = random.Random(seed)
    w = Pcap(path)
    while w.size < size:
        pool = rnd.randbytes(CHUNK)
        off = 0
        while off + 1500 <= len(pool) and w.size < size:
            n = rnd.randint(0, 1460)
            h = pool[off:off + 20]
            off += 20
            payload = pool[off:off + n]
            off += n
            tcp = h[0:13] + bytes([h[13] & 0x3f]) + h[14:16] + b"\0\0\0\0"
            tcp = tcp[:12] + b"\x50" + tcp[13:]
            ip = struct.pack("!BBHHHBBH", 0x45, 0, 40 + n, 0, 0x4000, 64, 6,
                             0) + pool[off:off + 8]
            off += 8
            w.frame(ETH_HDR + ip + tcp + payload)
    return w.close()


def addr_of(i):
    return bytes([10, 64 + (i >> 16) % 64, (i >> 8) & 255, i & 255])


def write_half_open(path, conns, hello=None):
    """conns connections from distinct address:port pairs to one server,
    each a SYN (and, with hello, the ClientHello record in the next
    segment), none ever answered or closed: all live at the end.  100 us
    apart, so no idle timeout closes them."""
    w = Pcap(path)
    server = bytes([192, 0, 2, 1])
    for i in range(conns):
        src = addr_of(i // 50000)
        sport = 10000 + i % 50000
        isn = (i * 2654435761) & 0xffffffff
        w.tcp(src, server, sport, 443, isn, 0, 0x02, b"", 50)
        if hello:
            w.tcp(src, server, sport, 443, isn + 1, 0, 0x18, hello, 50)
    return w.close()


def write_conversation(path, client_records, server_records):
    """One complete TCP connection: handshake, the client's bytes, the
    server's, then FINs.  Segments of 1448 bytes."""
    w = Pcap(path)
    cl, sv = bytes([10, 0, 0, 2]), bytes([10, 0, 0, 1])
    cp, sp = 51515, 443
    cs, ss = 1000, 5000
    w.tcp(cl, sv, cp, sp, cs, 0, 0x02)
    w.tcp(sv, cl, sp, cp, ss, cs + 1, 0x12)
    cs += 1
    ss += 1
    w.tcp(cl, sv, cp, sp, cs, ss, 0x10)
    for src, dst, a, b, data, mine in ((cl, sv, cp, sp, client_records, 0),
                                       (sv, cl, sp, cp, server_records, 1)):
        for k in range(0, len(data), 1448):
            seg = data[k:k + 1448]
            if mine == 0:
                w.tcp(src, dst, a, b, cs, ss, 0x18, seg)
                cs += len(seg)
            else:
                w.tcp(src, dst, a, b, ss, cs, 0x18, seg)
                ss += len(seg)
    w.tcp(cl, sv, cp, sp, cs, ss, 0x11)
    w.tcp(sv, cl, sp, cp, ss, cs + 1, 0x11)
    w.tcp(cl, sv, cp, sp, cs + 1, ss + 1, 0x10)
    return w.close()


# ---- TLS messages ---------------------------------------------------------

def u8(v):
    return struct.pack("!B", v)


def u16(v):
    return struct.pack("!H", v)


def u24(v):
    return struct.pack("!I", v)[1:]


def ext(t, body):
    return u16(t) + u16(len(body)) + body


def hs_msg(t, body):
    return u8(t) + u24(len(body)) + body


def records(ct, data, version=0x0303, size=16384):
    out = b""
    for k in range(0, max(len(data), 1), size):
        frag = data[k:k + size]
        out += u8(ct) + u16(version) + u16(len(frag)) + frag
    return out


SUITES = [0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0x009c, 0x00ff]


def client_hello(exts, suites=SUITES, seed=5):
    rnd = random.Random(seed)
    body = (u16(0x0303) + rnd.randbytes(32) + u8(0)
            + u16(2 * len(suites)) + b"".join(u16(s) for s in suites)
            + b"\x01\x00" + u16(len(exts)) + exts)
    return hs_msg(1, body)


def small_client_hello(sni="limits.example"):
    name = sni.encode()
    exts = (ext(0, u16(len(name) + 3) + u8(0) + u16(len(name)) + name)
            + ext(10, u16(4) + u16(23) + u16(29))
            + ext(11, b"\x01\x00")
            + ext(13, u16(4) + u16(0x0403) + u16(0x0804))
            + ext(23, b""))
    return client_hello(exts)


def exts_lists(total=65535):
    """Extensions of exactly `total` bytes: SNI, then long lists (groups,
    signature algorithms, ALPN, supported_versions), topped up with
    padding (21)."""
    name = b"limits.example"
    out = ext(0, u16(len(name) + 3) + u8(0) + u16(len(name)) + name)
    groups = [(0x0017 + i) & 0xffff for i in range(8000)]
    out += ext(10, u16(2 * len(groups)) + b"".join(u16(g) for g in groups))
    algs = [(0x0401 + i) & 0xffff for i in range(8000)]
    out += ext(13, u16(2 * len(algs)) + b"".join(u16(a) for a in algs))
    protos = b"".join(u8(len(p)) + p for p in
                      (b"h2", b"http/1.1") + tuple(b"proto-%05d" % i
                                                   for i in range(700)))
    out += ext(16, u16(len(protos)) + protos)
    versions = b"".join(u16(v) for v in [0x0304, 0x0303] * 63)
    out += ext(43, u8(len(versions)) + versions)
    out += ext(11, b"\x01\x00")
    left = total - len(out) - 4
    assert left >= 0
    out += ext(21, b"\0" * left)
    assert len(out) == total
    return out


def exts_many(total=65535):
    """16,383 extensions of distinct types (unknown ones from 0x1000):
    16,382 empty and one with 3 bytes, exactly `total` bytes."""
    n = total // 4 - 1
    out = b"".join(ext(0x1000 + i, b"") for i in range(n))
    out += ext(0x1000 + n, b"\0" * (total - len(out) - 4))
    assert len(out) == total
    return out


def server_flight(chain_der, suite=0xc02b):
    rnd = random.Random(7)
    sh_exts = ext(0xff01, b"\0") + ext(11, b"\x01\x00")
    sh = hs_msg(2, u16(0x0303) + rnd.randbytes(32) + u8(0) + u16(suite)
                + u8(0) + u16(len(sh_exts)) + sh_exts)
    certs = b"".join(u24(len(d)) + d for d in chain_der)
    cert = hs_msg(11, u24(len(certs)) + certs)
    done = hs_msg(14, b"")
    return records(22, sh + cert + done)


def pem_to_der(pem):
    import base64
    lines = [ln for ln in pem.decode().splitlines()
             if ln and not ln.startswith("-----")]
    return base64.b64decode("".join(lines))


def make_chain(work, n):
    """n distinct certificates, leaf first: a self-signed root and n - 1
    certificates each signed by the one above (openssl, ECDSA P-256)."""
    d = os.path.join(work, "chain")
    os.makedirs(d, exist_ok=True)
    ext_file = os.path.join(d, "ca.ext")
    with open(ext_file, "w") as f:
        f.write("basicConstraints=critical,CA:true\n")
    ders = []
    for i in range(n):
        key, crt = os.path.join(d, f"{i}.key"), os.path.join(d, f"{i}.crt")
        argv = ["openssl", "req", "-new", "-x509", "-nodes", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:P-256", "-keyout", key,
                "-out", crt, "-days", "3650", "-set_serial", str(i + 1),
                "-subj", f"/O=tlsdiag limits/CN=level {i}"]
        if i:
            argv += ["-CA", os.path.join(d, f"{i - 1}.crt"), "-CAkey",
                     os.path.join(d, f"{i - 1}.key")]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        ders.append(pem_to_der(open(crt, "rb").read()))
    shutil.rmtree(d)
    return list(reversed(ders))


def repeat_chain(source, n):
    """n certificates from the project's own (server RSA and ECDSA,
    alternating): a long chain without openssl, for the quick test."""
    ders = [pem_to_der(open(os.path.join(source, "captures", "certs", c),
                            "rb").read())
            for c in ("server-rsa.crt", "server-ecdsa.crt")]
    return [ders[i % 2] for i in range(n)]


# ---- mbedTLS debug log ----------------------------------------------------

def dump_lines(name, data, prefix, cut=None):
    """An mbedTLS 2.28 debug.c hexdump (at most `cut` bytes shown)."""
    shown = data if cut is None else data[:cut]
    out = [f"{prefix}dumping '{name}' ({len(data)} bytes)"]
    for k in range(0, len(shown), 16):
        row = shown[k:k + 16]
        hexs = "".join(f" {b:02x}" for b in row)
        asc = "".join(chr(b) if 32 <= b < 127 else "." for b in row)
        out.append(f"{prefix}{k:04x}: {hexs:<48}  {asc}")
    return out


def split_records(data):
    out, k = [], 0
    while k + 5 <= len(data):
        n = struct.unpack("!H", data[k + 3:k + 5])[0]
        out.append(data[k:k + 5 + n])
        k += 5 + n
    return out


def write_log(path, client_records, server_records=b"", cut=None,
              result="-0x7780"):
    """A client's level-4 log: the ClientHello records sent, the server's
    records received, then the handshake's result."""
    p4 = "ssl_msg.c:2708: |4| 0x7ffd00000000: "
    p2 = "ssl_cli.c:0994: |2| 0x7ffd00000000: "
    lines = ["  . Connecting to tcp/192.0.2.1/443... ok",
             "ssl_tls.c:5804: |2| 0x7ffd00000000: => handshake",
             p2 + "=> write client hello"]
    for r in split_records(client_records):
        lines += dump_lines("output record sent to network", r, p4, cut)
    lines.append(p2 + "<= write client hello")
    for r in split_records(server_records):
        lines += dump_lines("input record header", r[:5], p4)
        lines += dump_lines("input record from network", r, p4, cut)
    lines.append(f"  ! mbedtls_ssl_handshake returned {result}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return os.path.getsize(path)


# ---- the runs -------------------------------------------------------------

def build_cases(work, a):
    """[(name, path, argv after the binary)]; builds the inputs."""
    cases = []
    want = set(a.only or [])

    def add(name, path, argv):
        cases.append((name, path, argv))

    def on(name):
        return not want or any(name.startswith(w) for w in want)

    size = a.size_mb * MiB
    rnd = os.path.join(work, "random.bin")
    if on("random"):
        write_random(rnd, size)
        add(f"random {a.size_mb} MiB as log", rnd, ["log", rnd])
        add(f"random {a.size_mb} MiB as pcap", rnd, ["pcap", rnd])
        for mb in (1, 64):
            p = os.path.join(work, f"random-{mb}m.bin")
            write_random(p, mb * MiB, seed=10 + mb)
            add(f"random {mb} MiB as hello", p, ["hello", p])
    if on("pcap-frames"):
        p = os.path.join(work, "random-frames.pcap")
        write_random_frames(p, size)
        add("pcap of random frames", p, ["pcap", p])
    if on("pcap-tcp"):
        p = os.path.join(work, "random-tcp.pcap")
        write_random_tcp(p, size)
        add("pcap of random TCP/IPv4", p, ["pcap", p])
    if on("halfopen"):
        p = os.path.join(work, "halfopen-syn.pcap")
        write_half_open(p, a.conns)
        add(f"{a.conns} half-open (SYN)", p, ["pcap", p])
        p = os.path.join(work, "halfopen-hello.pcap")
        write_half_open(p, a.conns, records(22, small_client_hello()))
        add(f"{a.conns} half-open (SYN+hello)", p, ["pcap", p])
    if on("ext"):
        for shape, exts in (("lists", exts_lists()), ("many", exts_many())):
            ch = records(22, client_hello(exts))
            p = os.path.join(work, f"ext-{shape}.bin")
            open(p, "wb").write(ch)
            add(f"65535 B ext ({shape}) hello bin", p, ["hello", p])
            h = os.path.join(work, f"ext-{shape}.hex")
            open(h, "w").write(ch.hex(" ", 1))
            add(f"65535 B ext ({shape}) hello hex", h, ["hello", h])
            c = os.path.join(work, f"ext-{shape}.pcap")
            write_conversation(c, ch, records(21, b"\x02\x28"))
            add(f"65535 B ext ({shape}) pcap", c, ["pcap", c])
            lg = os.path.join(work, f"ext-{shape}.log")
            write_log(lg, ch, records(21, b"\x02\x28"))
            add(f"65535 B ext ({shape}) log", lg, ["log", lg])
            lg = os.path.join(work, f"ext-{shape}-cut.log")
            write_log(lg, ch, records(21, b"\x02\x28"), cut=4096)
            add(f"65535 B ext ({shape}) log cut", lg, ["log", lg])
    if on("chain"):
        chain = make_chain(work, a.chain)
        ch = records(22, small_client_hello())
        sv = server_flight(chain)
        p = os.path.join(work, "chain.bin")
        open(p, "wb").write(ch + sv)
        add(f"chain of {a.chain} hello", p, ["hello", p])
        c = os.path.join(work, "chain.pcap")
        write_conversation(c, ch, sv)
        add(f"chain of {a.chain} pcap", c, ["pcap", c])
        lg = os.path.join(work, "chain.log")
        write_log(lg, ch, sv, result="-0x2700")
        add(f"chain of {a.chain} log", lg, ["log", lg])
    return cases


def parse_time_v(text):
    wall, rss = None, None
    for ln in text.splitlines():
        ln = ln.strip()
        if ln.startswith("Elapsed (wall clock) time"):
            v = ln.rsplit(" ", 1)[-1].split(":")
            wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(v)))
        elif ln.startswith("Maximum resident set size"):
            rss = int(ln.rsplit(" ", 1)[-1])
    return wall, rss


def run_case(binary, argv, work, max_vm):
    out, err = os.path.join(work, "out"), os.path.join(work, "err")
    tv = os.path.join(work, "time")

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (max_vm, max_vm))

    with open(out, "wb") as o, open(err, "wb") as e:
        rc = subprocess.call(["/usr/bin/time", "-v", "-o", tv, binary]
                             + argv, stdout=o, stderr=e, preexec_fn=limit,
                             env=dict(os.environ, NO_COLOR="1"))
    wall, rss = parse_time_v(open(tv).read())
    msg = open(err, "rb").read().decode("utf-8", "replace").strip()
    first = msg.splitlines()[0] if msg else ""
    if not first:
        # No message: the verdict says the result (hello: the last line),
        # and a capture's summary what the caps did.
        lines = [ln for ln in open(out, "rb").read().decode(
            "utf-8", "replace").splitlines() if ln.strip()]
        keep = [ln for ln in lines if ln.startswith("Verdict")]
        first = "(stdout) " + (keep[-1] if keep else lines[-1] if lines
                               else "")
        caps = [ln.split("; ", 1)[1] for ln in lines
                if ln.startswith("Capture") and "early" in ln]
        if caps:
            first += " | " + caps[0]
    outsize = os.path.getsize(out)
    for f in (out, err, tv):
        os.unlink(f)
    return wall, rss, rc, first, outsize


def human(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--size-mb", type=int, default=1024,
                    help="random log and capture size (default 1024)")
    ap.add_argument("--conns", type=int, default=1_000_000)
    ap.add_argument("--chain", type=int, default=100)
    ap.add_argument("--max-vm-mb", type=int, default=4096,
                    help="address-space limit per run (default 4096)")
    ap.add_argument("--work", default=None)
    ap.add_argument("--only", nargs="*",
                    help="prefixes: random pcap-frames pcap-tcp halfopen "
                         "ext chain")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    if not shutil.which("/usr/bin/time"):
        sys.exit("needs GNU time (/usr/bin/time; package time)")
    binary = os.path.abspath(a.binary)
    work = a.work or tempfile.mkdtemp(prefix="tlsdiag-limits-")
    os.makedirs(work, exist_ok=True)
    try:
        t = time.time()
        cases = build_cases(work, a)
        print(f"inputs built in {time.time() - t:.0f} s in {work}")
        print(f"{'input':34} {'size':>10} {'wall s':>7} {'peak RSS':>10} "
              f"{'exit':>4}  message")
        for name, path, argv in cases:
            wall, rss, rc, first, _ = run_case(binary, argv, work,
                                               a.max_vm_mb * MiB)
            print(f"{name:34} {human(os.path.getsize(path)):>10} "
                  f"{wall:7.2f} {human(rss * 1024):>10} {rc:>4}  "
                  f"{first[:160]}", flush=True)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
