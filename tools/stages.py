"""Which stage of a collection ladder an invoice belongs in."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class StageRule:
    """One rung of the ladder; days_from is its first day overdue (negative = before due)."""

    id: int
    sequence: int
    days_from: int
    requires_failed_soft_collection: bool = False


@dataclass(frozen=True)
class StagePick:
    """The stage to use, and the more advanced stage reached but not allowed yet."""

    stage: StageRule | None
    blocked: StageRule | None


def pick_stage(days: int, ladder: Sequence[StageRule], soft_collection_failed: bool) -> StagePick:
    """Stage for an invoice that is `days` overdue."""
    # Ladders come from user-ordered records; sort here so the caller's order never matters.
    ordered = sorted(ladder, key=lambda rule: (rule.days_from, rule.sequence))
    reached = [rule for rule in ordered if rule.days_from <= days]
    if not reached:
        return StagePick(None, None)
    candidate = reached[-1]
    if not candidate.requires_failed_soft_collection or soft_collection_failed:
        return StagePick(candidate, None)
    allowed = [rule for rule in reached if not rule.requires_failed_soft_collection]
    return StagePick(allowed[-1] if allowed else None, candidate)


def soft_collection_failed(
    broken_promises: int,
    actions_without_payment: int,
    min_actions: int,
    chasing_days: int = 0,
    min_days: int = 0,
) -> bool:
    """Whether amicable collection is exhausted, which opens the stages that require it.

    A broken promise or payment plan is enough. Otherwise `min_actions` chasing actions actually carried out
    without a payment (letters and emails sent, contacts logged, activities done: never activities only
    scheduled), over at least `min_days` days (`chasing_days`: from the first of them to today)."""
    if broken_promises > 0:
        return True
    # min_actions 0 means the action count is not a criterion at all.
    return min_actions > 0 and actions_without_payment >= min_actions and chasing_days >= min_days


def soft_collection_lacks(
    actions_without_payment: int,
    min_actions: int,
    chasing_since: date | None = None,
    today: date | None = None,
    min_days: int = 0,
) -> tuple[int | None, int, date | None]:
    """What soft collection still lacks before it counts as failed without a broken promise: (chasing actions
    still to carry out, None when their number is no criterion; days of chasing still to go while chasing has
    not begun; the day they are complete once it has begun, `chasing_since`).

    Once begun, the days are said as a date, not as a count: what is written from them stays the same from one
    day to the next."""
    if min_actions <= 0:
        return None, 0, None
    actions = max(0, min_actions - actions_without_payment)
    if chasing_since is None:
        return actions, min_days, None
    until = chasing_since + timedelta(days=min_days)
    return actions, 0, until if until > today else None
