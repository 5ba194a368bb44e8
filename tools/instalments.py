"""Instalment plans: a schedule that adds up to the total to the smallest unit of the currency, and the
payments allocated to it in order."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

INTERVAL_UNITS = ("day", "week", "month")
DAYS_PER_YEAR = Decimal(365)
# Days after its due date before a short instalment (of a payment plan or a settlement) counts as missed.
DEFAULT_GRACE_DAYS = 5


class ScheduleError(ValueError):
    """The plan's terms cannot produce a schedule (the message says why)."""


@dataclass(frozen=True)
class Instalment:
    """One line of the schedule; sequence 0 is the down payment."""

    sequence: int
    due: date
    amount: Decimal


def to_units(amount, unit: Decimal) -> int:
    """`amount` as a whole number of the currency's smallest unit (0.01, 1, 0.05...), rounded half up."""
    unit = Decimal(str(unit))
    if unit <= 0:
        raise ScheduleError("the smallest unit of the currency must be positive")
    return int((Decimal(str(amount)) / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def due_dates(first: date, count: int, every: int = 1, unit: str = "month") -> list[date]:
    """`count` due dates from `first`, `every` days, weeks or months apart. Months count from the first date,
    so that a plan starting on 31 January falls due on the last day of the shorter months, then on the 31st."""
    if unit not in INTERVAL_UNITS:
        raise ScheduleError(f"unknown interval {unit!r}")
    if every < 1:
        raise ScheduleError("the interval must be at least 1")
    if unit == "month":
        return [first + relativedelta(months=every * n) for n in range(count)]
    step = timedelta(days=every * (7 if unit == "week" else 1))
    return [first + step * n for n in range(count)]


def split_evenly(total_units: int, count: int) -> list[int]:
    """`count` parts of `total_units` that add up exactly; the last part takes what does not divide."""
    if count < 1:
        raise ScheduleError("a plan has at least one instalment")
    base = total_units // count
    return [base] * (count - 1) + [total_units - base * (count - 1)]


def plan_interest(financed: Decimal, annual_rate: Decimal, start: date, dues: Sequence[date],
                  unit: Decimal) -> Decimal:
    """Simple interest (actual/365) on the declining balance: each equal part of the financed amount bears
    interest from the plan's start to its own due date; rounded once, to the currency's unit."""
    annual_rate = Decimal(str(annual_rate))
    if annual_rate < 0:
        raise ScheduleError("the interest rate cannot be negative")
    if not annual_rate or not dues:
        return Decimal(0)
    part = Decimal(str(financed)) / len(dues)
    raw = sum(part * annual_rate / 100 * max(0, (due - start).days) / DAYS_PER_YEAR for due in dues)
    unit = Decimal(str(unit))
    return to_units(raw, unit) * unit


def build_schedule(total, down_payment, count: int, first: date, every: int = 1, unit: str = "month",
                   rounding="0.01", start: date | None = None, annual_rate="0") -> list[Instalment]:
    """The down payment (sequence 0, due on `start`, when there is one) and `count` instalments.

    The financed part (total less down payment) plus its interest is split evenly in whole units of the
    currency; the last instalment takes the remainder, so the lines add up to the total to the last unit."""
    rounding = Decimal(str(rounding))
    total_units, down_units = to_units(total, rounding), to_units(down_payment or 0, rounding)
    if total_units <= 0:
        raise ScheduleError("the plan's total must be positive")
    if not 0 <= down_units < total_units:
        raise ScheduleError("the down payment must be less than the total")
    if count < 1:
        raise ScheduleError("a plan has at least one instalment")
    start = start or first
    if first < start:
        raise ScheduleError("the first instalment cannot fall due before the plan starts")
    dues = due_dates(first, count, every, unit)
    financed = (total_units - down_units) * rounding
    interest_units = to_units(plan_interest(financed, Decimal(str(annual_rate)), start, dues, rounding), rounding)
    lines = [Instalment(0, start, down_units * rounding)] if down_units else []
    parts = split_evenly(total_units - down_units + interest_units, count)
    lines += [Instalment(n, due, part * rounding) for n, (due, part) in enumerate(zip(dues, parts, strict=True), 1)]
    return lines


def allocate(amounts: Sequence[Decimal], paid) -> list[Decimal]:
    """What `paid` covers of each instalment, oldest first (never more than an instalment asks)."""
    left = max(Decimal(0), Decimal(str(paid)))
    covered = []
    for amount in amounts:
        share = min(Decimal(str(amount)), left)
        covered.append(share)
        left -= share
    return covered


def first_missed(lines: Sequence[tuple[date, Decimal, Decimal]], today: date, grace_days: int) -> int | None:
    """Index of the first instalment (due, amount, covered) still short more than `grace_days` after its due
    date, or None while the plan is kept."""
    for index, (due, amount, covered) in enumerate(lines):
        if covered < amount and (today - due).days > grace_days:
            return index
    return None
