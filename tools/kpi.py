"""Collection KPIs, the cash forecast and credit grading as pure functions (no Odoo import).

The reports read their figures with grouped SQL over whole tables; the arithmetic that turns those figures
into the numbers a manager reads lives here, with its definitions, so that it is tested without a database.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

# === Definitions of the KPI dashboard === #
# Days after an action within which a payment counts as its result (by channel, by hour).
RESULT_DAYS = 7
# Days after a snapshot within which a collection counts towards its bucket's historical rate.
RATE_WINDOW_DAYS = 30
# Month-start snapshots that make a bucket's historical collection rate.
RATE_SNAPSHOTS = 6


def ratio(numerator: float, denominator: float) -> float:
    """numerator ÷ denominator, 0.0 when there is nothing to divide by (the dashboard says so)."""
    return numerator / denominator if denominator else 0.0


def dso(receivable_start: float, receivable_end: float, sales: float, days: int) -> float:
    """Days sales outstanding: average receivables ÷ average daily sales over a period of `days` days.

    Average receivables = (balance at the start + balance at the end) ÷ 2; average daily sales = sales ÷ days.
    """
    if days <= 0:
        return 0.0
    daily_sales = sales / days
    return ratio((receivable_start + receivable_end) / 2, daily_sales) if daily_sales > 0 else 0.0


def overdue_rate(overdue: float, receivables: float) -> float:
    """Overdue receivables ÷ total (gross) open receivables."""
    return ratio(overdue, receivables)


def success_rate(collected: float, put_into_collection: float) -> float:
    """Collected ÷ the amount that was put into collection (open when it fell overdue)."""
    return ratio(collected, put_into_collection)


def bad_debt_rate(written_off: float, receivables: float) -> float:
    """Written off ÷ total (gross) open receivables."""
    return ratio(written_off, receivables)


def promise_kept_rate(kept: int, broken: int) -> float:
    """Promises kept ÷ promises settled (kept or broken)."""
    return ratio(kept, kept + broken)


def attainment(actual: float, target: float) -> float:
    """Actual ÷ target."""
    return ratio(actual, target)


def period_days(date_from: date, date_to: date) -> int:
    """Days of a period, both ends included."""
    return (date_to - date_from).days + 1


def month_starts(date_from: date, date_to: date) -> list[date]:
    """The first day of every month that a period touches."""
    months, day = [], date_from.replace(day=1)
    while day <= date_to:
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def rate_snapshots(today: date, count: int = RATE_SNAPSHOTS) -> list[date]:
    """First days of the `count` complete months before today's month, oldest first."""
    snapshots, day = [], today.replace(day=1)
    for _n in range(count):
        day = (day - timedelta(days=1)).replace(day=1)
        snapshots.append(day)
    return sorted(snapshots)


# === Cash forecast === #
FORECAST_KINDS = ("promise", "plan", "due")


@dataclass(frozen=True)
class ForecastItem:
    """An amount expected on a day: a promise to pay, a plan instalment or an open receivable's due date.

    `weight` is the probability applied to it: the promise-kept rate, the plan-kept rate or the historical
    collection rate of the aging bucket the receivable is in today."""

    kind: str
    day: date
    amount: float
    weight: float


def week_start(day: date) -> date:
    """Monday of a day's week."""
    return day - timedelta(days=day.weekday())


def bucket_rates(open_by_bucket: dict, collected_by_bucket: dict, buckets: Iterable[str]) -> dict:
    """Historical collection rate of each aging bucket: collected ÷ open, over the snapshots.

    A bucket without history takes the overall rate of the snapshots; without any history at all, 1.0 (the
    forecast is then the unweighted amounts)."""
    total_open = sum(open_by_bucket.values())
    overall = ratio(sum(collected_by_bucket.values()), total_open) if total_open else 1.0
    return {
        bucket: min(1.0, ratio(collected_by_bucket.get(bucket, 0.0), open_by_bucket[bucket]))
        if open_by_bucket.get(bucket) else min(1.0, overall)
        for bucket in buckets
    }


