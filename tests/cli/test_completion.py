#!/usr/bin/env python3
"""bash completion (src/completion/tlsdiag.bash): commands, every option of
every command's --help, files by kind, option values."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tdtest import Run, eq, true  # noqa: E402

r = Run()
SCRIPT = r.src("src/completion/tlsdiag.bash")
work = tempfile.mkdtemp(prefix="td-test-completion-")
for name in ("dev.log", "gw.pcap", "gw.pcapng", "ca.pem", "dev.key",
             "hello.bin", "notes.md"):
    open(os.path.join(work, name), "w").close()
os.mkdir(os.path.join(work, "sub"))


def complete(line):
    """COMPREPLY for the command line `line` (the cursor at its end)."""
    words = line.split(" ")
    script = (
        "source %s\n"
        "COMP_WORDS=(%s)\n"
        "COMP_CWORD=%d\n"
        "COMP_LINE=%s\nCOMP_POINT=${#COMP_LINE}\n"
        "_tlsdiag\n"
        "printf '%%s\\n' \"${COMPREPLY[@]}\"\n" % (
            SCRIPT, " ".join("'%s'" % w for w in words), len(words) - 1,
            "'%s'" % line))
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", script],
                       capture_output=True, text=True, cwd=work, timeout=20)
    if p.returncode != 0 or p.stderr.strip():
        raise AssertionError("bash: %s" % p.stderr[:300])
    return sorted(x for x in p.stdout.splitlines() if x)


def help_options(cmd):
    rc, out, err = r.tlsdiag(cmd, "--help")
    found = set()
    for line in out.splitlines():
        s = line.strip()
        if s.startswith("-"):
            head = re.split(r"\s{2,}", s)[0]
            for o in re.findall(r"(?<![\w-])(--[a-zA-Z][-a-zA-Z0-9]*|"
                                r"-[a-zA-Z0-9](?![\w-]))", head):
                found.add(o)
    return found


if not shutil.which("bash"):
    r.check("completion", lambda: "skip")
    r.finish()

r.check("commands", lambda: eq(complete("tlsdiag "),
                               sorted("log pcap hello probe scan explain"
                                      .split()), "commands"))
r.check("a command by its start", lambda: eq(complete("tlsdiag pr"),
                                              ["probe"], "pr"))
for cmd in ("log", "pcap", "hello", "probe", "scan", "explain"):
    def t(cmd=cmd):
        got = set(complete("tlsdiag %s -" % cmd))
        want = {o for o in help_options(cmd)}
        missing = sorted(o for o in want
                         if o not in got and o + "=" not in got)
        true(not missing, "%s: not completed: %s" % (cmd, missing))
    r.check("every option of 'tlsdiag %s --help' completes" % cmd, t)
r.check("log completes logs", lambda: eq(complete("tlsdiag log "),
                                         ["dev.log", "sub"], "log files"))
r.check("pcap completes captures", lambda: eq(
    complete("tlsdiag pcap "), ["gw.pcap", "gw.pcapng", "sub"], "captures"))
r.check("--from completes logs and captures", lambda: eq(
    complete("tlsdiag probe host --from "),
    ["dev.log", "gw.pcap", "gw.pcapng", "sub"], "--from"))
r.check("--ca completes certificates", lambda: eq(
    complete("tlsdiag probe host --ca "), ["ca.pem", "sub"], "--ca"))
r.check("--key completes keys", lambda: eq(
    complete("tlsdiag probe host --key "), ["ca.pem", "dev.key", "sub"],
    "--key"))
r.check("--color= values", lambda: eq(
    complete("tlsdiag log --color=a"), ["--color=always", "--color=auto"],
    "--color="))
r.check("--mbedtls values", lambda: eq(
    complete("tlsdiag explain --mbedtls "), ["2", "3"], "--mbedtls"))
shutil.rmtree(work, ignore_errors=True)
r.finish()
