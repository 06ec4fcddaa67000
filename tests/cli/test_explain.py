#!/usr/bin/env python3
"""CLI tests for `tlsdiag explain` (python3 standard library only).

Run: python3 tests/cli/test_explain.py --binary PATH --source DIR --shared DIR
Prints one line per check and a closing "N passed, M failed"; exits 1 when
any check failed.
"""
import argparse
import json
import os
import pty
import re
import select
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
import schema_check  # noqa: E402

DONE_WHEN = ['40', '80', '112', '70', '-0x7780', '-0x2700', '-0x7200']
ENTRY_FIELDS = ['input', 'kind', 'code', 'name', 'library_text', 'versions',
                'meaning', 'causes', 'next_steps']
ESC = '\x1b['


class Runner:
    def __init__(self, binary):
        self.binary = binary
        self.passed = 0
        self.failed = 0

    def run(self, args, env=None):
        e = dict(os.environ)
        e.pop('NO_COLOR', None)
        if env:
            e.update(env)
        p = subprocess.run([self.binary] + args, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=e, timeout=60)
        return (p.returncode, p.stdout.decode('utf-8', 'replace'),
                p.stderr.decode('utf-8', 'replace'))

    def run_tty(self, args, env=None):
        """Run with stdout on a pseudo-terminal; returns (rc, output)."""
        e = dict(os.environ)
        e.pop('NO_COLOR', None)
        e['TERM'] = 'xterm'
        if env:
            e.update(env)
        master, slave = pty.openpty()
        p = subprocess.Popen([self.binary] + args, stdout=slave,
                             stderr=subprocess.PIPE, env=e)
        os.close(slave)
        out = b''
        while True:
            r, _, _ = select.select([master], [], [], 30)
            if not r:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        os.close(master)
        p.wait(timeout=60)
        p.stderr.close()
        return p.returncode, out.decode('utf-8', 'replace')

    def check(self, name, cond, detail=''):
        if cond:
            self.passed += 1
            print('ok   ' + name)
        else:
            self.failed += 1
            print('FAIL ' + name + (': ' + detail if detail else ''))
        return cond

    def json_doc(self, name, args):
        """The document, parsed and checked against the JSON Schema (a
        violation is a failed check naming the field)."""
        rc, out, err = self.run(args)
        try:
            doc = schema_check.parse(out)
        except ValueError as ex:
            self.check(name + ' (valid JSON)', False, '%s; stderr %r'
                       % (ex, err[:200]))
            return rc, None, err
        if schema_check.available():
            problems = schema_check.problems(doc)
            self.check(name + ' (valid against the JSON Schema)',
                       not problems, '\n  '.join(problems[:8]))
        return rc, doc, err


def entries_by_input(text):
    """Split text output into entries: each starts with a non-indented
    heading line."""
    entries = []
    for line in text.split('\n'):
        if line and not line.startswith(' '):
            entries.append([line])
        elif entries:
            entries[-1].append(line)
    return entries


def check_document(t, doc, name):
    ok = t.check(name + ': top-level fields',
                 isinstance(doc, dict)
                 and doc.get('tool') == 'tlsdiag'
                 and isinstance(doc.get('version'), str)
                 and re.match(r'^\d+\.\d+\.\d+', doc.get('version', ''))
                 and doc.get('command') == 'explain'
                 and isinstance(doc.get('input'), dict)
                 and doc['input'].get('kind') == 'args'
                 and isinstance(doc['input'].get('name'), str)
                 and doc.get('handshakes') == []
                 and isinstance(doc.get('warnings'), list)
                 and isinstance(doc.get('explanations'), list),
                 json.dumps(doc)[:300])
    if not ok:
        return False
    bad = []
    for e in doc['explanations']:
        missing = [f for f in ENTRY_FIELDS if f not in e]
        if missing:
            bad.append('%s lacks %s' % (e.get('input'), missing))
            continue
        if e['kind'] not in ('alert', 'mbedtls_error', 'x509_flags'):
            bad.append('kind %r' % e['kind'])
        if not isinstance(e['code'], int) or isinstance(e['code'], bool):
            bad.append('code %r' % e['code'])
        if e['versions'] not in (None, '2.x and 3.x', '2.x', '3.x'):
            bad.append('versions %r' % e['versions'])
        for f in ('causes', 'next_steps'):
            if not isinstance(e[f], list) or not all(
                    isinstance(x, str) for x in e[f]):
                bad.append('%s %r' % (f, e[f]))
        if not isinstance(e['meaning'], str) or not e['meaning']:
            bad.append('meaning %r' % e['meaning'])
    return t.check(name + ': explanation fields', not bad, '; '.join(bad))


