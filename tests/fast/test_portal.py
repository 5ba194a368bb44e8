from datetime import datetime, timedelta
from decimal import Decimal

from tools.portal import (
    PlanLimits,
    figures_hash,
    hash_token,
    new_token,
    plan_request_error,
    token_usable,
)

NOW = datetime(2026, 3, 2, 9, 0)


def test_tokens_are_random_and_stored_hashed():
    first, second = new_token(), new_token()
    assert first != second and len(first) >= 40
    assert hash_token(first) == hash_token(first) != first
    assert len(hash_token(first)) == 64


def test_token_usable_until_expiry_and_never_when_revoked():
    assert token_usable(NOW + timedelta(days=1), False, NOW)
    assert not token_usable(NOW - timedelta(seconds=1), False, NOW)
    assert not token_usable(NOW + timedelta(days=1), True, NOW)
    assert not token_usable(None, False, NOW)


def test_figures_hash_ignores_key_order_but_not_figures():
    one = {"total": Decimal("100.00"), "invoices": [{"number": "INV/1", "open": "100.00"}]}
    same = {"invoices": [{"open": "100.00", "number": "INV/1"}], "total": Decimal("100.00")}
    other = {"total": Decimal("100.01"), "invoices": [{"number": "INV/1", "open": "100.00"}]}
    assert figures_hash(one) == figures_hash(same)
    assert figures_hash(one) != figures_hash(other)


def test_plan_request_limits():
    limits = PlanLimits(max_instalments=6, min_first_percent=20.0)
    assert plan_request_error(limits, 1000.0, 200.0, 6) is None
    assert plan_request_error(limits, 1000.0, 200.0, 7) == ("too_many", 6)
    assert plan_request_error(limits, 1000.0, 199.99, 3) == ("first_too_small", 200.0)
    assert plan_request_error(limits, 1000.0, 1000.0, 3) == ("first_too_large", 1000.0)
    assert plan_request_error(limits, 0.0, 0.0, 3) == ("nothing_due", 0)
    assert plan_request_error(limits, 1000.0, 300.0, 0) == ("too_few", 1)
    assert plan_request_error(PlanLimits(0, 0.0), 1000.0, 0.0, 24) is None
