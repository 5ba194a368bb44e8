from datetime import date
from decimal import Decimal

import pytest

from tools.legal_deadlines import (
    NO_OFF_DAYS,
    PRESETS,
    Event,
    LegalDeadlineError,
    OffDays,
    alert_threshold,
    earliest_possible_due,
    judgment,
    late_performance_interest,
    limitation,
    next_recheck,
    preservation,
    preservation_security,
    recheck_dates,
    renewed_expiry,
    termination_earliest,
)

PRC, DE, UK, US, EU = (PRESETS[code] for code in ('prc', 'de', 'uk', 'us_ucc', 'eu'))
WEEKENDS = OffDays()
# 2026 National Day holiday (1-7 October) and Qingming (4-6 April), on top of weekends.
NATIONAL_DAY = frozenset(date(2026, 10, day) for day in range(1, 8))
QINGMING = frozenset(date(2026, 4, day) for day in (4, 5, 6))


# ---------------------------------------------------------------- limitation: PRC


def test_prc_three_years_from_the_due_date():
    # Due Fri 31 Mar 2023: 3 years end on the corresponding day, Tue 31 Mar 2026 (a working day).
    # Long stop 20 years: 31 Mar 2043. Recommend suit 60 days before: 31 Mar - 31 d = 28 Feb, - 29 d = 30 Jan 2026.
    result = limitation(PRC, date(2023, 3, 31), off_days=WEEKENDS)
    assert (result.status, result.deadline, result.basis, result.basis_day) == (
        'running', date(2026, 3, 31), 'due', date(2023, 3, 31))
    assert result.long_stop == date(2043, 3, 31)
    assert result.recommend_from == date(2026, 1, 30)
    assert not result.unproven and not result.capped


def test_prc_deadline_on_a_rest_day_or_holiday_moves_to_the_next_working_day():
    # Due 28 Feb 2023 + 3 y = Sat 28 Feb 2026 -> Mon 2 Mar 2026 (CC 203).
    assert limitation(PRC, date(2023, 2, 28), off_days=WEEKENDS).deadline == date(2026, 3, 2)
    # ...unless that Saturday is a working day in lieu (调休).
    made_working = OffDays(workdays=frozenset({date(2026, 2, 28)}))
    assert limitation(PRC, date(2023, 2, 28), off_days=made_working).deadline == date(2026, 2, 28)
    # Due 1 Oct 2023 + 3 y = Thu 1 Oct 2026, National Day 1-7 Oct -> Thu 8 Oct 2026.
    holidays = OffDays(holidays=NATIONAL_DAY)
    assert limitation(PRC, date(2023, 10, 1), off_days=holidays).deadline == date(2026, 10, 8)


def test_prc_proven_demand_restarts_and_unproven_one_is_flagged():
    # Demand arrived Mon 10 Jun 2024, proven: 3 years from it, Thu 10 Jun 2027.
    # A second demand arrived Tue 20 May 2025 without proof of delivery: it does not count; if proven it would give
    # 20 May 2028, a Saturday -> Mon 22 May 2028.
    events = [Event('demand', date(2024, 6, 10), proven=True), Event('demand', date(2025, 5, 20), proven=False)]
    result = limitation(PRC, date(2023, 3, 31), events, off_days=WEEKENDS)
    assert (result.deadline, result.basis, result.basis_day) == (date(2027, 6, 10), 'demand', date(2024, 6, 10))
    assert result.unproven == (events[1],)
    assert result.unproven_deadline == date(2028, 5, 22)


