from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from tools.interest import (
    EXPLANATION_CODES,
    ExplanationLine,
    InterestError,
    InterestLine,
    InterestRule,
    Movement,
    RatePoint,
    compute_interest,
    explain,
    first_interest_day,
    preset_de,
    preset_eu,
    preset_prc_contract,
    preset_prc_lpr,
    preset_prc_sme,
    preset_uk,
    rate_digits,
    round_half_up,
    validate_rates,
    validate_rule,
)

D = Decimal
# 36.5 %/year on actual/365 is 0.1 % per day: 1 per 1,000 of base per day, which keeps the arithmetic readable.
ONE_PER_MILLE_A_DAY = InterestRule(method='fixed', annual_rate=D('36.5'))
COMPENSATION_UK = InterestRule(method='compensation_only', compensation='uk_scale')
# A half-year table: 4.00 all of 2025 H2, 3.50 from 30 June 2026, 3.25 from 1 July 2026.
HALF_YEAR_RATES = (
    RatePoint(date(2025, 8, 7), D('4.00')),
    RatePoint(date(2026, 6, 30), D('3.50')),
    RatePoint(date(2026, 7, 1), D('3.25')),
)


def to_six_places(amount: Decimal) -> Decimal:
    return amount.quantize(D('0.000001'))


# ---------------------------------------------------------------- periods and payments


def test_single_period():
    # First day 2 Jan, last 31 Jan: 30 days. 1,000 × 3.10 % × 30 / 365 = 93,000 / 36,500 = 2.547945... -> 2.55
    result = compute_interest(D(1000), date(2026, 1, 1), [], preset_prc_contract(D('3.10')), [], date(2026, 1, 31))
    assert result.interest == D('2.55')
    assert result.principal_open == D(1000)
    assert result.capped is False
    (line,) = result.lines
    assert (line.date_from, line.date_to, line.days) == (date(2026, 1, 2), date(2026, 1, 31), 30)
    assert (line.base, line.rate, line.rate_unit) == (D(1000), D('3.10'), 'year')
    assert to_six_places(line.amount) == D('2.547945')


def test_three_partial_payments():
    # 0.1 %/day; each payment bears interest on its own day. 1-11 Apr: 11 d × 1,000 = 11.00;
    # 12-21 Apr: 10 d × 800 = 8.00; 22 Apr-1 May: 10 d × 500 = 5.00; 2-10 May: 9 d × 400 = 3.60.
    # Total 27.60 (27.00 if each payment stopped interest on its own day), open 400.
    payments = [
        Movement(date(2026, 4, 11), D(200)),
        Movement(date(2026, 4, 21), D(300)),
        Movement(date(2026, 5, 1), D(100)),
    ]
    result = compute_interest(D(1000), date(2026, 3, 31), payments, ONE_PER_MILLE_A_DAY, [], date(2026, 5, 10))
    assert result.interest == D('27.60')
    assert result.principal_open == D(400)
    assert [(line.date_from, line.date_to, line.days, line.base, line.amount) for line in result.lines] == [
        (date(2026, 4, 1), date(2026, 4, 11), 11, D(1000), D(11)),
        (date(2026, 4, 12), date(2026, 4, 21), 10, D(800), D(8)),
        (date(2026, 4, 22), date(2026, 5, 1), 10, D(500), D(5)),
        (date(2026, 5, 2), date(2026, 5, 10), 9, D(400), D('3.6')),
    ]


def test_payment_day_bears_interest_on_the_part_paid():
    # Paid in full on 2 Jan, the first interest day: interest to the date of actual payment is 1 d × 1.00 = 1.00
    # (it was 0.00 when the payment stopped interest on its own day).
    payments = [Movement(date(2026, 1, 2), D(1000))]
    result = compute_interest(D(1000), date(2026, 1, 1), payments, ONE_PER_MILLE_A_DAY, [], date(2026, 1, 2))
    assert result.interest == D('1.00')
    assert result.principal_open == D(0)
    assert [(line.date_from, line.date_to, line.base) for line in result.lines] == [
        (date(2026, 1, 2), date(2026, 1, 2), D(1000)),
    ]


def test_movements_are_taken_in_date_order_and_same_day_ones_add_up():
    # Both payments on 11 Jan: base 1,000 for 2-11 Jan (10 d = 10.00), 700 for 12-20 Jan (9 d = 6.30). Total 16.30.
    payments = [Movement(date(2026, 1, 11), D(100)), Movement(date(2026, 1, 11), D(200))]
    result = compute_interest(D(1000), date(2026, 1, 1), payments[::-1], ONE_PER_MILLE_A_DAY, [], date(2026, 1, 20))
    assert result.interest == D('16.30')
    assert [line.base for line in result.lines] == [D(1000), D(700)]