def test_done_when(t):
    rc, out, err = t.run(['explain'] + DONE_WHEN)
    t.check('done-when: exit 0', rc == 0, 'rc=%d stderr=%r' % (rc, err))
    t.check('done-when: nothing on stderr', err == '', repr(err))
    ents = entries_by_input(out)
    t.check('done-when: one entry per code', len(ents) == len(DONE_WHEN),
            '%d entries' % len(ents))
    for code, ent in zip(DONE_WHEN, ents):
        body = '\n'.join(ent)
        t.check('done-when %s: heading names it' % code,
                ent[0].split()[0] == code, ent[0])
        t.check('done-when %s: meaning, causes, next steps' % code,
                'Meaning:' in body and 'Typical causes:' in body
                and 'Check next:' in body and '    - ' in body, body[:200])
    long_lines = [ln for ln in out.split('\n') if len(ln) > 80]
    t.check('done-when: fits 80 columns', not long_lines, repr(long_lines))
    t.check('done-when: no colour on a pipe', ESC not in out)
    t.check('done-when: -0x7780 text from the library',
            'SSL - A fatal alert message was received from our peer' in out)

    rc, doc, err = t.json_doc('done-when --json', ['explain', '--json']
                              + DONE_WHEN)
    if doc is None:
        return
    t.check('done-when --json: exit 0', rc == 0, 'rc=%d' % rc)
    check_document(t, doc, 'done-when --json')
    ex = doc['explanations']
    t.check('done-when --json: 7 explanations', len(ex) == 7, str(len(ex)))
    want = [('40', 'alert', 40, 'handshake_failure'),
            ('80', 'alert', 80, 'internal_error'),
            ('112', 'alert', 112, 'unrecognized_name'),
            ('70', 'alert', 70, 'protocol_version'),
            ('-0x7780', 'mbedtls_error', -30592,
             'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE'),
            ('-0x2700', 'mbedtls_error', -9984,
             'MBEDTLS_ERR_X509_CERT_VERIFY_FAILED'),
            ('-0x7200', 'mbedtls_error', -29184,
             'MBEDTLS_ERR_SSL_INVALID_RECORD')]
    for (inp, kind, code, name), e in zip(want, ex):
        t.check('done-when --json %s' % inp,
                e['input'] == inp and e['kind'] == kind
                and e['code'] == code and e['name'] == name
                and e['causes'] and e['next_steps'],
                json.dumps(e)[:300])
    e = ex[4]
    t.check('--json -0x7780: library_text and versions',
            e['library_text'] == 'SSL - A fatal alert message was received '
            'from our peer' and e['versions'] == '2.x and 3.x',
            json.dumps(e)[:300])
    t.check('--json: input name lists the arguments',
            doc['input']['name'] == ' '.join(DONE_WHEN),
            doc['input']['name'])
    t.check('--json: no warnings', doc['warnings'] == [],
            str(doc['warnings']))


