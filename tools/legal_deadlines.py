"""Legal deadlines of a money claim, as pure functions over a jurisdiction preset.

Every figure is a field of a preset below, taken from the project's rules spec (`legal-rules.md`), with its source.

Counting rules (PRC: CPL art. 85, Civil Code arts. 200-204), applied by every function here:
1. the day of the event a period runs from is not counted: n days after day D end on D + n;
2. a period of months or years ends on the corresponding day of the last month, or on that month's last day when
   it has none (31 Jan + 1 month = 28/29 Feb; 29 Feb 2024 + 3 years = 28 Feb 2027);
3. a period whose last day is not a working day (a statutory holiday or a weekend, but not an adjusted working day,
   调休) ends on the first working day after it (`roll`);
4. safe side: where the rule is ambiguous (courts differ, or a date is estimated), the creditor is told the earliest
   defensible day and every ambiguity is named (`Deadline.ambiguities`); a deadline counted backwards (renew 7 days
   before expiry) and every reminder move EARLIER onto a working day (`earlier_working_day`).
Each computed date is also returned as a `Deadline`: who must act, the rule, the day it runs from, the day before any
move and the ambiguities, for the model layer to explain in the user's language with the preset's source.
Presets that do not give a figure leave it None: the function then says so (LegalDeadlineError) instead of guessing.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

# Every kind of dated legal deadline, in the order the deadline list and the alerts show them.
DEADLINE_KINDS = [
    ("limitation", "Limitation"),
    ("preservation_expiry", "Preservation expires"),
    ("preservation_renew", "Renew preservation by"),
    ("suit_due", "File suit by"),
    ("hearing", "Hearing"),
    ("appeal", "Our appeal deadline"),
    ("performance", "Debtor's performance deadline"),
    ("enforcement_apply", "Apply for enforcement by"),
    ("asset_recheck", "Asset re-check"),
    ("termination_earliest", "Termination without assets possible"),
    ("list_term_end", "Dishonest listing or consumption ban term ends"),
]
# Who must act by each deadline: the creditor (us), the debtor, or the court (a date the court keeps or may act on).
PARTIES = [("creditor", "Creditor"), ("debtor", "Debtor"), ("court", "Court")]
PARTY_BY_KIND = {
    'limitation': 'creditor', 'preservation_expiry': 'creditor', 'preservation_renew': 'creditor',
    'suit_due': 'creditor', 'hearing': 'court', 'appeal': 'creditor', 'debtor_appeal': 'debtor',
    'debtor_objection': 'debtor', 'effective': 'court', 'performance': 'debtor', 'enforcement_apply': 'creditor',
    'asset_recheck': 'court', 'termination_earliest': 'court', 'list_term_end': 'court',
}

ONE_DAY = timedelta(days=1)
HUNDRED = Decimal(100)

# What a limitation event is, for every preset: demands, the debtor's acknowledgments and payments, and proceedings.
EVENT_KINDS = ('demand', 'acknowledgment', 'part_payment', 'filing', 'payment_order', 'arbitration', 'preservation',
               'enforcement', 'mediation')
# Proceedings: an interruption by one of these lasts as long as the proceeding (PRC) or suspends the period (DE).
PROCEEDING_KINDS = frozenset({'filing', 'payment_order', 'arbitration', 'enforcement', 'mediation'})
ASSET_TYPES = ('bank_deposit', 'movable', 'real_estate', 'equity', 'other')
PROCEDURES = ('small_claims', 'simplified', 'ordinary', 'arbitration', 'payment_order')
DECISION_KINDS = ('judgment', 'ruling', 'mediation', 'award', 'payment_order', 'enforcement_order')
# Deadline kinds that alerts are raised for, and the preset attribute holding their alert days.
ALERT_DAYS_BY_KIND = {
    'limitation': 'limitation_warning_days',
    'preservation_expiry': 'preservation_alert_days',
    'preservation_renew': 'procedural_alert_days',
    'suit_due': 'procedural_alert_days',
    'appeal': 'procedural_alert_days',
    'hearing': 'procedural_alert_days',
    'enforcement_apply': 'limitation_warning_days',
    'asset_recheck': 'procedural_alert_days',
    'list_term_end': 'procedural_alert_days',
}
# The ambiguities a deadline may carry (safe side: the date given is the earliest of the readings).
AMBIGUITIES = ('measure_day_counted', 'debtor_service_assumed', 'fixed_day_not_rolled', 'calendar_missing',
               'unproven_event', 'no_roll_rule')


def reasons(*codes):
    """The ambiguities among `codes` (None for none), each once, in the order given."""
    return tuple(dict.fromkeys(code for code in codes if code))


class LegalDeadlineError(ValueError):
    """A deadline the preset gives no figure for, or input it cannot be computed from."""


@dataclass(frozen=True)
class Preset:
    """The figures of one jurisdiction. None: the jurisdiction's rules spec gives no figure (enter it by hand)."""

    code: str
    # --- limitation ---
    limitation_years: int | None = None
    limitation_from_year_end: bool = False          # DE: from the end of the year of accrual (BGB 199)
    long_stop_years: int | None = None
    restarting_kinds: frozenset = frozenset()        # proven events after which the full period starts again
    suspending_kinds: frozenset = frozenset()        # proceedings that suspend the period instead (DE BGB 204)
    reviving_kinds: frozenset = frozenset()          # debtor's acts after expiry that bar the defence (PRC CC 192)
    suspension_tail_months: int | None = None        # PRC CC 194 (obstacle) / DE BGB 204(2) (proceeding ended)
    limitation_warning_days: tuple = ()
    recommend_action_days: int | None = None         # from then on recommend suit, payment order or preservation
    holiday_roll: bool = False
    # --- preservation ---
    pre_suit_filing_days: int | None = None
    preservation_term_years: tuple = ()              # (asset type, maximum term in years)
    renew_notice_days: int | None = None
    preservation_alert_days: tuple = ()
    pre_suit_security_percent: Decimal | None = None
    in_suit_security_max_percent: Decimal | None = None
    # --- judgment ---
    appeal_days_judgment: int | None = None
    appeal_days_ruling: int | None = None
    appeal_days_no_domicile: int | None = None
    final_procedures: frozenset = frozenset()        # one trial, no appeal (PRC small claims)
    procedural_alert_days: tuple = ()
    # --- enforcement ---
    enforcement_apply_years: int | None = None
    late_performance_daily_percent: Decimal | None = None
    termination_min_months: int | None = None
    recheck_months: int | None = None
    recheck_years: int | None = None
    list_term_years: int | None = None               # dishonest-debtor listing on grounds 2-6 (PRC)
    # --- payment order (DE Mahnverfahren): no merits check; the debtor's objection, then an enforcement order ---
    payment_order_objection_days: int | None = None  # the debtor's objection (DE ZPO 692: Widerspruch)
    enforcement_order_apply_months: int | None = None  # apply for the enforcement order by (DE ZPO 701)
    enforcement_order_objection_days: int | None = None  # the debtor's objection to it (DE ZPO 700, 339: Einspruch)
    sources: tuple = ()                              # (topic, source) pairs, quoted in explanations

    def source(self, topic):
        return dict(self.sources).get(topic, '')

    def term_years(self, asset_type):
        return dict(self.preservation_term_years).get(asset_type)

    def alert_days(self, kind):
        return getattr(self, ALERT_DAYS_BY_KIND[kind])


