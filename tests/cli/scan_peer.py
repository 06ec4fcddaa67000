#!/usr/bin/env python3
"""Scripted servers for tests/cli/test_scan.py (python3 stdlib only).

    scan_peer.py --port N --mode MODE [--prefs 0x002f,0x0035] [--order
                 server|client] [--max-hello BYTES] [--count FILE]

Modes:
  silent   accept, read the hello, say nothing (keeps the socket open)
  reset    accept, read the hello, reset the connection (SO_LINGER 0)
  http     accept, read, answer "HTTP/1.1 400 Bad Request", close
  refuse   accept, read the hello, answer handshake_failure (40), close
           (a server that serves none of the names or suites offered)
  tls12    a TLS 1.2 server that knows only the suites of --prefs: it picks
           by its own order (--order server) or the client's (client) and
           answers ServerHello + ServerHelloDone (RFC 5246 7.3; no
           certificate: the suites are told apart by the ServerHello
           alone); handshake_failure (40) without a common suite,
           protocol_version (70) to a hello that does not offer TLS 1.2.
           --max-hello: close the connection, without an answer, on a
           ClientHello record longer than BYTES (a server or middlebox
           that cannot take large hellos).

--count FILE gets one line per accepted connection, so a test can compare
the connections tlsdiag says it made with those the server saw.  Each
connection is served in its own thread; the process runs until killed.
"""
import argparse
import os
import socket
import struct
import threading
import time


def read_record(conn, timeout=5.0):
    """One TLS record (header, body) or None."""
    conn.settimeout(timeout)
    buf = b""
    try:
        while len(buf) < 5:
            chunk = conn.recv(5 - len(buf))
            if not chunk:
                return None
            buf += chunk
        n = struct.unpack("!H", buf[3:5])[0]
        body = b""
        while len(body) < n:
            chunk = conn.recv(n - len(body))
            if not chunk:
                return None
            body += chunk
        return buf, body
    except OSError:
        return None


def parse_hello(body):
    """(legacy_version, suites, {ext type: data}) of a ClientHello body."""
    if len(body) < 4 or body[0] != 1:
        return None
    p = body[4:]
    version = struct.unpack("!H", p[0:2])[0]
    off = 2 + 32
    sid = p[off]
    off += 1 + sid
    n = struct.unpack("!H", p[off:off + 2])[0]
    suites = [struct.unpack("!H", p[off + 2 + i:off + 4 + i])[0]
              for i in range(0, n, 2)]
    off += 2 + n
    off += 1 + p[off]
    exts = {}
    if off + 2 <= len(p):
        end = off + 2 + struct.unpack("!H", p[off:off + 2])[0]
        off += 2
        while off + 4 <= end:
            t, ln = struct.unpack("!HH", p[off:off + 4])
            exts[t] = p[off + 4:off + 4 + ln]
            off += 4 + ln
    return version, suites, exts


def record(ctype, payload):
    return struct.pack("!BHH", ctype, 0x0303, len(payload)) + payload


def alert(desc):
    return record(21, bytes([2, desc]))


def server_hello(suite):
    body = struct.pack("!H", 0x0303) + os.urandom(32) + b"\x00" + \
        struct.pack("!HB", suite, 0) + b"\x00\x00"
    sh = bytes([2]) + struct.pack("!I", len(body))[1:] + body
    done = bytes([14, 0, 0, 0])
    return record(22, sh + done)


def offers_tls12(version, exts):
    sv = exts.get(43)
    if sv is not None:
        vs = [struct.unpack("!H", sv[1 + i:3 + i])[0]
              for i in range(0, sv[0], 2)]
        return 0x0303 in vs
    return version >= 0x0303


def serve_tls12(conn, args):
    rec = read_record(conn)
    if rec is None:
        return
    hdr, body = rec
    if args.max_hello and len(hdr) + len(body) > args.max_hello:
        return                      # close without a word
    hello = parse_hello(body)
    if hello is None:
        conn.sendall(alert(50))
        return
    version, suites, exts = hello
    if not offers_tls12(version, exts):
        conn.sendall(alert(70))
        return
    prefs = args.prefs
    if args.order == "server":
        common = [s for s in prefs if s in suites]
    else:
        common = [s for s in suites if s in prefs]
    if not common:
        conn.sendall(alert(40))
        return
    conn.sendall(server_hello(common[0]))
    read_record(conn, timeout=2.0)   # until the client goes


def serve(conn, args):
    try:
        if args.mode == "silent":
            conn.recv(65536)
            time.sleep(60)
        elif args.mode == "reset":
            conn.recv(65536)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack("ii", 1, 0))
        elif args.mode == "refuse":
            conn.recv(65536)
            conn.sendall(alert(40))
        elif args.mode == "http":
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0"
                         b"\r\nConnection: close\r\n\r\n")
        else:
            serve_tls12(conn, args)
    except OSError:
        pass
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mode", required=True,
                    choices=["silent", "reset", "http", "refuse", "tls12"])
    ap.add_argument("--prefs", default="0x002f,0x0035,0x009c,0x009d")
    ap.add_argument("--order", default="server", choices=["server", "client"])
    ap.add_argument("--max-hello", type=int, default=0)
    ap.add_argument("--count", default="")
    args = ap.parse_args()
    args.prefs = [int(x, 16) for x in args.prefs.split(",") if x]
    lock = threading.Lock()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", args.port))
    srv.listen(64)
    while True:
        conn, _ = srv.accept()
        if args.count:
            with lock, open(args.count, "a") as f:
                f.write("1\n")
        threading.Thread(target=serve, args=(conn, args), daemon=True).start()


if __name__ == "__main__":
    main()
