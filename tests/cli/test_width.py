#!/usr/bin/env python3
"""Text output fits the width: the terminal's (TIOCGWINSZ), else COLUMNS,
else 80 columns; between 60 and 200.  And the height: without -v the
verdict of each seed log fits one screen; -v (before or after the
command) shows more."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tdtest import Run, true  # noqa: E402

r = Run()
LOG = r.src("captures/logs/seed-mbedos-ecdsa-only-alert80.log")


def longest(columns):
    rc, out, err = r.tlsdiag("log", LOG, env={"COLUMNS": str(columns)})
    # the findings' titles and wrapped prose (four spaces in), not quoted
    # log lines or evidence, which are printed whole
    lines = [l for l in out.splitlines()
             if (l.startswith("    ") and l[4:5].isalpha() and
                 not l[4:].startswith(("line ", "packet ")))
             or re.match(r" ?\d+\. \[", l)]
    return max(len(l) for l in lines), len(out.splitlines())


def widths():
    w60, n60 = longest(60)
    w80, n80 = longest(80)
    w160, n160 = longest(160)
    true(w60 <= 60, "COLUMNS=60: a line of %d" % w60)
    true(w80 <= 80, "COLUMNS=80: a line of %d" % w80)
    true(w160 > 80, "COLUMNS=160: nothing wider than 80 (%d)" % w160)
    true(n60 > n80 > n160, "lines: %d, %d, %d" % (n60, n80, n160))


def bounds():
    w, _ = longest(20)
    true(w <= 60, "COLUMNS=20 is taken as 60: a line of %d" % w)


SCREEN = 55     # lines of a maximised 80-column terminal on a laptop


def one_screen():
    for name in ("stm32-google-sni.log", "mbedos-ecdsa-only-alert80.log",
                 "stm32f427-rsa-alert80.log"):
        log = r.shared(os.path.join("seed-logs", name))
        if not log:
            return "skip"
        env = {"COLUMNS": "80"}
        _, out, _ = r.tlsdiag("log", log, env=env)
        n = len(out.splitlines())
        true(n <= SCREEN, "%s: %d lines without -v" % (name, n))
        true("(-v: " in out, "%s: the way to the details" % name)
        _, after, _ = r.tlsdiag("log", "-v", log, env=env)
        _, before, _ = r.tlsdiag("-v", "log", log, env=env)
        true(after == before, "%s: -v before and after log" % name)
        true(len(after.splitlines()) > n + 20,
             "%s: -v adds the details (%d lines)" % (name,
                                                     len(after.splitlines())))
        true("2.28:" in after and "3.6:" in after,
             "%s: -v gives both versions' steps" % name)


r.check("text wraps at COLUMNS (60, 80, 160)", widths)
r.check("the log verdict fits one screen; -v gives the rest", one_screen)
r.check("a width below 60 is taken as 60", bounds)
r.finish()
