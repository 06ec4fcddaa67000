#!/usr/bin/env python3
"""Real-peer suite: tlsdiag log on mbedTLS logs from real handshakes.

Run: python3 tests/cli/test_peers.py --binary PATH/tlsdiag --source DIR
     [--shared DIR]
     (TD_PEERS_ONLY="NAME ..." limits it to some scenarios; "styles" picks
     the recorded style logs)

Two parts, each one row of tests/peers/scenarios.py at a time:

live      start the scenario's server (openssl s_server, gnutls-serv or a
          scripted Python server, tests/peers/peers.py) on 127.0.0.1, run
          td_client (built next to tlsdiag: BUILD/tests/peers/td_client)
          against it at debug level 4, then check
            "live NAME wire"       the client log shows what the scenario
                                   assumes (alert, who sent it, error code):
                                   the peers still behave as recorded
            "live NAME diagnosis"  `tlsdiag --json log CLIENT_LOG`: exit
                                   code, every handshake's outcome and first
                                   finding id
recorded  the same two checks on captures/logs/NAME.log and on
          captures/logs/styles/*.log (deterministic; no peers needed)

Prints one line per check and "N passed, M failed, K skipped"; exits 1 if
any check failed. Each scenario is bounded (server start 5 s, client 15 s,
stop 2 s); every process is stopped by PID, also when a check fails. Logs
of failed live checks are kept and their directory printed.
"""
import atexit
import glob
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tdtest import Run, eq, loads, true  # noqa: E402

r = Run()
sys.path.insert(0, os.path.join(r.args.source, "tests", "peers"))
import peers  # noqa: E402
import scenarios  # noqa: E402

peers.install_signal_handlers()
ONLY = set(os.environ.get("TD_PEERS_ONLY", "").split())


def wanted(name):
    return not ONLY or name in ONLY


def diagnose(log_path, sc, n_handshakes):
    """tlsdiag --json log on one client log; assert the scenario's expect."""
    exp = sc["expect"]
    rc, out, err = r.tlsdiag("--json", "log", log_path, timeout=60)
    if rc != exp["exit"]:
        raise AssertionError("tlsdiag log exit %d (want %d): %s" % (
            rc, exp["exit"], (err.strip() or out.strip())[:300]))
    try:
        doc = loads(out, "tlsdiag --json log " + log_path)
    except ValueError as e:
        raise AssertionError("not JSON (%s): %s" % (e, out[:300]))
    eq(doc.get("command"), "log", "command")
    hs = doc.get("handshakes") or []
    eq(len(hs), n_handshakes, "number of handshakes")
    for i, h in enumerate(hs):
        eq(h.get("outcome"), exp["outcome"], "handshake %d outcome" % i)
        found = h.get("findings") or []
        if exp["first"] is None:
            bad = [f.get("id") for f in found
                   if f.get("likelihood") != "info"]
            eq(bad, [], "handshake %d: findings on a good handshake" % i)
        else:
            true(found, "handshake %d: no finding (want %s)" % (
                i, exp["first"]))
            eq(found[0].get("id"), exp["first"],
               "handshake %d first finding" % i)


def wire_ok(facts, sc):
    problems = peers.check_wire(facts, sc["wire"])
    if problems:
        raise AssertionError("; ".join(problems))


# ---------------------------------------------------------------------------
# live

td_client = os.path.join(os.path.dirname(os.path.abspath(r.args.binary)),
                         "tests", "peers", "td_client")
missing_tools = peers.tools_missing()
missing_certs = peers.peer_certs_missing()
keep_root = tempfile.mkdtemp(prefix="td-test-peers-")
kept = False


def _drop_keep_root():
    if not kept:
        shutil.rmtree(keep_root, ignore_errors=True)


atexit.register(_drop_keep_root)      # also after SIGTERM/SIGINT
t0 = time.monotonic()

if not os.access(td_client, os.X_OK):
    print("note: %s not built; live scenarios skipped" % td_client)
if missing_tools:
    print("note: missing %s; their scenarios skipped" % ", ".join(
        missing_tools))
if missing_certs:
    print("note: captures/certs lacks %s (tests/peers/make-peer-certs.sh); "
          "scenarios needing them skipped" % ", ".join(missing_certs))


def needs_skip(sc):
    kind = sc["server"]["kind"]
    if not os.access(td_client, os.X_OK):
        return True
    if kind == "openssl" and "openssl" in missing_tools:
        return True
    if kind == "gnutls" and "gnutls-serv" in missing_tools:
        return True
    text = " ".join(sc["client"] + sc["server"].get("args", []) +
                    [sc["server"].get("cert", "")])
    return bool(missing_certs) and ("peer-" in text or "unknown-ca" in text)


for sc in scenarios.SCENARIOS:
    name = sc["name"]
    if not wanted(name):
        continue
    if needs_skip(sc):
        r.check("live %s wire" % name, lambda: "skip")
        r.check("live %s diagnosis" % name, lambda: "skip")
        continue
    work = os.path.join(keep_root, name)
    res = {}

    def live_wire(sc=sc, work=work, res=res):
        res.update(peers.run_scenario(sc, td_client, work))
        if res["wire_problems"]:
            raise AssertionError("; ".join(res["wire_problems"]) +
                                 " (log: %s)" % res["log"])

    def live_diag(sc=sc, res=res):
        if "log" not in res or not os.path.exists(res["log"]):
            raise AssertionError("no client log (the live run failed)")
        try:
            diagnose(res["log"], sc, len(res["facts"]))
        except AssertionError as e:
            raise AssertionError("%s (log: %s)" % (e, res["log"]))

    before = r.failed
    try:
        r.check("live %s wire" % name, live_wire)
    except (RuntimeError, OSError) as e:   # server/client could not run
        r.failed += 1
        print("FAIL live %s wire: %s" % (name, e))
    r.check("live %s diagnosis" % name, live_diag)
    if r.failed != before:
        kept = True
    else:
        shutil.rmtree(work, ignore_errors=True)

live_seconds = time.monotonic() - t0
peers.PROCS.stop_all()
if kept:
    print("logs of failed live checks kept in %s" % keep_root)
else:
    shutil.rmtree(keep_root, ignore_errors=True)

# ---------------------------------------------------------------------------
# recorded: captures/logs

logs_dir = r.src("captures/logs")


def recorded(path, sc):
    def wire():
        facts = peers.log_facts(peers.read_text(path))
        wire_ok(facts, sc)

    def diag():
        facts = peers.log_facts(peers.read_text(path))
        diagnose(path, sc, len(facts))
    return wire, diag


for sc in scenarios.SCENARIOS:
    name = sc["name"]
    if not wanted(name):
        continue
    path = os.path.join(logs_dir, name + ".log")
    if not os.path.exists(path):
        r.check("recorded %s" % name, lambda: "skip")
        continue
    w, d = recorded(path, sc)
    r.check("recorded %s wire" % name, w)
    r.check("recorded %s diagnosis" % name, d)

base = scenarios.by_name(scenarios.STYLE_SCENARIO)
if wanted(base["name"]) or wanted("styles"):
    for path in sorted(glob.glob(os.path.join(logs_dir, "styles", "*.log"))):
        w, d = recorded(path, base)
        label = "recorded styles/" + os.path.basename(path)
        r.check(label + " wire", w)
        r.check(label + " diagnosis", d)

print("live scenarios took %.1f s" % live_seconds)
r.finish()
