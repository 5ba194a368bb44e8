"""Read an Odoo test log.

    count_odoo_log.py LOG          prints 'passed failed error_lines'
    count_odoo_log.py --cause LOG  prints what made the run fail, one fact a line

Counts come from Odoo's own report line ("N failed, N error(s) of N tests when loading database");
error_lines counts every ERROR or CRITICAL log record, which fails the run even when no test failed.
The cause is: the failing tests, the last other ERROR/CRITICAL record, and the exception that ended the last
traceback (a crash such as "OSError: [Errno 98] Address already in use" is printed as a bare traceback, not as
a log record); with none of them, the last line of the log."""

import re
import sys

REPORT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<rest>.*)$")
ERROR_LEVELS = ("ERROR", "CRITICAL")
FAILED_TEST = re.compile(r": (?:FAIL|ERROR): (\S+)")


def counts(lines):
    passed = failed = error_lines = 0
    seen_report = False
    for line in lines:
        record = RECORD.match(line)
        if record and record["level"] in ERROR_LEVELS:
            error_lines += 1
        if match := REPORT.search(line):
            seen_report = True
            failures, errors, total = map(int, match.groups())
            failed += failures + errors
            passed += total - failures - errors
    if not seen_report:
        failed += 1  # the suite did not get to its report: count it as one failure
    return passed, failed, error_lines


def cause(lines):
    failing_tests, last_error = [], None
    exception = last_line = None
    in_traceback = False
    for raw in lines:
        line = raw.rstrip("\n")
        if not line.strip():
            continue
        last_line = line
        record = RECORD.match(line)
        if record:
            in_traceback = False
            if record["level"] not in ERROR_LEVELS or REPORT.search(line):
                continue
            if test := FAILED_TEST.search(record["rest"]):
                failing_tests.append(test[1])
            else:
                last_error = f"{record['level']} {record['rest'].strip()}"
        elif line.startswith("Traceback (most recent call last):"):
            in_traceback = True
        elif in_traceback and not line[0].isspace():
            # The first unindented line after the frames names the exception.
            exception, in_traceback = line, False
    facts = []
    if failing_tests:
        shown = ", ".join(failing_tests[:5]) + (", ..." if len(failing_tests) > 5 else "")
        facts.append(f"{len(failing_tests)} failing test(s): {shown}")
    if last_error:
        facts.append(f"last error: {last_error}")
    if exception:
        facts.append(f"last exception: {exception}")
    if not facts and last_line:
        facts.append(f"last line of the log: {last_line}")
    return facts


def main(argv):
    explain = argv[:1] == ["--cause"]
    path = argv[-1]
    with open(path, encoding="utf-8", errors="replace") as log:
        lines = log.readlines()
    if explain:
        print("\n".join(cause(lines) or ["the log is empty"]))
    else:
        print(*counts(lines))


if __name__ == "__main__":
    main(sys.argv[1:])
