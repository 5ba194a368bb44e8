"""Tax route of a bad-debt write-off (PRC, legal-rules.md §7): the paths a loss is deductible by, the evidence
each path needs (SAT 2011 No. 25 Arts 22-24) and the day from which it is eligible."""

from datetime import date

from dateutil.relativedelta import relativedelta

# path: (evidence codes required, years overdue before eligible or None)
TAX_PATHS = {
    "bankruptcy": (("contract", "bankruptcy_notice"), None),
    "deregistered": (("contract", "deregistration_proof"), None),
    "death_missing": (("contract", "death_missing_proof"), None),
    "court_termination": (("contract", "judgment", "termination_ruling"), None),
    "overdue_3y": (("contract", "inability_evidence", "special_report"), 3),
    "small_1y": (("contract", "inability_evidence"), 1),
    "restructuring": (("contract", "restructuring_agreement"), None),
    "force_majeure": (("contract", "force_majeure_proof"), None),
}


def required_evidence(path: str) -> tuple[str, ...]:
    """The evidence codes a path needs; an unknown path needs nothing known."""
    return TAX_PATHS.get(path, ((), None))[0]


def missing_evidence(path: str, provided) -> list[str]:
    provided = set(provided or ())
    return [code for code in required_evidence(path) if code not in provided]


def eligibility_date(path: str, due: date | None, event: date | None = None) -> date | None:
    """The first day the loss may be declared: due date + 3 years (≥3 years overdue), + 1 year (small item),
    otherwise the day of the event that proves the loss (bankruptcy, ruling...), when known."""
    years = TAX_PATHS.get(path, ((), None))[1]
    if years:
        return due + relativedelta(years=years) if due else None
    return event