def test_payment_before_first_interest_day_reduces_the_base():
    # 400 paid on the due date: interest on 600 from 2 Jan to 11 Jan, 10 d × 0.60 = 6.00.
    payments = [Movement(date(2026, 1, 1), D(400))]
    result = compute_interest(D(1000), date(2026, 1, 1), payments, ONE_PER_MILLE_A_DAY, [], date(2026, 1, 11))
    assert result.interest == D('6.00')
    assert result.lines[0].base == D(600)


def test_movements_after_as_of_are_ignored():
    # The 1 Feb payment is not known on 31 Jan: 30 d × 1,000 × 0.1 % = 30.00, everything still open.
    payments = [Movement(date(2026, 2, 1), D(1000))]
    result = compute_interest(D(1000), date(2026, 1, 1), payments, ONE_PER_MILLE_A_DAY, [], date(2026, 1, 31))
    assert result.interest == D('30.00')
    assert result.principal_open == D(1000)


def test_paid_late_then_fully_freezes_interest():
    # Paid in full on 21 Jan: interest for 2-21 Jan, payment day included, 20 d × 1.00 = 20.00, whatever the as-of.
    payments = [Movement(date(2026, 1, 21), D(1000))]
    at_payment = compute_interest(D(1000), date(2026, 1, 1), payments, ONE_PER_MILLE_A_DAY, [], date(2026, 1, 21))
    much_later = compute_interest(D(1000), date(2026, 1, 1), payments, ONE_PER_MILLE_A_DAY, [], date(2026, 12, 31))
    assert at_payment.interest == much_later.interest == D('20.00')
    assert at_payment.principal_open == much_later.principal_open == D(0)
    assert much_later.lines[-1].date_to == date(2026, 1, 21)
    assert at_payment.paid_on == much_later.paid_on == date(2026, 1, 21)


def test_paid_on_is_the_day_the_principal_was_settled_for_good():
    # 600 on 5 Jan, 400 on 8 Jan: settled on 8 Jan. A reversal (-400 on 9 Jan) reopens it, 400 on 12 Jan settles it.
    paid = [Movement(date(2026, 1, 5), D(600)), Movement(date(2026, 1, 8), D(400))]
    reopened = [*paid, Movement(date(2026, 1, 9), D(-400)), Movement(date(2026, 1, 12), D(400))]
    as_of = date(2026, 1, 31)
    assert compute_interest(D(1000), date(2026, 1, 1), paid, ONE_PER_MILLE_A_DAY, [], as_of).paid_on == date(
        2026, 1, 8)
    assert compute_interest(D(1000), date(2026, 1, 1), reopened, ONE_PER_MILLE_A_DAY, [], as_of).paid_on == date(
        2026, 1, 12)
    assert compute_interest(D(1000), date(2026, 1, 1), paid[:1], ONE_PER_MILLE_A_DAY, [], as_of).paid_on is None


def test_overpayment_leaves_nothing_open():
    # 1,200 paid against 1,000 on 11 Jan: open is 0, not -200; interest 2-11 Jan = 10 d × 1.00 = 10.00.
    payments = [Movement(date(2026, 1, 11), D(1200))]
    result = compute_interest(D(1000), date(2026, 1, 1), payments, ONE_PER_MILLE_A_DAY, [], date(2026, 1, 31))
    assert result.principal_open == D(0)
    assert result.interest == D('10.00')


# ---------------------------------------------------------------- reference rates


def test_half_year_rate_change_crossing_first_of_july():
    # EU: rate in force on 1 Jan 2026 = 4.00 -> 12.00 %; on 1 Jul 2026 = 3.25 -> 11.25 %.
    # 36,500 × r % × d / 365 = r × d. 21-30 Jun: 12.00 × 10 = 120.00; 1-10 Jul: 11.25 × 10 = 112.50. Total 232.50.
    result = compute_interest(D(36500), date(2026, 6, 20), [], preset_eu(), HALF_YEAR_RATES, date(2026, 7, 10))
    assert result.interest == D('232.50')
    assert [(line.date_from, line.date_to, line.rate) for line in result.lines] == [
        (date(2026, 6, 21), date(2026, 6, 30), D('12.00')),
        (date(2026, 7, 1), date(2026, 7, 10), D('11.25')),
    ]


