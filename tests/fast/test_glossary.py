"""The Chinese translation follows the glossary (i18n/glossary_zh_CN.csv): a msgid that uses an English term of
the glossary has a msgstr with its Chinese term, and none of the words the glossary forbids for it (暂停 for a
suspension, bare 核销 — Odoo's reconciliation — for a write-off)."""

import csv
import re
from pathlib import Path

import pytest

I18N = Path(__file__).resolve().parents[2] / "i18n"
GLOSSARY = I18N / "glossary_zh_CN.csv"
PO_FILE = I18N / "zh_CN.po"


def read_glossary(path=GLOSSARY):
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))



def _po_string(line):
    """The text of one quoted line of a .po file, its escapes resolved."""
    body = line[line.index('"') + 1:line.rindex('"')]
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def read_po(path=PO_FILE):
    """(msgid, msgstr) of every translated, non-fuzzy entry: the few lines of the format this file uses."""
    entries, current, key, fuzzy = [], {}, None, False

    def flush():
        if current.get("msgid") and current.get("msgstr") and not fuzzy:
            entries.append((current["msgid"], current["msgstr"]))

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#,"):
            fuzzy = "fuzzy" in line
        elif line.startswith(("msgid ", "msgstr ")):
            key = line.split(" ", 1)[0]
            if key == "msgid":
                flush()
                current = {}
            current[key] = _po_string(line)
        elif line.startswith('"') and key:
            current[key] += _po_string(line)
        elif not line.strip():
            flush()
            current, key, fuzzy = {}, None, False
    flush()
    return entries


def term_pattern(english):
    # Whole words, any case, with a plural or third-person "s"; "write-off" also matches "Write-offs".
    words = r"[\s-]+".join(map(re.escape, re.split(r"[\s-]+", english)))
    return re.compile(r"(?<![\w])" + words + r"(?:e?s)?(?![\w])", re.IGNORECASE)


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|<[^>]+>|\{\{.*?\}\}|<code>.*?</code>|\b\w+(?:_\w+)+\b", re.DOTALL)


def glossary_breaches(entries, glossary):
    """One line per entry that misses a term's Chinese or uses a word the glossary forbids for it."""
    breaches = []
    for row in glossary:
        pattern = term_pattern(row["en"])
        forbidden = [word for word in row["forbidden"].split("|") if word]
        for msgid, msgstr in entries:
            # Placeholders and identifiers are code; a msgstr equal to its msgid is code kept as it is.
            if msgstr == msgid or not pattern.search(PLACEHOLDER.sub(" ", msgid)):
                continue
            if row["zh_CN"] not in msgstr:
                breaches.append(f'"{row["en"]}" is {row["zh_CN"]}: {msgid[:70]!r} -> {msgstr[:50]!r}')
            if row["forbidden_unless"] and row["forbidden_unless"].lower() in msgid.lower():
                continue
            rest = msgstr.replace(row["zh_CN"], "")
            breaches.extend(f'"{row["en"]}" is never {word}: {msgid[:70]!r} -> {msgstr[:50]!r}'
                            for word in forbidden if word in rest)
    return breaches


def test_glossary_is_well_formed():
    glossary = read_glossary()
    assert glossary, "the glossary is empty"
    for row in glossary:
        assert row["en"].strip() and row["zh_CN"].strip(), row
        assert row["en"] == row["en"].strip(), row
    english = [row["en"].lower() for row in glossary]
    assert len(english) == len(set(english)), "a term is listed twice"


@pytest.mark.parametrize(("msgid", "msgstr", "breaks"), [
    ("Write-offs to approve", "待审批的坏账核销", False),
    ("Write Off", "核销", True),                                  # bare 核销 is reconciliation
    ("Written off %(amount)s", "已坏账核销 %(amount)s，核销分录", True),  # 坏账核销, then a bare 核销
    ("Written off: invoices reconciled with the entry", "坏账核销额：与该分录核销的发票", False),
    ("Limitation suspended", "诉讼时效中止", False),
    ("Limitation suspended", "诉讼时效暂停", True),
    ("Pause collection", "暂停催收", False),                       # 暂停 is the pause of collection work
    ("Daily escalation", "每日催收推进", True),
    ("Total of the Amount Claimed", "主张金额合计", False),
    ("Amount Claimed", "催收金额", True),
])
def test_checker_catches_what_it_should(msgid, msgstr, breaks):
    assert bool(glossary_breaches([(msgid, msgstr)], read_glossary())) == breaks


def test_po_reader_reads_multiline_entries(tmp_path):
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: zh_CN\\n"\n\n#, fuzzy\nmsgid "A"\nmsgstr "甲"\n\n'
                  'msgid ""\n"Two \\"lines\\"\\n"\n"here"\nmsgstr ""\n"两行\\n"\n"这里"\n', encoding="utf-8")
    assert read_po(po) == [('Two "lines"\nhere', "两行\n这里")]


def test_zh_cn_po_follows_the_glossary():
    breaches = glossary_breaches(read_po(), read_glossary())
    assert not breaches, f"{len(breaches)} translation(s) break i18n/glossary_zh_CN.csv:\n" + "\n".join(breaches)