PRESETS = {
    'prc': Preset(
        code='prc',
        limitation_years=3,
        long_stop_years=20,
        restarting_kinds=frozenset(EVENT_KINDS),
        reviving_kinds=frozenset({'acknowledgment', 'part_payment'}),
        suspension_tail_months=6,
        limitation_warning_days=(180, 90, 30, 7),
        recommend_action_days=60,
        holiday_roll=True,
        pre_suit_filing_days=30,
        preservation_term_years=(('bank_deposit', 1), ('movable', 2), ('real_estate', 3), ('equity', 3),
                                 ('other', 3)),
        renew_notice_days=7,
        preservation_alert_days=(60, 30, 14),
        pre_suit_security_percent=Decimal(100),
        in_suit_security_max_percent=Decimal(30),
        appeal_days_judgment=15,
        appeal_days_ruling=10,
        appeal_days_no_domicile=30,
        final_procedures=frozenset({'small_claims'}),
        procedural_alert_days=(7, 3, 1),
        enforcement_apply_years=2,
        late_performance_daily_percent=Decimal('0.0175'),
        termination_min_months=3,
        recheck_months=6,
        recheck_years=5,
        list_term_years=2,
        sources=(
            ('counting', 'CPL (2023 rev.) art. 85; Civil Code arts. 200-204'),
            ('limitation', 'Civil Code arts. 188, 195, 203'),
            ('long_stop', 'Civil Code art. 188'),
            ('revival', 'Civil Code art. 192'),
            ('obstacle', 'Civil Code art. 194'),
            ('preservation', 'CPL Interpretation (2022 rev.) art. 485; Preservation Provisions art. 18'),
            ('suit_due', 'CPL (2023 rev.) art. 104'),
            ('appeal', 'CPL (2023 rev.) art. 171'),
            ('effective', 'CPL (2023 rev.) arts. 158, 171'),
            ('performance', 'CPL (2023 rev.) art. 85 (period of the judgment)'),
            ('enforcement', 'CPL (2023 rev.) art. 250'),
            ('late_interest', 'SPC Interpretation on Interest for Delayed Performance (2014) art. 1'),
            ('termination', 'SPC Provisions on Terminating the Current Enforcement Procedure (2016) arts. 1, 9'),
            ('list_term', 'SPC Provisions on the List of Dishonest Judgment Debtors (2017) art. 2'),
            ('consumption_ban', 'SPC Provisions on Restricting High Consumption (2015) arts. 1, 3'),
            ('small_claims', 'CPL (2023 rev.) arts. 165-166; Measures on Litigation Costs art. 16'),
        ),
    ),
    'de': Preset(
        code='de',
        limitation_years=3,
        limitation_from_year_end=True,
        long_stop_years=10,
        restarting_kinds=frozenset({'acknowledgment', 'part_payment', 'enforcement'}),
        suspending_kinds=frozenset({'filing', 'payment_order', 'arbitration', 'mediation'}),
        suspension_tail_months=6,
        limitation_warning_days=(180, 90, 30, 7),
        payment_order_objection_days=14,
        enforcement_order_apply_months=6,
        enforcement_order_objection_days=14,
        sources=(
            ('limitation', 'BGB §§ 195, 199, 204, 212'),
            ('payment_order', 'ZPO §§ 692(1) no. 3, 694'),
            ('enforcement_order_apply', 'ZPO §§ 699(1), 701'),
            ('enforcement_order', 'ZPO §§ 700, 339'),
        ),
    ),
    'uk': Preset(
        code='uk',
        limitation_years=6,
        restarting_kinds=frozenset({'acknowledgment', 'part_payment'}),
        limitation_warning_days=(180, 90, 30, 7),
        sources=(('limitation', 'Limitation Act 1980 ss. 5, 29-30'),),
    ),
    'us_ucc': Preset(
        code='us_ucc',
        limitation_years=4,
        restarting_kinds=frozenset({'acknowledgment', 'part_payment'}),
        limitation_warning_days=(180, 90, 30, 7),
        sources=(('limitation', 'UCC § 2-725 (revival by acknowledgment or payment: state law)'),),
    ),
    # Directive 2011/7/EU harmonises interest and compensation only: limitation is national law.
    'eu': Preset(code='eu', sources=(('limitation', 'national law (Directive 2011/7/EU sets none)'),)),
}


