"""The counting rules of tools/legal_deadlines.py, deadline kind by deadline kind, at month ends, leap days, weekends,
statutory holidays and adjusted working days (调休). Each test names the article it applies.

The 2026 calendar below is China's, written out by hand from the State Council's notice (国办发明电〔2025〕7号):
the model layer loads the same days from `holidays` and `chinese-calendar`."""

from datetime import date

from tools.legal_deadlines import (
    PRESETS,
    OffDays,
    alert_threshold,
    earlier_working_day,
    judgment,
    limitation,
    list_term_end,
    preservation,
    recheck_dates,
    reminder_day,
    termination_earliest,
)

PRC = PRESETS['prc']


def _days(*spans):
    days = set()
    for first, last in spans:
        day = first
        while day <= last:
            days.add(day)
            day = date.fromordinal(day.toordinal() + 1)
    return frozenset(days)


CN_2026 = OffDays(
    holidays=_days((date(2026, 1, 1), date(2026, 1, 3)), (date(2026, 2, 15), date(2026, 2, 23)),
                   (date(2026, 4, 4), date(2026, 4, 6)), (date(2026, 5, 1), date(2026, 5, 5)),
                   (date(2026, 6, 19), date(2026, 6, 21)), (date(2026, 9, 25), date(2026, 9, 27)),
                   (date(2026, 10, 1), date(2026, 10, 7))),
    workdays=frozenset({date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
                        date(2026, 9, 20), date(2026, 10, 10)}),
)
WEEKENDS = OffDays()


# ---------------------------------------------------------------- the working example (legal-rules.md §3)


def test_working_example_served_monday_performance_on_saturday_rolls_to_monday():
    # CPL arts. 85, 171, 250: served Mon 1 Mar 2027, no appeal: window 2-16 Mar, effective Wed 17 Mar; perform within
    # 10 days: 18-27 Mar, Sat 27 -> Mon 29 Mar 2027; enforcement within 2 years of that last day: Thu 29 Mar 2029.
    result = judgment(PRC, date(2027, 3, 1), date(2027, 3, 1), performance_days=10, off_days=WEEKENDS)
    assert (result.appeal_deadline, result.effective_date) == (date(2027, 3, 16), date(2027, 3, 17))
    assert (result.performance_due, result.enforcement_deadline) == (date(2027, 3, 29), date(2029, 3, 29))
    performance = next(d for d in result.deadlines if d.kind == 'performance')
    assert (performance.party, performance.nominal, performance.moved, performance.rule) == (
        'debtor', date(2027, 3, 27), 'later', 'performance_days')
    enforcement = next(d for d in result.deadlines if d.kind == 'enforcement_apply')
    assert (enforcement.party, enforcement.start, enforcement.ambiguities) == ('creditor', date(2027, 3, 29), ())
    parties = {d.kind: d.party for d in result.deadlines}
    assert parties == {'appeal': 'creditor', 'debtor_appeal': 'debtor', 'effective': 'court',
                       'performance': 'debtor', 'enforcement_apply': 'creditor'}


# ---------------------------------------------------------------- appeal (CPL art. 171, counted by art. 85)


def test_appeal_starting_day_not_counted_and_weekend_roll():
    # CPL 171 + 85: served Tue 1 Sep 2026, 15 days -> Wed 16 Sep (the day of service not counted).
    assert judgment(PRC, date(2026, 9, 1), off_days=CN_2026).appeal_deadline == date(2026, 9, 16)
    # CPL 85: served Thu 20 Aug 2026 + 15 = Fri 4 Sep; served Sat 22 Aug + 15 = Sun 6 Sep -> Mon 7 Sep.
    assert judgment(PRC, date(2026, 8, 22), off_days=CN_2026).appeal_deadline == date(2026, 9, 7)


