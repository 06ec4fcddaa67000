#!/usr/bin/env python3
"""Golden tests: run tlsdiag on recorded inputs, compare with expected output.

Each row of tests/golden/TESTLIST is

    NAME  EXIT  ARGS...

(shell-quoted; `#` starts a comment).  The command `tlsdiag ARGS` runs in
the source directory with NO_COLOR set; its stdout must equal
tests/golden/expected/NAME.out byte for byte (JSON outputs are compared as
parsed documents, so key order in the file does not matter) and its exit
status must be EXIT.  `$SHARED` in ARGS is the ../shared folder; rows that
need it are skipped (and counted) when it is absent.

Every --json document and every --jsonl line is also checked against the
JSON Schema src/schema/tlsdiag.schema.json (tests/tools/schema_check.py:
python3-jsonschema, Debian's copy first); a violation fails the row with
the path of the offending field.  Two more checks: the schema is a valid
draft 2020-12 schema, and `tlsdiag --json-schema` prints that file byte
for byte.

    run_golden.py --binary B --source S --shared D [--regen] [NAME...]

--regen rewrites the expected files from the current output (review the
diff before committing it).
"""
import argparse
import json
import os
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tools"))
import schema_check  # noqa: E402


def load_rows(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = shlex.split(line)
            if len(parts) < 3:
                sys.exit(f"{path}:{lineno}: needs NAME EXIT ARGS")
            rows.append((parts[0], int(parts[1]), parts[2:]))
    return rows


def schema_rows(binary, source):
    """The checks of the schema itself: (name, problems)."""
    rows = []
    path = os.path.join(source, "src", "schema", "tlsdiag.schema.json")
    with open(path, "rb") as f:
        want = f.read()
    p = subprocess.run([binary, "--json-schema"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    problems = []
    if p.returncode != 0:
        problems.append(f"exit {p.returncode}: "
                        f"{p.stderr.decode(errors='replace')[:300]}")
    if p.stdout != want:
        problems.append(f"`tlsdiag --json-schema` ({len(p.stdout)} bytes) "
                        f"differs from {path} ({len(want)} bytes): rebuild")
    rows.append(("json-schema-embedded", problems))
    problems = []
    try:
        json.loads(want)
    except ValueError as e:
        problems.append(f"{path} is not JSON: {e}")
    if not problems and schema_check.available():
        try:
            schema_check.problems({})
        except Exception as e:  # SchemaError: the schema itself is wrong
            problems.append(f"{path}: {str(e)[:1000]}")
    rows.append(("json-schema-valid", problems))
    return rows


def check_schema(out, args):
    """Schema violations of a --json / --jsonl output (strings)."""
    try:
        if "--jsonl" in args:
            schema_check.loads_jsonl(out, "output")
        elif "--json" in args and out.strip():
            schema_check.loads(out, "output")
    except ValueError as e:
        return [f"output is not JSON: {e}"]
    except AssertionError as e:
        return [str(e)]
    return []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--regen", action="store_true")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    here = os.path.join(a.source, "tests", "golden")
    rows = load_rows(os.path.join(here, "TESTLIST"))
    have_shared = os.path.isdir(a.shared)
    env = dict(os.environ, NO_COLOR="1", COLUMNS="80")
    passed = failed = skipped = 0
    print("schema: " + schema_check.status())
    if not a.regen:
        for name, problems in schema_rows(a.binary, a.source):
            if a.names and name not in a.names:
                continue
            if problems:
                failed += 1
                print(f"FAIL {name}")
                for pr in problems:
                    print("  " + pr.replace("\n", "\n  "))
            else:
                passed += 1
                print(f"ok   {name}")
    for name, want_exit, args in rows:
        if a.names and name not in a.names:
            continue
        if any("$SHARED" in x for x in args) and not have_shared:
            print(f"SKIP {name}: {a.shared} not found")
            skipped += 1
            continue
        args = [x.replace("$SHARED", a.shared) for x in args]
        p = subprocess.run([a.binary] + args, cwd=a.source, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=120)
        exp_path = os.path.join(here, "expected", name + ".out")
        out = p.stdout.decode("utf-8", "replace")
        # Paths of ../shared differ between machines: store them relative.
        out = out.replace(a.shared, "$SHARED")
        if a.regen:
            os.makedirs(os.path.dirname(exp_path), exist_ok=True)
            with open(exp_path, "w", encoding="utf-8") as f:
                f.write(out)
        problems = check_schema(out, args)
        if p.returncode != want_exit:
            problems.append(f"exit {p.returncode}, expected {want_exit}; "
                            f"stderr: {p.stderr.decode(errors='replace')[:500]}")
        try:
            with open(exp_path, encoding="utf-8") as f:
                expected = f.read()
        except FileNotFoundError:
            problems.append(f"no expected output {exp_path} (run with --regen)")
            expected = None
        if expected is not None:
            if "--json" in args:
                try:
                    same = json.loads(out) == json.loads(expected)
                except ValueError as e:
                    same = False
                    problems.append(f"output is not JSON: {e}")
            else:
                same = out == expected
            if not same:
                import difflib
                diff = "".join(difflib.unified_diff(
                    expected.splitlines(True), out.splitlines(True),
                    "expected", "actual", n=2))
                problems.append("output differs:\n" + diff[:4000])
        if problems:
            failed += 1
            print(f"FAIL {name}: {' '.join(shlex.quote(x) for x in args)}")
            for pr in problems:
                print("  " + pr.replace("\n", "\n  "))
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
