"""Aging of receivables: days overdue and the report bucket they fall in."""

from datetime import date

AGING_BUCKETS: tuple[tuple[str, str], ...] = (
    ('not_due', 'Not due'),
    ('1_30', '1-30 days'),
    ('31_60', '31-60 days'),
    ('61_90', '61-90 days'),
    ('90_plus', 'Over 90 days'),
)


# The first day overdue of each bucket after 'not_due': the days on which an invoice changes bucket.
BUCKET_STARTS: tuple[int, ...] = (1, 31, 61, 91)


def days_overdue(due_date: date, today: date) -> int:
    """Days past the due date: negative before it, 0 on it."""
    return (today - due_date).days


def aging_bucket(days: int) -> str:
    """Key of the AGING_BUCKETS entry for a number of days overdue."""
    if days <= 0:
        return 'not_due'
    if days <= 30:
        return '1_30'
    if days <= 60:
        return '31_60'
    if days <= 90:
        return '61_90'
    return '90_plus'