def test_appeal_on_national_day_rolls_past_the_holiday():
    # CPL 85: served Wed 16 Sep 2026 + 15 = Thu 1 Oct, National Day (1-7 Oct) -> Thu 8 Oct 2026.
    result = judgment(PRC, date(2026, 9, 16), off_days=CN_2026)
    assert result.appeal_deadline == date(2026, 10, 8)
    appeal = result.deadlines[0]
    assert (appeal.nominal, appeal.moved, appeal.figure) == (date(2026, 10, 1), 'later', 15)


def test_appeal_on_an_adjusted_working_day_does_not_roll():
    # CPL 85: served Fri 25 Sep 2026 + 15 = Sat 10 Oct 2026, an adjusted working day: the period ends that Saturday.
    assert judgment(PRC, date(2026, 9, 25), off_days=CN_2026).appeal_deadline == date(2026, 10, 10)
    # ...while on plain weekends it would have rolled to Mon 12 Oct.
    assert judgment(PRC, date(2026, 9, 25), off_days=WEEKENDS).appeal_deadline == date(2026, 10, 12)


def test_ruling_ten_days_and_debtor_without_domicile_thirty():
    # CPL 171: a ruling, 10 days: served Mon 21 Sep 2026 + 10 = Thu 1 Oct -> Thu 8 Oct.
    assert judgment(PRC, date(2026, 9, 21), kind='ruling', off_days=CN_2026).appeal_deadline == date(2026, 10, 8)
    # CPL 276 (no PRC domicile): 30 days for the debtor: served Wed 4 Feb 2026 + 30 = Fri 6 Mar.
    result = judgment(PRC, date(2026, 2, 4), debtor_abroad=True, off_days=CN_2026)
    assert result.debtor_appeal_deadline == date(2026, 3, 6)
    assert result.deadlines[1].rule == 'appeal_no_domicile'


# ---------------------------------------------------------------- effective date and performance (CPL 85, 250)


def test_debtor_service_unknown_is_assumed_ours_and_shown():
    # Safe side: no debtor service date -> taken as ours, the earliest effective date; the ambiguity is named.
    result = judgment(PRC, date(2027, 3, 1), performance_days=10, off_days=WEEKENDS)
    assert result.effective_date == date(2027, 3, 17)
    assert {d.kind: d.ambiguities for d in result.deadlines}['enforcement_apply'] == ('debtor_service_assumed',)


def test_performance_period_on_spring_festival_and_month_end():
    # CPL 85: effective Fri 30 Jan 2026, perform within 15 days: 14 Feb, a Saturday made working day -> 14 Feb.
    result = judgment(PRC, date(2026, 1, 14), date(2026, 1, 14), performance_days=15, off_days=CN_2026)
    assert (result.appeal_deadline, result.effective_date) == (date(2026, 1, 29), date(2026, 1, 30))
    assert result.performance_due == date(2026, 2, 14)
    # Perform within 16 days: Sun 15 Feb, in the Spring Festival (15-23 Feb) -> Tue 24 Feb 2026;
    # enforcement 2 years from that true last day: Thu 24 Feb 2028.
    result = judgment(PRC, date(2026, 1, 14), date(2026, 1, 14), performance_days=16, off_days=CN_2026)
    assert (result.performance_due, result.enforcement_deadline) == (date(2026, 2, 24), date(2028, 2, 24))


def test_fixed_performance_day_is_taken_as_written():
    # Safe side: a fixed day on a Sunday is not rolled, the enforcement period runs from it (CPL 250), ambiguity shown.
    result = judgment(PRC, date(2026, 6, 1), performance_due=date(2026, 9, 13), off_days=CN_2026)
    performance = next(d for d in result.deadlines if d.kind == 'performance')
    assert (performance.day, performance.ambiguities) == (date(2026, 9, 13), ('fixed_day_not_rolled',))
    enforcement = next(d for d in result.deadlines if d.kind == 'enforcement_apply')
    assert (enforcement.start, enforcement.ambiguities) == (date(2026, 9, 13), ('fixed_day_not_rolled',)), \
        "the enforcement period runs from that reading, and says so"


