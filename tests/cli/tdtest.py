"""Small helpers shared by the command-line tests (python3 stdlib, and
python3-jsonschema for the schema check).

Every JSON document or --jsonl line a test reads from tlsdiag goes through
loads() / loads_jsonl() (or Run.json()): parsed, then checked against the
JSON Schema src/schema/tlsdiag.schema.json (tests/tools/schema_check.py).
A violation fails the check with the path of the offending field.
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tools"))
import schema_check  # noqa: E402

_schema_noted = []


def _note_schema():
    if not _schema_noted:
        _schema_noted.append(True)
        print("schema: " + schema_check.status())


def loads(text, what="tlsdiag output"):
    """One --json document, parsed and checked against the schema:
    ValueError when it is not JSON (or repeats a key), AssertionError
    naming the offending field when it violates the schema."""
    _note_schema()
    return schema_check.loads(text, what)


def loads_jsonl(text, what="tlsdiag pcap --jsonl"):
    """Each line of --jsonl output, parsed and checked."""
    _note_schema()
    return schema_check.loads_jsonl(text, what)


def schema_problems(doc):
    """The schema violations of a parsed document ("$.path: message")."""
    _note_schema()
    return schema_check.problems(doc)


class Run:
    def __init__(self):
        ap = argparse.ArgumentParser()
        ap.add_argument("--binary", required=True)
        ap.add_argument("--source", required=True)
        ap.add_argument("--shared", default="")
        self.args = ap.parse_args()
        self.passed = 0
        self.failed = 0
        self.skipped = 0

    def tlsdiag(self, *argv, stdin=None, env=None, timeout=60):
        e = dict(os.environ, NO_COLOR="1", COLUMNS="80")
        if env:
            e.update(env)
        p = subprocess.run([self.args.binary] + list(argv),
                           cwd=self.args.source, env=e,
                           input=stdin.encode() if isinstance(stdin, str)
                           else stdin,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace"), \
            p.stderr.decode("utf-8", "replace")

    def json(self, *argv, stdin=None, want_exit=None):
        rc, out, err = self.tlsdiag("--json", *argv, stdin=stdin)
        if want_exit is not None and rc != want_exit:
            raise AssertionError(f"exit {rc} (want {want_exit}): {err}")
        try:
            return loads(out, "tlsdiag --json " + " ".join(argv))
        except ValueError as e:
            raise AssertionError(f"not JSON ({e}): {out[:300]} {err}")

    def src(self, rel):
        return os.path.join(self.args.source, rel)

    def shared(self, rel):
        p = os.path.join(self.args.shared, rel)
        return p if self.args.shared and os.path.exists(p) else None

    def check(self, name, fn):
        try:
            r = fn()
        except AssertionError as e:
            self.failed += 1
            print(f"FAIL {name}: {e}")
            return
        if r == "skip":
            self.skipped += 1
            print(f"SKIP {name}")
        else:
            self.passed += 1
            print(f"ok   {name}")

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed, "
              f"{self.skipped} skipped")
        sys.exit(1 if self.failed else 0)


def eq(got, want, what=""):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


def true(v, what=""):
    if not v:
        raise AssertionError(what or "expected true")
