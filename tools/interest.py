"""Late-payment interest and recovery compensation on one invoice, in Decimal, explained period by period.

Day count: every day from the first interest day up to and including the as-of date bears interest. A payment
or a credit note still bears interest on its own date ("to the date of actual payment": PRC judgments, EU
Directive 2011/7/EU, UK Late Payment Act) and reduces the base from the next day on.

The explanation is returned as codes with parameters (see EXPLANATION_CODES): the caller words and translates it.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

METHODS = ('none', 'fixed', 'reference', 'sme_daily', 'compensation_only')
ACCRUING_METHODS = ('fixed', 'reference', 'sme_daily')
REFERENCE_CONVENTIONS = ('breach', 'half_year_jan_jul', 'half_year_dec_jun')
DAY_COUNT_BASIS = {'actual_365': Decimal(365), 'actual_360': Decimal(360)}
COMPENSATIONS = ('none', 'eu_flat', 'uk_scale')
# UK Late Payment Act: (debt below this amount, fixed sum); debts at or above the last bound get UK_SCALE_TOP.
UK_SCALE = ((Decimal(1000), Decimal(40)), (Decimal(10000), Decimal(70)))
UK_SCALE_TOP = Decimal(100)

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
ONE_DAY = timedelta(days=1)


class InterestError(ValueError):
    """Input from which no meaningful interest figure can be computed.

    `code` and `params` let the caller word the problem in the user's language; the message is the English text.
    """

    def __init__(self, message: str, code: str = 'invalid', params: Mapping[str, object] | None = None):
        super().__init__(message)
        self.code = code
        self.params = dict(params or {})


@dataclass(frozen=True)
class RatePoint:
    """One row of a dated reference-rate table, in percent per year."""

    valid_from: date
    rate: Decimal


@dataclass(frozen=True)
class InterestRule:
    """How late-payment interest and compensation are computed; see validate_rule for the allowed values."""

    method: str
    annual_rate: Decimal = Decimal(0)
    daily_rate: Decimal = Decimal(0)
    multiplier: Decimal = Decimal(1)
    margin: Decimal = Decimal(0)
    reference_convention: str = 'breach'
    day_count: str = 'actual_365'
    grace_days: int = 0
    start_day_after_due: bool = True
    cap: Decimal | None = None
    compensation: str = 'none'
    compensation_amount: Decimal = Decimal(40)


@dataclass(frozen=True)
class Movement:
    """A payment or credit note; a positive amount still bears interest on its date and reduces the base after it."""

    date: date
    amount: Decimal


@dataclass(frozen=True)
class InterestLine:
    """Days with the same base and rate, and their unrounded interest."""

    date_from: date
    date_to: date
    days: int
    base: Decimal
    rate: Decimal
    rate_unit: str
    amount: Decimal
    # For a reference rule: the reference rate the rate was derived from, and the day it was taken on.
    reference_rate: Decimal | None = None
    reference_date: date | None = None


@dataclass(frozen=True)
class InterestResult:
    """Interest and compensation owed at the as-of date, with the lines that explain the interest."""

    principal_open: Decimal
    interest: Decimal
    compensation: Decimal
    lines: tuple[InterestLine, ...]
    capped: bool
    first_day: date | None = None
    # Day of the movement that settled the principal in full (interest runs up to and including it).
    paid_on: date | None = None


@dataclass(frozen=True)
class ExplanationLine:
    """One line of the explanation: a code from EXPLANATION_CODES and the values it shows."""

    code: str
    params: Mapping[str, object]


# code -> what the line says (in English; the caller words it in the user's language from the params)
EXPLANATION_CODES = {
    'first_day': 'interest runs from `first_day` (due `due_date`, `grace_days` days of grace)',
    'day_count': 'every day counts, both ends included; a payment bears interest on its own day (`day_count`)',
    'rate_fixed': 'agreed rate `rate` % per `rate_unit`',
    'rate_reference': '`reference_rate` % (taken on `reference_date`) × `multiplier` + `margin` = `rate` %',
    'period': '`date_from` – `date_to`: `base` × `rate` %/`rate_unit` × `days` (/ `basis`) = `amount`',
    'paid_on': 'paid in full on `date`: interest ran up to and including that day',
    'not_started': 'nothing accrued yet: interest starts on `first_day`',
    'total': 'total interest `amount`',
    'total_capped': 'total interest `amount`: capped, the periods add up to `uncapped`',
    'compensation': 'fixed compensation `amount` (`scheme`)',
}


# ---------------------------------------------------------------- validation


def _unknown_value_problems(rule: InterestRule) -> list[str]:
    """Problems with the rule's choice fields."""
    choices = (
        ('interest method', rule.method, METHODS),
        ('reference convention', rule.reference_convention, REFERENCE_CONVENTIONS),
        ('day count', rule.day_count, tuple(DAY_COUNT_BASIS)),
        ('compensation', rule.compensation, COMPENSATIONS),
    )
    return [
        f"Unknown {label} '{value}': use one of {', '.join(allowed)}."
        for label, value, allowed in choices
        if value not in allowed
    ]