def test_prc_unproven_only_event_leaves_the_due_date_basis():
    result = limitation(PRC, date(2023, 3, 31), [Event('demand', date(2024, 6, 10), proven=False)],
                        off_days=WEEKENDS)
    assert (result.deadline, result.basis) == (date(2026, 3, 31), 'due')
    # If it were proven: Thu 10 Jun 2027.
    assert result.unproven_deadline == date(2027, 6, 10)
    assert result.as_deadline().ambiguities == ('unproven_event',)
    # The holidays of 2026 not loaded either: both reasons are given, the calendar's first.
    result = limitation(PRC, date(2023, 3, 31), [Event('demand', date(2024, 6, 10), proven=False)],
                        off_days=OffDays(years=frozenset({2025})))
    assert result.as_deadline().ambiguities == ('calendar_missing', 'unproven_event')


def test_prc_events_after_expiry():
    # The period ended 31 Mar 2026. A demand of 15 Apr 2026 comes too late: it is ignored and reported.
    late_demand = Event('demand', date(2026, 4, 15))
    result = limitation(PRC, date(2023, 3, 31), [late_demand], off_days=WEEKENDS)
    assert (result.deadline, result.late, result.revived) == (date(2026, 3, 31), (late_demand,), False)
    # A part payment after expiry bars the defence (CC 192): a new period from it,
    # 15 Apr 2029 a Sunday -> Mon 16 Apr 2029.
    result = limitation(PRC, date(2023, 3, 31), [Event('part_payment', date(2026, 4, 15))], off_days=WEEKENDS)
    assert (result.deadline, result.revived, result.basis) == (date(2029, 4, 16), True, 'part_payment')


def test_prc_proceeding_stops_the_period_until_it_ends():
    filing = Event('filing', date(2025, 1, 10))
    result = limitation(PRC, date(2023, 3, 31), [filing], off_days=WEEKENDS)
    assert (result.status, result.deadline, result.basis, result.pending) == ('stopped', None, 'filing', filing)
    # Ended 30 Sep 2025: 3 years from then, Sat 30 Sep 2028 -> Mon 2 Oct 2028.
    ended = Event('filing', date(2025, 1, 10), ends_on=date(2025, 9, 30))
    result = limitation(PRC, date(2023, 3, 31), [ended], off_days=WEEKENDS)
    assert (result.status, result.deadline, result.basis_day) == ('running', date(2028, 10, 2), date(2025, 9, 30))


def test_prc_long_stop_caps_twenty_years_after_the_due_date():
    # Due 10 Jan 2000; each acknowledgment comes before the running period ends:
    # 2003-01-10 > 2002-12-01 -> 2005-12-01 > 2005-11-01 -> 2008-11-01 > 2008-10-01 -> 2011-10-01 > 2011-09-01
    # -> 2014-09-01 > 2014-08-01 -> 2017-08-01 > 2017-07-03 -> 2020-07-03, beyond 10 Jan 2020 (20 years): capped.
    days = [date(2002, 12, 1), date(2005, 11, 1), date(2008, 10, 1), date(2011, 9, 1), date(2014, 8, 1),
            date(2017, 7, 3)]
    result = limitation(PRC, date(2000, 1, 10), [Event('acknowledgment', day) for day in days])
    assert (result.deadline, result.capped, result.basis_day) == (date(2020, 1, 10), True, date(2017, 7, 3))


def test_prc_obstacle_in_the_last_six_months_extends_to_six_months_after_it():
    # Deadline 31 Mar 2026; its last 6 months start 30 Sep 2025. Force majeure 15 Jan - 20 Feb 2026:
    # the period ends 6 months after the obstacle, Thu 20 Aug 2026.
    result = limitation(PRC, date(2023, 3, 31), obstacles=[(date(2026, 1, 15), date(2026, 2, 20))],
                        off_days=WEEKENDS)
    assert result.deadline == date(2026, 8, 20)
    # An obstacle over by 1 Mar 2025 (before the last 6 months) changes nothing.
    result = limitation(PRC, date(2023, 3, 31), obstacles=[(date(2025, 1, 1), date(2025, 3, 1))],
                        off_days=WEEKENDS)
    assert result.deadline == date(2026, 3, 31)


# ---------------------------------------------------------------- limitation: other presets


