#!/usr/bin/env python3
"""Benchmark of `tlsdiag pcap` against tshark and a bare libpcap loop.

    bench_pcap.py --binary build/tlsdiag --floor build/tests/bench/pcap_floor
                  [--size-mb 1024] [--flows 4000] [--also-mb 4096]
                  [--tshark-mb 256] [--work DIR]

The capture is made from the project's own recorded handshakes
(captures/*.pcap: openssl handshakes on loopback, good and failing): the
packets of each connection are replayed many
times with its own addresses and ports, `--flows` connections at a time
interleaved packet by packet, and each successful one continues with bulk
application-data records (16 KB records in 1448-byte segments) until the
file reaches the size.  Ethernet / IPv4 / TCP with a SYN handshake and FINs.

Then, on the same file and in the same run: tlsdiag (--jsonl to a file),
tshark extracting the same facts (hello fields, alerts), and the floor (a
libpcap loop that parses Ethernet/IP/TCP and keeps a flow table, nothing
more).  tshark is slow: it runs on the first --tshark-mb of the capture and
its rate is compared per MB.  Peak memory comes from GNU time.  With
--also-mb the capture is built again at that size (same concurrency) to
show that memory stays flat.  Prints figures; asserts nothing."""
import argparse
import glob
import os
import random
import struct
import subprocess
import sys
import time

MSS = 1448
# 16 KB application-data records per good connection (512 KB each)
BULK_RECORDS = 32


def read_pcap(path):
    """(direction, tcp flags, payload) of each TCP packet of a capture of one
    connection (Ethernet or Linux loopback), direction 0 from the SYN's
    sender."""
    data = open(path, "rb").read()
    if struct.unpack("<I", data[:4])[0] != 0xa1b2c3d4:
        return None
    link = struct.unpack("<I", data[20:24])[0]
    off, out, client = 24, [], None
    while off + 16 <= len(data):
        caplen = struct.unpack("<IIII", data[off:off + 16])[2]
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        l2 = 14 if link == 1 else 16 if link == 113 else None
        if l2 is None or len(frame) < l2 + 40:
            continue
        ip = frame[l2:]
        if ip[0] >> 4 != 4 or ip[9] != 6:
            continue
        ihl = (ip[0] & 15) * 4
        tot = struct.unpack("!H", ip[2:4])[0]
        tcp = ip[ihl:tot]
        sport = struct.unpack("!H", tcp[0:2])[0]
        flags = tcp[13]
        payload = tcp[(tcp[12] >> 4) * 4:]
        if client is None:
            client = sport
        out.append((0 if sport == client else 1, flags, payload))
    return out


def load_streams(source):
    """Each recorded connection's packets, from captures/*.pcap."""
    out = []
    for path in sorted(glob.glob(os.path.join(source, "captures", "*.pcap"))):
        pk = read_pcap(path)
        if pk:
            out.append((os.path.basename(path)[:-5], pk))
    return out


def checksum16(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


class Writer:
    def __init__(self, path):
        self.f = open(path, "wb", buffering=1 << 20)
        self.f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535,
                                 1))
        self.t = 1_700_000_000.0
        self.size = 24

    def packet(self, src, dst, sport, dport, seq, ack, flags, payload):
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff,
                          ack & 0xffffffff, 5 << 4, flags, 65535, 0, 0)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload),
                         0, 0x4000, 64, 6, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", checksum16(ip)) + ip[12:]
        eth = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00"
        frame = eth + ip + tcp + payload
        self.t += 0.00001
        sec = int(self.t)
        self.f.write(struct.pack("<IIII", sec, int((self.t - sec) * 1e6),
                                 len(frame), len(frame)))
        self.f.write(frame)
        self.size += 16 + len(frame)

    def close(self):
        self.f.close()


def conn_packets(pk, bulk_records, appdata):
    """The recorded packets, with bulk application data from the server
    inserted before the first alert record or FIN of a good connection."""
    if not bulk_records:
        return pk
    cut = next((i for i, (d, fl, pl) in enumerate(pk)
                if fl & 0x01 or (pl[:1] == b"\x15")), len(pk))
    bulk = [(1, 0x18, appdata[k:k + MSS])
            for _ in range(bulk_records)
            for k in range(0, len(appdata), MSS)]
    return pk[:cut] + bulk + pk[cut:]