def test_uk_uses_rates_in_force_on_31_december_and_30_june():
    # UK: on 31 Dec 2025 = 4.00 -> 12.00 %; on 30 Jun 2026 = 3.50 -> 11.50 % (the 1 Jul change waits until January).
    # 12.00 × 10 + 11.50 × 10 = 120.00 + 115.00 = 235.00.
    result = compute_interest(D(36500), date(2026, 6, 20), [], preset_uk(), HALF_YEAR_RATES, date(2026, 7, 10))
    assert result.interest == D('235.00')
    assert [line.rate for line in result.lines] == [D('12.00'), D('11.50')]


def test_uk_rate_published_on_31_december_applies_from_1_january():
    # Rate on 31 Dec 2025 = 3.75 -> 11.75 %; 2-11 Jan = 10 d: 11.75 × 10 = 117.50.
    rates = [RatePoint(date(2025, 8, 7), D('4.00')), RatePoint(date(2025, 12, 31), D('3.75'))]
    result = compute_interest(D(36500), date(2026, 1, 1), [], preset_uk(), rates, date(2026, 1, 11))
    assert result.interest == D('117.50')


def test_half_year_rate_published_mid_period_waits_for_next_half_year():
    # Germany: 1.27 from 1 Jan; 2.00 published 15 Mar is not used before 1 Jul. 1.27 + 9 = 10.27 %.
    # 2-31 Mar = 30 d: 36,500 × 10.27 % × 30 / 365 = 10.27 × 30 = 308.10, one line.
    rates = [RatePoint(date(2026, 1, 1), D('1.27')), RatePoint(date(2026, 3, 15), D('2.00'))]
    result = compute_interest(D(36500), date(2026, 3, 1), [], preset_de(), rates, date(2026, 3, 31))
    assert result.interest == D('308.10')
    assert len(result.lines) == 1


def test_unchanged_rate_across_half_year_gives_one_line():
    # Same 2.15 on 1 Jan and 1 Jul: 10.15 % from 21 Jun to 10 Jul in a single 20-day line: 10.15 × 20 = 203.00.
    rates = [RatePoint(date(2025, 6, 11), D('2.15'))]
    result = compute_interest(D(36500), date(2026, 6, 20), [], preset_eu(), rates, date(2026, 7, 10))
    assert result.interest == D('203.00')
    assert [(line.date_from, line.date_to, line.days) for line in result.lines] == [
        (date(2026, 6, 21), date(2026, 7, 10), 20),
    ]


def test_breach_convention_keeps_one_rate_after_later_change():
    # LPR in force on the first day (1 Oct 2025) = 3.00; × 1.5 = 4.50 %. The 20 Oct change to 2.80 is ignored.
    # 1-30 Oct = 30 d: 36,500 × 4.50 % × 30 / 365 = 4.50 × 30 = 135.00.
    rates = [RatePoint(date(2025, 5, 20), D('3.00')), RatePoint(date(2025, 10, 20), D('2.80'))]
    result = compute_interest(D(36500), date(2025, 9, 30), [], preset_prc_lpr(), rates, date(2025, 10, 30))
    assert result.interest == D('135.00')
    assert [(line.days, line.rate) for line in result.lines] == [(30, D('4.50'))]


def test_negative_reference_rate_is_used_with_the_margin():
    # ECB at -0.50: -0.50 + 8 = 7.50 %; 10 d: 7.50 × 10 = 75.00.
    rates = [RatePoint(date(2016, 3, 16), D('-0.50'))]
    result = compute_interest(D(36500), date(2026, 1, 1), [], preset_eu(), rates, date(2026, 1, 11))
    assert result.interest == D('75.00')


# ---------------------------------------------------------------- day counts and rounding


def test_leap_day_counts_but_year_stays_365():
    # Due 31 Dec 2027: 1 Jan - 31 Dec 2028 is 366 days (29 Feb inside), still divided by 365:
    # 1,000 × 10 % × 366 / 365 = 100.273972... -> 100.27 (not 100.00).
    result = compute_interest(D(1000), date(2027, 12, 31), [], preset_prc_contract(D(10)), [], date(2028, 12, 31))
    assert result.interest == D('100.27')
    assert result.lines[0].days == 366


def test_leap_day_short_period():
    # 28 Feb, 29 Feb, 1 Mar, 2 Mar 2028 = 4 days at 0.1 %/day on 1,000 = 4.00.
    result = compute_interest(D(1000), date(2028, 2, 27), [], ONE_PER_MILLE_A_DAY, [], date(2028, 3, 2))
    assert result.interest == D('4.00')
    assert result.lines[0].days == 4