def test_germany_from_year_end_restart_on_acknowledgment_suspension_by_suit():
    # Due 31 Mar 2023: from the end of 2023, 3 years -> 31 Dec 2026. A dunning letter does not interrupt (and is not
    # flagged as unproven either: it would not count even if proven).
    demand = Event('demand', date(2024, 2, 1), proven=False)
    result = limitation(DE, date(2023, 3, 31), [demand])
    assert (result.deadline, result.unproven) == (date(2026, 12, 31), ())
    # A part payment on 6 May 2024 restarts the period from that day (BGB 212): 6 May 2027.
    payment = Event('part_payment', date(2024, 5, 6))
    assert limitation(DE, date(2023, 3, 31), [payment]).deadline == date(2027, 5, 6)
    # A suit filed 1 Nov 2026 and ended 1 Feb 2027 suspends the period until 6 months after its end, 1 Aug 2027:
    # 273 days (1 Nov 2026 - 1 Aug 2027) are added: 6 May 2027 + 273 d = 3 Feb 2028.
    suit = Event('filing', date(2026, 11, 1), ends_on=date(2027, 2, 1))
    result = limitation(DE, date(2023, 3, 31), [payment, suit])
    assert (result.deadline, result.long_stop) == (date(2028, 2, 3), date(2033, 3, 31))


def test_uk_six_years_us_four_eu_undefined():
    # UK: 15 Jan 2020 + 6 y = 15 Jan 2026; a written acknowledgment of 1 Feb 2021 -> 1 Feb 2027; a demand: nothing.
    assert limitation(UK, date(2020, 1, 15)).deadline == date(2026, 1, 15)
    events = [Event('acknowledgment', date(2021, 2, 1)), Event('demand', date(2022, 3, 1))]
    assert limitation(UK, date(2020, 1, 15), events).deadline == date(2027, 2, 1)
    # US (UCC 2-725): 4 years from breach.
    assert limitation(US, date(2022, 7, 1)).deadline == date(2026, 7, 1)
    result = limitation(EU, date(2022, 7, 1))
    assert (result.status, result.deadline) == ('undefined', None)


def test_outside_the_prc_a_last_day_off_is_kept_and_the_creditor_told_why():
    # legal-rules.md states no rolling rule for the UK, US or DE presets: a period ending on a day off is not moved
    # to the next working day (the earlier reading), and the deadline says so; a working last day says nothing.
    weekends = OffDays()
    uk = limitation(UK, date(2021, 1, 16), off_days=weekends)           # + 6 y = Sat 16 Jan 2027
    assert (uk.deadline, uk.as_deadline().ambiguities, uk.as_deadline().moved) == (
        date(2027, 1, 16), ('no_roll_rule',), None)
    assert limitation(US, date(2022, 7, 5), off_days=weekends).as_deadline().ambiguities == ('no_roll_rule',)  # Sun
    assert limitation(UK, date(2020, 1, 15), off_days=weekends).as_deadline().ambiguities == ()                # Thu
    # DE: from the end of the year, 3 y: 31 Dec 2026 is a Thursday; a holiday on the company's calendar is kept too
    new_year_eve = OffDays(holidays=frozenset({date(2026, 12, 31)}))
    de = limitation(DE, date(2023, 3, 31), off_days=new_year_eve)
    assert (de.deadline, de.as_deadline().ambiguities) == (date(2026, 12, 31), ('no_roll_rule',))
    # the PRC rolls (CPL 85): no such ambiguity, the day moves
    prc = limitation(PRC, date(2024, 1, 16), off_days=weekends)          # + 3 y = Sat 16 Jan 2027 -> Mon 18 Jan
    assert (prc.deadline, prc.as_deadline().ambiguities) == (date(2027, 1, 18), ())


