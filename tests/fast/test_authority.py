from decimal import Decimal

from tools.authority import AuthorityRow, lowest_level, may_approve

COLLECTOR, SUPERVISOR, DIRECTOR, GM = 1, 2, 3, 4
# The brief's defaults: plans from the director, extensions from the supervisor, the rest from the collector.
MATRIX = [
    AuthorityRow(COLLECTOR, 10, "interest_waiver", Decimal(100_000)),
    AuthorityRow(SUPERVISOR, 20, "interest_waiver", Decimal(500_000)),
    AuthorityRow(SUPERVISOR, 20, "extension", Decimal(500_000)),
    AuthorityRow(DIRECTOR, 40, "extension", Decimal(1_000_000)),
    AuthorityRow(DIRECTOR, 40, "instalment_plan", Decimal(1_000_000)),
    AuthorityRow(GM, 50, None, None),
]


def test_levels_by_amount_and_kind():
    assert may_approve(MATRIX, {COLLECTOR}, "interest_waiver", 100_000)
    assert not may_approve(MATRIX, {COLLECTOR}, "interest_waiver", 100_000.01)
    assert not may_approve(MATRIX, {COLLECTOR, SUPERVISOR}, "instalment_plan", 10)
    assert may_approve(MATRIX, {COLLECTOR, SUPERVISOR, DIRECTOR}, "instalment_plan", 1_000_000)
    assert may_approve(MATRIX, {GM}, "write_off", 10**9)


def test_lowest_level_that_may_approve():
    assert lowest_level(MATRIX, "extension", 600_000).level == DIRECTOR
    assert lowest_level(MATRIX, "extension", 50).level == SUPERVISOR
    assert lowest_level(MATRIX, "instalment_plan", 2_000_000).level == GM
    assert lowest_level(MATRIX[:-1], "write_off", 1) is None