def _negative_value_problems(rule: InterestRule) -> list[str]:
    """Problems with figures that must not be below zero."""
    figures = (
        ('annual rate', rule.annual_rate),
        ('daily rate', rule.daily_rate),
        ('multiplier', rule.multiplier),
        ('margin', rule.margin),
        ('cap', rule.cap),
        ('compensation amount', rule.compensation_amount),
        ('number of grace days', rule.grace_days),
    )
    return [f'The {label} cannot be negative.' for label, value in figures if value is not None and value < 0]


def _method_problems(rule: InterestRule) -> list[str]:
    """Problems specific to the chosen method."""
    if rule.method == 'fixed' and not rule.annual_rate and not rule.daily_rate:
        return ['A fixed rule needs an annual or a daily rate.']
    if rule.method == 'sme_daily' and not rule.daily_rate:
        return ['The SME rule needs a daily rate.']
    if rule.method == 'reference' and rule.multiplier == 0:
        return ['A reference rule needs a multiplier above zero.']
    if rule.method == 'compensation_only' and rule.compensation == 'none':
        return ['A compensation-only rule needs a compensation scheme.']
    return []


def validate_rule(rule: InterestRule) -> list[str]:
    """Problems with `rule` as plain sentences; empty when the rule is usable."""
    return _unknown_value_problems(rule) + _negative_value_problems(rule) + _method_problems(rule)


def validate_rates(rates: Sequence[RatePoint]) -> list[str]:
    """Problems with a reference-rate table; negative rates are fine (the ECB had some)."""
    seen: set[date] = set()
    duplicates: set[date] = set()
    for point in rates:
        (duplicates if point.valid_from in seen else seen).add(point.valid_from)
    return [f'Two rates start on {day.isoformat()}.' for day in sorted(duplicates)]


# ---------------------------------------------------------------- dates and rates


def first_interest_day(due_date: date, rule: InterestRule) -> date:
    """First day on which interest accrues."""
    return due_date + timedelta(days=rule.grace_days + (1 if rule.start_day_after_due else 0))


def _follows_half_years(rule: InterestRule) -> bool:
    """Whether the rate is reset every half year (EU, DE, UK) rather than fixed at breach (PRC LPR)."""
    return rule.method == 'reference' and rule.reference_convention != 'breach'


def _half_year_starts(first_day: date, last_day: date) -> Iterator[date]:
    """Every 1 January and 1 July after `first_day`, up to `last_day`."""
    for year in range(first_day.year, last_day.year + 1):
        for month in (1, 7):
            start = date(year, month, 1)
            if first_day < start <= last_day:
                yield start


def _reference_date(rule: InterestRule, first_day: date, day: date) -> date:
    """Date whose reference rate applies to `day`."""
    first_half = day.month <= 6
    if rule.reference_convention == 'half_year_jan_jul':
        return date(day.year, 1, 1) if first_half else date(day.year, 7, 1)
    if rule.reference_convention == 'half_year_dec_jun':
        return date(day.year - 1, 12, 31) if first_half else date(day.year, 6, 30)
    return first_day


def _rate_in_force(rates: Sequence[RatePoint], day: date) -> Decimal:
    """Reference rate in force on `day`."""
    known = [point for point in rates if point.valid_from <= day]
    if not known:
        raise InterestError(f'No reference rate in force on {day.isoformat()}.', 'no_rate', {'date': day})
    return max(known, key=lambda point: point.valid_from).rate


def _rate_for(rule: InterestRule, rates: Sequence[RatePoint], first_day: date, day: date) -> InterestLine:
    """A line without dates nor amount carrying the rate applying on `day`, its unit ('year' or 'day') and, for a
    reference rule, the reference rate and the day it was taken on."""
    if rule.method == 'sme_daily':
        rate, rate_unit, reference, taken_on = rule.daily_rate, 'day', None, None
    elif rule.method == 'fixed':
        rate, rate_unit = (rule.annual_rate, 'year') if rule.annual_rate else (rule.daily_rate, 'day')
        reference, taken_on = None, None
    else:
        taken_on = _reference_date(rule, first_day, day)
        reference = _rate_in_force(rates, taken_on)
        # A negative reference rate may not turn interest into a refund to the debtor.
        rate, rate_unit = max(reference * rule.multiplier + rule.margin, ZERO), 'year'
    return InterestLine(day, day, 0, ZERO, rate, rate_unit, ZERO, reference, taken_on)


