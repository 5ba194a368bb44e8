from datetime import date

import pytest

from tools.calendar_actions import (
    ActionWindow,
    action_slot,
    dedup_key,
    fires_today,
    next_slot_day,
    slot_bounds,
    slot_due_date,
)

FIRST_REMINDER = ActionWindow(day_from=3, day_to=7)
SECOND_REMINDER = ActionWindow(day_from=15, day_to=20)
EVERY_3_DAYS = ActionWindow(day_from=8, day_to=30, repeat_every=3)
EVERY_2_DAYS = ActionWindow(day_from=31, day_to=60, repeat_every=2)
DAILY_OPEN = ActionWindow(day_from=61, day_to=None, repeat_every=1)
PRE_DUE = ActionWindow(day_from=-3, day_to=-1)

# A Wednesday: due + 3 days is Saturday 31 Jan 2026.
DUE_WEDNESDAY = date(2026, 1, 28)


def weekday_only(day: date) -> bool:
    return day.weekday() < 5


def test_window_rejects_end_before_start():
    with pytest.raises(ValueError):
        ActionWindow(day_from=7, day_to=3)


def test_window_rejects_negative_repeat():
    with pytest.raises(ValueError):
        ActionWindow(day_from=1, day_to=5, repeat_every=-1)


def test_window_of_a_single_day_is_valid():
    assert action_slot(5, ActionWindow(day_from=5, day_to=5)) == 0


@pytest.mark.parametrize(
    ('days', 'first', 'second'),
    [
        (2, None, None),
        (3, 0, None),
        (7, 0, None),
        (8, None, None),
        (15, None, 0),
        (20, None, 0),
        (21, None, None),
    ],
)
def test_once_only_window_edges(days, first, second):
    assert action_slot(days, FIRST_REMINDER) == first
    assert action_slot(days, SECOND_REMINDER) == second


@pytest.mark.parametrize(
    ('days', 'slot'),
    [(7, None), (8, 0), (10, 0), (11, 1), (29, 7), (30, 7), (31, None)],
)
def test_every_3_days_band(days, slot):
    # slot = (days - 8) // 3, e.g. 30 -> 22 // 3 = 7
    assert action_slot(days, EVERY_3_DAYS) == slot


@pytest.mark.parametrize(
    ('days', 'slot'),
    [(30, None), (31, 0), (32, 0), (33, 1), (60, 14), (61, None)],
)
def test_every_2_days_band(days, slot):
    # slot = (days - 31) // 2, e.g. 60 -> 29 // 2 = 14
    assert action_slot(days, EVERY_2_DAYS) == slot


@pytest.mark.parametrize(('days', 'slot'), [(60, None), (61, 0), (65, 4), (500, 439)])
def test_daily_open_band(days, slot):
    assert action_slot(days, DAILY_OPEN) == slot


@pytest.mark.parametrize(('days', 'slot'), [(-4, None), (-3, 0), (-1, 0), (0, None)])
def test_pre_due_window(days, slot):
    assert action_slot(days, PRE_DUE) == slot


def test_open_once_only_window():
    window = ActionWindow(day_from=91, day_to=None)
    assert action_slot(90, window) is None
    assert action_slot(91, window) == 0
    assert action_slot(5000, window) == 0


def test_slot_due_date_once_only():
    assert slot_due_date(date(2026, 1, 31), FIRST_REMINDER, 0) == date(2026, 2, 3)


def test_slot_due_date_repeating():
    # 31 Jan + (8 + 2 * 3) = 31 Jan + 14 days = 14 Feb
    assert slot_due_date(date(2026, 1, 31), EVERY_3_DAYS, 2) == date(2026, 2, 14)


def test_slot_due_date_pre_due():
    assert slot_due_date(date(2026, 1, 31), PRE_DUE, 0) == date(2026, 1, 28)


def test_slot_bounds_once_only():
    assert slot_bounds(date(2026, 1, 31), FIRST_REMINDER, 0) == (date(2026, 2, 3), date(2026, 2, 7))


def test_slot_bounds_open_once_only_has_no_end():
    window = ActionWindow(day_from=91, day_to=None)
    # 31 Jan + 91 days: 28 (Feb) + 31 (Mar) + 30 (Apr) = 89 -> 30 Apr is +89, 2 May is +91
    assert slot_bounds(date(2026, 1, 31), window, 0) == (date(2026, 5, 2), None)