def test_earliest_possible_due_is_a_safe_prefilter():
    # 2 Mar 2026 + 180 d = 29 Aug 2026; minus the shortest period (3 years) -> 29 Aug 2023.
    assert earliest_possible_due([PRC, UK], date(2026, 3, 2), 180) == date(2023, 8, 29)
    assert earliest_possible_due([EU], date(2026, 3, 2), 180) is None


# ---------------------------------------------------------------- alerts


@pytest.mark.parametrize(('today', 'expected'), [
    (date(2025, 10, 1), None),          # 181 days left: further than every threshold
    (date(2025, 10, 2), 180),           # 180 days left
    (date(2026, 1, 1), 90),             # 89 days left
    (date(2026, 3, 2), 30),             # 29 days left
    (date(2026, 3, 24), 7),             # 7 days left
    (date(2026, 3, 31), 7),             # the day itself
    (date(2026, 4, 1), None),           # passed
])
def test_alert_threshold(today, expected):
    assert alert_threshold(date(2026, 3, 31), today, PRC.limitation_warning_days) == expected


# ---------------------------------------------------------------- preservation


def test_preservation_terms_renewal_and_pre_suit_filing():
    # Bank deposit frozen Tue 10 Mar 2026 for at most 1 year, the first day included: expires 9 Mar 2027; renewal must
    # be asked 7 days before, by 2 Mar 2027; alerts 60/30/14 days before expiry: 8 Jan, 7 Feb, 23 Feb 2027, the Sunday
    # 7 Feb moved earlier to Fri 5 Feb (a reminder never falls on a non-working day).
    # Pre-suit: suit within 30 days of the measure, Thu 9 Apr 2026.
    result = preservation(PRC, 'bank_deposit', date(2026, 3, 10), pre_suit=True, off_days=WEEKENDS)
    assert (result.expiry, result.renew_by, result.suit_due) == (date(2027, 3, 9), date(2027, 3, 2), date(2026, 4, 9))
    assert result.alerts == (date(2027, 1, 8), date(2027, 2, 5), date(2027, 2, 23))
    # Movables 2 years, real estate and equity 3 years; in suit there is no filing deadline.
    assert preservation(PRC, 'movable', date(2026, 3, 10), False).expiry == date(2028, 3, 9)
    assert preservation(PRC, 'real_estate', date(2026, 3, 10), False).expiry == date(2029, 3, 9)
    assert preservation(PRC, 'equity', date(2026, 3, 10), False).suit_due is None
    # A ruling that states its own expiry wins.
    ruled = preservation(PRC, 'movable', date(2026, 3, 10), False, expiry=date(2027, 1, 31))
    assert (ruled.expiry, ruled.renew_by) == (date(2027, 1, 31), date(2027, 1, 24))
    # Measure Fri 6 Mar 2026 + 30 d = Sun 5 Apr 2026, in the Qingming holiday (4-6 Apr) -> Tue 7 Apr 2026.
    assert preservation(PRC, 'bank_deposit', date(2026, 3, 6), True,
                        off_days=OffDays(holidays=QINGMING)).suit_due == date(2026, 4, 7)


def test_preservation_renewal_and_security():
    # Renewed from the day after expiry (10 Mar 2027) for another year: 9 Mar 2028.
    assert renewed_expiry(PRC, 'bank_deposit', date(2027, 3, 9)) == date(2028, 3, 9)
    # Pre-suit: security mandatory, 100 % of 500,000; in suit: at most 30 %, 150,000.
    assert preservation_security(PRC, 500000, True) == (True, Decimal(100), Decimal(500000))
    assert preservation_security(PRC, 500000, False) == (False, Decimal(30), Decimal(150000))
    with pytest.raises(LegalDeadlineError):
        preservation(DE, 'bank_deposit', date(2026, 3, 10), True)


# ---------------------------------------------------------------- judgment and enforcement