def test_exit_codes(t):
    rc, out, err = t.run(['explain', 'banana'])
    t.check('banana: exit 2', rc == 2, 'rc=%d' % rc)
    t.check('banana: stderr names the argument', 'banana' in err, err)
    t.check('banana: nothing explained', out.strip() == '', out[:200])

    rc, out, err = t.run(['explain', '40', 'banana', '-0x7780'])
    t.check('40 banana -0x7780: exit 2', rc == 2, 'rc=%d' % rc)
    t.check('40 banana -0x7780: the others are explained',
            'handshake_failure' in out
            and 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE' in out, out[:200])

    rc, doc, err = t.json_doc('banana --json',
                              ['explain', '--json', '40', 'banana'])
    if doc is not None:
        t.check('banana --json: exit 2', rc == 2, 'rc=%d' % rc)
        check_document(t, doc, 'banana --json')
        t.check('banana --json: warning names it',
                any('banana' in w for w in doc['warnings']),
                str(doc['warnings']))
        t.check('banana --json: 40 still explained',
                len(doc['explanations']) == 1
                and doc['explanations'][0]['code'] == 40)

    rc, out, err = t.run(['explain'])
    t.check('no CODE: exit 2', rc == 2, 'rc=%d' % rc)
    rc, out, err = t.run(['explain', '--bogus', '40'])
    t.check('unknown option: exit 2', rc == 2, 'rc=%d' % rc)
    t.check('unknown option: named on stderr', '--bogus' in err, err)
    rc, out, err = t.run(['explain', '--mbedtls', '4', '40'])
    t.check('--mbedtls 4: exit 2', rc == 2, 'rc=%d' % rc)
    rc, out, err = t.run(['explain', '--help'])
    t.check('--help: exit 0 on stdout',
            rc == 0 and 'Usage: tlsdiag explain' in out and err == '',
            'rc=%d' % rc)
    t.check('--help: documents the code forms and --flags',
            '--flags' in out and '-0xffff8880' in out and '7780' in out)
    rc, out, err = t.run(['explain', '-h'])
    t.check('-h: exit 0', rc == 0 and 'Usage:' in out)


def test_versions(t):
    rc, doc, err = t.json_doc('-0x7800', ['explain', '--json', '-0x7800'])
    if doc is not None:
        ex = doc['explanations']
        t.check('-0x7800: two entries, 2.x and 3.x',
                len(ex) == 2
                and ex[0]['name'] == 'MBEDTLS_ERR_SSL_PEER_VERIFY_FAILED'
                and ex[0]['versions'] == '2.x'
                and ex[1]['name'] == 'MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME'
                and ex[1]['versions'] == '3.x'
                and ex[0]['code'] == ex[1]['code'] == -0x7800,
                json.dumps(ex)[:400])
        t.check('-0x7800: 3.x text from the project table',
                len(ex) == 2 and 'SNI' in ex[1]['library_text'],
                ex[1]['library_text'] if len(ex) == 2 else '')
    for major, name in (('3', 'MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME'),
                        ('2', 'MBEDTLS_ERR_SSL_PEER_VERIFY_FAILED')):
        rc, doc, err = t.json_doc('--mbedtls ' + major,
                                  ['explain', '--json', '--mbedtls', major,
                                   '-0x7800'])
        if doc is not None:
            ex = doc['explanations']
            t.check('--mbedtls %s -0x7800: one entry' % major,
                    rc == 0 and len(ex) == 1 and ex[0]['name'] == name,
                    json.dumps(ex)[:300])
    rc, out, err = t.run(['explain', '--mbedtls=3', '-0x7800'])
    ents = entries_by_input(out)
    t.check('--mbedtls=3 form (text)', rc == 0 and len(ents) == 1
            and ents[0][0].endswith('MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME'),
            out[:300])

    rc, doc, err = t.json_doc('-0x5D80', ['explain', '--json', '-0x5D80'])
    if doc is not None:
        ex = doc['explanations']
        t.check('-0x5D80: real name',
                len(ex) == 1 and ex[0]['name'] == 'MBEDTLS_ERR_SSL_'
                'CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME',
                json.dumps(ex)[:300])
        t.check('-0x5D80: text not UNKNOWN',
                ex and 'UNKNOWN' not in ex[0]['library_text']
                and 'hostname' in ex[0]['library_text'],
                ex[0]['library_text'] if ex else '')
        t.check('-0x5D80: names mbedtls_ssl_set_hostname',
                ex and any('mbedtls_ssl_set_hostname' in s
                           for s in ex[0]['next_steps']))

    rc, doc, err = t.json_doc('--mbedtls 3 2.x-only',
                              ['explain', '--json', '--mbedtls', '3',
                               '-0x7380'])
    if doc is not None:
        t.check('--mbedtls 3 -0x7380: explained as 2.x, with a warning',
                rc == 0 and len(doc['explanations']) == 1
                and doc['explanations'][0]['versions'] == '2.x'
                and doc['warnings'], json.dumps(doc)[:300])


def test_forms(t):
    for args in (['explain', '-0x7780'], ['explain', '--', '-0x7780'],
                 ['explain', '0x7780'], ['explain', '-30592'],
                 ['explain', '-0xffff8880'], ['explain', '4294936704'],
                 ['explain', '7780'],
                 ['explain', 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE'],
                 ['explain', '-0x7780', '--json'],
                 ['--json', 'explain', '-0x7780']):
        a = list(args)
        if '--json' not in a:
            a.insert(a.index('explain') + 1, '--json')
        rc, doc, err = t.json_doc(' '.join(args), a)
        if doc is None:
            continue
        ex = doc['explanations']
        t.check('form %s' % ' '.join(args[1:] if args[0] == 'explain'
                                     else args),
                rc == 0 and len(ex) == 1 and ex[0]['code'] == -0x7780
                and ex[0]['name'] == 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE',
                'rc=%d %s' % (rc, json.dumps(ex)[:200]))
    rc, out, err = t.run(['explain', '--', '-0x7780'])
    t.check('explain -- -0x7780 (text)', rc == 0
            and 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE' in out, err)
    for arg, code, name in (('[2:40]', 40, 'handshake_failure'),
                            ('handshake_failure', 40, 'handshake_failure'),
                            ('[1:112]', 112, 'unrecognized_name')):
        rc, doc, err = t.json_doc(arg, ['explain', '--json', arg])
        if doc is not None:
            ex = doc['explanations']
            t.check('form %s' % arg, rc == 0 and len(ex) == 1
                    and ex[0]['kind'] == 'alert' and ex[0]['code'] == code
                    and ex[0]['name'] == name, json.dumps(ex)[:200])
    rc, doc, err = t.json_doc('-0x4290', ['explain', '--json', '-0x4290'])
    if doc is not None:
        ex = doc['explanations']
        t.check('-0x4290: both parts, part_of set',
                len(ex) == 2 and ex[0]['code'] == -0x4280
                and ex[1]['code'] == -0x10
                and all(e.get('part_of') == -0x4290 for e in ex),
                json.dumps(ex)[:300])


def test_flags(t):
    rc, out, err = t.run(['explain', '--flags', '0x8'])
    t.check('--flags 0x8: not trusted', rc == 0 and 'not trusted' in out
            and 'MBEDTLS_X509_BADCERT_NOT_TRUSTED' in out, out[:300])
    rc, doc, err = t.json_doc('--flags --json',
                              ['explain', '--json', '--flags', '00000008',
                               '0x10004'])
    if doc is not None:
        ex = doc['explanations']
        t.check('--flags 00000008 0x10004: entries',
                rc == 0 and len(ex) == 3
                and all(e['kind'] == 'x509_flags' for e in ex)
                and ex[0]['name'] == 'MBEDTLS_X509_BADCERT_NOT_TRUSTED'
                and ex[1]['name'] == 'MBEDTLS_X509_BADCERT_CN_MISMATCH'
                and ex[2]['name'] == 'MBEDTLS_X509_BADCERT_BAD_KEY',
                json.dumps(ex)[:300])
        check_document(t, doc, '--flags --json')
        t.check('--flags: input name keeps --flags',
                doc['input']['name'] == '--flags 00000008 0x10004',
                doc['input']['name'])
    rc, doc, err = t.json_doc('code then --flags',
                              ['explain', '--json', '-0x2700', '--flags',
                               '0x200'])
    if doc is not None:
        ex = doc['explanations']
        t.check('-0x2700 --flags 0x200: error then flag',
                len(ex) == 2 and ex[0]['kind'] == 'mbedtls_error'
                and ex[1]['kind'] == 'x509_flags'
                and ex[1]['name'] == 'MBEDTLS_X509_BADCERT_FUTURE',
                json.dumps(ex)[:300])
    rc, out, err = t.run(['explain', '--flags', 'zz'])
    t.check('--flags zz: exit 2', rc == 2 and 'zz' in err, err)


def test_colour(t):
    rc, out = t.run_tty(['explain', '40'])
    t.check('colour on a TTY', rc == 0 and ESC in out, repr(out[:100]))
    rc, out = t.run_tty(['explain', '40'], env={'NO_COLOR': '1'})
    t.check('NO_COLOR respected on a TTY', rc == 0 and ESC not in out,
            repr(out[:100]))
    rc, out = t.run_tty(['explain', '--color=never', '40'])
    t.check('--color=never on a TTY', rc == 0 and ESC not in out)
    rc, out, err = t.run(['explain', '--color=always', '40'])
    t.check('--color=always on a pipe', rc == 0 and ESC in out)
    rc, out = t.run_tty(['explain', '--json', '40'])
    t.check('--json never coloured', rc == 0 and ESC not in out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--binary', required=True)
    ap.add_argument('--source')
    ap.add_argument('--shared')
    args = ap.parse_args()
    t = Runner(os.path.abspath(args.binary))
    print('schema: ' + schema_check.status())
    for fn in (test_done_when, test_exit_codes, test_versions, test_forms,
               test_flags, test_colour):
        try:
            fn(t)
        except Exception as ex:  # a crash in one group fails that group
            t.check(fn.__name__ + ' ran', False, repr(ex))
    print('%d passed, %d failed' % (t.passed, t.failed))
    return 1 if t.failed else 0


if __name__ == '__main__':
    sys.exit(main())
