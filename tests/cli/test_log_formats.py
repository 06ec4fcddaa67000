#!/usr/bin/env python3
"""Format test: the same real log rewritten in each prefix style that
devices and consoles produce must give the same diagnosis (the same JSON
apart from line numbers and evidence text).  Inputs: the seed logs (from
../shared) and the project's recorded logs (captures/logs)."""
import glob
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from tdtest import Run, eq, loads, true  # noqa: E402

t = Run()

LINE = re.compile(r"^(?P<pre>.*?)(?P<file>[A-Za-z0-9_]+\.c):(?P<no>\d+):? "
                  r"(?:\|(?P<lvl>\d)\| )?(?:0x[0-9a-fA-F]+: )?"
                  r"(?P<msg>.*)$")


def parse(text):
    """(file, line, level, message) per line; file None for other lines."""
    out = []
    for raw in text.splitlines():
        raw = raw.rstrip("\r")
        if not raw.strip():
            continue
        m = LINE.match(raw)
        if m:
            out.append((m["file"], int(m["no"]), int(m["lvl"] or 2),
                        m["msg"]))
        else:
            out.append((None, 0, 2, raw.strip()))
    return out


ESP = {1: "W", 2: "I", 3: "D", 4: "V"}


def render(lines, style):
    o = []
    t_ms = 1000
    for f, no, lvl, msg in lines:
        t_ms += 7
        if f is None and style not in ("bare",):
            # application output keeps its own form
            o.append("  " + msg)
            continue
        f = f or "ssl_tls.c"
        if style == "bare":
            o.append("  " + msg)
        elif style == "client2":
            o.append(f"{f}:{no:04d}: |{lvl}| {msg}")
        elif style == "client1":
            o.append(f"/home/dev/mbedtls-2.28.3/library/{f}:{no:04d}: {msg}")
        elif style == "windows":
            o.append(f"C:\\\\Users\\\\dev\\\\mbedtls\\\\library\\\\{f}"
                     f":{no:04d}: |{lvl}| {msg}")
        elif style == "paren":
            o.append(f"{f} ({no}): {msg}")
        elif style == "espidf":
            o.append(f"{ESP[lvl]} ({t_ms}) mbedtls: {f}:{no} {msg}")
            o.append("")
        elif style == "zephyr":
            o.append(f"[00:00:{t_ms // 1000:02d}.{t_ms % 1000:03d},000] "
                     f"<dbg> net_sock_tls.tls_debug: (0x200022c0): "
                     f"{f}:{no}: |{lvl}| {msg}")
        elif style == "segger":
            o.append(f"00> {f}:{no:04d}: |{lvl}| {msg}")
        elif style == "threaded":
            o.append(f"{f}:{no:04d}: |{lvl}| 0x7ffd957920d0: {msg}")
        elif style == "mbedos":
            o.append(f"[DBG ][TLSW]: {f}:{no:04d}: |{lvl}| {msg}")
        elif style == "ansi-crlf":
            o.append(f"\x1b[0;32m{f}:{no:04d}: |{lvl}| {msg}\x1b[0m\r")
        elif style == "blank-tabs":
            o.append(f"\t{f}:{no:04d}: |{lvl}| {msg}")
            o.append("")
    return "\n".join(o) + "\n"


STYLES = ["bare", "client2", "client1", "windows", "paren", "espidf",
          "zephyr", "segger", "threaded", "mbedos", "ansi-crlf", "blank-tabs"]

DROP = {"line", "first_line", "last_line", "offset", "text", "source",
        "explanation", "warnings"}


def norm(v):
    """The document without positions and quoted lines."""
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items() if k not in DROP}
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v


def inputs():
    files = []
    for n in ("stm32-google-sni.log", "mbedos-ecdsa-only-alert80.log",
              "stm32f427-rsa-alert80.log"):
        p = t.shared("seed-logs/" + n)
        if p:
            files.append(p)
    files += sorted(glob.glob(t.src("captures/logs/*.log")))[:12]
    return files


def one(path):
    def check():
        text = open(path, encoding="utf-8", errors="replace").read()
        lines = parse(text)
        base_rc, base_out, base_err = t.tlsdiag("--json", "log", "-",
                                                stdin=render(lines, "client2"))
        true(base_rc in (0, 1), f"client2 exit {base_rc}: {base_err}")
        base = norm(loads(base_out, "tlsdiag --json log - (client2)"))
        base["input"] = None
        for style in STYLES:
            rc, out, err = t.tlsdiag("--json", "log", "-",
                                     stdin=render(lines, style))
            eq(rc, base_rc, f"{style} exit ({err.strip()})")
            doc = norm(loads(out, f"tlsdiag --json log - ({style})"))
            doc["input"] = None
            if doc != base:
                a = json.dumps(base, indent=1).splitlines()
                b = json.dumps(doc, indent=1).splitlines()
                import difflib
                diff = "\n".join(list(difflib.unified_diff(
                    a, b, "client2", style, n=1))[:40])
                raise AssertionError(f"{style} differs:\n{diff}")
    return check


paths = inputs()
if not paths:
    print("SKIP: no logs (../shared absent and captures/logs empty)")
for p in paths:
    t.check("styles of " + os.path.basename(p), one(p))
t.finish()