def test_actual_360():
    # 2-31 Jan = 30 d: 1,000 × 36 % × 30 / 360 = 30.00 (actual/365 would give 29.59).
    rule = InterestRule(method='fixed', annual_rate=D(36), day_count='actual_360')
    result = compute_interest(D(1000), date(2026, 1, 1), [], rule, [], date(2026, 1, 31))
    assert result.interest == D('30.00')


def test_rounding_is_half_up():
    # 5 × 36.5 % × 1 / 365 = 0.005 exactly -> 0.01 half up (half even would give 0.00).
    result = compute_interest(D(5), date(2026, 1, 1), [], ONE_PER_MILLE_A_DAY, [], date(2026, 1, 2))
    assert result.interest == D('0.01')


def test_rounding_happens_once_per_invoice():
    # 0.10 paid on 2 Jan: 2 Jan on 4.40: 0.0044; 3 Jan on 4.30: 0.0043; sum 0.0087 -> 0.01 (per line: 0.00).
    payments = [Movement(date(2026, 1, 2), D('0.10'))]
    result = compute_interest(D('4.40'), date(2026, 1, 1), payments, ONE_PER_MILLE_A_DAY, [], date(2026, 1, 3))
    assert [line.amount for line in result.lines] == [D('0.0044'), D('0.0043')]
    assert result.interest == D('0.01')


def test_zero_digits_for_yen():
    # 1,000 × 10 % × 30 / 365 = 8.219... -> 8 with no decimals.
    rule = preset_prc_contract(D(10))
    result = compute_interest(D(1000), date(2026, 1, 1), [], rule, [], date(2026, 1, 31), digits=0)
    assert result.interest == D(8)
    assert str(result.interest) == '8'


# ---------------------------------------------------------------- start of interest


def test_grace_days_delay_first_interest_day():
    # Due 1 Jan + 5 grace days: first day 7 Jan; 7-16 Jan = 10 d × 1.00 = 10.00.
    rule = replace(ONE_PER_MILLE_A_DAY, grace_days=5)
    assert first_interest_day(date(2026, 1, 1), rule) == date(2026, 1, 7)
    result = compute_interest(D(1000), date(2026, 1, 1), [], rule, [], date(2026, 1, 16))
    assert result.interest == D('10.00')


def test_grace_days_counting_the_day_itself():
    # start_day_after_due False: first day is 1 Jan + 5 = 6 Jan; 6-16 Jan = 11 d × 1.00 = 11.00.
    rule = replace(ONE_PER_MILLE_A_DAY, grace_days=5, start_day_after_due=False)
    result = compute_interest(D(1000), date(2026, 1, 1), [], rule, [], date(2026, 1, 16))
    assert result.interest == D('11.00')


def test_no_interest_before_first_interest_day():
    # Grace ends 6 Jan, first interest day 7 Jan: nothing yet on 6 Jan.
    rule = replace(ONE_PER_MILLE_A_DAY, grace_days=5)
    result = compute_interest(D(1000), date(2026, 1, 1), [], rule, [], date(2026, 1, 6))
    assert (result.interest, result.lines, result.capped) == (D('0.00'), (), False)


def test_as_of_on_due_date_is_fine():
    # Nothing accrues on the due date itself; no reference rate is needed either.
    result = compute_interest(D(1000), date(2026, 1, 1), [], preset_eu(), [], date(2026, 1, 1))
    assert (result.interest, result.compensation, result.lines) == (D('0.00'), D('0.00'), ())


# ---------------------------------------------------------------- cap, SME, other methods


def test_cap_reached():
    # 2 Jan 2026 - 1 Jan 2029 = 1,096 d × 1.00 = 1,096.00 > cap 1,000 -> 1,000.00, capped.
    rule = replace(ONE_PER_MILLE_A_DAY, cap=D(1000))
    result = compute_interest(D(1000), date(2026, 1, 1), [], rule, [], date(2029, 1, 1))
    assert result.interest == D('1000.00')
    assert result.capped is True
    assert result.lines[0].amount == D(1096)


def test_cap_not_reached():
    # 30 d × 1.00 = 30.00 < cap 1,000.
    rule = replace(ONE_PER_MILLE_A_DAY, cap=D(1000))
    result = compute_interest(D(1000), date(2026, 1, 1), [], rule, [], date(2026, 1, 31))
    assert (result.interest, result.capped) == (D('30.00'), False)


def test_sme_daily_rule():
    # 10,000 × 0.05 % = 5.00 per day; 1-30 Jul = 30 d -> 150.00.
    result = compute_interest(D(10000), date(2026, 6, 30), [], preset_prc_sme(), [], date(2026, 7, 30))
    assert result.interest == D('150.00')
    (line,) = result.lines
    assert (line.rate, line.rate_unit, line.days) == (D('0.05'), 'day', 30)


