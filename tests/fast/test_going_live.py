from datetime import date, timedelta

from tools.calendar_actions import ActionWindow, CalendarAction, DueAction, Episode, due_actions
from tools.going_live import NewCustomer, start_today
from tools.stages import soft_collection_failed, soft_collection_lacks

TODAY = date(2026, 3, 2)   # a Monday
PRE_DUE_EMAIL = CalendarAction(1, ActionWindow(-3, -1))
CALL_WEEK_1 = CalendarAction(2, ActionWindow(1, 7))
FOLLOW_UP = CalendarAction(3, ActionWindow(61, None, 1))
REMINDER_1 = CalendarAction(11, ActionWindow(3, 7), letter=True)
REMINDER_2 = CalendarAction(12, ActionWindow(15, 20), letter=True)
REMINDER_3 = CalendarAction(13, ActionWindow(30, 45), letter=True)
LAWYER = CalendarAction(14, ActionWindow(60, None), letter=True)
CALENDAR = (PRE_DUE_EMAIL, CALL_WEEK_1, FOLLOW_UP, REMINDER_1, REMINDER_2, REMINDER_3, LAWYER)


NEVER_CHASED = Episode()


def due(days, episode=NEVER_CHASED, today=TODAY, spacing=7, working_day=True):
    return due_actions(CALENDAR, days=days, anchor=today - timedelta(days=days), today=today,
                       working_day=working_day, episode=episode, letter_spacing=spacing)


def ids(actions):
    return {action.action_id for action in actions}


def test_never_chased_customer_starts_with_the_first_reminder_whatever_its_age():
    assert ids(due(120)) == {REMINDER_1.id, FOLLOW_UP.id}
    assert LAWYER.id not in ids(due(400))


def test_letters_follow_their_sequence_with_a_minimum_spacing():
    sent_r1 = Episode(started=TODAY - timedelta(days=3), fired={REMINDER_1.id: TODAY - timedelta(days=3)})
    assert ids(due(123, sent_r1)) == {FOLLOW_UP.id}, "three days after the first reminder: too early"
    sent_r1 = Episode(started=TODAY - timedelta(days=7), fired={REMINDER_1.id: TODAY - timedelta(days=7)})
    assert ids(due(127, sent_r1)) == {REMINDER_2.id, FOLLOW_UP.id}
    before_lawyer = Episode(started=TODAY - timedelta(days=30), fired={
        REMINDER_1.id: TODAY - timedelta(days=30), REMINDER_2.id: TODAY - timedelta(days=20),
        REMINDER_3.id: TODAY - timedelta(days=10)})
    assert ids(due(150, before_lawyer)) == {LAWYER.id, FOLLOW_UP.id}


def test_a_letter_waits_for_its_own_window():
    sent_r1 = Episode(started=TODAY - timedelta(days=9), fired={REMINDER_1.id: TODAY - timedelta(days=9)})
    assert REMINDER_2.id not in ids(due(14, sent_r1))
    assert REMINDER_2.id in ids(due(15, sent_r1))
    assert ids(due(2)) == {CALL_WEEK_1.id}, "the first reminder from day 3"


def test_no_letter_after_the_last_one():
    everything = Episode(started=TODAY - timedelta(days=90), fired={
        letter.id: TODAY - timedelta(days=90 - 10 * n) for n, letter in enumerate(
            (REMINDER_1, REMINDER_2, REMINDER_3, LAWYER))})
    assert ids(due(150, everything)) == {FOLLOW_UP.id}


def test_a_letter_is_keyed_by_its_episode_other_actions_by_their_period():
    started = TODAY - timedelta(days=20)
    episode = Episode(started=started, fired={REMINDER_1.id: started})
    letter = next(a for a in due(127, episode) if a.action_id == REMINDER_2.id)
    assert (letter.key_day, letter.slot, letter.overdue) == (started, 0, True)
    first = next(a for a in due(5) if a.action_id == REMINDER_1.id)
    assert first.key_day == TODAY, "a customer never chased starts its episode today"
    follow_up = next(a for a in due(65) if a.action_id == FOLLOW_UP.id)
    assert follow_up == DueAction(FOLLOW_UP.id, TODAY - timedelta(days=65), 4, overdue=True)


def test_pre_due_reminder_does_not_start_an_episode():
    (email,) = due(-2)
    assert email.action_id == PRE_DUE_EMAIL.id
    assert not email.overdue


def test_nothing_on_a_day_off():
    assert due(120, working_day=False) == []


