#!/usr/bin/env python3
"""--help, the man page (src/man/tlsdiag.1) and README.md agree.

Every option printed by `tlsdiag --help` and by `tlsdiag COMMAND --help`
must be in the man page, and in README.md; every command of the global
help must have its section in both; the man page must render without
warnings (man --warnings) when man is installed.
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tdtest import Run, true  # noqa: E402

r = Run()
MAN = r.src("src/man/tlsdiag.1")
man_text = open(MAN, encoding="utf-8").read().replace("\\-", "-")
readme = open(r.src("README.md"), encoding="utf-8").read()

# long options, and one-character short ones (-v, -4); not codes such as
# -0x7780 in explain's help
OPT = re.compile(r"(?<![\w-])(--[a-zA-Z][-a-zA-Z0-9]*|-[a-zA-Z0-9](?![\w-]))")


def options(help_text):
    """Options in the option lines of a help text (lines that start with
    spaces and a dash)."""
    found = set()
    for line in help_text.splitlines():
        s = line.strip()
        if not s.startswith("-"):
            continue
        head = re.split(r"\s{2,}", s)[0]
        for o in OPT.findall(head):
            if o not in ("-", "--"):
                found.add(o.split("=")[0])
    return found


rc, top, err = r.tlsdiag("--help")
commands = re.findall(r"^  ([a-z]+)\s{2,}", top, re.M)
true(commands, "no commands in --help")


def in_man(opt):
    return re.search(r"(?<![\w-])" + re.escape(opt) + r"(?![\w-])",
                     man_text) is not None


def in_readme(opt):
    return re.search(r"(?<![\w-])" + re.escape(opt) + r"(?![\w-])",
                     readme) is not None


def check(label, text):
    def t():
        opts = options(text)
        true(opts, "%s: no options found" % label)
        missing = sorted(o for o in opts if not in_man(o))
        true(not missing, "%s: not in the man page: %s" % (label, missing))
        missing = sorted(o for o in opts if not in_readme(o))
        true(not missing, "%s: not in README.md: %s" % (label, missing))
    return t


r.check("tlsdiag --help options are in the man page and README",
        check("tlsdiag --help", top))
for c in commands:
    rc, out, err = r.tlsdiag(c, "--help")
    r.check("tlsdiag %s --help options are in the man page and README" % c,
            check("tlsdiag %s --help" % c, out))


def sections():
    for c in commands:
        true(re.search(r"^\.TP\n\.B %s\n" % c, man_text, re.M),
             "man page: no entry for the command %s" % c)
        true("tlsdiag %s" % c in readme, "README: command %s missing" % c)


r.check("every command has its man page entry and README text", sections)


def renders():
    if not shutil.which("man"):
        return "skip"
    p = subprocess.run(["man", "--warnings", "-l", MAN], capture_output=True,
                       text=True, env=dict(os.environ, MANWIDTH="80"))
    true(p.returncode == 0, "man failed: %s" % p.stderr[:300])
    true(not p.stderr.strip(), "man warnings: %s" % p.stderr[:500])


r.check("the man page renders without warnings", renders)
r.finish()