def preset(code):
    try:
        return PRESETS[code]
    except KeyError:
        raise LegalDeadlineError(f'unknown jurisdiction preset {code!r}') from None


# ---------------------------------------------------------------- calendar


@dataclass(frozen=True)
class OffDays:
    """The working-day calendar a company's deadlines are counted on (built by the model layer from the company's
    resource calendar, its public holidays and its adjusted working days). A day is off when it is a holiday, or a
    rest weekday not made a working day. `years`: the years whose holidays were loaded (None: not tracked)."""

    holidays: frozenset = frozenset()
    workdays: frozenset = frozenset()
    rest_weekdays: frozenset = frozenset({5, 6})
    years: frozenset | None = None

    def is_off(self, day):
        if day in self.holidays:
            return True
        return day.weekday() in self.rest_weekdays and day not in self.workdays

    def is_working(self, day):
        return not self.is_off(day)

    def knows(self, day):
        return self.years is None or day.year in self.years


NO_OFF_DAYS = OffDays(rest_weekdays=frozenset())


def roll(day, rules, off_days):
    """The last day of a period, moved past rest days and holidays when the preset says so (PRC: CPL 85)."""
    if day is None or not rules.holiday_roll:
        return day
    for _guard in range(60):
        if not off_days.is_off(day):
            return day
        day += ONE_DAY
    raise LegalDeadlineError(f'no working day within 60 days after {day}')


