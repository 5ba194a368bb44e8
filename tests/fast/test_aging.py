from datetime import date

from tools.aging import AGING_BUCKETS, aging_bucket, days_overdue


def test_buckets_keys_and_labels_in_order():
    assert AGING_BUCKETS == (
        ('not_due', 'Not due'),
        ('1_30', '1-30 days'),
        ('31_60', '31-60 days'),
        ('61_90', '61-90 days'),
        ('90_plus', 'Over 90 days'),
    )


def test_days_overdue_on_due_date_is_zero():
    assert days_overdue(date(2026, 1, 31), date(2026, 1, 31)) == 0


def test_days_overdue_before_due_is_negative():
    assert days_overdue(date(2026, 1, 31), date(2026, 1, 26)) == -5


def test_days_overdue_across_month_end():
    # 31 Jan -> 3 Mar 2026: 28 days of February + 3 = 31
    assert days_overdue(date(2026, 1, 31), date(2026, 3, 3)) == 31


def test_days_overdue_across_leap_february():
    # 2028 is a leap year: 29 Feb counts, 31 Jan -> 1 Mar = 30 days
    assert days_overdue(date(2028, 1, 31), date(2028, 3, 1)) == 30


def test_bucket_not_due():
    assert aging_bucket(-10) == 'not_due'
    assert aging_bucket(0) == 'not_due'


def test_bucket_1_30_edges():
    assert aging_bucket(1) == '1_30'
    assert aging_bucket(30) == '1_30'


def test_bucket_31_60_edges():
    assert aging_bucket(31) == '31_60'
    assert aging_bucket(60) == '31_60'


def test_bucket_61_90_edges():
    assert aging_bucket(61) == '61_90'
    assert aging_bucket(90) == '61_90'


def test_bucket_over_90():
    assert aging_bucket(91) == '90_plus'
    assert aging_bucket(1000) == '90_plus'


def test_every_bucket_key_is_listed():
    keys = {key for key, _label in AGING_BUCKETS}
    assert {aging_bucket(days) for days in range(-5, 200)} == keys
