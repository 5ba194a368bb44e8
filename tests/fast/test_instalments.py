from datetime import date
from decimal import Decimal

import pytest

from tools.instalments import (
    ScheduleError,
    allocate,
    build_schedule,
    due_dates,
    first_missed,
    plan_interest,
    split_evenly,
    to_units,
)


def test_two_decimal_currency_adds_up_to_the_cent():
    lines = build_schedule(Decimal("1000.00"), Decimal("100.00"), 7, date(2026, 4, 1), rounding="0.01",
                           start=date(2026, 3, 2))
    assert [line.sequence for line in lines] == [0, 1, 2, 3, 4, 5, 6, 7]
    assert lines[0].amount == Decimal("100.00") and lines[0].due == date(2026, 3, 2)
    assert [line.amount for line in lines[1:]] == [Decimal("128.57")] * 6 + [Decimal("128.58")]
    assert sum(line.amount for line in lines) == Decimal("1000.00")


def test_zero_decimal_currency_adds_up_to_the_yen():
    lines = build_schedule(100000, 0, 3, date(2026, 4, 1), rounding="1")
    assert [line.amount for line in lines] == [Decimal(33333), Decimal(33333), Decimal(33334)]
    assert sum(line.amount for line in lines) == Decimal(100000)
    assert all(line.amount == line.amount.to_integral_value() for line in lines)


def test_cash_rounding_unit():
    lines = build_schedule(Decimal("100.00"), 0, 3, date(2026, 4, 1), rounding="0.05")
    assert [line.amount for line in lines] == [Decimal("33.30"), Decimal("33.30"), Decimal("33.40")]


def test_monthly_dates_keep_the_day_of_month():
    assert due_dates(date(2026, 1, 31), 3) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    assert due_dates(date(2026, 3, 2), 3, 2, "week") == [date(2026, 3, 2), date(2026, 3, 16), date(2026, 3, 30)]
    assert due_dates(date(2026, 3, 2), 2, 10, "day") == [date(2026, 3, 2), date(2026, 3, 12)]


def test_interest_on_the_declining_balance_is_added_once():
    # 1,200 in 2 parts of 600: 31 and 61 days at 12% → 600 × 0.12 × 92 / 365 = 18.15
    assert plan_interest(Decimal(1200), Decimal(12), date(2026, 3, 1), [date(2026, 4, 1), date(2026, 5, 1)],
                         Decimal("0.01")) == Decimal("18.15")
    lines = build_schedule(1200, 0, 2, date(2026, 4, 1), start=date(2026, 3, 1), annual_rate=12)
    assert sum(line.amount for line in lines) == Decimal("1218.15")
    assert [line.amount for line in lines] == [Decimal("609.07"), Decimal("609.08")]


@pytest.mark.parametrize("total,down,count", [(0, 0, 3), (100, 100, 2), (100, 120, 2), (100, 0, 0)])
def test_bad_terms_are_refused(total, down, count):
    with pytest.raises(ScheduleError):
        build_schedule(total, down, count, date(2026, 4, 1))


def test_first_date_before_start_is_refused():
    with pytest.raises(ScheduleError):
        build_schedule(100, 10, 2, date(2026, 3, 1), start=date(2026, 3, 2))


def test_split_and_units():
    assert split_evenly(10, 3) == [3, 3, 4]
    assert to_units("12.345", Decimal("0.01")) == 1235
    with pytest.raises(ScheduleError):
        to_units(1, 0)


def test_payments_are_allocated_oldest_first():
    amounts = [Decimal(100), Decimal(300), Decimal(300)]
    assert allocate(amounts, Decimal(250)) == [Decimal(100), Decimal(150), Decimal(0)]
    assert allocate(amounts, Decimal(1000)) == amounts
    assert allocate(amounts, Decimal(-5)) == [Decimal(0)] * 3


def test_missed_instalment_only_after_its_grace():
    lines = [(date(2026, 3, 1), Decimal(100), Decimal(100)), (date(2026, 4, 1), Decimal(100), Decimal(40))]
    assert first_missed(lines, date(2026, 4, 6), 5) is None
    assert first_missed(lines, date(2026, 4, 7), 5) == 1
