from datetime import UTC, datetime

import pytest

from tools.quiet_hours import quiet_until


def shanghai(hour: int, minute: int = 0) -> datetime:
    """Aware UTC instant of a local Shanghai wall time on 10 Mar 2026 (UTC+8, no DST)."""
    # Local 10 Mar hh:mm = UTC (hh - 8):mm, which is 9 Mar when hh < 8.
    day, utc_hour = (10, hour - 8) if hour >= 8 else (9, hour + 16)
    return datetime(2026, 3, day, utc_hour, minute, tzinfo=UTC)


def test_shanghai_23h_quiet_until_next_morning():
    # Local 23:00 10 Mar -> ends 08:00 11 Mar local = 00:00 11 Mar UTC
    assert quiet_until(shanghai(23), 'Asia/Shanghai') == datetime(2026, 3, 11, 0, 0)


def test_shanghai_7h59_quiet_until_same_morning():
    # Local 07:59 10 Mar -> ends 08:00 10 Mar local = 00:00 10 Mar UTC
    assert quiet_until(shanghai(7, 59), 'Asia/Shanghai') == datetime(2026, 3, 10, 0, 0)


def test_shanghai_8h_not_quiet():
    assert quiet_until(shanghai(8), 'Asia/Shanghai') is None


def test_shanghai_21h59_not_quiet():
    assert quiet_until(shanghai(21, 59), 'Asia/Shanghai') is None


def test_shanghai_22h_quiet():
    assert quiet_until(shanghai(22), 'Asia/Shanghai') == datetime(2026, 3, 11, 0, 0)


def test_result_is_naive_utc():
    assert quiet_until(shanghai(23), 'Asia/Shanghai').tzinfo is None


def test_naive_now_means_utc():
    naive = shanghai(23).replace(tzinfo=None)
    assert quiet_until(naive, 'Asia/Shanghai') == datetime(2026, 3, 11, 0, 0)


def test_half_hour_end():
    # Local 23:00 -> ends 08:30 11 Mar local = 00:30 UTC
    assert quiet_until(shanghai(23), 'Asia/Shanghai', 22.0, 8.5) == datetime(2026, 3, 11, 0, 30)


def test_half_hour_end_at_8h15_still_quiet():
    assert quiet_until(shanghai(8, 15), 'Asia/Shanghai', 22.0, 8.5) == datetime(2026, 3, 10, 0, 30)


def test_berlin_spring_forward():
    # Sat 28 Mar 2026 23:00 CET (UTC+1) = 22:00 UTC; clocks go forward on Sun 29 Mar,
    # so 08:00 local that morning is CEST (UTC+2) = 06:00 UTC, not 07:00.
    now = datetime(2026, 3, 28, 22, 0, tzinfo=UTC)
    assert quiet_until(now, 'Europe/Berlin') == datetime(2026, 3, 29, 6, 0)


def test_berlin_fall_back():
    # Sat 24 Oct 2026 23:00 CEST (UTC+2) = 21:00 UTC; clocks go back on Sun 25 Oct,
    # so 08:00 local that morning is CET (UTC+1) = 07:00 UTC.
    now = datetime(2026, 10, 24, 21, 0, tzinfo=UTC)
    assert quiet_until(now, 'Europe/Berlin') == datetime(2026, 10, 25, 7, 0)


def test_berlin_winter_evening_before_start_not_quiet():
    # 20:59 UTC in January = 21:59 CET
    assert quiet_until(datetime(2026, 1, 15, 20, 59, tzinfo=UTC), 'Europe/Berlin') is None


@pytest.mark.parametrize('tz_name', [None, '', 'Mars/Olympus_Mons', '../etc/passwd'])
def test_missing_or_unknown_tz_falls_back_to_utc(tz_name):
    # 23:00 UTC -> quiet until 08:00 UTC next day
    now = datetime(2026, 3, 10, 23, 0, tzinfo=UTC)
    assert quiet_until(now, tz_name) == datetime(2026, 3, 11, 8, 0)


def test_unknown_tz_daytime_not_quiet():
    assert quiet_until(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), 'No/Such_Zone') is None


def test_same_day_period_inside():
    # 12:00-14:00 UTC lunch break, now 13:30 -> ends 14:00 the same day
    now = datetime(2026, 3, 10, 13, 30, tzinfo=UTC)
    assert quiet_until(now, 'UTC', 12.0, 14.0) == datetime(2026, 3, 10, 14, 0)


def test_same_day_period_start_is_quiet():
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert quiet_until(now, 'UTC', 12.0, 14.0) == datetime(2026, 3, 10, 14, 0)


def test_same_day_period_end_is_not_quiet():
    assert quiet_until(datetime(2026, 3, 10, 14, 0, tzinfo=UTC), 'UTC', 12.0, 14.0) is None


def test_same_day_period_night_is_not_quiet():
    assert quiet_until(datetime(2026, 3, 10, 23, 0, tzinfo=UTC), 'UTC', 12.0, 14.0) is None


def test_same_day_period_in_customer_zone():
    # 05:00 UTC = 13:00 Shanghai -> ends 14:00 Shanghai = 06:00 UTC
    now = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)
    assert quiet_until(now, 'Asia/Shanghai', 12.0, 14.0) == datetime(2026, 3, 10, 6, 0)


@pytest.mark.parametrize('hour', [0, 8, 12, 22, 23])
def test_start_equal_end_never_quiet(hour):
    assert quiet_until(datetime(2026, 3, 10, hour, 0, tzinfo=UTC), 'UTC', 8.0, 8.0) is None


def test_hour_out_of_range_rejected():
    with pytest.raises(ValueError):
        quiet_until(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), 'UTC', 22.0, 24.5)


def test_customer_timezone_falls_back_to_the_company_then_the_country():
    from tools.quiet_hours import customer_timezone

    assert customer_timezone('Europe/Paris', 'Asia/Shanghai', ['Asia/Shanghai']) == 'Europe/Paris'
    # same country (or none given): the company's zone
    assert customer_timezone(None, 'Asia/Shanghai', ['Asia/Shanghai', 'Asia/Urumqi']) == 'Asia/Shanghai'
    # another country: its main zone rather than the company's
    assert customer_timezone(None, 'Asia/Shanghai', ['Europe/Berlin', 'Europe/Busingen'],
                             same_country_as_company=False) == 'Europe/Berlin'
    # a company without a zone: the country's
    assert customer_timezone(None, None, ['Asia/Shanghai']) == 'Asia/Shanghai'
    assert customer_timezone(None, 'Asia/Shanghai', [], same_country_as_company=False) == 'Asia/Shanghai'
    assert customer_timezone(None, None, []) == 'UTC'
