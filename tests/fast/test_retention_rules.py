from datetime import date

from tools.retention import is_retained, retained_until


def test_kept_years_after_the_last_invoice_is_settled():
    settled = [date(2026, 3, 2), date(2026, 6, 30)]
    assert retained_until(settled, 5) == date(2031, 6, 30)
    assert is_retained(date(2031, 6, 30), settled, 5)
    assert not is_retained(date(2031, 7, 1), settled, 5)
    assert retained_until(settled, 10) == date(2036, 6, 30)


def test_kept_without_end_while_an_invoice_is_open_or_unknown():
    assert retained_until([date(2020, 1, 1), None], 5) is None
    assert retained_until([], 5) is None
    assert is_retained(date(2099, 1, 1), [None], 5)


def test_leap_day():
    assert retained_until([date(2028, 2, 29)], 5) == date(2033, 2, 28)