def earlier_working_day(day, off_days):
    """`day`, or the working day before it: where a reminder or a deadline counted backwards lands (safe side)."""
    if day is None:
        return None
    for _guard in range(60):
        if not off_days.is_off(day):
            return day
        day -= ONE_DAY
    raise LegalDeadlineError(f'no working day within 60 days before {day}')


def add_years(day, years):
    return day + relativedelta(years=years)


def add_months(day, months):
    return day + relativedelta(months=months)


@dataclass(frozen=True)
class Deadline:
    """One computed date and how it came about: `rule` names the period (see the model layer's texts), `start` the
    day it runs from (not counted), `nominal` its last day before it was moved over or back from a non-working day,
    `ambiguities` why an earlier reading was chosen (each one of AMBIGUITIES: a date can rest on several, e.g. an
    assumed service date and a last day kept on a holiday), `figure` the period's length."""

    kind: str
    day: date
    rule: str
    start: date | None = None
    nominal: date | None = None
    figure: int | None = None
    ambiguities: tuple = ()

    @property
    def party(self):
        return PARTY_BY_KIND.get(self.kind, 'creditor')

    @property
    def moved(self):
        if self.nominal is None or self.nominal == self.day:
            return None
        return 'later' if self.day > self.nominal else 'earlier'


def calendar_ambiguity(nominal, rules, off_days):
    """What the calendar leaves open about a period's last day: under a preset that rolls, a year whose holidays
    are not loaded; under one that states no rolling rule (legal-rules.md gives none outside the PRC), a last day
    that is not a working day, kept as it is (the earlier reading, which the creditor is told)."""
    if nominal is None:
        return None
    if rules.holiday_roll:
        return None if off_days.knows(nominal) else 'calendar_missing'
    return 'no_roll_rule' if off_days.is_off(nominal) else None


def _period(kind, rule, start, nominal, rules, off_days, figure=None, ambiguities=()):
    """A period ending on `nominal`, rolled to a working day where the preset says so (`calendar_ambiguity`);
    `ambiguities` those of the period's start, to which the calendar's are added."""
    day = roll(nominal, rules, off_days)
    return Deadline(kind, day, rule, start=start, nominal=nominal, figure=figure,
                    ambiguities=reasons(*ambiguities, calendar_ambiguity(nominal, rules, off_days)))


def reminder_day(day, days_before, off_days):
    """The day a reminder `days_before` a deadline is given: never a non-working day, moved earlier."""
    return earlier_working_day(day - timedelta(days=days_before), off_days)


def alert_threshold(deadline, today, days, off_days=NO_OFF_DAYS):
    """The smallest of `days` whose reminder (moved earlier onto a working day) is due by today; None once the
    deadline has passed or while every reminder is still ahead. One alert per threshold: a rerun the same day finds
    the same threshold."""
    if deadline is None or today > deadline:
        return None
    due = [threshold for threshold in days if reminder_day(deadline, threshold, off_days) <= today]
    return min(due) if due else None


# ---------------------------------------------------------------- limitation


@dataclass(frozen=True)
class Event:
    """An event that may interrupt or suspend the limitation of a claim: `day` is when it took effect (for a demand,
    the day it arrived). A proceeding ends on `ends_on` (None while pending)."""

    kind: str
    day: date
    proven: bool = True
    ends_on: date | None = None


@dataclass(frozen=True)
class Limitation:
    status: str                      # 'running', 'stopped' (a proceeding or obstacle is pending), 'undefined'
    deadline: date | None
    basis: str                       # 'due' or the kind of the event the running period starts from
    basis_day: date | None
    long_stop: date | None = None
    capped: bool = False
    revived: bool = False            # an acknowledgment or payment after expiry (the defence is barred)
    pending: Event | None = None
    unproven: tuple = ()             # events after the basis that would count if proven
    unproven_deadline: date | None = None
    late: tuple = ()                 # proven events that came after the period had expired
    recommend_from: date | None = None
    nominal: date | None = None      # the last day before it was rolled over a non-working day
    rule: str = 'limitation'         # or 'limitation_obstacle', 'long_stop': what gave the deadline
    ambiguities: tuple = ()

    def as_deadline(self):
        if self.deadline is None:
            return None
        return Deadline('limitation', self.deadline, self.rule, start=self.basis_day, nominal=self.nominal,
                        ambiguities=reasons(*self.ambiguities, 'unproven_event' if self.unproven else None))


