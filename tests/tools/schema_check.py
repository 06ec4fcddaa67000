#!/usr/bin/env python3
"""Check tlsdiag's JSON output against its JSON Schema.

The schema is src/schema/tlsdiag.schema.json (what `tlsdiag --json-schema`
prints).  The golden runner (tests/golden/run_golden.py) and the
command-line tests (tests/cli/tdtest.py) parse every --json document and
every `pcap --jsonl` line through this module:

    from schema_check import loads, loads_jsonl, problems
    doc = loads(text, "tlsdiag --json log x.log")   # AssertionError if invalid

A violation is reported with the path of the offending field
("$.handshakes[0].findings[1].fix.mbedtls_2: None is not of type
'string'"); a key written twice in one object is a violation too.

The validator is python3-jsonschema (Debian 12: 4.10, draft 2020-12).  It
is taken from Debian's /usr/lib/python3/dist-packages first, also when the
tests run under another python3 (a pyenv build), then from the running
interpreter; failing both, each check runs in /usr/bin/python3.  Without
any of them validation is skipped and `status()` says why.

As a program: schema_check.py FILE... checks documents (a file of several
lines, each an object, is read as --jsonl output); `-` reads stdin.
Exit 0 valid, 1 invalid, 2 no validator.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_PATH = os.path.normpath(os.path.join(
    HERE, "..", "..", "src", "schema", "tlsdiag.schema.json"))
DEBIAN_DIST = "/usr/lib/python3/dist-packages"
SYSTEM_PYTHON = "/usr/bin/python3"
MAX_REPORTED = 8

_state = {}


def schema_text():
    with open(SCHEMA_PATH, "rb") as f:
        return f.read()


def _import_validator():
    """The Draft 2020-12 validator class and where it came from, or
    (None, reason)."""
    tried = []
    if os.path.isdir(os.path.join(DEBIAN_DIST, "jsonschema")):
        added = DEBIAN_DIST not in sys.path
        if added:
            sys.path.insert(0, DEBIAN_DIST)
        try:
            import jsonschema
            return jsonschema.Draft202012Validator, jsonschema.__file__
        except (ImportError, AttributeError) as e:
            tried.append(f"{DEBIAN_DIST}: {e}")
            for m in [m for m in sys.modules if m == "jsonschema"
                      or m.startswith("jsonschema.")]:
                del sys.modules[m]
        finally:
            if added and DEBIAN_DIST in sys.path:
                sys.path.remove(DEBIAN_DIST)
    try:
        import jsonschema
        return jsonschema.Draft202012Validator, jsonschema.__file__
    except (ImportError, AttributeError) as e:
        tried.append(f"{sys.executable}: {e}")
    return None, "; ".join(tried) or "no jsonschema module"


def _system_python_works():
    if not os.access(SYSTEM_PYTHON, os.X_OK) or \
            os.path.realpath(SYSTEM_PYTHON) == os.path.realpath(
                sys.executable):
        return False
    p = subprocess.run([SYSTEM_PYTHON, "-c",
                        "import jsonschema; jsonschema.Draft202012Validator"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return p.returncode == 0


def _setup():
    if _state:
        return _state
    cls, where = _import_validator()
    if cls is not None:
        schema = json.loads(schema_text())
        cls.check_schema(schema)
        _state.update(mode="inprocess", validator=cls(schema),
                      status=f"validating with {where}")
    elif _system_python_works():
        _state.update(mode="subprocess",
                      status=f"validating with {SYSTEM_PYTHON} "
                             f"(not in this python3: {where})")
    else:
        _state.update(mode=None,
                      status="python3-jsonschema not found, schema not "
                             "checked (apt-get install python3-jsonschema): "
                             + where)
    return _state


def available():
    return _setup()["mode"] is not None


def status():
    """One line: which validator is used, or why validation is skipped."""
    return _setup()["status"]


def json_path(parts):
    s = "$"
    for p in parts:
        s += f"[{p}]" if isinstance(p, int) else f".{p}"
    return s


def _deepest(err):
    """Of an error from anyOf (null or an object, ...), the sub-error that
    names the field: the branch of the instance's type, deepest first.
    When every branch is of another type the anyOf error itself says it
    best."""
    while err.context:
        here = len(err.absolute_path)
        cands = [e for e in err.context
                 if e.validator != "type" or len(e.absolute_path) > here]
        if not cands:
            break
        err = max(cands, key=lambda e: len(e.absolute_path))
    return err


def _short(msg, n=300):
    return msg if len(msg) <= n else msg[:n] + "..."


def problems(doc):
    """The schema violations of one parsed document or jsonl line, each
    "$.path: message", in document order; [] when valid or when no
    validator is available."""
    st = _setup()
    if st["mode"] == "inprocess":
        out = []
        errs = sorted(st["validator"].iter_errors(doc),
                      key=lambda e: [(0, p, "") if isinstance(p, int)
                                     else (1, 0, p)
                                     for p in e.absolute_path])
        for e in errs:
            d = _deepest(e)
            line = (f"{json_path(d.absolute_path)}: {_short(d.message)}"
                    + (f" [{d.validator}]" if d.validator else
                       " [a field the schema does not allow here]"))
            if line not in out:     # one field reached by two $refs
                out.append(line)
        return out
    if st["mode"] == "subprocess":
        p = subprocess.run([SYSTEM_PYTHON, os.path.abspath(__file__),
                            "--problems"], input=json.dumps(doc).encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=120)
        if p.returncode not in (0, 1):
            raise RuntimeError("schema check in %s failed: %s" % (
                SYSTEM_PYTHON, p.stderr.decode(errors="replace")[:300]))
        return [x for x in p.stdout.decode().splitlines() if x]
    return []


def _no_duplicates(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError(f"key {k!r} appears twice in one object")
        d[k] = v
    return d


def parse(text):
    """json.loads that refuses an object with a key written twice
    (ValueError)."""
    return json.loads(text, object_pairs_hook=_no_duplicates)


def check(doc, what="tlsdiag output"):
    """AssertionError naming the offending fields when doc violates the
    schema."""
    errs = problems(doc)
    if errs:
        more = (f"\n  ... and {len(errs) - MAX_REPORTED} more"
                if len(errs) > MAX_REPORTED else "")
        raise AssertionError(f"{what}: not valid against "
                             f"src/schema/tlsdiag.schema.json:\n  "
                             + "\n  ".join(errs[:MAX_REPORTED]) + more)
    return doc


def loads(text, what="tlsdiag output"):
    """Parse one --json document and check it: ValueError when it is not
    JSON (or repeats a key), AssertionError when it violates the schema."""
    return check(parse(text), what)


def loads_jsonl(text, what="tlsdiag pcap --jsonl"):
    """Parse and check each line of --jsonl output; the list of objects."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            out.append(check(parse(line), f"{what}, line {n}"))
    return out


def main(argv):
    if argv[:1] == ["--problems"]:     # one document on stdin (subprocess)
        errs = problems(parse(sys.stdin.read()))
        print("\n".join(errs))
        return 1 if errs else 0
    if not available():
        print(status(), file=sys.stderr)
        return 2
    bad = 0
    for name in argv or ["-"]:
        text = sys.stdin.read() if name == "-" else open(
            name, encoding="utf-8").read()
        lines = [x for x in text.splitlines() if x.strip()]
        try:
            if len(lines) > 1 and all(x.lstrip().startswith("{")
                                      and x.rstrip().endswith("}")
                                      for x in lines):
                loads_jsonl(text, name)
            else:
                loads(text, name)
            print(f"{name}: valid")
        except (ValueError, AssertionError) as e:
            bad += 1
            print(f"{name}: {e}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
