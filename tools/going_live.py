"""Going live on a ledger full of old debts: the first actions are spread over days, collector by collector."""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class NewCustomer:
    """A customer never chased before that has actions due today."""

    key: Hashable
    collector: Hashable        # who chases it (None: nobody yet; those share one limit too)
    cap: int                   # its policy's limit of new customers a day per collector; 0: none
    claim: float = 0.0
    days: int = 0


def start_today(candidates: Iterable[NewCustomer], started_today: Mapping[Hashable, int]) -> set[Hashable]:
    """The keys of the customers that start being chased today: per collector, up to the cap less those that
    started earlier today, largest claims (then oldest debts) first. The others wait for the next days."""
    started = dict(started_today)
    chosen = set()
    for customer in sorted(candidates, key=lambda c: (-c.claim, -c.days, str(c.key))):
        count = started.get(customer.collector, 0)
        if customer.cap and count >= customer.cap:
            continue
        started[customer.collector] = count + 1
        chosen.add(customer.key)
    return chosen
