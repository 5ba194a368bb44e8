"""Compliance of contacts with debtors: how often, and what a third party may hear."""

import re

# A sum of money: a currency sign or code next to a number, a number with 元/万/亿 or "yuan", or a number with
# thousands separators or cents. Dates (12.03.2026), times (14:30) and phone numbers (+86 138 0013 8000) are not.
_NUMBER = r"\d+(?:[,\s]\d{3})*(?:[.,]\d{1,2})?"
AMOUNT_PATTERN = re.compile(
    r"(?:[¥￥$€£]|\b(?:CNY|RMB|USD|EUR|GBP|HKD|JPY))\s?" + _NUMBER
    + r"|" + _NUMBER + r"\s?(?:[元万亿]|\b(?:CNY|RMB|USD|EUR|GBP|HKD|JPY|yuan|euros?|dollars?|pounds?)\b)"
    + r"|(?<![\d.:/-])\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?(?![\d.:/-])"
    + r"|(?<![\d.:/-])\d+\.\d{2}(?![\d.:/-])",
    re.IGNORECASE,
)

# What does not count as a connected contact: nobody of the debtor's was reached.
NOT_CONNECTED_OUTCOMES = frozenset({"no_answer", "wrong_contact"})


def mentions_amount(text: str | None) -> bool:
    """Whether a note states a sum of money (never to be disclosed to, or noted for, a third party)."""
    return bool(text and AMOUNT_PATTERN.search(text))


def is_connected(outcome: str) -> bool:
    return outcome not in NOT_CONNECTED_OUTCOMES


def cap_exceeded(attempts: int, connected: int, cap_attempts: int, cap_connected: int, new_connected: bool) -> list:
    """Which daily caps one more contact would exceed, given the customer's contacts of the day so far.

    attempts counts every outbound contact of the day in every channel together, connected those that
    reached someone; a cap of 0 is no cap. Returns [] or some of "attempts", "connected"."""
    exceeded = []
    if cap_attempts and attempts + 1 > cap_attempts:
        exceeded.append("attempts")
    if cap_connected and new_connected and connected + 1 > cap_connected:
        exceeded.append("connected")
    return exceeded
