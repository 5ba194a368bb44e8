from datetime import UTC, date, datetime

from tools.dates import local_today, zone_name


def test_the_day_follows_the_company_clock():
    evening_utc = datetime(2026, 3, 1, 20, 0)   # Sunday 20:00 UTC is Monday 04:00 in Shanghai
    assert local_today(evening_utc, 'Asia/Shanghai') == date(2026, 3, 2)
    assert local_today(evening_utc, 'America/New_York') == date(2026, 3, 1)
    assert local_today(evening_utc, 'UTC') == date(2026, 3, 1)


def test_aware_instants_are_taken_as_they_are():
    assert local_today(datetime(2026, 3, 1, 20, 0, tzinfo=UTC), 'Asia/Shanghai') == date(2026, 3, 2)


def test_missing_or_unknown_zone_is_utc():
    evening_utc = datetime(2026, 3, 1, 20, 0)
    assert local_today(evening_utc, None) == date(2026, 3, 1)
    assert local_today(evening_utc, 'Mars/Olympus_Mons') == date(2026, 3, 1)
    assert zone_name('') == 'UTC'
    assert zone_name('Not/AZone') == 'UTC'
    assert zone_name('Europe/Berlin') == 'Europe/Berlin'


def test_daylight_saving_day_boundaries():
    # 23:30 UTC on 28 March 2026 is 00:30 on the 29th in Berlin (CET, +1); a day later it is 01:30 (CEST, +2).
    assert local_today(datetime(2026, 3, 28, 23, 30), 'Europe/Berlin') == date(2026, 3, 29)
    assert local_today(datetime(2026, 3, 29, 21, 59), 'Europe/Berlin') == date(2026, 3, 29)
    assert local_today(datetime(2026, 3, 29, 22, 0), 'Europe/Berlin') == date(2026, 3, 30)