def build(path, size, flows, streams, seed=1):
    rnd = random.Random(seed)
    body = bytes(rnd.getrandbits(8) for _ in range(16384))
    appdata = b"\x17\x03\x03" + struct.pack("!H", len(body)) + body
    w = Writer(path)
    active = []
    n = 0
    while w.size < size:
        while len(active) < flows:
            name, rec = streams[n % len(streams)]
            ok = not ("alert" in name or "vs-tls12" in name)
            pk = conn_packets(rec, BULK_RECORDS if ok else 0, appdata)
            a, b = n % 250 + 1, (n // 250) % 250 + 1
            src = bytes([10, 1, a, b])
            dst = bytes([10, 2, b, a])
            active.append([src, dst, 1024 + n % 60000, 443, pk, 0,
                           [1000, 5000]])
            n += 1
        # one packet from each active connection, round robin
        keep = []
        for c in active:
            src, dst, sp, dp, pk, idx, seq = c
            d, flags, payload = pk[idx]
            if d == 0:
                w.packet(src, dst, sp, dp, seq[0], seq[1], flags, payload)
            else:
                w.packet(dst, src, dp, sp, seq[1], seq[0], flags, payload)
            seq[d] += len(payload) + (1 if flags & 0x03 else 0)
            c[5] = idx + 1
            if c[5] < len(pk):
                keep.append(c)
        active = keep
    w.close()
    return n, w.size


def timed(argv, out_path, work):
    rss_file = os.path.join(work, "rss")
    with open(out_path, "wb") as out:
        t0 = time.perf_counter()
        rc = subprocess.call(["/usr/bin/time", "-f", "%M", "-o", rss_file]
                             + argv, stdout=out, stderr=subprocess.DEVNULL)
        secs = time.perf_counter() - t0
    rss = int(open(rss_file).read().split()[-1])
    return secs, rss, rc


def head(src, dst, size):
    """The first size bytes of a pcap, cut at a packet boundary."""
    with open(src, "rb") as f, open(dst, "wb") as o:
        o.write(f.read(24))
        n = 24
        while n < size:
            h = f.read(16)
            if len(h) < 16:
                break
            caplen = struct.unpack("<IIII", h)[2]
            o.write(h + f.read(caplen))
            n += 16 + caplen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--floor", required=True)
    ap.add_argument("--source", default=os.path.join(os.path.dirname(
        __file__), "..", ".."))
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--also-mb", type=int, default=0)
    ap.add_argument("--flows", type=int, default=4000)
    ap.add_argument("--tshark-mb", type=int, default=0,
                    help="run tshark on the first N MiB only (0: all)")
    ap.add_argument("--work", default="/tmp/tlsdiag-bench-pcap")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    streams = load_streams(a.source)
    if not streams:
        sys.exit("no recorded captures in captures/")
    cap = os.path.join(a.work, "bench.pcap")
    t0 = time.time()
    conns, size = build(cap, a.size_mb << 20, a.flows, streams)
    print(f"capture: {size / (1 << 20):.0f} MiB, {conns} connections, "
          f"{a.flows} at a time, built in {time.time() - t0:.0f} s")
    mb = size / 1e6
    out = os.path.join(a.work, "out")
    td = timed([a.binary, "pcap", "--jsonl", cap], out, a.work)
    tdt = timed([a.binary, "pcap", cap], out, a.work)
    fl = timed([a.floor, cap], out, a.work)
    small = cap
    if a.tshark_mb:
        small = os.path.join(a.work, "tshark.pcap")
        head(cap, small, a.tshark_mb << 20)
    smb = os.path.getsize(small) / 1e6
    ts = timed(["tshark", "-r", small, "-Y",
                "tls.handshake.type == 1 or tls.handshake.type == 2 "
                "or tls.alert_message",
                "-T", "fields", "-e", "frame.number", "-e", "tcp.stream",
                "-e", "tls.handshake.type",
                "-e", "tls.handshake.extensions_server_name",
                "-e", "tls.handshake.ciphersuite",
                "-e", "tls.handshake.extension.type",
                "-e", "tls.handshake.extensions_supported_group",
                "-e", "tls.handshake.sig_hash_alg",
                "-e", "tls.alert_message.desc"], out, a.work)
    print(f"{'program':30} {'MB':>7} {'seconds':>8} {'MB/s':>8} "
          f"{'peak RSS':>10}")
    rows = [("tlsdiag pcap --jsonl", mb, td), ("tlsdiag pcap (text)", mb, tdt),
            ("floor (libpcap+IP/TCP+flows)", mb, fl),
            ("tshark -T fields" + (f" (first {a.tshark_mb} MiB)"
                                   if a.tshark_mb else ""), smb, ts)]
    for name, m, (secs, rss, rc) in rows:
        print(f"{name:30} {m:7.0f} {secs:8.2f} {m / secs:8.1f} "
              f"{rss / 1024:8.1f} MiB  (exit {rc})")
    speed_vs_tshark = (mb / td[0]) / (smb / ts[0])
    vs_floor = td[0] / fl[0]
    print(f"tlsdiag --jsonl vs tshark: {speed_vs_tshark:.1f}x faster; "
          f"vs floor: {vs_floor:.2f}x the floor's time "
          f"(text output: {tdt[0] / fl[0]:.2f}x)")
    if a.also_mb:
        conns2, size2 = build(cap, a.also_mb << 20, a.flows, streams)
        td2 = timed([a.binary, "pcap", "--jsonl", cap], out, a.work)
        print(f"flatness: {size >> 20} MiB -> {td[1] / 1024:.1f} MiB peak; "
              f"{size2 >> 20} MiB -> {td2[1] / 1024:.1f} MiB peak "
              f"({size2 / 1e6 / td2[0]:.0f} MB/s)")
    print(f"goals: >= 20x tshark: "
          f"{'met' if speed_vs_tshark >= 20 else 'NOT met'}; "
          f"within 2x of the floor: {'met' if vs_floor <= 2 else 'NOT met'}; "
          f"peak < 100 MB: {'met' if td[1] < 100 * 1000 else 'NOT met'}")
    for f in (cap, os.path.join(a.work, "tshark.pcap"), out,
              os.path.join(a.work, "rss")):
        if os.path.exists(f):
            os.unlink(f)


if __name__ == "__main__":
    main()
