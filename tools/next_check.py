"""The next day the escalation has to look at a customer again.

Until then nothing about the customer changes but its days overdue, which the run ages in SQL: an invoice
reaching another bucket or stage, the calendar's next action or letter, a pause ending, soft collection complete
and the month's interest each fall on a day known today. Events (a payment, a new invoice, a changed policy, a
chasing step for a customer held back by soft collection) queue the customer again before that day.
"""

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, timedelta

from .aging import BUCKET_STARTS

# Looked at in full at least this often whatever else: a change that no event announced is caught within it.
MAX_QUIET_DAYS = 28


def change_thresholds(ladder_days: Iterable[int]) -> tuple[int, ...]:
    """The days overdue on which an invoice can change: the first day of each aging bucket and of each stage."""
    return tuple(sorted(set(BUCKET_STARTS) | set(ladder_days)))


def next_check_day(
    today: date,
    due_dates: Iterable[date | None],
    thresholds: tuple[int, ...],
    *,
    other_days: Iterable[date | None] = (),
    tomorrow_anyway: bool = False,
) -> date:
    """The first day after `today` on which a customer can change: an open invoice (due on one of `due_dates`)
    reaching one of `thresholds` (see `change_thresholds`) or one of `other_days` (a day already past counts as
    tomorrow); tomorrow when `tomorrow_anyway` (a day off, actions carried out today); at most MAX_QUIET_DAYS on."""
    tomorrow = today + timedelta(days=1)
    if tomorrow_anyway:
        return tomorrow
    best = today + timedelta(days=MAX_QUIET_DAYS)
    for due in due_dates:
        if due is None:
            continue
        index = bisect_right(thresholds, (today - due).days)
        if index < len(thresholds):
            best = min(best, due + timedelta(days=thresholds[index]))
    for day in other_days:
        if day is not None:
            best = min(best, max(day, tomorrow))
    return best
