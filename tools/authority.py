"""Authority by amount: who may approve an arrangement of a kind and an amount."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class AuthorityRow:
    """One line of the matrix: a level (a group) may approve arrangements of `kind` (None: every kind) up to
    `limit` (None: without limit) in the company's currency. `rank` orders the levels, lowest first."""

    level: int
    rank: int
    kind: str | None
    limit: Decimal | None


def covers(row: AuthorityRow, kind: str, amount) -> bool:
    return row.kind in (None, kind) and (row.limit is None or Decimal(str(amount)) <= row.limit)


def may_approve(rows: Iterable[AuthorityRow], levels: Iterable[int], kind: str, amount) -> bool:
    """Whether someone holding `levels` (group ids) may approve `kind` for `amount`."""
    held = set(levels)
    return any(row.level in held and covers(row, kind, amount) for row in rows)


def lowest_level(rows: Iterable[AuthorityRow], kind: str, amount) -> AuthorityRow | None:
    """The lowest level that may approve `kind` for `amount`, or None when nobody may."""
    able = [row for row in rows if covers(row, kind, amount)]
    return min(able, key=lambda row: (row.rank, row.limit is None, row.limit or 0), default=None)
