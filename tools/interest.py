"""Late-payment interest and recovery compensation on one invoice, in Decimal, explained period by period."""

from collections.abc import Iterator, Sequence
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
    """Input from which no meaningful interest figure can be computed."""


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
    """A payment or credit note; a positive amount reduces the principal from its date on."""

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


@dataclass(frozen=True)
class InterestResult:
    """Interest and compensation owed at the as-of date, with the lines that explain the interest."""

    principal_open: Decimal
    interest: Decimal
    compensation: Decimal
    lines: tuple[InterestLine, ...]
    capped: bool


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
        raise InterestError(f'No reference rate in force on {day.isoformat()}.')
    return max(known, key=lambda point: point.valid_from).rate


def _rate_for(rule: InterestRule, rates: Sequence[RatePoint], first_day: date, day: date) -> tuple[Decimal, str]:
    """Rate applying on `day` and its unit ('year' or 'day')."""
    if rule.method == 'sme_daily':
        return rule.daily_rate, 'day'
    if rule.method == 'fixed':
        return (rule.annual_rate, 'year') if rule.annual_rate else (rule.daily_rate, 'day')
    reference = _rate_in_force(rates, _reference_date(rule, first_day, day))
    # A negative reference rate may not turn interest into a refund to the debtor.
    return max(reference * rule.multiplier + rule.margin, ZERO), 'year'


# ---------------------------------------------------------------- periods


def _movements_until(movements: Sequence[Movement], as_of: date) -> list[Movement]:
    """Movements known at `as_of`, oldest first."""
    return sorted((move for move in movements if move.date <= as_of), key=lambda move: move.date)


def _base_on(principal: Decimal, movements: Sequence[Movement], day: date) -> Decimal:
    """Principal outstanding on `day`; a movement counts from its own date."""
    return principal - sum((move.amount for move in movements if move.date <= day), ZERO)


def _period_bounds(
    first_day: date, last_day: date, movements: Sequence[Movement], rule: InterestRule
) -> list[tuple[date, date]]:
    """Inclusive periods in which neither the base nor the rate can change."""
    starts = {first_day}
    starts.update(move.date for move in movements if first_day < move.date <= last_day)
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
        and (previous.rate, previous.rate_unit) == (line.rate, line.rate_unit)
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
        rate, rate_unit = _rate_for(rule, rates, first_day, start)
        line = InterestLine(start, end, 0, base, rate, rate_unit, ZERO)
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
        raise InterestError('The as-of date is before the due date.')
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
    """Interest and compensation owed on one invoice at `as_of`, day by day up to and including it."""
    _check_input(principal, due_date, rule, rates, as_of, digits, compensation_rate)
    known_movements = _movements_until(movements, as_of)
    lines: tuple[InterestLine, ...] = ()
    if rule.method in ACCRUING_METHODS:
        lines = _interest_lines(principal, due_date, known_movements, rule, rates, as_of)
    # Round once per invoice, not per line, so that splitting periods never changes the total.
    interest = _rounded(sum((line.amount for line in lines), ZERO), digits)
    interest, capped = _capped(interest, rule.cap, digits)
    return InterestResult(
        principal_open=max(_base_on(principal, known_movements, as_of), ZERO),
        interest=interest,
        compensation=_compensation(principal, due_date, rule, as_of, compensation_rate, digits),
        lines=lines,
        capped=capped,
    )


# ---------------------------------------------------------------- explanation


def _digits_of(amount: Decimal) -> int:
    """Number of decimals `amount` was rounded to."""
    exponent = amount.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _money_text(amount: Decimal, digits: int) -> str:
    """Amount with thousands separators, rounded half up (format() alone would round half even)."""
    return f'{_rounded(amount, digits):,.{digits}f}'


def _rate_text(rate: Decimal) -> str:
    """Rate with at least two decimals and no other trailing zeros: 4.500 -> 4.50, 0.0175 -> 0.0175."""
    whole, _, fraction = f'{rate.normalize():f}'.partition('.')
    return f'{whole}.{fraction.ljust(2, "0")}'


def _line_text(line: InterestLine, digits: int) -> str:
    """One explanation line."""
    days = f'{line.days} day' if line.days == 1 else f'{line.days} days'
    return (
        f'{line.date_from.isoformat()} – {line.date_to.isoformat()} · {days} · '
        f'{_money_text(line.base, digits)} × {_rate_text(line.rate)} %/{line.rate_unit} '
        f'= {_money_text(line.amount, digits)}'
    )


def _total_text(result: InterestResult, digits: int) -> str:
    """Total interest line, telling when the cap replaced the sum of the lines."""
    total = f'Total interest = {_money_text(result.interest, digits)}'
    if not result.capped:
        return total
    uncapped = sum((line.amount for line in result.lines), ZERO)
    return f'{total} (capped; the periods add up to {_money_text(uncapped, digits)})'


def explain(result: InterestResult) -> list[str]:
    """Readable lines: one per period, the total interest, then the compensation when there is one."""
    digits = _digits_of(result.interest)
    text = [_line_text(line, digits) for line in result.lines]
    text.append(_total_text(result, digits))
    if result.compensation:
        text.append(f'Compensation = {_money_text(result.compensation, digits)}')
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