def test_slot_bounds_repeating_full_period():
    # slot 1 of 8-30/3 covers days 11..13 -> 11 Feb .. 13 Feb for a 31 Jan due date
    assert slot_bounds(date(2026, 1, 31), EVERY_3_DAYS, 1) == (date(2026, 2, 11), date(2026, 2, 13))


def test_slot_bounds_clamps_last_slot_to_window_end():
    # slot 7 starts at day 8 + 21 = 29 and would run to day 31, but the band ends at day 30
    assert slot_bounds(date(2026, 1, 31), EVERY_3_DAYS, 7) == (date(2026, 3, 1), date(2026, 3, 2))


def test_slot_bounds_daily_open_band():
    # day 61 + 4 = 65: 31 Jan + 65 days = 6 Apr
    assert slot_bounds(date(2026, 1, 31), DAILY_OPEN, 4) == (date(2026, 4, 6), date(2026, 4, 6))


def test_weekend_start_fires_first_on_monday():
    start, end = slot_bounds(DUE_WEDNESDAY, FIRST_REMINDER, 0)
    assert (start, end) == (date(2026, 1, 31), date(2026, 2, 4))
    assert start.weekday() == 5  # Saturday
    saturday, sunday, monday = date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 2)
    assert not fires_today(saturday, start, end, weekday_only)
    assert not fires_today(sunday, start, end, weekday_only)
    assert fires_today(monday, start, end, weekday_only)


def test_missed_working_day_catches_up_later_in_slot():
    start, end = slot_bounds(DUE_WEDNESDAY, FIRST_REMINDER, 0)
    # Monday 2 Feb was missed: Tuesday and Wednesday (last day of the slot) still fire.
    assert fires_today(date(2026, 2, 3), start, end, weekday_only)
    assert fires_today(date(2026, 2, 4), start, end, weekday_only)


def test_no_fire_after_slot_end():
    start, end = slot_bounds(DUE_WEDNESDAY, FIRST_REMINDER, 0)
    assert not fires_today(date(2026, 2, 5), start, end, weekday_only)


def test_no_fire_before_slot_start():
    start, end = slot_bounds(DUE_WEDNESDAY, FIRST_REMINDER, 0)
    assert not fires_today(date(2026, 1, 30), start, end, weekday_only)


def test_slot_entirely_on_weekend_never_fires():
    saturday, sunday = date(2026, 1, 31), date(2026, 2, 1)
    assert not fires_today(saturday, saturday, sunday, weekday_only)
    assert not fires_today(sunday, saturday, sunday, weekday_only)


def test_open_slot_fires_any_later_working_day():
    assert fires_today(date(2027, 6, 1), date(2026, 5, 2), None, weekday_only)


def test_dedup_key_format():
    assert dedup_key(12, 1, 5, date(2026, 1, 31), 0) == 'p12-c1-a5-2026-01-31-s0'


def test_dedup_key_differs_per_slot():
    anchor = date(2026, 1, 31)
    assert dedup_key(12, 1, 5, anchor, 0) != dedup_key(12, 1, 5, anchor, 1)


def test_dedup_key_pads_dates():
    assert dedup_key(3, 2, 7, date(2026, 3, 4), 14) == 'p3-c2-a7-2026-03-04-s14'


def test_next_slot_day_before_window_is_its_first_day():
    assert next_slot_day(1, ActionWindow(3, 7)) == 3


def test_next_slot_day_once_only_window_has_none_left_inside():
    assert next_slot_day(3, ActionWindow(3, 7)) is None


def test_next_slot_day_repeating_band():
    # band 8-30 every 3: periods start on 8, 11, 14, ... 29; day 10 is in the period of 8, next is 11
    assert next_slot_day(10, ActionWindow(8, 30, 3)) == 11
    # day 29 is the last period (29-30): nothing after it inside the band
    assert next_slot_day(29, ActionWindow(8, 30, 3)) is None


def test_next_slot_day_open_ended_daily():
    assert next_slot_day(70, ActionWindow(61, None, 1)) == 71
