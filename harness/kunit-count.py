#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Count KUnit results of a guest log with the kernel's own KTAP parser.

Usage: kunit-count.py SRC LOG KNOWN_FAILURES (project|upstream) SUITE...

Counts the leaf test cases of the top-level suites named SUITE... (project)
or of every other suite (upstream), prints one line per failure and the
closing line "pass fail skip errors". A failing case listed in
KNOWN_FAILURES ("glob :: evidence :: reason": the case's path matches the
shell glob and its log, or an enclosing test's log, contains the evidence)
counts as skipped and is reported with its reason; any other failure counts
as failed.
"""
import fnmatch
import sys

src, log, known_file, scope = sys.argv[1:5]
project = set(sys.argv[5:])
sys.path.insert(0, src + '/tools/testing/kunit')
import kunit_parser  # noqa: E402
import kunit_printer  # noqa: E402
from kunit_parser import TestStatus  # noqa: E402

known = []
for line in open(known_file, encoding='utf-8'):
    line = line.strip()
    if line and not line.startswith('#'):
        glob, evidence, reason = (f.strip() for f in line.split(' :: ', 2))
        known.append((glob, evidence, reason))


def known_reason(path, logs):
    for glob, evidence, reason in known:
        if fnmatch.fnmatchcase(path, glob) and any(evidence in l for l in logs):
            return reason
    return None



def without_replays(lines):
    """Drop the console's replays of a line it already printed.

    When the console falls behind, printk prints "** replaying previous
    printk message **" and the last record again: a KTAP result line would
    then count twice and derail the parser's test numbering. The first
    copy may have been cut short ("ok 49 X0L2 Valid modi"): then the
    replay, which is whole, is kept instead of it. One line is held back
    until the next shows whether a replay follows.
    """
    held = None
    replay = False
    for line in lines:
        if '** replaying previous printk message **' in line:
            replay = True
            continue
        if replay and held is not None and \
                line.startswith(held.rstrip('\r\n')):
            held = line     # the same record, whole
            replay = False
            continue
        replay = False
        if held is not None:
            yield held
        held = line
    if held is not None:
        yield held


with open(log, encoding='utf-8', errors='replace') as f:
    run = kunit_parser.parse_run_tests(without_replays(f),
                                       kunit_printer.null_printer)

counts = {'pass': 0, 'fail': 0, 'skip': 0}
errors = run.counts.errors


def walk(test, path, logs):
    logs = logs + test.log
    if not test.subtests:
        if test.status == TestStatus.SUCCESS:
            counts['pass'] += 1
        elif test.status == TestStatus.SKIPPED:
            counts['skip'] += 1
        elif known_reason(path, logs):
            counts['skip'] += 1
            print(f'KNOWN {path}: {known_reason(path, logs)}')
        else:
            counts['fail'] += 1
            print(f'FAIL {path} ({test.status.name})')
        return
    for sub in test.subtests:
        walk(sub, f'{path}/{sub.name}', logs)


for suite in run.subtests:
    if (suite.name in project) == (scope == 'project'):
        before = dict(counts)
        walk(suite, suite.name, [])
        print(f'SUITE {suite.name} ' + ' '.join(
            str(counts[k] - before[k]) for k in ('pass', 'fail', 'skip')))
print(counts['pass'], counts['fail'], counts['skip'], errors)