# ---------------------------------------------------------------- enforcement application (CPL art. 250)


def test_enforcement_leap_day_and_adjusted_working_day():
    # CPL 250 + Civil Code 200-204: performance due Tue 29 Feb 2028 + 2 years: no 29 Feb 2030 -> Thu 28 Feb 2030.
    assert judgment(PRC, None, performance_due=date(2028, 2, 29), off_days=WEEKENDS
                    ).enforcement_deadline == date(2030, 2, 28)
    # Performance due Thu 10 Oct 2024 + 2 years = Sat 10 Oct 2026, an adjusted working day: stays.
    assert judgment(PRC, None, performance_due=date(2024, 10, 10), off_days=CN_2026
                    ).enforcement_deadline == date(2026, 10, 10)
    # Performance due Wed 1 Oct 2024 + 2 years = Thu 1 Oct 2026 -> Thu 8 Oct 2026.
    assert judgment(PRC, None, performance_due=date(2024, 10, 1), off_days=CN_2026
                    ).enforcement_deadline == date(2026, 10, 8)


# ---------------------------------------------------------------- limitation (Civil Code arts. 188, 200-204)


def test_limitation_leap_day_and_month_end():
    # Civil Code 188 + 202: due Thu 29 Feb 2024 + 3 years: no 29 Feb 2027 -> Sun 28 Feb 2027 -> Mon 1 Mar 2027 (203).
    result = limitation(PRC, date(2024, 2, 29), off_days=WEEKENDS)
    assert (result.nominal, result.deadline) == (date(2027, 2, 28), date(2027, 3, 1))
    assert result.as_deadline().moved == 'later'
    assert result.as_deadline().party == 'creditor'
    # Due Sat 31 Jan 2026 + 3 years = Wed 31 Jan 2029: the corresponding day exists, no roll.
    assert limitation(PRC, date(2026, 1, 31), off_days=WEEKENDS).deadline == date(2029, 1, 31)


def test_limitation_statutory_holiday_and_adjusted_working_day():
    # Civil Code 203: due 1 May 2023 + 3 y = Fri 1 May 2026 (Labour Day, 1-5 May) -> Wed 6 May 2026.
    assert limitation(PRC, date(2023, 5, 1), off_days=CN_2026).deadline == date(2026, 5, 6)
    # Due 28 Feb 2023 + 3 y = Sat 28 Feb 2026, an adjusted working day: ends that day.
    assert limitation(PRC, date(2023, 2, 28), off_days=CN_2026).deadline == date(2026, 2, 28)


def test_limitation_calendar_not_loaded_is_an_ambiguity():
    # Civil Code 203: the holidays of 2026 are not loaded: the deadline may move, the ambiguity is shown.
    calendar = OffDays(years=frozenset({2025}))
    assert limitation(PRC, date(2023, 5, 1), off_days=calendar).as_deadline().ambiguities == ('calendar_missing',)
    assert limitation(PRC, date(2022, 5, 1), off_days=calendar).as_deadline().ambiguities == ()


# ---------------------------------------------------------------- preservation (CPL Interp. 485, Provisions art. 18)


def test_preservation_expiry_counts_the_measure_day_and_says_so():
    # CPL Interpretation 485: a deposit frozen Tue 29 Feb 2028 for 1 year, the measure day counted (the earlier
    # reading): Tue 27 Feb 2029 (the day before 28 Feb, the corresponding day of a year without 29 Feb).
    result = preservation(PRC, 'bank_deposit', date(2028, 2, 29), False, off_days=WEEKENDS)
    assert result.expiry == date(2029, 2, 27)
    expiry = result.deadlines[0]
    assert (expiry.ambiguities, expiry.party, expiry.figure) == (('measure_day_counted',), 'creditor', 1)