def test_soft_collection_needs_chasing_carried_out_over_a_minimum_period():
    assert soft_collection_failed(0, 3, 3, chasing_days=30, min_days=30)
    assert not soft_collection_failed(0, 3, 3, chasing_days=29, min_days=30)
    assert not soft_collection_failed(0, 2, 3, chasing_days=90, min_days=30)
    assert soft_collection_failed(1, 0, 3, chasing_days=0, min_days=30), "a broken promise is enough"
    since = date(2026, 3, 2)
    assert soft_collection_lacks(0, 3, min_days=30) == (3, 30, None), "not begun: the days as a count"
    assert soft_collection_lacks(1, 3, since, date(2026, 3, 14), min_days=30) == (2, 0, date(2026, 4, 1))
    assert soft_collection_lacks(1, 3, since, date(2026, 3, 31), min_days=30) == (2, 0, date(2026, 4, 1)), \
        "the same words the next days"
    assert soft_collection_lacks(5, 3, since, date(2026, 4, 11), min_days=30) == (0, 0, None)
    assert soft_collection_lacks(5, 0) == (None, 0, None)


def test_new_customers_are_spread_over_days_per_collector():
    candidates = [NewCustomer(n, 'alice', cap=2, claim=100.0 * n) for n in range(1, 6)]
    candidates += [NewCustomer(10 + n, 'bob', cap=2, claim=10.0) for n in range(2)]
    assert start_today(candidates, {}) == {5, 4, 10, 11}
    assert start_today(candidates, {'alice': 1}) == {5, 10, 11}
    assert start_today(candidates, {'alice': 2, 'bob': 2}) == set()


def test_no_cap_starts_everyone():
    candidates = [NewCustomer(n, None, cap=0) for n in range(100)]
    assert len(start_today(candidates, {None: 1000})) == 100


def test_the_oldest_debt_first_between_equal_claims():
    candidates = [NewCustomer('young', 'alice', cap=1, claim=50.0, days=10),
                  NewCustomer('old', 'alice', cap=1, claim=50.0, days=200)]
    assert start_today(candidates, {}) == {'old'}


EMAIL_WEEK_2 = CalendarAction(4, ActionWindow(8, 14))
EVERY_3_DAYS = CalendarAction(5, ActionWindow(8, 30, 3))
WITH_EMAIL = (*CALENDAR, EMAIL_WEEK_2, EVERY_3_DAYS)


def due_with_email(days, episode, today=TODAY):
    return due_actions(WITH_EMAIL, days=days, anchor=today - timedelta(days=days), today=today,
                       working_day=True, episode=episode, letter_spacing=7)


def test_the_calendar_does_not_go_backwards_after_a_payment():
    # The customer reached 70 days and got every letter; paying its oldest invoices brings it down to 10 days.
    started = TODAY - timedelta(days=65)
    episode = Episode(started=started, peak_days=70, fired={
        REMINDER_1.id: started, REMINDER_2.id: started + timedelta(days=12),
        REMINDER_3.id: started + timedelta(days=27), LAWYER.id: started + timedelta(days=57)})
    assert ids(due_with_email(10, episode)) == {EVERY_3_DAYS.id}, "no week-2 email again; the follow-ups go on"
    assert ids(due_with_email(35, episode)) == set(), "no third reminder after the lawyer letter"
    never_sent = Episode(started=started, peak_days=70)
    assert EMAIL_WEEK_2.id not in ids(due_with_email(10, never_sent)), "a window passed during a pause"
    assert ids(due_with_email(71, episode)) == {FOLLOW_UP.id}, "what is ahead goes on"


def test_a_once_only_action_is_done_once_an_episode_whatever_the_oldest_due_date():
    episode = Episode(started=TODAY - timedelta(days=3), peak_days=9,
                      fired={EMAIL_WEEK_2.id: TODAY - timedelta(days=1)})
    assert EMAIL_WEEK_2.id not in ids(due_with_email(9, episode))
    (email,) = [a for a in due_with_email(9, Episode(started=TODAY - timedelta(days=3), peak_days=9))
                if a.action_id == EMAIL_WEEK_2.id]
    assert (email.key_day, email.slot) == (TODAY - timedelta(days=3), 0)


def test_nothing_twice_the_same_day_when_the_oldest_due_date_moves():
    # The follow-up of today was logged for an older anchor; a payment moved the anchor: not again today.
    episode = Episode(started=TODAY - timedelta(days=20), peak_days=20, fired={EVERY_3_DAYS.id: TODAY})
    assert EVERY_3_DAYS.id not in ids(due_with_email(11, episode))
    yesterday = Episode(started=TODAY - timedelta(days=20), peak_days=20,
                        fired={EVERY_3_DAYS.id: TODAY - timedelta(days=1)})
    assert EVERY_3_DAYS.id in ids(due_with_email(11, yesterday))
