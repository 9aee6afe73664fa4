#!/usr/bin/env python3
"""testlog.py -- read meson's testlog.json files for scripts/test.sh.

  testlog.py failed LOG            names of the tests that did not pass, one a line
  testlog.py count LOG [RETRYLOG]  "PASSED FAILED" test cases, then "flaky: NAME" and
                                   "failed: NAME" lines

Every test executable prints "N passed, M failed" (optionally after "name: ").
`count` sums those over the tests' last runs: a test rerun in RETRYLOG counts
with its rerun only, and is reported "flaky" when it failed first and passed
on the rerun. A test that failed (or timed out, or crashed) without printing
a failure count still counts as one failed case, so nothing is lost silently.
"""
import json
import re
import sys

CASES = re.compile(r"^(?:[a-z-]+: )?([0-9]+) passed, ([0-9]+) failed", re.M)
BAD = {"FAIL", "TIMEOUT", "ERROR", "UNEXPECTEDPASS"}


def load(path):
    tests = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                tests[d["name"]] = d
    return tests


def short(name):  # "project:suite / name" -> "name", what `meson test NAME` takes
    return name.split(" / ", 1)[-1]


def main(argv):
    if len(argv) >= 3 and argv[1] == "failed":
        for name, d in load(argv[2]).items():
            if d["result"] in BAD:
                print(short(name))
        return 0
    if len(argv) in (3, 4) and argv[1] == "count":
        first = load(argv[2])
        retry = load(argv[3]) if len(argv) == 4 else {}
        passed = failed = 0
        notes = []
        for name, d in first.items():
            last = retry.get(name, d)
            out = (last.get("stdout") or "") + "\n" + (last.get("stderr") or "")
            p = f = 0
            for m in CASES.finditer(out):
                p += int(m.group(1))
                f += int(m.group(2))
            if last["result"] in BAD:
                f = max(f, 1)
                notes.append("failed: " + name)
            elif name in retry and d["result"] in BAD:
                notes.append("flaky: " + name)
            passed += p
            failed += f
        print(passed, failed)
        for n in notes:
            print(n)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


sys.exit(main(sys.argv))