def test_judgment_appeal_effective_performance_enforcement():
    # We are served Mon 1 Jun 2026, the debtor Wed 3 Jun. Appeal 15 days each: Tue 16 Jun and Thu 18 Jun 2026.
    # Effective the day after the last window closes: Fri 19 Jun. Perform within 10 days: 29 Jun 2026.
    # Apply for enforcement within 2 years of the performance deadline: Thu 29 Jun 2028.
    result = judgment(PRC, date(2026, 6, 1), date(2026, 6, 3), performance_days=10, off_days=WEEKENDS)
    assert (result.appeal_deadline, result.debtor_appeal_deadline, result.effective_date) == (
        date(2026, 6, 16), date(2026, 6, 18), date(2026, 6, 19))
    assert (result.performance_due, result.enforcement_deadline) == (date(2026, 6, 29), date(2028, 6, 29))


def test_judgment_variants():
    # Debtor without a PRC domicile: 30 days, Fri 3 Jul 2026 -> effective Sat 4 Jul; no performance days: due then.
    result = judgment(PRC, date(2026, 6, 1), date(2026, 6, 3), debtor_abroad=True, off_days=WEEKENDS)
    assert (result.debtor_appeal_deadline, result.effective_date, result.performance_due) == (
        date(2026, 7, 3), date(2026, 7, 4), date(2026, 7, 4))
    # A ruling: 10 days. Served 16 Sep 2026 + 15 d = 1 Oct (National Day) -> Thu 8 Oct 2026.
    assert judgment(PRC, date(2026, 6, 1), kind='ruling').appeal_deadline == date(2026, 6, 11)
    assert judgment(PRC, date(2026, 9, 16), off_days=OffDays(holidays=NATIONAL_DAY)).appeal_deadline == date(
        2026, 10, 8)
    # Small claims are final: effective at the last service, no appeal window.
    result = judgment(PRC, date(2026, 6, 1), date(2026, 6, 3), procedure='small_claims', performance_days=10)
    assert (result.appeal_deadline, result.effective_date, result.performance_due) == (
        None, date(2026, 6, 3), date(2026, 6, 13))
    # Appealed: nothing is effective yet.
    result = judgment(PRC, date(2026, 6, 1), appealed=True, performance_days=10)
    assert (result.effective_date, result.performance_due, result.enforcement_deadline) == (None, None, None)
    # A fixed performance day in the judgment wins over the days.
    assert judgment(PRC, date(2026, 6, 1), performance_due=date(2026, 9, 30), off_days=NO_OFF_DAYS
                    ).enforcement_deadline == date(2028, 9, 30)


