#!/usr/bin/env python3
"""Real TLS peers for tlsdiag's tests: start servers, run td_client, capture.

Python 3 standard library only. Used by tests/cli/test_peers.py (live
scenarios) and to record captures/logs/ (the `record` command). Commands:

    peers.py list                               the scenario table
    peers.py run NAME [--td-client P] [--keep]  one scenario, live; prints
                                                the client log's facts
    peers.py record [--td-client P] [--out DIR] [NAME...]
                                                write DIR/NAME.log, .pcap,
                                                DIR/styles/*.log, README.md
    peers.py serve --port N --mode MODE ...     a scripted Python server
                                                (started by this module)

Servers: `openssl s_server` (OpenSSL 3.0), `gnutls-serv` (GnuTLS 3.7) and
the scripted servers of `serve` (Python's ssl module, same OpenSSL), each
on 127.0.0.1 and a free port (gnutls-serv cannot bind one address: it
listens on every address of the port). OpenSSL runs with OPENSSL_CONF
pointing at an empty file: compiled-in defaults, no distro policy.

Processes: every process started here is recorded and stopped by its PID
(SIGTERM, SIGKILL after a bound) when its scenario ends, and again at exit
(atexit, SIGTERM/SIGINT handlers), so nothing is left behind even when an
assertion fails. Every wait has a timeout.

Capture: with root and tcpdump, `tcpdump -i lo -w FILE -U -s 0 tcp port N`;
otherwise the capture is skipped (facts then come from the client log only).
"""
import argparse
import atexit
import json
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CERTS = os.path.join(ROOT, "captures", "certs")
TOOLS = os.path.join(ROOT, "tests", "tools")

SERVER_CERTS = {
    "rsa": ("server-rsa.crt", "server-rsa.key"),
    "ecdsa": ("server-ecdsa.crt", "server-ecdsa.key"),
    "expired": ("server-expired.crt", "server-expired.key"),
    "unknown-ca": ("peer-server-unknown-ca.crt", "peer-server-unknown-ca.key"),
}
PEER_CERT_FILES = ["peer-unknown-ca.crt", "peer-server-unknown-ca.crt",
                   "peer-server-unknown-ca.key", "peer-client.crt",
                   "peer-client.key"]

START_TIMEOUT = 5.0     # server must listen within this
STOP_GRACE = 2.0        # SIGTERM, then SIGKILL after this
CLIENT_TIMEOUT = 15.0   # one td_client run


# ---------------------------------------------------------------------------
# processes

class Procs:
    """Every process this module started, stopped by PID."""

    def __init__(self):
        self.live = []

    def spawn(self, argv, out_path, env=None):
        out = open(out_path, "wb")
        try:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=subprocess.STDOUT, env=env)
        finally:
            out.close()
        self.live.append(p)
        return p

    def stop(self, p, grace=STOP_GRACE):
        if p.poll() is None:
            try:
                p.terminate()
                p.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                p.kill()
                try:
                    p.wait(timeout=grace)
                except subprocess.TimeoutExpired:
                    pass
            except ProcessLookupError:
                pass
        if p in self.live:
            self.live.remove(p)

    def stop_all(self):
        for p in list(reversed(self.live)):
            self.stop(p)


PROCS = Procs()
atexit.register(PROCS.stop_all)


def _on_signal(signum, _frame):
    PROCS.stop_all()
    sys.exit(128 + signum)


def install_signal_handlers():
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, _on_signal)


