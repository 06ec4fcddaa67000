#!/usr/bin/env python3
"""Extract both byte streams of one TCP connection from a classic pcap file.

Python 3 standard library only (no scapy/dpkt). Used by
tests/tools/record-captures.sh to cross-check the tshark extraction of
captures/records/*.bin, and usable on its own:

    pcap_tcp_streams.py FILE.pcap [--port N] [--client-out C.bin]
                        [--server-out S.bin] [--json]

The "client" is the side that sent the SYN (without ACK). If no SYN is in
the capture, the side whose source port is not --port is the client.
Segments are placed by sequence number relative to the ISN, so duplicates
and retransmissions are dropped; a hole in a stream is an error.

Supported link types: NULL/LOOP (0/108), EN10MB (1), RAW (12/14/101),
LINUX_SLL (113), LINUX_SLL2 (276); IPv4 and IPv6 (no extension headers).
Exit status: 0 ok, 1 capture problem (no/several connections, gap), 2 usage.
"""

import argparse
import json
import struct
import sys

DLT_NULL, DLT_EN10MB, DLT_LOOP = 0, 1, 108
DLT_RAW = (12, 14, 101)
DLT_LINUX_SLL, DLT_LINUX_SLL2 = 113, 276

TH_FIN, TH_SYN, TH_RST, TH_PSH, TH_ACK = 0x01, 0x02, 0x04, 0x08, 0x10


class CaptureError(Exception):
    pass


