from datetime import date, timedelta

from tools.aging import BUCKET_STARTS, aging_bucket
from tools.calendar_actions import ActionWindow, CalendarAction, Episode, due_actions, next_letter_day
from tools.next_check import MAX_QUIET_DAYS, change_thresholds, next_check_day

TODAY = date(2026, 3, 2)   # a Monday
LADDER_DAYS = (-5, 1, 31, 61, 91)
THRESHOLDS = change_thresholds(LADDER_DAYS)
REMINDER_1 = CalendarAction(11, ActionWindow(3, 7), letter=True)
REMINDER_2 = CalendarAction(12, ActionWindow(15, 20), letter=True)
CALENDAR = (CalendarAction(2, ActionWindow(1, 7)), REMINDER_1, REMINDER_2)


def days_ago(days):
    return TODAY - timedelta(days=days)


def test_the_buckets_change_on_their_first_days():
    changes = [days for days in range(-10, 200) if aging_bucket(days) != aging_bucket(days - 1)]
    assert tuple(changes) == BUCKET_STARTS


def test_thresholds_are_the_buckets_and_the_stages_once_each():
    assert THRESHOLDS == (-5, 1, 31, 61, 91)
    assert change_thresholds((10, 45)) == (1, 10, 31, 45, 61, 91)


def test_the_next_check_is_the_first_invoice_to_reach_another_bucket_or_stage():
    # 20 days overdue: day 31 in 11 days; due in 3 days: day 1 in 4 days
    assert next_check_day(TODAY, [days_ago(20), days_ago(-3)], THRESHOLDS) == TODAY + timedelta(days=4)
    assert next_check_day(TODAY, [days_ago(20)], THRESHOLDS) == TODAY + timedelta(days=11)
    # on a threshold today: the next one
    assert next_check_day(TODAY, [days_ago(31)], (31, 45)) == TODAY + timedelta(days=14)


def test_an_invoice_past_every_threshold_is_looked_at_again_within_the_longest_quiet():
    assert next_check_day(TODAY, [days_ago(400), None], THRESHOLDS) == TODAY + timedelta(days=MAX_QUIET_DAYS)


def test_other_days_count_and_a_past_one_means_tomorrow():
    tomorrow = TODAY + timedelta(days=1)
    assert next_check_day(TODAY, [days_ago(20)], THRESHOLDS, other_days=[TODAY + timedelta(days=5), None]) \
        == TODAY + timedelta(days=5)
    assert next_check_day(TODAY, [days_ago(20)], THRESHOLDS, other_days=[days_ago(3)]) == tomorrow
    assert next_check_day(TODAY, [days_ago(20)], THRESHOLDS, tomorrow_anyway=True) == tomorrow


def test_the_next_letter_waits_for_its_window_and_the_spacing():
    never = Episode()
    assert next_letter_day(CALENDAR, anchor=days_ago(1), episode=never) == days_ago(1) + timedelta(days=3)
    sent = Episode(started=days_ago(2), fired={REMINDER_1.id: days_ago(2)})
    # the window of the second letter opens on day 15 (in 5 days); the spacing of 14 days ends later
    assert next_letter_day(CALENDAR, anchor=days_ago(10), episode=sent, letter_spacing=14) == days_ago(2) + \
        timedelta(days=14)
    assert next_letter_day(CALENDAR, anchor=days_ago(10), episode=sent, letter_spacing=0) == days_ago(10) + \
        timedelta(days=15)
    both = Episode(started=days_ago(9), fired={REMINDER_1.id: days_ago(9), REMINDER_2.id: days_ago(1)})
    assert next_letter_day(CALENDAR, anchor=days_ago(30), episode=both) is None


def test_no_letter_is_due_before_its_next_letter_day():
    """`due_actions` and `next_letter_day` agree: the letter falls due on that day and not the day before."""
    sent = Episode(started=days_ago(2), fired={REMINDER_1.id: days_ago(2)})
    anchor = days_ago(10)
    day = next_letter_day(CALENDAR, anchor=anchor, episode=sent, letter_spacing=7)

    def letter_due(today):
        return REMINDER_2.id in {action.action_id for action in due_actions(
            CALENDAR, days=(today - anchor).days, anchor=anchor, today=today, working_day=True, episode=sent,
            letter_spacing=7)}

    assert letter_due(day)
    assert not letter_due(day - timedelta(days=1))
