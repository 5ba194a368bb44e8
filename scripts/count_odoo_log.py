"""Read an Odoo test log: print 'passed failed error_lines'.

Counts come from Odoo's own report line ("N failed, N error(s) of N tests when loading database");
error_lines counts every ERROR or CRITICAL log record, which fails the run even when no test failed."""

import re
import sys

REPORT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
LEVEL = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ")

passed = failed = error_lines = 0
seen_report = False
with open(sys.argv[1], encoding="utf-8", errors="replace") as log:
    for line in log:
        if LEVEL.match(line):
            error_lines += 1
        if match := REPORT.search(line):
            seen_report = True
            failures, errors, total = map(int, match.groups())
            failed += failures + errors
            passed += total - failures - errors
if not seen_report:
    failed += 1  # the suite did not get to its report: count it as one failure
print(passed, failed, error_lines)
