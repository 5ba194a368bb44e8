"""How long collection evidence is kept: pure functions, no Odoo import.

Letters, proofs of delivery, contact logs and case evidence are kept `years` (5 by default) after the last of
their invoices is settled; write-off files 10 years. While an invoice is still open, or when the settlement day
is not known, the record is kept: retention never ends by accident."""

from dateutil.relativedelta import relativedelta

DEFAULT_YEARS = 5
DEFAULT_WRITE_OFF_YEARS = 10


def retained_until(settled_on, years):
    """The last day a record about invoices settled on the days `settled_on` must be kept, or None while it
    must be kept without end (an invoice not settled: a None in `settled_on`, or no invoice at all)."""
    if not settled_on or any(day is None for day in settled_on):
        return None
    return max(settled_on) + relativedelta(years=years)


def is_retained(today, settled_on, years):
    until = retained_until(settled_on, years)
    return until is None or today <= until