def forecast_by_week(items: Iterable[ForecastItem], today: date, weeks: int) -> list[dict]:
    """Expected collections per week, from the week of `today`, for `weeks` weeks.

    An item dated before this week (an overdue receivable, a promise within its grace days) is expected this
    week; items after the horizon are left out. Each row has the week's Monday, the raw amount and the
    weighted (expected) amount of each kind, and the expected total."""
    first = week_start(today)
    rows = [{"week": first + timedelta(weeks=n), **{f"{kind}_amount": 0.0 for kind in FORECAST_KINDS},
             **{f"{kind}_expected": 0.0 for kind in FORECAST_KINDS}, "expected": 0.0} for n in range(weeks)]
    for item in items:
        index = max(0, (week_start(item.day) - first).days // 7)
        if index >= weeks or not item.amount:
            continue
        row = rows[index]
        row[f"{item.kind}_amount"] += item.amount
        row[f"{item.kind}_expected"] += item.amount * item.weight
        row["expected"] += item.amount * item.weight
    return rows


# === Credit grades === #
# Penalty points taken from 100: lateness (capped at 40 points for 90 days late on average), the overdue share
# of what is open (30 points when all of it is overdue), broken promises and disputes of the last 12 months.
LATE_POINTS_MAX, LATE_DAYS_FOR_MAX = 40.0, 90.0
OVERDUE_POINTS_MAX = 30.0
BROKEN_PROMISE_POINTS, BROKEN_PROMISE_MAX = 10.0, 20.0
DISPUTE_POINTS, DISPUTE_MAX = 5.0, 10.0
# Default grade table: (code, lowest score, months of average sales as credit limit).
DEFAULT_GRADES = (
    ("AAA", 95, 3.0), ("AA", 90, 2.5), ("A", 80, 2.0), ("BBB", 70, 1.5), ("BB", 60, 1.0), ("B", 50, 0.75),
    ("CCC", 40, 0.5), ("CC", 30, 0.25), ("C", 20, 0.0), ("D", 0, 0.0),
)


@dataclass(frozen=True)
class PaymentBehaviour:
    avg_days_late: float     # amount-weighted days after the due date at which the last 12 months were paid
    overdue_ratio: float     # overdue ÷ open receivables today, 0..1
    broken_promises: int     # in the last 12 months
    disputes: int            # in the last 12 months


def credit_score(behaviour: PaymentBehaviour) -> float:
    """A score from 0 (worst) to 100 (pays on time, nothing overdue, no broken promise, no dispute)."""
    late = min(LATE_POINTS_MAX, max(0.0, behaviour.avg_days_late) * LATE_POINTS_MAX / LATE_DAYS_FOR_MAX)
    overdue = OVERDUE_POINTS_MAX * min(1.0, max(0.0, behaviour.overdue_ratio))
    broken = min(BROKEN_PROMISE_MAX, BROKEN_PROMISE_POINTS * max(0, behaviour.broken_promises))
    disputes = min(DISPUTE_MAX, DISPUTE_POINTS * max(0, behaviour.disputes))
    return round(max(0.0, 100.0 - late - overdue - broken - disputes), 1)


def pick_grade(score: float, grades: Sequence[tuple], adjustment: int = 0):
    """The grade of a score: grades are (key, lowest score) from the best to the worst; the first whose lowest
    score the score reaches, moved `adjustment` notches up (positive) or down (negative), within the table."""
    if not grades:
        return None
    index = next((n for n, (_key, lowest) in enumerate(grades) if score >= lowest), len(grades) - 1)
    index = min(len(grades) - 1, max(0, index - adjustment))
    return grades[index][0]


def recommended_limit(monthly_sales: float, months: float, cap: float = 0.0, step: float = 100.0) -> float:
    """Months of average monthly sales, capped when a cap is set, rounded down to a multiple of `step`."""
    limit = max(0.0, monthly_sales * months)
    if cap:
        limit = min(limit, cap)
    return float(int(limit // step) * step) if step else limit


