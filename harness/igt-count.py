#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Count the IGT results of a guest boot against DRM CI style expectations.

Usage: igt-count.py LOG TESTLIST EXPECTDIR

LOG holds igt_runner's results.json, gzipped and in hex between the
"@@ IGT-RESULTS-BEGIN" and "@@ IGT-RESULTS-END" lines that
tests/igt/igt-run.sh prints (a kernel line printed meanwhile is left out). EXPECTDIR holds vsvm-fails.txt
("binary@subtest,Result"), vsvm-flakes.txt and vsvm-skips.txt (a name or
a regular expression a line), as drivers/gpu/drm/ci/xfails/ does; every
entry follows a comment line that says why.

Leaf results (a subtest with dynamic subtests counts through them, and
itself only when it failed and none of them did):
  pass                                    -> passed
  skip; a listed test vsvm-skips.txt
  keeps from running (one for the test)   -> skipped
  a fails entry with that result, a flake -> skipped, never passed
  a fails entry that passes               -> failed (the list must stay true)
  anything else (fail, crash, timeout, incomplete, abort, dmesg-warn,
  dmesg-fail, notrun), or a listed test without any result -> failed
The last line is "igt: N passed, N failed, N skipped".
"""
import gzip
import json
import os
import re
import sys


def die(msg):
    print(f'ERROR: igt: {msg}', file=sys.stderr)
    print('igt: 0 passed, 1 failed, 0 skipped')
    sys.exit(1)


def entries(path):
    """The entries of an expectation file, each with the comment before it."""
    out, why = [], None
    if not os.path.exists(path):
        return out
    for n, line in enumerate(open(path), 1):
        line = line.strip()
        if not line:
            why = None
        elif line.startswith('#'):
            why = line
        elif why is None:
            die(f'{path}:{n}: "{line}" says not why (a comment line before it)')
        else:
            out.append(line)
    return out


def results(log):
    text, inside = [], False
    for line in open(log, errors='replace'):
        line = line.strip()
        if line == '@@ IGT-RESULTS-BEGIN':
            inside, text = True, []
        elif line == '@@ IGT-RESULTS-END':
            inside = False
            break
        elif inside and re.fullmatch(r'[0-9a-f ]+', line):
            text.append(line)
    else:
        die(f'no IGT results in {log} (did igt_runner run?)')
    try:
        return json.loads(gzip.decompress(bytes.fromhex(''.join(text))))
    except (ValueError, OSError) as e:
        die(f'the IGT results in {log} do not decode: {e}')


def main():
    log, testlist, xdir = sys.argv[1:4]
    fails = {}
    for e in entries(os.path.join(xdir, 'vsvm-fails.txt')):
        name, _, res = e.partition(',')
        if not res:
            die(f'vsvm-fails.txt: "{e}" is not "test,Result"')
        fails[name] = res.lower()
    try:
        flakes = [re.compile(e) for e in entries(os.path.join(xdir, 'vsvm-flakes.txt'))]
        skips = [re.compile(e) for e in entries(os.path.join(xdir, 'vsvm-skips.txt'))]
    except re.error as e:
        die(f'a regular expression of vsvm-flakes.txt or vsvm-skips.txt: {e}')
    listed = set()
    for line in open(testlist):
        want = line.split('#')[0].strip()
        if want:
            listed.add(want[4:].split('@')[0])
    # The expected failures of the binaries this run was asked for.
    fails = {k: v for k, v in fails.items() if k.split('@')[0] in listed}

    tests = results(log).get('tests', {})
    names = sorted(tests)
    leaves = [n for n in names if not any(o.startswith(n + '@') for o in names)]
    passed = failed = skipped = 0
    bad = {'pass', 'skip'}
    for name in sorted(set(names) - set(leaves)):
        res = tests[name].get('result', 'notrun')
        kids = [tests[o].get('result') for o in names if o.startswith(name + '@')]
        if res not in bad and res not in kids:
            failed += 1
            print(f'  {name[4:]}: {res} (a subtest whose dynamic subtests did not fail so)')
    seen_fails = set()
    for name in leaves:
        res = tests[name].get('result', 'notrun')
        short = name[4:] if name.startswith('igt@') else name
        if short in fails:
            seen_fails.add(short)
            if res == fails[short]:
                skipped += 1
                print(f'  {short}: {res}, expected (vsvm-fails.txt)')
            else:
                failed += 1
                print(f'  {short}: {res}, but vsvm-fails.txt expects {fails[short]}')
        elif any(f.fullmatch(short) for f in flakes):
            skipped += 1
            print(f'  {short}: {res} (a flake: vsvm-flakes.txt)')
        elif res == 'pass':
            passed += 1
        elif res == 'skip':
            skipped += 1
        elif any(s.fullmatch(short) for s in skips):
            skipped += 1
        else:
            failed += 1
            print(f'  {short}: {res}')
            for key in ('out', 'err', 'dmesg'):
                for line in tests[name].get(key, '').splitlines()[-6:]:
                    print(f'    {key}: {line}')
    for short in sorted(set(fails) - seen_fails):
        print(f'  {short}: listed in vsvm-fails.txt, did not run')
        failed += 1
    # Every test the list asks for ran, or vsvm-skips.txt says why not.
    for line in open(testlist):
        want = line.split('#')[0].strip()
        if not want or any(n == want or n.startswith(want + '@') for n in names):
            continue
        short = want[4:]
        # A whole binary counts as skipped when an entry names its subtests.
        if any(s.fullmatch(short) or s.pattern.startswith(short + '@') for s in skips):
            skipped += 1
            print(f'  {short}: not run (vsvm-skips.txt)')
        else:
            print(f'  {want}: in {testlist}, no result')
            failed += 1
    print(f'igt: {passed} passed, {failed} failed, {skipped} skipped')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