def limitation(rules, due, events=(), obstacles=(), off_days=NO_OFF_DAYS):
    """Limitation of a claim due on `due`. Only proven events count; the period restarts from the last proven event
    that happened before it ran out (a proceeding: from the day it ended). `obstacles` are (from, to) periods of
    force majeure or similar (PRC CC 194): one within the last months of the period extends it to `to` + the tail."""
    if not rules.limitation_years:
        return Limitation(status='undefined', deadline=None, basis='due', basis_day=due)
    result = _limitation(rules, due, [e for e in events if e.proven], obstacles, off_days)
    relevant = [e for e in events if e.kind in rules.restarting_kinds | rules.suspending_kinds and e.day >= due]
    unproven = tuple(sorted((e for e in relevant if not e.proven and (result.basis_day is None
                                                                       or e.day > result.basis_day)),
                            key=lambda e: e.day))
    if unproven:
        if_proven = _limitation(rules, due, [replace(e, proven=True) for e in relevant], obstacles, off_days)
        result = replace(result, unproven=unproven, unproven_deadline=if_proven.deadline)
    return result


def _limitation(rules, due, proven, obstacles, off_days):
    years = rules.limitation_years
    start = date(due.year, 12, 31) if rules.limitation_from_year_end else due
    basis, basis_day, rule = 'due', due, 'limitation'
    nominal = add_years(start, years)
    deadline = roll(nominal, rules, off_days)
    revived, late, pending = False, [], None
    for event in sorted((e for e in proven if e.day >= due and e.kind in rules.restarting_kinds),
                        key=lambda e: e.day):
        if event.day > deadline:
            if event.kind not in rules.reviving_kinds:
                late.append(event)
                continue
            revived = True
        restart = event.day
        if event.kind in PROCEEDING_KINDS:
            if event.ends_on is None:
                pending = event
                break
            restart = event.ends_on
        basis, basis_day = event.kind, restart
        nominal = add_years(restart, years)
        deadline = roll(nominal, rules, off_days)
    if pending is None:
        for event in sorted((e for e in proven if e.day >= due and e.kind in rules.suspending_kinds),
                            key=lambda e: e.day):
            if event.day > deadline:
                late.append(event)
                continue
            if event.ends_on is None:
                pending = event
                break
            # The period does not run while the proceeding lasts, nor for the tail after it (BGB 204(2), 209).
            resumes = add_months(event.ends_on, rules.suspension_tail_months or 0)
            nominal = deadline + (resumes - event.day)
            deadline = roll(nominal, rules, off_days)
    if pending is not None:
        return Limitation(status='stopped', deadline=None, basis=pending.kind, basis_day=pending.day,
                          pending=pending, revived=revived, late=tuple(late))
    for obstacle_from, obstacle_to in obstacles:
        tail = rules.suspension_tail_months or 0
        if obstacle_from > deadline or (obstacle_to and obstacle_to < add_months(deadline, -tail)):
            continue
        if obstacle_to is None:
            return Limitation(status='stopped', deadline=None, basis='obstacle', basis_day=obstacle_from,
                              revived=revived, late=tuple(late))
        extended = add_months(obstacle_to, tail)
        if roll(extended, rules, off_days) > deadline:
            nominal, deadline, rule = extended, roll(extended, rules, off_days), 'limitation_obstacle'
            basis, basis_day = 'obstacle', obstacle_to
    long_stop, capped = None, False
    if rules.long_stop_years:
        long_stop = add_years(due, rules.long_stop_years)
        if deadline > long_stop:
            # The long stop is not a period that rolls: its own last day, the earlier of the readings.
            nominal, deadline, capped, rule = long_stop, long_stop, True, 'long_stop'
    recommend = deadline - timedelta(days=rules.recommend_action_days) if rules.recommend_action_days else None
    return Limitation(status='running', deadline=deadline, basis=basis, basis_day=basis_day, long_stop=long_stop,
                      capped=capped, revived=revived, late=tuple(late), recommend_from=recommend, nominal=nominal,
                      rule=rule, ambiguities=reasons(calendar_ambiguity(nominal, rules, off_days)))