# ---------------------------------------------------------------- periods


def _movements_until(movements: Sequence[Movement], as_of: date) -> list[Movement]:
    """Movements known at `as_of`, oldest first."""
    return sorted((move for move in movements if move.date <= as_of), key=lambda move: move.date)


def _open_after(principal: Decimal, movements: Sequence[Movement], day: date) -> Decimal:
    """Principal still owed at the end of `day`, its own movements deducted."""
    return principal - sum((move.amount for move in movements if move.date <= day), ZERO)


def _base_on(principal: Decimal, movements: Sequence[Movement], day: date) -> Decimal:
    """Principal bearing interest on `day`: what was owed at the end of the day before. A payment still bears
    interest on its own date (to the date of actual payment) and reduces the base from the next day on."""
    return _open_after(principal, movements, day - ONE_DAY)


def _paid_on(principal: Decimal, movements: Sequence[Movement]) -> date | None:
    """Date of the movement that settled the principal in full and for good, if any."""
    paid_on = None
    for move in movements:
        settled = _open_after(principal, movements, move.date) <= 0
        paid_on = (paid_on or move.date) if settled else None
    return paid_on


def _period_bounds(
    first_day: date, last_day: date, movements: Sequence[Movement], rule: InterestRule
) -> list[tuple[date, date]]:
    """Inclusive periods in which neither the base nor the rate can change."""
    starts = {first_day}
    # A movement changes the base on the day after its own date.
    starts.update(move.date + ONE_DAY for move in movements if first_day < move.date + ONE_DAY <= last_day)
    if _follows_half_years(rule):
        starts.update(_half_year_starts(first_day, last_day))
    ordered = sorted(starts)
    ends = [start - ONE_DAY for start in ordered[1:]] + [last_day]
    return list(zip(ordered, ends, strict=True))


def _period_amount(base: Decimal, rate: Decimal, rate_unit: str, days: int, basis: Decimal) -> Decimal:
    """Unrounded interest on `base` for `days` days."""
    if rate_unit == 'day':
        return base * rate * days / HUNDRED
    # Actual/365 stays fixed: a leap year's 366 days are still divided by 365.
    return base * rate * days / (HUNDRED * basis)


def _with_amount(line: InterestLine, basis: Decimal) -> InterestLine:
    """`line` with its day count and amount filled in from its dates."""
    days = (line.date_to - line.date_from).days + 1
    return replace(line, days=days, amount=_period_amount(line.base, line.rate, line.rate_unit, days, basis))


def _continues(previous: InterestLine, line: InterestLine) -> bool:
    """Whether `line` directly follows `previous` with the same base and rate."""
    return (
        previous.date_to + ONE_DAY == line.date_from
        and previous.base == line.base
        # The same rate taken again on a later reference day (an unchanged half-year rate) continues the line.
        and (previous.rate, previous.rate_unit, previous.reference_rate)
        == (line.rate, line.rate_unit, line.reference_rate)
    )


def _interest_lines(
    principal: Decimal,
    due_date: date,
    movements: Sequence[Movement],
    rule: InterestRule,
    rates: Sequence[RatePoint],
    as_of: date,
) -> tuple[InterestLine, ...]:
    """Explanation lines from the first interest day to `as_of`, consecutive equal periods merged."""
    first_day = first_interest_day(due_date, rule)
    if as_of < first_day:
        return ()
    merged: list[InterestLine] = []
    for start, end in _period_bounds(first_day, as_of, movements, rule):
        base = _base_on(principal, movements, start)
        if base <= 0:
            # Fully paid: interest stays frozen (and resumes only if a reversal reopens the debt).
            continue
        line = replace(_rate_for(rule, rates, first_day, start), date_from=start, date_to=end, base=base)
        if merged and _continues(merged[-1], line):
            merged[-1] = replace(merged[-1], date_to=end)
        else:
            merged.append(line)
    basis = DAY_COUNT_BASIS[rule.day_count]
    return tuple(_with_amount(line, basis) for line in merged)


# ---------------------------------------------------------------- money