def test_fixed_daily_rate_when_no_annual_rate():
    # Late performance 0.0175 %/day: 100,000 × 0.0175 % × 10 d = 175.00.
    rule = InterestRule(method='fixed', daily_rate=D('0.0175'))
    result = compute_interest(D(100000), date(2026, 1, 1), [], rule, [], date(2026, 1, 11))
    assert result.interest == D('175.00')
    assert result.lines[0].rate_unit == 'day'


def test_fixed_annual_rate_wins_over_daily_rate():
    # annual_rate is non-zero so daily_rate is ignored: 30 d × 1.00 = 30.00.
    rule = replace(ONE_PER_MILLE_A_DAY, daily_rate=D(1))
    result = compute_interest(D(1000), date(2026, 1, 1), [], rule, [], date(2026, 1, 31))
    assert result.interest == D('30.00')


def test_method_none_charges_nothing():
    rule = InterestRule(method='none', compensation='eu_flat')
    result = compute_interest(D(1000), date(2026, 1, 1), [], rule, [], date(2026, 12, 31))
    assert (result.interest, result.compensation, result.lines) == (D('0.00'), D('0.00'), ())


def test_compensation_only_gives_no_interest():
    rule = InterestRule(method='compensation_only', compensation='eu_flat')
    result = compute_interest(D(1000), date(2026, 1, 1), [], rule, [], date(2026, 12, 31))
    assert (result.interest, result.compensation, result.lines) == (D('0.00'), D('40.00'), ())


# ---------------------------------------------------------------- compensation


def test_eu_flat_40_once_overdue():
    # 10 d at 2.15 + 8 = 10.15 % on 36,500 = 101.50, plus the flat EUR 40.
    rates = [RatePoint(date(2025, 6, 11), D('2.15'))]
    result = compute_interest(D(36500), date(2026, 1, 1), [], preset_eu(), rates, date(2026, 1, 11))
    assert (result.interest, result.compensation) == (D('101.50'), D('40.00'))


def test_compensation_not_due_within_grace():
    # Due 1 Jan + 5 grace days: not overdue until 7 Jan.
    rule = replace(InterestRule(method='compensation_only', compensation='eu_flat'), grace_days=5)
    on_last_grace_day = compute_interest(D(1000), date(2026, 1, 1), [], rule, [], date(2026, 1, 6))
    day_after = compute_interest(D(1000), date(2026, 1, 1), [], rule, [], date(2026, 1, 7))
    assert (on_last_grace_day.compensation, day_after.compensation) == (D('0.00'), D('40.00'))


@pytest.mark.parametrize(
    ('principal', 'expected'),
    [
        (D('999.99'), D('40.00')),
        (D('1000'), D('70.00')),
        (D('9999.99'), D('70.00')),
        (D('10000'), D('100.00')),
    ],
)
def test_uk_scale_by_invoice_size(principal, expected):
    result = compute_interest(principal, date(2026, 1, 1), [], COMPENSATION_UK, [], date(2026, 1, 2))
    assert result.compensation == expected


def test_uk_scale_uses_original_principal_after_part_payment():
    # 10,000 invoiced, 9,500 paid: still the >= 10,000 band, GBP 100.
    payments = [Movement(date(2026, 1, 1), D(9500))]
    result = compute_interest(D(10000), date(2026, 1, 1), payments, COMPENSATION_UK, [], date(2026, 1, 31))
    assert (result.principal_open, result.compensation) == (D(500), D('100.00'))


def test_foreign_currency_eu_compensation():
    # CNY invoice, EUR 1 = CNY 7.8 at the invoice date: 40 × 7.8 = 312.00.
    rule = InterestRule(method='compensation_only', compensation='eu_flat')
    result = compute_interest(D(5000), date(2026, 1, 1), [], rule, [], date(2026, 2, 1), compensation_rate=D('7.8'))
    assert result.compensation == D('312.00')


def test_foreign_currency_uk_band_compared_in_pounds():
    # USD 1,200 at GBP 1 = USD 1.25 is GBP 960: the < 1,000 band, GBP 40 × 1.25 = USD 50.00.
    result = compute_interest(
        D(1200), date(2026, 1, 1), [], COMPENSATION_UK, [], date(2026, 2, 1), compensation_rate=D('1.25')
    )
    assert result.compensation == D('50.00')


# ---------------------------------------------------------------- explain