def earliest_possible_due(rules_list: Iterable[Preset], today, horizon_days):
    """The latest due date whose limitation can end within `horizon_days` of today under any of the presets: every
    event only moves a deadline later, so older claims are the only candidates (a set-based pre-filter)."""
    years = [rules.limitation_years for rules in rules_list if rules.limitation_years]
    if not years:
        return None
    return add_years(today + timedelta(days=horizon_days), -min(years))


# ---------------------------------------------------------------- preservation


@dataclass(frozen=True)
class Preservation:
    expiry: date
    renew_by: date | None
    suit_due: date | None
    alerts: tuple = field(default=())
    deadlines: tuple = field(default=())


def preservation(rules, asset_type, measure_date, pre_suit, expiry=None, off_days=NO_OFF_DAYS):
    """Deadlines of a preservation measure taken on `measure_date`, whatever the state of its record: its expiry,
    the day by which renewal must be requested, and for a pre-suit measure the day by which suit must be filed.

    Safe side: courts differ on whether the day of the measure counts in its term; the expiry given counts it (the
    earlier reading), and is not rolled (a measure lapses whatever the day). Renewal is due `renew_notice_days`
    before expiry, moved earlier onto a working day; so are the reminders."""
    ambiguities = ()
    if expiry is None:
        term = rules.term_years(asset_type)
        if term is None:
            raise LegalDeadlineError(f'the {rules.code} preset has no preservation term for {asset_type}')
        expiry, ambiguities = add_years(measure_date, term) - ONE_DAY, ('measure_day_counted',)
        expiry_deadline = Deadline('preservation_expiry', expiry, 'preservation_expiry', start=measure_date,
                                   figure=term, ambiguities=ambiguities)
    else:
        expiry_deadline = Deadline('preservation_expiry', expiry, 'preservation_expiry_ruled', start=measure_date)
    deadlines = [expiry_deadline]
    renew_by = None
    if rules.renew_notice_days is not None:
        nominal = expiry - timedelta(days=rules.renew_notice_days)
        renew_by = earlier_working_day(nominal, off_days)
        deadlines.append(Deadline('preservation_renew', renew_by, 'preservation_renew', start=expiry,
                                  nominal=nominal, figure=rules.renew_notice_days, ambiguities=ambiguities))
    suit_due = None
    if pre_suit:
        if rules.pre_suit_filing_days is None:
            raise LegalDeadlineError(f'the {rules.code} preset has no pre-suit filing period')
        suit = _period('suit_due', 'suit_due', measure_date,
                       measure_date + timedelta(days=rules.pre_suit_filing_days), rules, off_days,
                       figure=rules.pre_suit_filing_days)
        suit_due = suit.day
        deadlines.append(suit)
    alerts = tuple(reminder_day(expiry, days, off_days) for days in rules.preservation_alert_days)
    return Preservation(expiry=expiry, renew_by=renew_by, suit_due=suit_due, alerts=alerts,
                        deadlines=tuple(deadlines))


def renewed_expiry(rules, asset_type, expiry):
    """A renewal runs for the same maximum term from the day after the current expiry."""
    term = rules.term_years(asset_type)
    if term is None:
        raise LegalDeadlineError(f'the {rules.code} preset has no preservation term for {asset_type}')
    return add_years(expiry + ONE_DAY, term) - ONE_DAY


def preservation_security(rules, amount, pre_suit):
    """(mandatory, share in percent, amount) of the applicant's security: pre-suit mandatory at the preset's share
    (PRC: normally 100 %); in suit at the court's discretion, up to the preset's maximum (PRC: 30 %)."""
    share = rules.pre_suit_security_percent if pre_suit else rules.in_suit_security_max_percent
    if share is None:
        raise LegalDeadlineError(f'the {rules.code} preset has no security rule')
    return pre_suit, share, Decimal(amount) * share / HUNDRED


# ---------------------------------------------------------------- judgment and enforcement


@dataclass(frozen=True)
class Judgment:
    appeal_deadline: date | None
    debtor_appeal_deadline: date | None
    effective_date: date | None
    performance_due: date | None
    enforcement_deadline: date | None
    deadlines: tuple = field(default=())