def test_german_payment_order_objection_then_enforcement_order():
    # Mahnbescheid served on the debtor Thu 3 Dec 2026: its objection (Widerspruch) 14 days, Thu 17 Dec; we apply
    # for the enforcement order after that and within 6 months of the service, by Thu 3 Jun 2027 (ZPO 699, 701).
    result = judgment(DE, date(2026, 12, 1), date(2026, 12, 3), kind='payment_order', off_days=WEEKENDS)
    assert (result.appeal_deadline, result.debtor_appeal_deadline, result.effective_date) == (
        None, date(2026, 12, 17), None)
    assert result.enforcement_deadline == date(2027, 6, 3)
    objection, apply_by = result.deadlines
    assert (objection.kind, objection.party, objection.rule, objection.figure) == (
        'debtor_objection', 'debtor', 'objection_payment_order', 14)
    assert (apply_by.kind, apply_by.party, apply_by.rule, apply_by.figure, apply_by.start) == (
        'enforcement_apply', 'creditor', 'enforcement_order_apply', 6, date(2026, 12, 3))
    # Served on a Saturday: both last days are Saturdays, kept (the preset states no rolling rule) and said so;
    # without the debtor's service date, ours is taken (the earliest), and both reasons are given.
    result = judgment(DE, date(2026, 12, 5), kind='payment_order', off_days=WEEKENDS)
    assert [(d.day, d.ambiguities) for d in result.deadlines] == [
        (date(2026, 12, 19), ('debtor_service_assumed', 'no_roll_rule')),
        (date(2027, 6, 5), ('debtor_service_assumed', 'no_roll_rule'))]
    result = judgment(DE, date(2026, 12, 5), date(2026, 12, 5), kind='payment_order', off_days=WEEKENDS)
    assert [d.ambiguities for d in result.deadlines] == [('no_roll_rule',), ('no_roll_rule',)]
    # The debtor objected: the claim goes on as a suit, no enforcement order to apply for.
    result = judgment(DE, date(2026, 12, 3), date(2026, 12, 3), kind='payment_order', appealed=True)
    assert (result.debtor_appeal_deadline, result.enforcement_deadline) == (date(2026, 12, 17), None)
    # The enforcement order (Vollstreckungsbescheid) served Mon 4 Jan 2027: objection (Einspruch) by Mon 18 Jan,
    # final the day after; no further period to apply for enforcement in the preset.
    result = judgment(DE, date(2027, 1, 4), date(2027, 1, 4), kind='enforcement_order', off_days=WEEKENDS)
    assert (result.debtor_appeal_deadline, result.effective_date, result.enforcement_deadline) == (
        date(2027, 1, 18), date(2027, 1, 19), None)
    assert [(d.kind, d.rule) for d in result.deadlines] == [
        ('debtor_objection', 'objection_enforcement_order'), ('effective', 'effective_no_objection')]
    # Not served yet: nothing runs. The PRC preset states no figure for a payment order: said, not guessed.
    assert judgment(DE, None, kind='payment_order').deadlines == ()
    with pytest.raises(LegalDeadlineError):
        judgment(PRC, date(2026, 12, 3), kind='payment_order')


def test_late_performance_interest():
    # Due 29 Jun 2026; as of 7 Aug: 30 Jun + 31 days of July + 7 days of August = 39 days.
    # 100,000 x 0.0175 % x 39 = 17.50 x 39 = 682.50.
    amount, lines = late_performance_interest(PRC, Decimal(100000), date(2026, 6, 29), date(2026, 8, 7))
    assert amount == Decimal('682.50')
    assert [(line.date_from, line.date_to, line.days) for line in lines] == [(date(2026, 6, 30), date(2026, 8, 7), 39)]
    # 40,000 paid on 20 Jul: 30 Jun - 19 Jul 20 d x 17.50 = 350.00; 20 Jul - 7 Aug 19 d x 60,000 x 0.0175 % = 199.50.
    amount, lines = late_performance_interest(PRC, Decimal(100000), date(2026, 6, 29), date(2026, 8, 7),
                                              [(date(2026, 7, 20), Decimal(40000))])
    assert amount == Decimal('549.50')
    assert [(line.days, line.base) for line in lines] == [(20, Decimal(100000)), (19, Decimal(60000))]
    # Nothing before the deadline has passed.
    assert late_performance_interest(PRC, Decimal(100000), date(2026, 6, 29), date(2026, 6, 29))[0] == 0


def test_termination_without_assets_and_rechecks():
    # Not before 3 months after the application: 30 Nov 2025 -> 28 Feb 2026 (month end).
    assert termination_earliest(PRC, date(2025, 11, 30)) == date(2026, 2, 28)
    # Every 6 months for 5 years, each counted from the termination (no month-end drift): 10 searches.
    dates = recheck_dates(PRC, date(2025, 8, 31))
    assert dates[:3] == (date(2026, 2, 28), date(2026, 8, 31), date(2027, 2, 28))
    assert (len(dates), dates[-1]) == (10, date(2030, 8, 31))
    assert next_recheck(PRC, date(2025, 8, 31), date(2026, 3, 2)) == date(2026, 8, 31)
    assert next_recheck(PRC, date(2020, 8, 31), date(2026, 3, 2)) is None
