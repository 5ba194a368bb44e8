"""Which collection policy a customer follows in a company, nearest company first.

A company may be a branch of another (and that one of a third). Policies are shared down the tree, and the nearest
company wins: the company's own, else its parent's, up to the root."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PolicyRow:
    """One active policy: its company and the customer type it is the default for (None: no type)."""

    id: int
    company_id: int
    customer_type: str | None = None


@dataclass(frozen=True)
class PolicyChain:
    """The policies a company can use, resolved once for all its customers."""

    chain: tuple[int, ...]            # company ids: the company first, its root last
    valid: frozenset[int]             # policies of the chain; a customer's own policy elsewhere is ignored
    by_type: Mapping[str, int]        # customer type -> the nearest company's policy for it
    default: int | None               # the nearest company's default policy

    @classmethod
    def build(cls, chain: Sequence[int], policies: Iterable[PolicyRow],
              named_defaults: Mapping[int, int | None]) -> "PolicyChain":
        """`policies` in policy order (sequence); `named_defaults` is the default each company names, if any.

        A company's default is the policy it names (its own or a parent's), else its first policy for no customer
        type; when no company up the chain has one, the nearest company's first policy of any kind."""
        chain = tuple(chain)
        by_company: dict[int, list[PolicyRow]] = {company_id: [] for company_id in chain}
        for policy in policies:
            if policy.company_id in by_company:
                by_company[policy.company_id].append(policy)
        by_type: dict[str, int] = {}
        for company_id in chain:
            for policy in by_company[company_id]:
                if policy.customer_type:
                    by_type.setdefault(policy.customer_type, policy.id)
        valid = frozenset(policy.id for rows in by_company.values() for policy in rows)
        return cls(chain=chain, valid=valid, by_type=by_type,
                   default=_nearest_default(chain, by_company, named_defaults, valid))

    def policy_for(self, own_by_company: Mapping[int, int] | None, customer_type: str | None) -> int | None:
        """The customer's own policy (set per company; the nearest company that sets a usable one wins), else the
        policy of its customer type, else the default."""
        own_by_company = own_by_company or {}
        for company_id in self.chain:
            own = own_by_company.get(company_id)
            if own in self.valid:
                return own
        return self.by_type.get(customer_type, self.default)


def _nearest_default(chain, by_company, named_defaults, valid):
    for company_id in chain:
        rows = by_company[company_id]
        named = named_defaults.get(company_id)
        if named in valid:   # the company's own policy, or one of its parents'
            return named
        untyped = [policy.id for policy in rows if not policy.customer_type]
        if untyped:
            return untyped[0]
    return next((by_company[company_id][0].id for company_id in chain if by_company[company_id]), None)
