from datetime import date

import pytest

from tools import kpi
from tools.kpi import ForecastItem, PaymentBehaviour


def test_ratio_is_zero_without_a_denominator():
    assert kpi.ratio(1, 0) == 0.0
    assert kpi.ratio(1, 4) == 0.25


def test_dso_of_a_period():
    # (3,300 + 1,200) / 2 = 2,250 average receivables; 2,000 sold in 28 days -> 31.5 days.
    assert kpi.dso(3300, 1200, 2000, 28) == pytest.approx(31.5)
    assert kpi.dso(1000, 1000, 0, 30) == 0.0, "no sales: nothing to measure"
    assert kpi.dso(1000, 1000, 100, 0) == 0.0


def test_rates():
    assert kpi.overdue_rate(400, 1200) == pytest.approx(1 / 3)
    assert kpi.success_rate(2600, 3500) == pytest.approx(0.742857, rel=1e-5)
    assert kpi.bad_debt_rate(300, 1200) == 0.25
    assert kpi.promise_kept_rate(1, 1) == 0.5
    assert kpi.promise_kept_rate(0, 0) == 0.0
    assert kpi.attainment(3800, 5000) == 0.76


def test_periods():
    assert kpi.period_days(date(2026, 2, 1), date(2026, 2, 28)) == 28
    assert kpi.month_starts(date(2025, 12, 15), date(2026, 2, 1)) == [
        date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert kpi.rate_snapshots(date(2026, 3, 2), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def test_week_start_is_monday():
    assert kpi.week_start(date(2026, 3, 4)) == date(2026, 3, 2)
    assert kpi.week_start(date(2026, 3, 2)) == date(2026, 3, 2)


def test_bucket_rates_fall_back_to_the_overall_rate_then_to_one():
    rates = kpi.bucket_rates({"not_due": 1000, "1_30": 500}, {"not_due": 800, "1_30": 100},
                             ["not_due", "1_30", "90_plus"])
    assert rates == {"not_due": 0.8, "1_30": 0.2, "90_plus": pytest.approx(900 / 1500)}
    assert kpi.bucket_rates({}, {}, ["not_due"]) == {"not_due": 1.0}
    assert kpi.bucket_rates({"1_30": 100}, {"1_30": 150}, ["1_30"]) == {"1_30": 1.0}, "capped at 100%"


def test_forecast_by_week():
    today = date(2026, 3, 4)   # a Wednesday: the first week starts on Monday 2 March
    items = [
        ForecastItem("due", date(2026, 2, 10), 1000.0, 0.5),     # overdue: expected this week
        ForecastItem("due", date(2026, 3, 10), 400.0, 0.9),      # next week
        ForecastItem("promise", date(2026, 3, 6), 300.0, 0.6),   # this week
        ForecastItem("plan", date(2026, 3, 16), 200.0, 1.0),     # the week after
        ForecastItem("due", date(2026, 6, 1), 999.0, 1.0),       # beyond the horizon
    ]
    rows = kpi.forecast_by_week(items, today, 3)
    assert [row["week"] for row in rows] == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert (rows[0]["due_amount"], rows[0]["due_expected"]) == (1000.0, 500.0)
    assert (rows[0]["promise_amount"], rows[0]["promise_expected"]) == (300.0, pytest.approx(180.0))
    assert rows[0]["expected"] == pytest.approx(680.0)
    assert rows[1]["expected"] == pytest.approx(360.0)
    assert (rows[2]["plan_amount"], rows[2]["expected"]) == (200.0, 200.0)


def test_credit_score_penalties():
    assert kpi.credit_score(PaymentBehaviour(0, 0, 0, 0)) == 100.0
    # 45 days late: 20 points; half overdue: 15; one broken promise: 10; one dispute: 5 -> 50.
    assert kpi.credit_score(PaymentBehaviour(45, 0.5, 1, 1)) == 50.0
    # every penalty at its cap: 40 + 30 + 20 + 10 -> 0.
    assert kpi.credit_score(PaymentBehaviour(400, 2.0, 9, 9)) == 0.0


def test_pick_grade_with_adjustment():
    grades = [(code, lowest) for code, lowest, _months in kpi.DEFAULT_GRADES]
    assert kpi.pick_grade(100, grades) == "AAA"
    assert kpi.pick_grade(72.5, grades) == "BBB"
    assert kpi.pick_grade(72.5, grades, adjustment=1) == "A", "one notch up"
    assert kpi.pick_grade(72.5, grades, adjustment=-2) == "B", "two notches down"
    assert kpi.pick_grade(5, grades) == "D"
    assert kpi.pick_grade(100, grades, adjustment=3) == "AAA", "within the table"
    assert kpi.pick_grade(5, grades, adjustment=-3) == "D"
    assert kpi.pick_grade(50, []) is None


def test_recommended_limit():
    assert kpi.recommended_limit(12345.0, 2.0) == 24600.0, "rounded down to a multiple of 100"
    assert kpi.recommended_limit(12345.0, 2.0, cap=20000.0) == 20000.0
    assert kpi.recommended_limit(12345.0, 0.0) == 0.0