def test_explain_lines():
    # 400 paid on 1 Feb bears interest that day. 2 Jan-1 Feb: 1,000 × 3.10 % × 31 / 365 = 2.632876...;
    # 2-10 Feb: 600 × 3.10 % × 9 / 365 = 0.458630...; total 3.091506... -> 3.09. EUR 40 compensation.
    payments = [Movement(date(2026, 2, 1), D(400))]
    rule = replace(preset_prc_contract(D('3.10')), compensation='eu_flat')
    result = compute_interest(D(1000), date(2026, 1, 1), payments, rule, [], date(2026, 2, 10))
    text = explain(result, rule, date(2026, 1, 1))
    assert [line.code for line in text] == [
        'first_day', 'day_count', 'rate_fixed', 'period', 'period', 'total', 'compensation',
    ]
    assert text[0].params == {'first_day': date(2026, 1, 2), 'due_date': date(2026, 1, 1), 'grace_days': 0}
    assert text[1].params == {'day_count': 'actual_365'}
    assert text[2].params == {'rate': D('3.10'), 'rate_unit': 'year'}
    first, second = text[3].params, text[4].params
    assert (first['date_from'], first['date_to'], first['days'], first['base']) == (
        date(2026, 1, 2), date(2026, 2, 1), 31, D(1000))
    assert (first['rate'], first['rate_unit'], first['basis']) == (D('3.10'), 'year', D(365))
    assert round_half_up(first['amount'], 2) == D('2.63')
    assert (second['date_from'], second['days'], second['base'], round_half_up(second['amount'], 2)) == (
        date(2026, 2, 2), 9, D(600), D('0.46'))
    assert text[5] == ExplanationLine('total', {'amount': D('3.09')})
    assert text[6] == ExplanationLine('compensation', {'amount': D('40.00'), 'scheme': 'eu_flat'})


def test_explain_daily_rate_single_day_and_cap():
    # 1 day × 10,000 × 0.05 % = 5.00, capped at 3.00; a daily rate has no year basis.
    rule = replace(preset_prc_sme(), cap=D(3))
    result = compute_interest(D(10000), date(2026, 1, 1), [], rule, [], date(2026, 1, 2))
    text = explain(result, rule, date(2026, 1, 1))
    assert text[2] == ExplanationLine('rate_fixed', {'rate': D('0.05'), 'rate_unit': 'day'})
    assert (text[3].params['days'], text[3].params['rate_unit'], text[3].params['basis']) == (1, 'day', None)
    assert text[-1] == ExplanationLine('total_capped', {'amount': D('3.00'), 'uncapped': D('5.0000')})


def test_explain_derives_the_lpr_rate():
    # LPR 3.00 % in force on the first day × 1.5 = 4.50 %; 36,500 × 4.50 % × 1 / 365 = 4.50.
    rates = [RatePoint(date(2025, 5, 20), D('3.00'))]
    rule = preset_prc_lpr()
    result = compute_interest(D(36500), date(2026, 1, 1), [], rule, rates, date(2026, 1, 2))
    assert explain(result, rule, date(2026, 1, 1))[2] == ExplanationLine('rate_reference', {
        'reference_rate': D('3.00'), 'reference_date': date(2026, 1, 2), 'multiplier': D('1.5'), 'margin': D(0),
        'rate': D('4.500'), 'floored': False,
    })


def test_explain_one_derivation_per_half_year_rate():
    # EU: 4.00 taken on 1 Jan 2026 + 8 = 12.00 %; 3.25 taken on 1 Jul 2026 + 8 = 11.25 %.
    rule = preset_eu()
    result = compute_interest(D(36500), date(2026, 6, 20), [], rule, HALF_YEAR_RATES, date(2026, 7, 10))
    derivations = [line.params for line in explain(result, rule, date(2026, 6, 20)) if line.code == 'rate_reference']
    assert [(p['reference_rate'], p['reference_date'], p['margin'], p['rate']) for p in derivations] == [
        (D('4.00'), date(2026, 1, 1), D(8), D('12.00')),
        (D('3.25'), date(2026, 7, 1), D(8), D('11.25')),
    ]


def test_explain_negative_reference_taken_to_zero():
    # -9.00 + 8 = -1.00, taken as 0 %: no interest, and the line says why.
    rates = [RatePoint(date(2025, 1, 1), D('-9.00'))]
    rule = preset_eu()
    result = compute_interest(D(1000), date(2026, 1, 1), [], rule, rates, date(2026, 1, 11))
    derivation = next(line for line in explain(result, rule, date(2026, 1, 1)) if line.code == 'rate_reference')
    assert (derivation.params['rate'], derivation.params['floored']) == (D(0), True)
    assert result.interest == D('0.00')


