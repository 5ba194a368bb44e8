"""Pure rules of the debtor's portal: link tokens, the fingerprint of a statement, the limits of a plan request."""

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

TOKEN_BYTES = 32


def new_token():
    """A fresh random link token (URL-safe); only its hash is stored."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token):
    """The stored form of a link token: a leaked database reveals no usable link."""
    return hashlib.sha256((token or "").encode()).hexdigest()


def token_usable(expires_at, revoked, now):
    """A link opens only when it is neither revoked nor expired."""
    return not revoked and bool(expires_at) and now < expires_at


def figures_hash(figures):
    """SHA-256 of a statement's figures in canonical JSON: the same figures always give the same fingerprint,
    whatever the order of keys, so a signed confirmation can be checked against the page the debtor saw."""
    def plain(value):
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, datetime):
            return value.isoformat()
        return str(value)

    payload = json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=plain)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class PlanLimits:
    max_instalments: int
    min_first_percent: float    # of the balance covered, paid as down payment


def plan_request_error(limits, balance, down_payment, instalments):
    """Why a debtor's plan request is outside the policy's limits, as (code, value), or None when it fits."""
    if balance <= 0:
        return ("nothing_due", 0)
    if instalments < 1:
        return ("too_few", 1)
    if limits.max_instalments and instalments > limits.max_instalments:
        return ("too_many", limits.max_instalments)
    minimum = round(balance * limits.min_first_percent / 100.0, 2)
    if down_payment < minimum:
        return ("first_too_small", minimum)
    if down_payment >= balance:
        return ("first_too_large", balance)
    return None