def judgment(rules, service_date, debtor_service_date=None, kind='judgment', procedure='ordinary',
             debtor_abroad=False, performance_days=0, performance_due=None, appealed=False, off_days=NO_OFF_DAYS):
    """Appeal windows of both parties from their service, the day the decision takes effect (the day after the last
    window closes; at service for a final decision), the performance deadline and the last day to apply for
    enforcement (from the true last day of the performance period, rolled over a non-working day like any period).

    Safe side: without the debtor's service date, it is taken as ours (the earliest effective date); a fixed
    performance day is taken as written (not rolled), so the enforcement period runs from the earlier reading."""
    if kind in ('payment_order', 'enforcement_order'):
        return _court_order(rules, kind, service_date, debtor_service_date, appealed, off_days)
    if service_date is None:
        performance = performance_due and Deadline('performance', performance_due, 'performance_fixed',
                                                   ambiguities=('fixed_day_not_rolled',))
        enforcement = _enforcement(rules, performance, off_days)
        return Judgment(None, None, None, performance_due, enforcement and enforcement.day,
                        tuple(d for d in (performance, enforcement) if d))
    deadlines = []
    assumed = () if debtor_service_date else ('debtor_service_assumed',)
    debtor_service_date = debtor_service_date or service_date
    final = procedure in rules.final_procedures or kind in ('mediation', 'award')
    ours = theirs = taking_effect = None
    if final:
        effective = max(service_date, debtor_service_date)
        taking_effect = Deadline('effective', effective, 'effective_final', start=effective, ambiguities=assumed)
        deadlines.append(taking_effect)
    else:
        days = rules.appeal_days_ruling if kind == 'ruling' else rules.appeal_days_judgment
        if days is None:
            raise LegalDeadlineError(f'the {rules.code} preset has no appeal period')
        rule = 'appeal_ruling' if kind == 'ruling' else 'appeal_judgment'
        debtor_days, debtor_rule = days, rule
        if debtor_abroad and rules.appeal_days_no_domicile:
            debtor_days, debtor_rule = rules.appeal_days_no_domicile, 'appeal_no_domicile'
        ours = _period('appeal', rule, service_date, service_date + timedelta(days=days), rules, off_days,
                       figure=days)
        theirs = _period('debtor_appeal', debtor_rule, debtor_service_date,
                         debtor_service_date + timedelta(days=debtor_days), rules, off_days, figure=debtor_days,
                         ambiguities=assumed)
        deadlines += [ours, theirs]
        effective = None
        if not appealed:
            last = max(ours.day, theirs.day)
            effective = last + ONE_DAY
            # it comes after both windows: what leaves either of them open leaves it open
            taking_effect = Deadline('effective', effective, 'effective', start=last,
                                     ambiguities=reasons(*ours.ambiguities, *theirs.ambiguities))
            deadlines.append(taking_effect)
        ours, theirs = ours.day, theirs.day
    performance = None
    if performance_due is not None:
        performance = Deadline('performance', performance_due, 'performance_fixed',
                               ambiguities=('fixed_day_not_rolled',))
    elif effective is not None and performance_days:
        performance = _period('performance', 'performance_days', effective,
                              effective + timedelta(days=performance_days), rules, off_days, figure=performance_days,
                              ambiguities=taking_effect.ambiguities)
    elif effective is not None:
        performance = Deadline('performance', effective, 'performance_none', start=effective,
                               ambiguities=taking_effect.ambiguities)
    enforcement = _enforcement(rules, performance, off_days)
    deadlines += [d for d in (performance, enforcement) if d]
    return Judgment(ours, theirs, effective, performance and performance.day, enforcement and enforcement.day,
                    tuple(deadlines))