def test_explain_before_interest_starts_and_after_full_payment():
    rule = replace(ONE_PER_MILLE_A_DAY, grace_days=5)
    early = compute_interest(D(1000), date(2026, 1, 1), [], rule, [], date(2026, 1, 3))
    assert [line.code for line in explain(early, rule, date(2026, 1, 1))] == [
        'first_day', 'day_count', 'not_started', 'total']
    assert explain(early, rule, date(2026, 1, 1))[0].params['first_day'] == date(2026, 1, 7)
    paid = compute_interest(D(1000), date(2026, 1, 1), [Movement(date(2026, 1, 9), D(1000))], rule, [],
                            date(2026, 2, 1))
    assert explain(paid, rule, date(2026, 1, 1))[-2] == ExplanationLine('paid_on', {'date': date(2026, 1, 9)})
    assert paid.interest == D('3.00')   # 7, 8 and 9 Jan: 3 d × 1.00


def test_explain_compensation_only_has_no_interest_lines():
    rule = InterestRule(method='compensation_only', compensation='uk_scale')
    result = compute_interest(D(500), date(2026, 1, 1), [], rule, [], date(2026, 1, 2))
    assert explain(result, rule, date(2026, 1, 1)) == [
        ExplanationLine('compensation', {'amount': D('40.00'), 'scheme': 'uk_scale'})]


def test_every_explanation_code_is_documented():
    rule = replace(preset_eu(), cap=D(1))
    rates = [RatePoint(date(2025, 1, 1), D('2.00'))]
    result = compute_interest(D(1000), date(2026, 1, 1), [Movement(date(2026, 1, 5), D(1000))], rule, rates,
                              date(2026, 2, 1))
    assert {line.code for line in explain(result, rule, date(2026, 1, 1))} <= set(EXPLANATION_CODES)


@pytest.mark.parametrize(('rate', 'digits'), [
    (D('4.500'), 2), (D('0.0175'), 4), (D(8), 2), (D('1.5'), 2), (D('-0.125'), 3), (D(0), 2),
])
def test_rate_digits(rate, digits):
    assert rate_digits(rate) == digits


def test_rate_digits_minimum_for_multipliers():
    assert (rate_digits(D('1.5'), minimum=0), rate_digits(D('1.30'), minimum=0), rate_digits(D(2), 0)) == (1, 1, 0)


def test_round_half_up():
    assert (round_half_up(D('2.345'), 2), round_half_up(D('0.5'), 0)) == (D('2.35'), D(1))


# ---------------------------------------------------------------- presets


def test_presets_are_valid_and_carry_the_legal_figures():
    presets = (preset_prc_contract(D(6)), preset_prc_lpr(), preset_prc_sme(), preset_eu(), preset_de(), preset_uk())
    assert all(validate_rule(rule) == [] for rule in presets)
    assert (preset_prc_lpr().multiplier, preset_prc_lpr(D('1.3')).multiplier) == (D('1.5'), D('1.3'))
    assert preset_prc_sme().daily_rate == D('0.05')
    assert (preset_eu().margin, preset_eu().compensation_amount) == (D(8), D(40))
    assert (preset_de().margin, preset_de().reference_convention) == (D(9), 'half_year_jan_jul')
    assert (preset_uk().margin, preset_uk().reference_convention) == (D(8), 'half_year_dec_jun')


# ---------------------------------------------------------------- validation


def test_valid_rule_has_no_problems():
    assert validate_rule(ONE_PER_MILLE_A_DAY) == []


@pytest.mark.parametrize(
    ('rule', 'problem'),
    [
        (InterestRule(method='fixed'), 'A fixed rule needs an annual or a daily rate.'),
        (InterestRule(method='sme_daily'), 'The SME rule needs a daily rate.'),
        (InterestRule(method='reference', multiplier=D(0)), 'A reference rule needs a multiplier above zero.'),
        (InterestRule(method='compensation_only'), 'A compensation-only rule needs a compensation scheme.'),
        (InterestRule(method='fixed', annual_rate=D(-1)), 'The annual rate cannot be negative.'),
        (InterestRule(method='sme_daily', daily_rate=D('-0.05')), 'The daily rate cannot be negative.'),
        (InterestRule(method='reference', multiplier=D(-1)), 'The multiplier cannot be negative.'),
        (InterestRule(method='reference', margin=D(-1)), 'The margin cannot be negative.'),
        (replace(ONE_PER_MILLE_A_DAY, cap=D(-1)), 'The cap cannot be negative.'),
        (replace(ONE_PER_MILLE_A_DAY, compensation_amount=D(-40)), 'The compensation amount cannot be negative.'),
        (replace(ONE_PER_MILLE_A_DAY, grace_days=-1), 'The number of grace days cannot be negative.'),
        (
            InterestRule(method='penalty'),
            "Unknown interest method 'penalty': use one of none, fixed, reference, sme_daily, compensation_only.",
        ),
        (
            replace(ONE_PER_MILLE_A_DAY, day_count='30_360'),
            "Unknown day count '30_360': use one of actual_365, actual_360.",
        ),
        (
            replace(ONE_PER_MILLE_A_DAY, reference_convention='monthly'),
            "Unknown reference convention 'monthly': use one of breach, half_year_jan_jul, half_year_dec_jun.",
        ),
        (
            replace(ONE_PER_MILLE_A_DAY, compensation='us'),
            "Unknown compensation 'us': use one of none, eu_flat, uk_scale.",
        ),
    ],
)
def test_validate_rule_problem(rule, problem):
    assert validate_rule(rule) == [problem]


