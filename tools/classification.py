"""Where a customer stands: the stage, bucket and pause of each invoice, and the customer's summary.

Plain data in, codes out: the escalation reads the rows in bulk, calls `classify_customer` once per customer
and translates the codes (reasons, the stage that is blocked) into words and database rows.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from .aging import aging_bucket
from .stages import StageRule, pick_stage

# Why an invoice or a customer is not chased (the keys of the "Not Chased Because" selection).
PAUSED = 'paused'
BELOW_MINIMUM = 'below_minimum'
COVERED_BY_CREDIT = 'covered_by_credit'
NOTHING_DUE = 'nothing_due'

# Thousands of invoices share a handful of (days, ladder, failed) combinations: pick each once.
_pick_stage = lru_cache(maxsize=8192)(pick_stage)


@dataclass(frozen=True)
class InvoiceRow:
    """A customer invoice as the escalation reads it; amounts in company currency."""

    id: int
    due: date | None
    residual: float
    is_open: bool = True
    paid: bool = False             # left collection because it was paid (not cancelled)
    stage_id: int | None = None    # its stage now
    locked: bool = False           # stage set by hand: kept as it is


@dataclass(frozen=True)
class Pause:
    id: int
    reason: str


@dataclass
class InvoiceTarget:
    """What the invoice should look like after the escalation."""

    invoice: InvoiceRow
    days: int
    stage_id: int | None = None
    bucket: str | None = None
    pause_id: int | None = None
    pause_reason: str | None = None
    reason: str | None = None
    blocked: StageRule | None = None   # a later stage its days reach, entered only after soft collection failed
    claim: float = 0.0                 # what is left to claim on it once credit is applied


@dataclass
class Classification:
    """The customer's summary; `invoices` holds one target per invoice given, in the same order."""

    invoices: list[InvoiceTarget] = field(default_factory=list)
    stage_id: int | None = None
    days: int = 0
    anchor: date | None = None
    overdue_amount: float = 0.0
    due_amount: float = 0.0
    claim_amount: float = 0.0
    overdue_count: int = 0
    open_count: int = 0
    reason: str | None = None
    blocked: StageRule | None = None

    @property
    def chased(self) -> bool:
        """Whether some invoice of the customer is in a stage, i.e. the calendar runs for it."""
        return self.stage_id is not None


def classify_customer(
    invoices: Sequence[InvoiceRow],
    ladder: Sequence[StageRule],
    *,
    today: date,
    soft_collection_failed: bool = False,
    credit: float = 0.0,
    minimum_amount: float = 0.0,
    pauses: Mapping[int | None, Pause] | None = None,
    rounding: float = 0.01,
) -> Classification:
    """Classify one customer's invoices.

    `pauses` maps an invoice id to the pause covering it, or None to a pause of the whole customer.
    Credit (open credit notes, unapplied payments) is allocated to the invoices being chased, oldest due date
    first: an invoice it covers is not chased, one it covers in part is chased for the rest. The claim is what
    is left overdue after that (never negative); below the minimum amount, nothing overdue is chased.
    `rounding` is the currency's smallest amount: less than half of it left on an invoice is nothing.
    """
    pauses = pauses or {}
    rank = {rule.id: (rule.days_from, rule.sequence) for rule in ladder}
    ladder = tuple(ladder)
    result = Classification()
    chased = []
    any_paused = False
    for inv in invoices:
        days = (today - inv.due).days if inv.due else 0
        target = InvoiceTarget(inv, days)
        result.invoices.append(target)
        if not inv.is_open:
            continue
        result.open_count += 1
        result.due_amount += inv.residual
        if days > 0:
            result.overdue_count += 1
            result.overdue_amount += inv.residual
        pause = pauses.get(inv.id) or pauses.get(None)
        target.stage_id = inv.stage_id
        target.bucket = aging_bucket(days)
        if pause:
            target.pause_id, target.pause_reason, target.reason = pause.id, pause.reason, PAUSED
            any_paused = True
        else:
            chased.append(target)

    # Credit goes to the oldest invoices first, as an accountant would apply it: what it covers is not chased,
    # and the customer's stage follows the oldest invoice still open after netting.
    left = max(0.0, credit)
    covered = False
    for target in sorted(chased, key=lambda t: (t.invoice.due or today, t.invoice.id)):
        applied = min(left, target.invoice.residual)
        left -= applied
        target.claim = target.invoice.residual - applied
        if target.claim < rounding / 2:
            target.claim = 0.0
            target.stage_id, target.reason = None, COVERED_BY_CREDIT
            covered = True
    chased = [t for t in chased if t.reason is None]
    claim = sum(t.claim for t in chased if t.days > 0)
    below_minimum = 0 < claim < minimum_amount
    staged = []
    for target in chased:
        if below_minimum and target.days > 0:
            target.stage_id, target.reason = None, BELOW_MINIMUM
            continue
        if not target.invoice.locked:
            pick = _pick_stage(target.days, ladder, soft_collection_failed)
            target.stage_id = pick.stage.id if pick.stage else None
            target.blocked = pick.blocked
            result.blocked = result.blocked or pick.blocked
        if target.stage_id:
            staged.append(target)

    if staged:
        # the most advanced stage among the chased invoices; a stage set by hand counts as it is
        result.stage_id = max((t.stage_id for t in staged), key=lambda stage_id: rank.get(stage_id, (0, 0)))
        result.days = max(t.days for t in staged)
        result.anchor = min(t.invoice.due for t in staged)
    result.claim_amount = 0.0 if below_minimum else claim
    if not staged:
        result.reason = (BELOW_MINIMUM if below_minimum else COVERED_BY_CREDIT if covered
                         else PAUSED if any_paused else NOTHING_DUE)
    return result