def _rounded(amount: Decimal, digits: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """`amount` with `digits` decimals."""
    return amount.quantize(ONE.scaleb(-digits), rounding=rounding)


def _uk_scale_sum(principal_in_gbp: Decimal) -> Decimal:
    """Fixed UK compensation, in pounds, for a debt of `principal_in_gbp`."""
    for bound, fixed_sum in UK_SCALE:
        if principal_in_gbp < bound:
            return fixed_sum
    return UK_SCALE_TOP


def _compensation(
    principal: Decimal, due_date: date, rule: InterestRule, as_of: date, compensation_rate: Decimal, digits: int
) -> Decimal:
    """Fixed recovery compensation in the invoice currency, once the invoice is overdue."""
    overdue = as_of > due_date + timedelta(days=rule.grace_days)
    if rule.method == 'none' or rule.compensation == 'none' or not overdue:
        return _rounded(ZERO, digits)
    if rule.compensation == 'eu_flat':
        return _rounded(rule.compensation_amount * compensation_rate, digits)
    # The UK bands are in pounds: compare the original debt converted back into pounds.
    return _rounded(_uk_scale_sum(principal / compensation_rate) * compensation_rate, digits)


def _capped(interest: Decimal, cap: Decimal | None, digits: int) -> tuple[Decimal, bool]:
    """Interest limited to `cap`, and whether the limit was hit."""
    if cap is None:
        return interest, False
    # Round the cap down so that the rounded interest can never exceed it.
    limit = _rounded(cap, digits, ROUND_DOWN)
    return (limit, True) if interest > limit else (interest, False)


# ---------------------------------------------------------------- entry points


def _check_input(
    principal: Decimal,
    due_date: date,
    rule: InterestRule,
    rates: Sequence[RatePoint],
    as_of: date,
    digits: int,
    compensation_rate: Decimal,
) -> None:
    """Raise InterestError for input that cannot be computed."""
    problems = validate_rule(rule)
    if rule.method == 'reference':
        problems += validate_rates(rates)
    if problems:
        raise InterestError(' '.join(problems))
    if principal < 0:
        raise InterestError('The principal cannot be negative.')
    if as_of < due_date:
        raise InterestError('The as-of date is before the due date.', 'before_due', {'due_date': due_date})
    if digits < 0:
        raise InterestError('The number of digits cannot be negative.')
    if compensation_rate <= 0:
        raise InterestError('The compensation rate must be above zero.')


def compute_interest(
    principal: Decimal,
    due_date: date,
    movements: Sequence[Movement],
    rule: InterestRule,
    rates: Sequence[RatePoint],
    as_of: date,
    digits: int = 2,
    compensation_rate: Decimal = ONE,
) -> InterestResult:
    """Interest and compensation owed on one invoice at `as_of`, day by day up to and including it; the part paid
    by a movement bears interest up to and including the movement's date."""
    _check_input(principal, due_date, rule, rates, as_of, digits, compensation_rate)
    known_movements = _movements_until(movements, as_of)
    lines: tuple[InterestLine, ...] = ()
    if rule.method in ACCRUING_METHODS:
        lines = _interest_lines(principal, due_date, known_movements, rule, rates, as_of)
    # Round once per invoice, not per line, so that splitting periods never changes the total.
    interest = _rounded(sum((line.amount for line in lines), ZERO), digits)
    interest, capped = _capped(interest, rule.cap, digits)
    return InterestResult(
        principal_open=max(_open_after(principal, known_movements, as_of), ZERO),
        interest=interest,
        compensation=_compensation(principal, due_date, rule, as_of, compensation_rate, digits),
        lines=lines,
        capped=capped,
        first_day=first_interest_day(due_date, rule) if rule.method in ACCRUING_METHODS else None,
        paid_on=_paid_on(principal, known_movements),
    )


# ---------------------------------------------------------------- explanation


def rate_digits(rate: Decimal, minimum: int = 2) -> int:
    """Decimals to show `rate` with: at least `minimum`, more only when it has them (4.500 -> 2, 0.0175 -> 4)."""
    exponent = rate.normalize().as_tuple().exponent
    return max(minimum, -exponent if isinstance(exponent, int) and exponent < 0 else 0)


def round_half_up(amount: Decimal, digits: int) -> Decimal:
    """`amount` with `digits` decimals, rounded half up as money is shown."""
    return _rounded(amount, digits)


def _rate_lines(result: InterestResult, rule: InterestRule) -> list[ExplanationLine]:
    """How each rate used was derived, once per distinct rate, in the order the periods use them."""
    if rule.method != 'reference':
        return [ExplanationLine('rate_fixed', {'rate': line.rate, 'rate_unit': line.rate_unit})
                for line in result.lines[:1]]
    seen: list[tuple[Decimal | None, Decimal]] = []
    text = []
    for line in result.lines:
        key = (line.reference_rate, line.rate)
        if key in seen:
            continue
        seen.append(key)
        reference = line.reference_rate if line.reference_rate is not None else ZERO
        text.append(ExplanationLine('rate_reference', {
            'reference_rate': reference,
            'reference_date': line.reference_date,
            'multiplier': rule.multiplier,
            'margin': rule.margin,
            'rate': line.rate,
            # A negative reference rate taken to zero rather than charging the creditor.
            'floored': reference * rule.multiplier + rule.margin < 0,
        }))
    return text


def _period_line(line: InterestLine, rule: InterestRule) -> ExplanationLine:
    """One period: its dates, days, base, rate and unrounded amount."""
    return ExplanationLine('period', {
        'date_from': line.date_from,
        'date_to': line.date_to,
        'days': line.days,
        'base': line.base,
        'rate': line.rate,
        'rate_unit': line.rate_unit,
        'basis': DAY_COUNT_BASIS[rule.day_count] if line.rate_unit == 'year' else None,
        'amount': line.amount,
    })


def _total_line(result: InterestResult) -> ExplanationLine:
    """Total interest, telling when the cap replaced the sum of the periods."""
    if not result.capped:
        return ExplanationLine('total', {'amount': result.interest})
    uncapped = sum((line.amount for line in result.lines), ZERO)
    return ExplanationLine('total_capped', {'amount': result.interest, 'uncapped': uncapped})


def explain(result: InterestResult, rule: InterestRule, due_date: date) -> list[ExplanationLine]:
    """The computation as coded lines (see EXPLANATION_CODES): when interest starts, the day-count convention, how
    each rate was derived, one line per period, full payment, the total, then the compensation when there is one.
    Amounts are unrounded Decimals except the totals; the caller rounds them as it shows them (round_half_up)."""
    text: list[ExplanationLine] = []
    if rule.method in ACCRUING_METHODS:
        text.append(ExplanationLine('first_day', {
            'first_day': result.first_day, 'due_date': due_date, 'grace_days': rule.grace_days,
        }))
        text.append(ExplanationLine('day_count', {'day_count': rule.day_count}))
        text += _rate_lines(result, rule)
        text += [_period_line(line, rule) for line in result.lines]
        if result.paid_on:
            text.append(ExplanationLine('paid_on', {'date': result.paid_on}))
        elif not result.lines:
            text.append(ExplanationLine('not_started', {'first_day': result.first_day}))
        text.append(_total_line(result))
    if result.compensation:
        text.append(ExplanationLine('compensation', {'amount': result.compensation, 'scheme': rule.compensation}))
    return text


# ---------------------------------------------------------------- presets (rates come from the user's table)


def preset_prc_contract(annual_rate: Decimal) -> InterestRule:
    """PRC: rate agreed in the contract, per year (Civil Code 585; courts may reduce an excessive one)."""
    return InterestRule(method='fixed', annual_rate=annual_rate)


def preset_prc_lpr(multiplier: Decimal = Decimal('1.5')) -> InterestRule:
    """PRC sale without agreed rate: 1-year LPR at breach × 1.3-1.5 (SPC Sale Contract Interp. Art 18)."""
    return InterestRule(method='reference', multiplier=multiplier, reference_convention='breach')


def preset_prc_sme() -> InterestRule:
    """PRC SME Payments Regulation (Decree 802, Art 17): 0.05 % per day without an agreed rate."""
    return InterestRule(method='sme_daily', daily_rate=Decimal('0.05'))


def preset_eu() -> InterestRule:
    """EU Late Payment Directive 2011/7/EU: ECB main refinancing rate + 8 points, EUR 40 per invoice."""
    return InterestRule(
        method='reference',
        margin=Decimal(8),
        reference_convention='half_year_jan_jul',
        compensation='eu_flat',
    )


def preset_de() -> InterestRule:
    """Germany B2B (BGB §288): Bundesbank base rate + 9 points, EUR 40 per invoice."""
    return InterestRule(
        method='reference',
        margin=Decimal(9),
        reference_convention='half_year_jan_jul',
        compensation='eu_flat',
    )


def preset_uk() -> InterestRule:
    """UK Late Payment Act: Bank of England base rate + 8 points, GBP 40/70/100 by debt size."""
    return InterestRule(
        method='reference',
        margin=Decimal(8),
        reference_convention='half_year_dec_jun',
        compensation='uk_scale',
    )
