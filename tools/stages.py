"""Which stage of a collection ladder an invoice belongs in."""

from collections.abc import Sequence
from dataclasses import dataclass


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


def soft_collection_failed(broken_promises: int, actions_without_payment: int, min_actions: int) -> bool:
    """Whether amicable collection is exhausted, which opens the stages that require it."""
    if broken_promises > 0:
        return True
    # min_actions 0 means the action count is not a criterion at all.
    return min_actions > 0 and actions_without_payment >= min_actions


def actions_missing(actions_without_payment: int, min_actions: int) -> int | None:
    """Chasing actions still needed before soft collection counts as failed; None when their number is no
    criterion (min_actions 0: only a broken promise or plan opens the stages that require it)."""
    if min_actions <= 0:
        return None
    return max(0, min_actions - actions_without_payment)
