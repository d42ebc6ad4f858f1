#!/usr/bin/env python3
"""Runs every test that a Meson build directory defines and counts TAP results.

Usage: run_tests.py BUILD_DIR LABEL [--suite NAME]...
Each test executable is run with its Meson environment; its TAP lines
("ok N - name" / "not ok N - name") are counted one by one, and a test that
crashes or exits non-zero without a "not ok" line counts as one failure.
Prints each failure, then "LABEL: N passed, N failed" and appends the two
numbers to $ADVOCATE_TEST_TALLY when that is set.
"""
import json
import os
import re
import subprocess
import sys


def main():
    build, label = sys.argv[1], sys.argv[2]
    suites = [sys.argv[i + 1] for i, a in enumerate(sys.argv) if a == '--suite']
    tests = json.loads(subprocess.check_output(['meson', 'introspect', '--tests', build]))
    passed = failed = 0
    for t in tests:
        if suites and not any(s.split(':')[-1] in suites for s in t['suite']):
            continue
        env = dict(os.environ)
        env.update(t.get('env') or {})
        try:
            proc = subprocess.run(t['cmd'], env=env, cwd=t.get('workdir') or build,
                                  capture_output=True, text=True, errors='replace',
                                  timeout=t.get('timeout') or 600)
            out, code = proc.stdout + proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as e:
            out, code = (e.stdout or '') if isinstance(e.stdout, str) else '', -1
            out += '\n(timed out)'
        ok = len(re.findall(r'^ok \d+', out, re.M))
        bad = re.findall(r'^not ok \d+.*$', out, re.M)
        passed += ok
        failed += len(bad)
        for line in bad:
            print('%s: %s: %s' % (label, t['name'], line))
        if code != 0 and not bad:
            failed += 1
            print('%s: %s: exited %d without a failing TAP line:\n%s' % (
                label, t['name'], code, '\n'.join(out.splitlines()[-30:])))
        elif code != 0 or bad:
            print('\n'.join('    ' + l for l in out.splitlines()[-40:]))
    print('%s: %d passed, %d failed' % (label, passed, failed))
    tally = os.environ.get('ADVOCATE_TEST_TALLY')
    if tally:
        with open(tally, 'a') as f:
            f.write('%d %d\n' % (passed, failed))
    return 0


if __name__ == '__main__':
    sys.exit(main())