def _court_order(rules, kind, service_date, debtor_service_date, objected, off_days):
    """A payment order (DE Mahnbescheid) or the enforcement order that follows it (Vollstreckungsbescheid), issued
    without a merits check. The debtor may object within its period from its service. Without an objection, the
    creditor applies for the enforcement order after that period, at the latest `enforcement_order_apply_months`
    after the service of the payment order, or the order lapses; an enforcement order not objected to takes effect
    the day after the period (it is enforceable from service). After an objection the claim goes on as a suit.

    Safe side: without the debtor's service date it is taken as ours (the earliest), both for the debtor's period and
    for the creditor's last day."""
    days = (rules.payment_order_objection_days if kind == 'payment_order'
            else rules.enforcement_order_objection_days)
    if days is None:
        raise LegalDeadlineError(f'the {rules.code} preset has no period for a {kind}')
    served = debtor_service_date or service_date
    if served is None:
        return Judgment(None, None, None, None, None)
    assumed = () if debtor_service_date else ('debtor_service_assumed',)
    objection = _period('debtor_objection', f'objection_{kind}', served, served + timedelta(days=days), rules,
                        off_days, figure=days, ambiguities=assumed)
    deadlines, effective, apply_by = [objection], None, None
    if not objected and kind == 'payment_order' and rules.enforcement_order_apply_months:
        months = rules.enforcement_order_apply_months
        apply_by = _period('enforcement_apply', 'enforcement_order_apply', served, add_months(served, months),
                           rules, off_days, figure=months, ambiguities=assumed)
        deadlines.append(apply_by)
    elif not objected and kind == 'enforcement_order':
        effective = objection.day + ONE_DAY
        deadlines.append(Deadline('effective', effective, 'effective_no_objection', start=objection.day,
                                  ambiguities=objection.ambiguities))
    return Judgment(None, objection.day, effective, None, apply_by and apply_by.day, tuple(deadlines))


def _enforcement(rules, performance, off_days):
    """The last day to apply for enforcement, from the performance deadline: an earlier reading of that day (an
    assumed service, a fixed day not rolled) carries over to it."""
    if performance is None or rules.enforcement_apply_years is None:
        return None
    return _period('enforcement_apply', 'enforcement_apply', performance.day,
                   add_years(performance.day, rules.enforcement_apply_years), rules, off_days,
                   figure=rules.enforcement_apply_years, ambiguities=performance.ambiguities)


@dataclass(frozen=True)
class LateInterestLine:
    date_from: date
    date_to: date
    days: int
    base: Decimal
    amount: Decimal


def late_performance_interest(rules, principal, performance_due, as_of, payments=(), digits=2):
    """Extra interest for late performance of a judgment: the unpaid principal × the daily rate × the days from the
    day after the performance deadline up to `as_of`; a payment reduces the base from its day. Rounded once."""
    if rules.late_performance_daily_percent is None:
        raise LegalDeadlineError(f'the {rules.code} preset has no late-performance interest')
    if performance_due is None or as_of <= performance_due:
        return Decimal(0), ()
    rate = rules.late_performance_daily_percent / HUNDRED
    first = performance_due + ONE_DAY
    base, current, lines = Decimal(principal), first, []
    for pay_day, amount in sorted((max(day, first), Decimal(amount)) for day, amount in payments):
        if pay_day > as_of:
            break
        if pay_day > current:
            lines.append(LateInterestLine(current, pay_day - ONE_DAY, (pay_day - current).days, base,
                                          base * rate * (pay_day - current).days))
            current = pay_day
        base = max(Decimal(0), base - amount)
    days = (as_of - current).days + 1
    if base and days > 0:
        lines.append(LateInterestLine(current, as_of, days, base, base * rate * days))
    total = sum((line.amount for line in lines), Decimal(0))
    return total.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP), tuple(lines)


def termination_earliest(rules, application_date):
    """A round of enforcement may end without assets (终本) at the earliest this many months after the application
    (the court's date: not rolled)."""
    if rules.termination_min_months is None or application_date is None:
        return None
    return add_months(application_date, rules.termination_min_months)


def list_term_end(rules, listing_date, extra_years=0):
    """Last day of a dishonest-debtor listing on grounds 2-6 (PRC: 2 years, 1-3 more when serious or repeated);
    ground 1 (able but refusing) has no fixed term: None."""
    if listing_date is None or rules.list_term_years is None:
        return None
    return add_years(listing_date, rules.list_term_years + (extra_years or 0))


def recheck_dates(rules, termination_date):
    """The court's periodic asset searches after a termination without assets: every `recheck_months` for
    `recheck_years` (PRC: every 6 months for 5 years)."""
    if termination_date is None or not rules.recheck_months or not rules.recheck_years:
        return ()
    end = add_years(termination_date, rules.recheck_years)
    dates, step = [], 1
    while (day := add_months(termination_date, rules.recheck_months * step)) <= end:
        dates.append(day)
        step += 1
    return tuple(dates)


def next_recheck(rules, termination_date, today):
    return next((day for day in recheck_dates(rules, termination_date) if day >= today), None)
