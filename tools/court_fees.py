"""PRC court fees (诉讼费用交纳办法): case acceptance fee (Art 13), its halving (Arts 15-16), preservation fee
(Art 14), enforcement fee and the payment-order fee, as pure functions over Decimal amounts in CNY.

Each table is a list of (upper bound of the slice, rate of the slice); the first slice is a flat fee. Figures of
legal-rules.md §5; e.g. a claim of 300,000 costs 5,800 to file, 2,020 to preserve and 4,400 to enforce."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# (flat fee up to, flat fee) then (slice upper bound or None, slice rate)
CASE_FEE_FLAT = (Decimal(10_000), Decimal(50))
CASE_FEE_SLICES = [
    (Decimal(100_000), Decimal("0.025")),
    (Decimal(200_000), Decimal("0.02")),
    (Decimal(500_000), Decimal("0.015")),
    (Decimal(1_000_000), Decimal("0.01")),
    (Decimal(2_000_000), Decimal("0.009")),
    (Decimal(5_000_000), Decimal("0.008")),
    (Decimal(10_000_000), Decimal("0.007")),
    (Decimal(20_000_000), Decimal("0.006")),
    (None, Decimal("0.005")),
]
PRESERVATION_FLAT = (Decimal(1_000), Decimal(30))
PRESERVATION_SLICES = [
    (Decimal(100_000), Decimal("0.01")),
    (None, Decimal("0.005")),
]
PRESERVATION_CAP = Decimal(5_000)
ENFORCEMENT_FLAT = (Decimal(10_000), Decimal(50))
ENFORCEMENT_SLICES = [
    (Decimal(500_000), Decimal("0.015")),
    (Decimal(5_000_000), Decimal("0.01")),
    (Decimal(10_000_000), Decimal("0.005")),
    (None, Decimal("0.001")),
]
# Procedures whose case fee is halved (once: legal-rules.md says stacking is disputed, assume once).
HALVED_PROCEDURES = frozenset({"simplified", "small_claims", "mediation", "withdrawal"})


class FeeError(ValueError):
    """The amount cannot be priced (negative)."""


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _tiered(amount, flat, slices) -> Decimal:
    """Flat fee up to the flat bound, then each slice of the amount above it at its own rate (cumulative)."""
    amount = Decimal(str(amount))
    if amount < 0:
        raise FeeError("an amount in dispute cannot be negative")
    flat_bound, flat_fee = flat
    fee, lower = flat_fee, flat_bound
    for upper, rate in slices:
        if amount <= lower:
            break
        top = amount if upper is None else min(amount, upper)
        fee += (top - lower) * rate
        lower = upper if upper is not None else amount
    return _money(fee)


def case_fee(amount, procedure: str = "ordinary") -> Decimal:
    """Case acceptance fee (Art 13) of a money claim; halved for simplified procedure, small claims, mediation
    or withdrawal (Arts 15-16); a third for a payment order."""
    full = _tiered(amount, CASE_FEE_FLAT, CASE_FEE_SLICES)
    if procedure == "payment_order":
        return payment_order_fee(amount)
    if procedure in HALVED_PROCEDURES:
        return _money(full / 2)
    return full


def preservation_fee(amount) -> Decimal:
    """Preservation application fee (Art 14): 30 up to 1,000; 1 % to 100,000; 0.5 % above; never above 5,000."""
    return min(_tiered(amount, PRESERVATION_FLAT, PRESERVATION_SLICES), PRESERVATION_CAP)


def enforcement_fee(amount) -> Decimal:
    """Enforcement application fee: 50 up to 10,000; 1.5 % to 500,000; 1 % to 5M; 0.5 % to 10M; 0.1 % above."""
    return _tiered(amount, ENFORCEMENT_FLAT, ENFORCEMENT_SLICES)


def payment_order_fee(amount) -> Decimal:
    """A payment order (督促程序) costs a third of the case fee."""
    return _money(_tiered(amount, CASE_FEE_FLAT, CASE_FEE_SLICES) / 3)


@dataclass(frozen=True)
class FeeEstimate:
    case: Decimal
    preservation: Decimal
    enforcement: Decimal

    @property
    def total(self) -> Decimal:
        return self.case + self.preservation + self.enforcement


def estimate(amount, procedure: str = "ordinary", preservation: bool = True, enforcement: bool = True) -> FeeEstimate:
    """The fees of pursuing `amount`: filing (by procedure), preservation and enforcement (when planned)."""
    zero = Decimal("0.00")
    return FeeEstimate(
        case=case_fee(amount, procedure),
        preservation=preservation_fee(amount) if preservation else zero,
        enforcement=enforcement_fee(amount) if enforcement else zero,
    )