def read_pcap(path):
    """Yield (index, linktype, frame bytes) for every record of a pcap file."""
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            raise CaptureError("%s: too short for a pcap header" % path)
        magic = hdr[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            endian = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            endian = ">"
        elif magic == b"\x0a\x0d\x0d\x0a":
            raise CaptureError("%s: pcapng is not supported (use classic pcap)" % path)
        else:
            raise CaptureError("%s: not a pcap file (magic %s)" % (path, magic.hex()))
        _vmaj, _vmin, _tz, _sig, _snap, network = struct.unpack(endian + "HHiIII", hdr[4:])
        linktype = network & 0x0FFFFFFF
        index = 0
        while True:
            rh = f.read(16)
            if not rh:
                return
            if len(rh) < 16:
                raise CaptureError("%s: truncated record header" % path)
            _sec, _frac, incl, orig = struct.unpack(endian + "IIII", rh)
            data = f.read(incl)
            if len(data) < incl:
                raise CaptureError("%s: truncated record %d" % (path, index + 1))
            index += 1
            yield index, linktype, data, incl < orig


def network_layer(linktype, data):
    """Return (ip_version, ip_packet) or None for non-IP frames."""
    if linktype == DLT_EN10MB:
        if len(data) < 14:
            return None
        etype = struct.unpack("!H", data[12:14])[0]
        off = 14
        while etype in (0x8100, 0x88A8) and len(data) >= off + 4:  # VLAN tags
            etype = struct.unpack("!H", data[off + 2:off + 4])[0]
            off += 4
        payload = data[off:]
        if etype == 0x0800:
            return 4, payload
        if etype == 0x86DD:
            return 6, payload
        return None
    if linktype in (DLT_NULL, DLT_LOOP):
        if len(data) < 4:
            return None
        fam_le = struct.unpack("<I", data[:4])[0]
        fam_be = struct.unpack(">I", data[:4])[0]
        fam = fam_le if fam_le < 256 else fam_be
        if fam == 2:
            return 4, data[4:]
        if fam in (10, 24, 28, 30):
            return 6, data[4:]
        return None
    if linktype in DLT_RAW:
        if not data:
            return None
        v = data[0] >> 4
        return (v, data) if v in (4, 6) else None
    if linktype == DLT_LINUX_SLL:
        if len(data) < 16:
            return None
        proto = struct.unpack("!H", data[14:16])[0]
        return {0x0800: (4, data[16:]), 0x86DD: (6, data[16:])}.get(proto)
    if linktype == DLT_LINUX_SLL2:
        if len(data) < 20:
            return None
        proto = struct.unpack("!H", data[0:2])[0]
        return {0x0800: (4, data[20:]), 0x86DD: (6, data[20:])}.get(proto)
    raise CaptureError("unsupported pcap link type %d" % linktype)


def tcp_segment(ipver, pkt):
    """Return (src, dst, tcp_header_fields, payload) or None if not TCP."""
    if ipver == 4:
        if len(pkt) < 20:
            return None
        ihl = (pkt[0] & 0x0F) * 4
        total = struct.unpack("!H", pkt[2:4])[0]
        flags_frag = struct.unpack("!H", pkt[6:8])[0]
        if pkt[9] != 6:
            return None
        if flags_frag & 0x3FFF:
            raise CaptureError("IPv4 fragments are not supported")
        src = ".".join(str(b) for b in pkt[12:16])
        dst = ".".join(str(b) for b in pkt[16:20])
        seg = pkt[ihl:total]  # drop Ethernet padding
    else:
        if len(pkt) < 40 or pkt[6] != 6:
            return None
        plen = struct.unpack("!H", pkt[4:6])[0]
        src = "[" + pkt[8:24].hex() + "]"
        dst = "[" + pkt[24:40].hex() + "]"
        seg = pkt[40:40 + plen]
    if len(seg) < 20:
        raise CaptureError("truncated TCP header (snaplen too small?)")
    sport, dport, seq, ack, off_flags = struct.unpack("!HHIIH", seg[:14])
    doff = (off_flags >> 12) * 4
    flags = off_flags & 0x1FF
    return src, dst, (sport, dport, seq, ack, flags), seg[doff:]


class Direction:
    def __init__(self):
        self.isn = None          # sequence number of the SYN
        self.segments = {}       # relative offset -> bytes (longest kept)
        self.fin = False
        self.rst = False
        self.packets = 0
        self.payload_packets = 0
        self.duplicates = 0

    def add(self, seq, flags, payload):
        self.packets += 1
        if flags & TH_SYN:
            self.isn = seq
        if flags & TH_FIN:
            self.fin = True
        if flags & TH_RST:
            self.rst = True
        if not payload:
            return
        self.payload_packets += 1
        if self.isn is None:           # capture started mid-connection
            self.isn = (seq - 1) & 0xFFFFFFFF
        rel = (seq - self.isn - 1) & 0xFFFFFFFF
        old = self.segments.get(rel)
        if old is not None:
            self.duplicates += 1
            if len(old) >= len(payload):
                return
        self.segments[rel] = payload

    def stream(self, name):
        out = bytearray()
        for rel in sorted(self.segments):
            seg = self.segments[rel]
            if rel > len(out):
                raise CaptureError("%s stream: %d bytes missing at offset %d"
                                   % (name, rel - len(out), len(out)))
            if rel + len(seg) <= len(out):
                self.duplicates += 1
                continue
            out += seg[len(out) - rel:]
        return bytes(out)


def extract(path, port=None):
    conns = {}      # frozenset of endpoints -> dict
    truncated = 0
    linktype_seen = None
    for _idx, linktype, frame, was_truncated in read_pcap(path):
        linktype_seen = linktype
        truncated += was_truncated
        nl = network_layer(linktype, frame)
        if nl is None:
            continue
        t = tcp_segment(*nl)
        if t is None:
            continue
        src, dst, (sport, dport, seq, _ack, flags), payload = t
        if port is not None and port not in (sport, dport):
            continue
        a, b = (src, sport), (dst, dport)
        key = frozenset((a, b))
        c = conns.get(key)
        if c is None:
            c = conns[key] = {"dirs": {a: Direction(), b: Direction()}, "client": None}
        if flags & TH_SYN and not flags & TH_ACK and c["client"] is None:
            c["client"] = a
        c["dirs"][a].add(seq, flags, payload)
    if truncated:
        raise CaptureError("%d frames truncated by snaplen; capture with -s 0" % truncated)
    if not conns:
        raise CaptureError("no TCP connection%s in %s" % (" on port %d" % port if port else "", path))
    if len(conns) > 1:
        raise CaptureError("%d TCP connections in %s; expected exactly one" % (len(conns), path))
    (key, c), = conns.items()
    ends = sorted(key, key=lambda e: (e[1] == port, e))  # server port last
    client = c["client"]
    if client is None:
        if port is None:
            raise CaptureError("no SYN in capture; pass --port to identify the server")
        client = ends[0]
    server = ends[1] if ends[0] == client else ends[0]
    cd, sd = c["dirs"][client], c["dirs"][server]
    cs, ss = cd.stream("client"), sd.stream("server")
    summary = {
        "file": path,
        "linktype": linktype_seen,
        "client": "%s:%d" % client,
        "server": "%s:%d" % server,
        "client_syn": cd.isn is not None and c["client"] is not None,
        "client_fin": cd.fin, "server_fin": sd.fin,
        "client_rst": cd.rst, "server_rst": sd.rst,
        "client_packets": cd.packets, "server_packets": sd.packets,
        "client_bytes": len(cs), "server_bytes": len(ss),
        "duplicate_segments": cd.duplicates + sd.duplicates,
    }
    return cs, ss, summary


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pcap")
    ap.add_argument("--port", type=int, help="server TCP port (filters the capture)")
    ap.add_argument("--client-out", help="write client->server bytes here")
    ap.add_argument("--server-out", help="write server->client bytes here")
    ap.add_argument("--json", action="store_true", help="print a JSON summary")
    args = ap.parse_args(argv)
    try:
        cs, ss, summary = extract(args.pcap, args.port)
    except (CaptureError, OSError) as e:
        print("pcap_tcp_streams: %s" % e, file=sys.stderr)
        return 1
    if args.client_out:
        with open(args.client_out, "wb") as f:
            f.write(cs)
    if args.server_out:
        with open(args.server_out, "wb") as f:
            f.write(ss)
    if args.json:
        print(json.dumps(summary, indent=2, sort_keys=True))
    else:
        print("%s -> %s: client %d bytes, server %d bytes"
              % (summary["client"], summary["server"], len(cs), len(ss)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