def free_port():
    """A port nobody listens on now (bind port 0, read it, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    """True if some socket listens on TCP port (Linux /proc; no connect,
    so the servers never see a probe connection)."""
    found_proc = False
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(path) as f:
                found_proc = True
                next(f)
                for line in f:
                    parts = line.split()
                    if len(parts) > 3 and parts[3] == "0A" and \
                            int(parts[1].rsplit(":", 1)[1], 16) == port:
                        return True
        except OSError:
            continue
    if found_proc:
        return False
    try:                                   # no /proc: probe with connect
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_listening(port, proc, timeout=START_TIMEOUT):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        if listening(port):
            return True
        time.sleep(0.02)
    return False


def can_capture():
    return os.geteuid() == 0 and shutil.which("tcpdump") is not None


def tools_missing():
    """Names of the programs the scenarios need and the machine lacks."""
    return [t for t in ("openssl", "gnutls-serv") if shutil.which(t) is None]


def peer_certs_missing():
    return [f for f in PEER_CERT_FILES
            if not os.path.exists(os.path.join(CERTS, f))]


# ---------------------------------------------------------------------------
# servers

def expand(args):
    return [a.replace("{CERTS}", CERTS) for a in args]


def server_argv(spec, port):
    kind = spec["kind"]
    crt, key = (os.path.join(CERTS, f)
                for f in SERVER_CERTS[spec.get("cert", "rsa")])
    extra = expand(spec.get("args", []))
    if kind == "openssl":
        return ["openssl", "s_server", "-accept", "127.0.0.1:%d" % port,
                "-cert", crt, "-key", key, "-rev"] + extra
    if kind == "gnutls":
        return ["gnutls-serv", "--port", str(port), "--x509certfile", crt,
                "--x509keyfile", key, "--echo"] + extra
    if kind == "py":
        return [sys.executable, os.path.abspath(__file__), "serve",
                "--port", str(port), "--mode", spec["mode"],
                "--cert", crt, "--key", key] + extra
    raise ValueError("unknown server kind %r" % kind)


class Server:
    def __init__(self, spec, work, env):
        self.spec = spec
        self.port = None
        self.proc = None
        self.out_path = os.path.join(work, "server.out")
        self.env = env

    def start(self):
        for _ in range(3):               # a free port can be taken meanwhile
            self.port = free_port()
            argv = server_argv(self.spec, self.port)
            self.proc = PROCS.spawn(argv, self.out_path, env=self.env)
            if wait_listening(self.port, self.proc):
                return self
            PROCS.stop(self.proc)
        raise RuntimeError("server did not start: %s\n%s" % (
            " ".join(argv), read_text(self.out_path)[-2000:]))

    def stop(self):
        if self.proc is not None:
            PROCS.stop(self.proc)

    def output(self):
        return read_text(self.out_path)


class Capture:
    """tcpdump on lo for one port; a no-op when we cannot capture."""

    def __init__(self, port, path, work):
        self.port, self.path, self.proc = port, path, None
        self.err_path = os.path.join(work, "tcpdump.err")

    def start(self):
        if not can_capture():
            return self
        self.proc = PROCS.spawn(
            ["tcpdump", "-i", "lo", "-n", "-U", "--immediate-mode", "-s", "0",
             "-w", self.path,
             "tcp port %d" % self.port], self.err_path)
        end = time.monotonic() + START_TIMEOUT
        while time.monotonic() < end and self.proc.poll() is None:
            if "listening on" in read_text(self.err_path):
                return self
            time.sleep(0.02)
        PROCS.stop(self.proc)
        self.proc = None
        raise RuntimeError("tcpdump did not start: " +
                           read_text(self.err_path)[-500:])

    def stop(self):
        if self.proc is not None:
            time.sleep(0.3)      # let the last FIN/RST reach the capture
            PROCS.stop(self.proc)
        return self.proc is not None and os.path.exists(self.path)


def read_text(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def server_env(work):
    env = dict(os.environ)
    conf = os.path.join(work, "openssl-empty.cnf")
    open(conf, "w").close()
    env["OPENSSL_CONF"] = conf
    return env


# ---------------------------------------------------------------------------
# the client

def find_td_client(hint=None):
    cands = [hint] if hint else []
    cands += [os.path.join(ROOT, "build", "tests", "peers", "td_client")]
    for c in cands:
        if c and os.access(c, os.X_OK):
            return c
    return None


def client_argv(td_client, port, sc, style=None, debug=None):
    argv = [td_client, "--host", "127.0.0.1", "--port", str(port),
            "--debug", debug or sc.get("debug", "4"),
            "--style", style or sc.get("style", "client2")]
    return argv + expand(sc["client"])


def run_client(argv, log_path, timeout=CLIENT_TIMEOUT):
    """Run td_client with its console (program lines and debug lines) in
    log_path. Returns (exit code, stderr text); exit None on timeout."""
    with open(log_path, "wb") as out:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                             stderr=subprocess.PIPE)
        PROCS.live.append(p)
        try:
            _, err = p.communicate(timeout=timeout)
            rc = p.returncode
        except subprocess.TimeoutExpired:
            PROCS.stop(p)
            err, rc = b"", None
        finally:
            if p in PROCS.live:
                PROCS.live.remove(p)
    return rc, err.decode("utf-8", "replace")


# ---------------------------------------------------------------------------
# facts from the client log (independent of tlsdiag)

STATE_NAMES = {
    0: "HELLO_REQUEST", 1: "CLIENT_HELLO", 2: "SERVER_HELLO",
    3: "SERVER_CERTIFICATE", 4: "SERVER_KEY_EXCHANGE",
    5: "CERTIFICATE_REQUEST", 6: "SERVER_HELLO_DONE",
    7: "CLIENT_CERTIFICATE", 8: "CLIENT_KEY_EXCHANGE",
    9: "CERTIFICATE_VERIFY", 10: "CLIENT_CHANGE_CIPHER_SPEC",
    11: "CLIENT_FINISHED", 12: "SERVER_CHANGE_CIPHER_SPEC",
    13: "SERVER_FINISHED", 14: "FLUSH_BUFFERS", 15: "HANDSHAKE_WRAPUP",
    16: "HANDSHAKE_OVER"}

RE_START = re.compile(r"=> handshake\s*$")
RE_STATE = re.compile(r"client state: (\d+)")
RE_GOT_ALERT = re.compile(r"got an alert message, type: \[(\d+):(\d+)\]")
RE_SEND_ALERT = re.compile(r"send alert level=(\d+) message=(\d+)")
RE_HS_RET = re.compile(r"mbedtls_ssl_handshake returned (-0x[0-9a-fA-F]+)")
RE_SNI = re.compile(r"adding server name extension: (.*?)\s*$")
RE_FLAGS = re.compile(r"Certificate verification flags ([0-9a-fA-F]{8})")
RE_SUITE = re.compile(r"server hello, chosen ciphersuite: (.*?)\s*$")
RE_PROTO = re.compile(r"\[ Protocol is (\S+) \]")


def log_facts(text):
    """What the client saw, per handshake attempt: alerts received from the
    server and sent by the client (with the client state at that moment),
    the error mbedtls_ssl_handshake returned, SNI, verify flags."""
    attempts = []
    cur = None
    for line in text.splitlines():
        if RE_START.search(line):
            cur = {"sni": None, "state": None, "alerts": [], "error": None,
                   "result": "incomplete", "verify_flags": None,
                   "suite": None}
            attempts.append(cur)
            continue
        if cur is None:
            continue
        m = RE_STATE.search(line)
        if m:
            cur["state"] = int(m.group(1))
        m = RE_SNI.search(line)
        if m:
            cur["sni"] = m.group(1)
        m = RE_GOT_ALERT.search(line)
        if m:
            cur["alerts"].append({"from": "server", "level": int(m.group(1)),
                                  "description": int(m.group(2)),
                                  "state": cur["state"]})
        m = RE_SEND_ALERT.search(line)
        if m:
            cur["alerts"].append({"from": "client", "level": int(m.group(1)),
                                  "description": int(m.group(2)),
                                  "state": cur["state"]})
        m = RE_FLAGS.search(line)
        if m:
            cur["verify_flags"] = int(m.group(1), 16)
        m = RE_SUITE.search(line)
        if m and not cur["suite"]:
            cur["suite"] = m.group(1)
        m = RE_HS_RET.search(line)
        if m:
            cur["error"] = m.group(1).lower()
            cur["result"] = "failed"
        if RE_PROTO.search(line):
            cur["result"] = "ok"
    return attempts


def describe_attempt(a):
    """One line: what ended the handshake, who, in which client state."""
    if a["result"] == "ok":
        return "handshake ok (%s)" % (a["suite"] or "?")
    fatal = [x for x in a["alerts"] if x["level"] == 2]
    parts = []
    for x in fatal[:1]:
        st = x["state"]
        parts.append("%s sent fatal alert %d in client state %s (%s)" % (
            x["from"], x["description"], st, STATE_NAMES.get(st, "?")))
    if a["error"]:
        parts.append("mbedtls_ssl_handshake %s" % a["error"])
    if not fatal:
        parts.append("no alert; client state %s (%s)" % (
            a["state"], STATE_NAMES.get(a["state"], "?")))
    return "; ".join(parts)


def check_wire(facts, want):
    """Compare each attempt's facts with a scenario's `wire` entry (or with
    any of the entries of want["any"], for races a test cannot control).
    Returns a list of mismatch texts (empty: the peers behaved as assumed)."""
    if "any" in want:
        results = [check_wire(facts, w) for w in want["any"]]
        if any(not r for r in results):
            return []
        return ["none of the accepted outcomes: " +
                " | ".join("; ".join(r) for r in results)]
    bad = []
    if not facts:
        return ["no handshake in the client log"]
    if "attempts" in want and len(facts) != want["attempts"]:
        bad.append("attempts: got %d, want %d" % (len(facts),
                                                   want["attempts"]))
    for i, a in enumerate(facts):
        if want.get("last_only") and i != len(facts) - 1:
            continue
        tag = "attempt %d: " % (i + 1)
        if want.get("result", "failed") != a["result"]:
            bad.append(tag + "result %s, want %s (%s)" % (
                a["result"], want.get("result", "failed"),
                describe_attempt(a)))
            continue
        fatal = [x for x in a["alerts"] if x["level"] == 2]
        if "alert" in want:
            if want["alert"] is None:
                if fatal:
                    bad.append(tag + "unexpected alert: " +
                               describe_attempt(a))
            elif not fatal or fatal[0]["description"] != want["alert"] or \
                    fatal[0]["from"] != want["from"]:
                bad.append(tag + "want %s alert %d, saw: %s" % (
                    want.get("from"), want["alert"], describe_attempt(a)))
            elif "state" in want and fatal[0]["state"] != want["state"]:
                bad.append(tag + "alert in client state %s, want %s" % (
                    fatal[0]["state"], want["state"]))
        if "error" in want and a["error"] != want["error"]:
            bad.append(tag + "error %s, want %s" % (a["error"],
                                                      want["error"]))
        if "sni" in want and a["sni"] != want["sni"]:
            bad.append(tag + "SNI %r, want %r" % (a["sni"], want["sni"]))
        if "verify_flags" in want and a["verify_flags"] != want["verify_flags"]:
            bad.append(tag + "verify flags %r, want %#x" % (
                a["verify_flags"], want["verify_flags"]))
    return bad


# ---------------------------------------------------------------------------
# facts from a capture (tests/tools' independent pcap and record walkers)

def pcap_facts(path):
    """Per TCP connection in capture order: client and server record
    sequences (tls_records.compact) and who sent FIN/RST first."""
    sys.path.insert(0, TOOLS)
    try:
        import pcap_tcp_streams as pts
        import tls_records as tr
    finally:
        sys.path.remove(TOOLS)
    conns = []
    by_key = {}
    for idx, linktype, frame, _trunc in pts.read_pcap(path):
        nl = pts.network_layer(linktype, frame)
        if nl is None:
            continue
        t = pts.tcp_segment(*nl)
        if t is None:
            continue
        src, dst, (sport, dport, seq, _ack, flags), payload = t
        a, b = (src, sport), (dst, dport)
        key = frozenset((a, b))
        c = by_key.get(key)
        if c is None:
            c = by_key[key] = {"dirs": {a: pts.Direction(), b: pts.Direction()},
                               "client": a if flags & pts.TH_SYN else None,
                               "ends": []}
            conns.append(c)
        c["dirs"][a].add(seq, flags, payload)
        if flags & (pts.TH_FIN | pts.TH_RST):
            c["ends"].append((a, "RST" if flags & pts.TH_RST else "FIN"))
    out = []
    for c in conns:
        client = c["client"]
        if client is None:
            continue
        server = [e for e in c["dirs"] if e != client][0]
        cs = c["dirs"][client].stream("client")
        ss = c["dirs"][server].stream("server")
        ends, seen = [], set()
        for who, kind in c["ends"]:
            k = ("client" if who == client else "server", kind)
            if k not in seen:
                seen.add(k)
                ends.append("%s %s" % k)
        out.append({"client": tr.compact(tr.walk(cs)[0]),
                    "server": tr.compact(tr.walk(ss)[0]),
                    "close": ", ".join(ends) or "-",
                    "client_bytes": len(cs), "server_bytes": len(ss)})
    return out


# ---------------------------------------------------------------------------
# one scenario

def run_scenario(sc, td_client, work, style=None, debug=None, pcap=None):
    """Start the scenario's server, run td_client against it, stop every
    process. Returns a dict: exit, log (path), facts, wire_problems,
    pcap (facts or None), server_output."""
    os.makedirs(work, exist_ok=True)
    env = server_env(work)
    log_path = os.path.join(work, "client.log")
    srv = Server(sc["server"], work, env)
    cap = None
    res = {"name": sc["name"], "log": log_path, "pcap": None}
    try:
        srv.start()
        if pcap:
            cap = Capture(srv.port, pcap, work).start()
        argv = client_argv(td_client, srv.port, sc, style, debug)
        res["argv"] = argv
        res["exit"], res["client_stderr"] = run_client(argv, log_path)
    finally:
        if cap is not None:
            captured = cap.stop()
        srv.stop()
    res["server_output"] = srv.output()
    res["facts"] = log_facts(read_text(log_path))
    res["wire_problems"] = check_wire(res["facts"], sc["wire"])
    if res["exit"] != sc["expect"]["client_exit"]:
        res["wire_problems"].insert(0, "td_client exit %s, want %s" % (
            res["exit"], sc["expect"]["client_exit"]))
    if pcap and cap is not None and captured:
        res["pcap"] = pcap_facts(pcap)
    return res


# ---------------------------------------------------------------------------
# scripted servers (peers.py serve)

ALERTS = {"40": ssl.ALERT_DESCRIPTION_HANDSHAKE_FAILURE,
          "80": ssl.ALERT_DESCRIPTION_INTERNAL_ERROR,
          "112": ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME}


def _read_record(conn, limit=5.0):
    """Read one TLS record (header + body) or what arrives within limit."""
    conn.settimeout(limit)
    buf = b""
    try:
        while len(buf) < 5 or len(buf) < 5 + int.from_bytes(buf[3:5], "big"):
            chunk = conn.recv(65536)
            if not chunk:
                break
            buf += chunk
    except OSError:
        pass
    return buf


def serve(a):
    """Accept connections until killed (or --lifetime); one at a time."""
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", a.port))
    ls.listen(8)
    ls.settimeout(1.0)
    ctx = None
    if a.mode == "tls":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        names = set(a.names.split(",")) if a.names else set()

        def sni_cb(_sock, name, _ctx):
            if name is None:
                if a.no_sni_alert:
                    print("no SNI -> alert %s" % a.no_sni_alert, flush=True)
                    return ALERTS[a.no_sni_alert]
                return None
            if names and name not in names and a.unknown_name_alert:
                print("SNI %r unknown -> alert %s" % (name,
                      a.unknown_name_alert), flush=True)
                return ALERTS[a.unknown_name_alert]
            return None
        ctx.sni_callback = sni_cb
    end = time.monotonic() + a.lifetime
    while time.monotonic() < end:
        try:
            conn, peer = ls.accept()
        except socket.timeout:
            continue
        print("connection from %s:%d" % peer, flush=True)
        try:
            handle(a, ctx, conn)
        except Exception as e:   # a failed handshake is the point here
            print("connection ended: %s: %s" % (type(e).__name__, e),
                  flush=True)
        finally:
            conn.close()


def handle(a, ctx, conn):
    if a.mode == "close":            # read the hello, close (FIN)
        got = _read_record(conn)
        print("read %d bytes, closing" % len(got), flush=True)
        return
    if a.mode == "reset":            # read the hello, close with RST
        got = _read_record(conn)
        print("read %d bytes, resetting" % len(got), flush=True)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        (1).to_bytes(4, "little") + (0).to_bytes(4, "little"))
        return
    if a.mode == "silent":           # read everything, never answer
        conn.settimeout(a.silent_for)
        total = 0
        try:
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                total += len(chunk)
        except OSError:
            pass
        print("read %d bytes, never answered" % total, flush=True)
        return
    conn.settimeout(5.0)
    with ctx.wrap_socket(conn, server_side=True) as t:
        print("handshake ok: %s %s" % (t.version(), t.cipher()[0]),
              flush=True)
        line = t.recv(4096)
        t.sendall(line)
        try:
            t.unwrap()
        except (OSError, ssl.SSLError):
            pass


# ---------------------------------------------------------------------------
# recording captures/logs

def load_scenarios():
    sys.path.insert(0, HERE)
    try:
        import scenarios
    finally:
        sys.path.remove(HERE)
    return scenarios


def _md(s):
    return str(s).replace("|", "\\|")


def record(a):
    scn = load_scenarios()
    td = find_td_client(a.td_client)
    if td is None:
        sys.exit("peers.py: td_client not found (build it: cmake --build "
                 "build --target td_client, or pass --td-client)")
    if peer_certs_missing():
        sys.exit("peers.py: run tests/peers/make-peer-certs.sh first")
    if not can_capture():
        print("peers.py: not root or no tcpdump: no .pcap files",
              file=sys.stderr)
    out = os.path.abspath(a.out)
    os.makedirs(os.path.join(out, "styles"), exist_ok=True)
    wanted = set(a.names)
    rows, failures = [], 0
    work_root = tempfile.mkdtemp(prefix="td-peers-")
    try:
        for sc in scn.SCENARIOS:
            if wanted and sc["name"] not in wanted:
                continue
            work = os.path.join(work_root, sc["name"])
            pcap = os.path.join(work, "capture.pcap")
            dst = os.path.join(out, sc["name"] + ".pcap")
            if os.path.exists(dst):
                os.remove(dst)
            res = run_scenario(sc, td, work, pcap=pcap)
            shutil.copyfile(res["log"], os.path.join(out, sc["name"] +
                                                     ".log"))
            if res["pcap"] is not None:    # a copy: tcpdump's file is not
                shutil.copyfile(pcap, dst)  # ours (tcpdump drops root)
            status = "ok" if not res["wire_problems"] else \
                "MISMATCH: " + "; ".join(res["wire_problems"])
            if res["wire_problems"]:
                failures += 1
            print("%-36s %s" % (sc["name"], status))
            for i, f in enumerate(res["facts"]):
                print("    attempt %d: %s" % (i + 1, describe_attempt(f)))
            for i, c in enumerate(res["pcap"] or []):
                print("    conn %d C: %s" % (i + 1,
                                              c["client"] or "(nothing)"))
                print("    conn %d S: %s  [%s]" % (
                    i + 1, c["server"] or "(nothing)", c["close"]))
            rows.append((sc, res))
        style_rows = []
        base = scn.by_name(scn.STYLE_SCENARIO)
        if not wanted or scn.STYLE_SCENARIO in wanted or "styles" in wanted:
            for style in scn.STYLES:
                work = os.path.join(work_root, "style-" + style)
                res = run_scenario(base, td, work, style=style)
                dst = os.path.join(out, "styles", "%s.%s.log" % (
                    base["name"], style))
                shutil.copyfile(res["log"], dst)
                print("%-36s %s" % ("styles/" + os.path.basename(dst),
                                    "ok" if not res["wire_problems"] else
                                    "MISMATCH " + str(res["wire_problems"])))
                failures += bool(res["wire_problems"])
                style_rows.append((style, os.path.basename(dst), res))
        if not wanted:
            write_readme(out, rows, style_rows, scn)
    finally:
        shutil.rmtree(work_root, ignore_errors=True)
    return 1 if failures else 0


def write_readme(out, rows, style_rows, scn):
    L = []
    L.append("# Real-peer mbedTLS debug logs\n")
    L.append(
        "Written by `tests/peers/record-logs.sh` (= `tests/peers/peers.py "
        "record`); edit\n`tests/peers/scenarios.py`, not this file. Each "
        "`NAME.log` is the whole console\nof `td_client` (tests/peers/"
        "td_client.c: Debian's mbedTLS 2.28.3, program lines\nas in "
        "ssl_client1 plus the library's debug output at level 4), talking "
        "to a real\nserver on 127.0.0.1; `NAME.pcap` is `tcpdump -i lo` of "
        "the same run (classic\npcap, EN10MB, one TCP connection per "
        "attempt; the port is random, so decode\nwith `-d tcp.port==PORT,"
        "tls`). Debian builds mbedTLS with MBEDTLS_THREADING_C,\nso every "
        "debug message starts with the SSL context pointer (`0x7ffd...: "
        "`).\nServers run with `OPENSSL_CONF` set to an empty file "
        "(compiled-in defaults).\n")
    L.append("`first finding` is what `tlsdiag --json log NAME.log` must "
             "name first for every\nhandshake (tests/cli/test_peers.py "
             "checks it, with the exit code and outcome).\n")
    L.append("| file | what it shows | server | client (td_client) | "
             "client log: what ended each handshake | wire (pcap): records "
             "client / server, close | first finding |")
    L.append("|---|---|---|---|---|---|---|")
    for sc, res in rows:
        srv = sc["server"]
        sdesc = " ".join(x for x in (srv["kind"], srv.get("mode"), "cert",
                                     srv.get("cert", "rsa")) if x)
        if srv.get("args"):
            sdesc += " `%s`" % " ".join(srv["args"]).replace("{CERTS}/", "")
        cdesc = "`%s`" % shlex.join(
            ["--style", sc.get("style", "client2")] +
            (["--debug", sc["debug"]] if sc.get("debug") else []) +
            [a.replace("{CERTS}/", "") for a in sc["client"]])
        ended = "<br>".join("%d: %s" % (i + 1, describe_attempt(f))
                            for i, f in enumerate(res["facts"]))
        wire = "<br>".join("C: %s<br>S: %s<br>%s" % (
            c["client"] or "(nothing)", c["server"] or "(nothing)",
            c["close"])
                           for c in (res["pcap"] or [])) or \
            "(not captured)"
        files = "`%s.log`" % sc["name"]
        if res["pcap"] is not None:
            files += " `%s.pcap`" % sc["name"]
        first = "`%s`" % (sc["expect"]["first"] or "none (exit 0)")
        if sc["expect"].get("also"):
            first += " (also %s)" % ", ".join(
                "`%s`" % x for x in sc["expect"]["also"])
        L.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            files, _md(sc["desc"]), _md(sdesc), _md(cdesc), _md(ended),
            _md(wire), first))
    L.append("")
    if style_rows:
        base = scn.by_name(scn.STYLE_SCENARIO)
        L.append("## styles/\n")
        L.append("The same scenario (`%s`: %s) once per `td_client "
                 "--style`, so the log\nreader is tested on each platform's "
                 "line format. Expected first finding:\n`%s`.\n" % (
                     base["name"], base["desc"], base["expect"]["first"]))
        L.append("| file | style | line format |")
        L.append("|---|---|---|")
        for style, fname, _res in style_rows:
            L.append("| `styles/%s` | %s | %s |" % (
                fname, style, _md(scn.STYLE_FORMATS[style])))
        L.append("")
    L.append("## Notes from recording\n")
    for n in scn.NOTES:
        L.append("- " + n)
    L.append("")
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("\n".join(L))


# ---------------------------------------------------------------------------

def cmd_run(a):
    scn = load_scenarios()
    sc = scn.by_name(a.name)
    td = find_td_client(a.td_client)
    if td is None:
        sys.exit("peers.py: td_client not found")
    work = tempfile.mkdtemp(prefix="td-peer-%s-" % a.name)
    pcap = os.path.join(work, "capture.pcap") if can_capture() else None
    res = run_scenario(sc, td, work, style=a.style, pcap=pcap)
    print("client: %s -> exit %s" % (" ".join(res["argv"]), res["exit"]))
    for i, f in enumerate(res["facts"]):
        print("attempt %d: %s" % (i + 1, describe_attempt(f)))
    for i, c in enumerate(res["pcap"] or []):
        print("conn %d C: %s\nconn %d S: %s [%s]" % (
            i + 1, c["client"], i + 1, c["server"], c["close"]))
    print("server output:\n" + res["server_output"][-1500:])
    print("wire as expected" if not res["wire_problems"] else
          "WIRE MISMATCH: " + "; ".join(res["wire_problems"]))
    if a.keep:
        print("work dir kept: " + work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if res["wire_problems"] else 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    r = sub.add_parser("run")
    r.add_argument("name")
    r.add_argument("--td-client")
    r.add_argument("--style")
    r.add_argument("--keep", action="store_true")
    rec = sub.add_parser("record")
    rec.add_argument("--td-client")
    rec.add_argument("--out", default=os.path.join(ROOT, "captures", "logs"))
    rec.add_argument("names", nargs="*")
    s = sub.add_parser("serve")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--mode", choices=["tls", "close", "reset", "silent"],
                   required=True)
    s.add_argument("--cert")
    s.add_argument("--key")
    s.add_argument("--names", default="",
                   help="host names served (tls mode); others are unknown")
    s.add_argument("--no-sni-alert", choices=sorted(ALERTS),
                   help="fatal alert for a hello without SNI")
    s.add_argument("--unknown-name-alert", choices=sorted(ALERTS),
                   help="fatal alert for an SNI not in --names")
    s.add_argument("--silent-for", type=float, default=30.0)
    s.add_argument("--lifetime", type=float, default=120.0)
    a = ap.parse_args(argv)
    if a.cmd == "serve":
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        serve(a)
        return 0
    install_signal_handlers()
    if a.cmd == "list":
        scn = load_scenarios()
        for sc in scn.SCENARIOS:
            print("%-36s %-22s %s" % (sc["name"], sc["expect"]["first"],
                                      sc["desc"]))
        return 0
    if a.cmd == "run":
        return cmd_run(a)
    return record(a)


if __name__ == "__main__":
    sys.exit(main())