def test_preservation_renew_by_moves_earlier_off_a_holiday():
    # Preservation Provisions 18: a deposit frozen Thu 9 Oct 2025 expires Thu 8 Oct 2026; renew 7 days before:
    # Thu 1 Oct, National Day -> moved EARLIER to Wed 30 Sep 2026. Reminders 60/30/14 days before expiry:
    # Sun 9 Aug -> Fri 7 Aug; Tue 8 Sep; Thu 24 Sep.
    result = preservation(PRC, 'bank_deposit', date(2025, 10, 9), False, off_days=CN_2026)
    assert (result.expiry, result.renew_by) == (date(2026, 10, 8), date(2026, 9, 30))
    assert result.alerts == (date(2026, 8, 7), date(2026, 9, 8), date(2026, 9, 24))
    renew = result.deadlines[1]
    assert (renew.nominal, renew.moved) == (date(2026, 10, 1), 'earlier')


def test_pre_suit_filing_rolls_over_qingming_but_not_an_adjusted_day():
    # CPL 104 + 85: measure Fri 6 Mar 2026 + 30 = Sun 5 Apr (Qingming, 4-6 Apr) -> Tue 7 Apr 2026.
    assert preservation(PRC, 'bank_deposit', date(2026, 3, 6), True, off_days=CN_2026).suit_due == date(2026, 4, 7)
    # Measure Thu 29 Jan 2026 + 30 = Sat 28 Feb, an adjusted working day: stays.
    assert preservation(PRC, 'bank_deposit', date(2026, 1, 29), True, off_days=CN_2026).suit_due == date(2026, 2, 28)


# -------------------------------------------------- after judgment (终本 Provisions arts. 1, 9; 失信 art. 2)


def test_termination_and_rechecks_at_month_ends():
    # Termination Provisions art. 1: at least 3 months after filing: Mon 31 Aug 2026 -> Mon 30 Nov 2026 (month end).
    assert termination_earliest(PRC, date(2026, 8, 31)) == date(2026, 11, 30)
    # Art. 9: re-search every 6 months for 5 years from a 终本 on Tue 31 Mar 2026: 30 Sep 2026, 31 Mar 2027, ...
    assert recheck_dates(PRC, date(2026, 3, 31))[:2] == (date(2026, 9, 30), date(2027, 3, 31))


def test_dishonest_listing_term_on_a_leap_day():
    # Dishonest List Provisions art. 2: grounds 2-6, 2 years: listed Thu 29 Feb 2024 -> Sat 28 Feb 2026; +1 serious.
    assert list_term_end(PRC, date(2024, 2, 29)) == date(2026, 2, 28)
    assert list_term_end(PRC, date(2024, 2, 29), extra_years=1) == date(2027, 2, 28)


# ---------------------------------------------------------------- reminders never on a non-working day


def test_reminders_move_earlier_onto_a_working_day():
    # A limitation deadline Thu 8 Oct 2026: the 7-day reminder would be Thu 1 Oct (National Day) -> Wed 30 Sep.
    assert reminder_day(date(2026, 10, 8), 7, CN_2026) == date(2026, 9, 30)
    assert alert_threshold(date(2026, 10, 8), date(2026, 9, 29), (7, 3, 1), CN_2026) is None
    # The 3- and 1-day reminders (5 and 7 Oct) are in the holiday too: all three are due on Wed 30 Sep, the most
    # urgent is raised.
    assert reminder_day(date(2026, 10, 8), 1, CN_2026) == date(2026, 9, 30)
    assert alert_threshold(date(2026, 10, 8), date(2026, 9, 30), (7, 3, 1), CN_2026) == 1
    # An adjusted working Sunday is a working day: 20 Sep 2026 stays.
    assert earlier_working_day(date(2026, 9, 20), CN_2026) == date(2026, 9, 20)
    assert earlier_working_day(date(2026, 9, 19), CN_2026) == date(2026, 9, 18)