def test_validate_rates_allows_negative_rates():
    assert validate_rates([RatePoint(date(2014, 6, 11), D('-0.10')), RatePoint(date(2016, 3, 16), D(0))]) == []


def test_validate_rates_refuses_duplicate_dates():
    rates = [
        RatePoint(date(2026, 1, 1), D('2.15')),
        RatePoint(date(2026, 1, 1), D('2.00')),
        RatePoint(date(2026, 7, 1), D('2.00')),
    ]
    assert validate_rates(rates) == ['Two rates start on 2026-01-01.']


# ---------------------------------------------------------------- errors


def test_error_as_of_before_due_date():
    with pytest.raises(InterestError, match='as-of date is before the due date'):
        compute_interest(D(1000), date(2026, 1, 31), [], ONE_PER_MILLE_A_DAY, [], date(2026, 1, 30))


def test_error_invalid_rule():
    with pytest.raises(InterestError, match='A fixed rule needs an annual or a daily rate.'):
        compute_interest(D(1000), date(2026, 1, 1), [], InterestRule(method='fixed'), [], date(2026, 1, 31))


def test_error_no_reference_rate_in_force():
    # The only rate starts after the first interest day (2 Jan); the error carries a code for the caller's wording.
    rates = [RatePoint(date(2026, 1, 20), D('3.00'))]
    with pytest.raises(InterestError, match='No reference rate in force on 2026-01-02') as error:
        compute_interest(D(1000), date(2026, 1, 1), [], preset_prc_lpr(), rates, date(2026, 1, 31))
    assert (error.value.code, error.value.params) == ('no_rate', {'date': date(2026, 1, 2)})


def test_error_no_half_year_rate_in_force():
    # EU on 1 Jul 2026 needs the rate in force on 1 Jul; the table starts on 2 Jul.
    rates = [RatePoint(date(2026, 7, 2), D('2.00'))]
    with pytest.raises(InterestError, match='No reference rate in force on 2026-07-01'):
        compute_interest(D(1000), date(2026, 7, 1), [], preset_eu(), rates, date(2026, 7, 31))


def test_error_duplicate_reference_rates():
    rates = [RatePoint(date(2026, 1, 1), D('2.15')), RatePoint(date(2026, 1, 1), D('2.00'))]
    with pytest.raises(InterestError, match='Two rates start on 2026-01-01'):
        compute_interest(D(1000), date(2026, 1, 1), [], preset_eu(), rates, date(2026, 1, 31))


def test_error_negative_principal():
    with pytest.raises(InterestError, match='principal cannot be negative'):
        compute_interest(D(-1), date(2026, 1, 1), [], ONE_PER_MILLE_A_DAY, [], date(2026, 1, 31))


def test_error_compensation_rate_not_positive():
    with pytest.raises(InterestError, match='compensation rate must be above zero'):
        compute_interest(
            D(1000), date(2026, 1, 1), [], ONE_PER_MILLE_A_DAY, [], date(2026, 1, 31), compensation_rate=D(0)
        )


def test_error_negative_digits():
    with pytest.raises(InterestError, match='digits cannot be negative'):
        compute_interest(D(1000), date(2026, 1, 1), [], ONE_PER_MILLE_A_DAY, [], date(2026, 1, 31), digits=-1)


def test_interest_error_is_a_value_error():
    assert issubclass(InterestError, ValueError)


def test_interest_line_is_immutable():
    line = InterestLine(date(2026, 1, 2), date(2026, 1, 2), 1, D(1), D(1), 'year', D(0))
    with pytest.raises(AttributeError):
        line.days = 2  # type: ignore[misc]
