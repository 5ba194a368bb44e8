"""The collector's worklist: how urgent a customer is, which call script fits, who takes a new customer."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Days overdue beyond which the days factor is full; broken promises or plans beyond which it is full.
DAYS_CAP = 180
BROKEN_CAP = 3


@dataclass(frozen=True)
class Weights:
    amount: float = 30.0
    days: float = 25.0
    stage: float = 15.0
    risk: float = 15.0
    broken: float = 15.0


def priority(weights: Weights, amount_share: float, days: int, stage_share: float, risk: float, broken: int) -> int:
    """0-100: the weighted mean of five factors, each brought to 0..1 first.

    amount_share: the claim against the largest claim of the company; days: days overdue (full at 180);
    stage_share: the stage's place in its ladder; risk: the customer's risk 0..1; broken: broken promises or
    plans (full at 3)."""
    factors = (
        (weights.amount, min(max(amount_share, 0.0), 1.0)),
        (weights.days, min(max(days, 0), DAYS_CAP) / DAYS_CAP),
        (weights.stage, min(max(stage_share, 0.0), 1.0)),
        (weights.risk, min(max(risk, 0.0), 1.0)),
        (weights.broken, min(max(broken, 0), BROKEN_CAP) / BROKEN_CAP),
    )
    total = sum(max(weight, 0.0) for weight, _value in factors)
    if not total:
        return 0
    return round(100 * sum(max(weight, 0.0) * value for weight, value in factors) / total)


def customer_risk(blacklisted: bool, debtor_class: str | None, willingness: str | None,
                  customer_type: str | None) -> float:
    """0..1: the worst of what is known of the customer."""
    return max(
        1.0 if blacklisted else 0.0,
        {"bad_faith": 1.0, "evasive": 0.6}.get(willingness, 0.0),
        0.8 if debtor_class == "hard" else 0.0,
        {"problem": 0.6, "occasional": 0.3}.get(customer_type, 0.0),
    )


def best_script(scripts: Sequence[tuple[int, str | None, int | None]], customer_type: str | None,
                objection_id: int | None) -> int | None:
    """Id of the script that fits best among (id, customer type or None, objection id or None), in their
    order: both matching, then the objection, then the customer type, then a general one."""
    ranked = []
    for position, (script_id, script_type, script_objection) in enumerate(scripts):
        if script_type and script_type != customer_type:
            continue
        if script_objection and script_objection != objection_id:
            continue
        ranked.append((-(2 * bool(script_objection) + bool(script_type)), position, script_id))
    return min(ranked)[2] if ranked else None


def pick_collector(candidates: Iterable[int], load: dict) -> int | None:
    """The candidate with the lightest workload, load[user] = (open customers, amount); ties by user id."""
    return min(candidates, key=lambda user: (*load.get(user, (0, 0.0)), user), default=None)
