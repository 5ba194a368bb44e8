from datetime import date, timedelta

from tools.classification import (
    BELOW_MINIMUM,
    COVERED_BY_CREDIT,
    NOTHING_DUE,
    PAUSED,
    InvoiceRow,
    Pause,
    classify_customer,
)
from tools.stages import StageRule

TODAY = date(2026, 3, 2)
PRE_DUE = StageRule(id=1, sequence=1, days_from=-5)
FRIENDLY = StageRule(id=2, sequence=2, days_from=1)
FORMAL = StageRule(id=3, sequence=3, days_from=31)
INTENSIFIED = StageRule(id=4, sequence=4, days_from=61)
LEGAL = StageRule(id=5, sequence=5, days_from=91, requires_failed_soft_collection=True)
LADDER = (PRE_DUE, FRIENDLY, FORMAL, INTENSIFIED, LEGAL)


def invoice(ident, days, residual=100.0, **values):
    """An invoice `days` overdue today."""
    return InvoiceRow(ident, TODAY - timedelta(days=days), residual, **values)


def classify(invoices, **kwargs):
    return classify_customer(invoices, LADDER, today=TODAY, **kwargs)


def test_customer_follows_its_most_advanced_invoice():
    result = classify([invoice(1, 45, 200.0), invoice(2, 10, 100.0), invoice(3, -3, 50.0)])
    assert [t.stage_id for t in result.invoices] == [FORMAL.id, FRIENDLY.id, PRE_DUE.id]
    assert [t.bucket for t in result.invoices] == ['31_60', '1_30', 'not_due']
    assert result.stage_id == FORMAL.id
    assert (result.days, result.anchor) == (45, TODAY - timedelta(days=45))
    assert (result.overdue_amount, result.due_amount, result.claim_amount) == (300.0, 350.0, 300.0)
    assert (result.overdue_count, result.open_count) == (2, 3)
    assert result.reason is None
    assert result.chased


def test_nothing_in_a_stage_yet():
    result = classify([invoice(1, -20)])
    assert result.stage_id is None
    assert result.reason == NOTHING_DUE
    assert not result.chased


def test_closed_invoice_is_cleared_and_says_whether_it_was_paid():
    result = classify([invoice(1, 40, 0.0, is_open=False, paid=True, stage_id=FORMAL.id)])
    target = result.invoices[0]
    assert (target.stage_id, target.bucket, target.reason) == (None, None, None)
    assert target.invoice.paid
    assert result.reason == NOTHING_DUE
    assert result.open_count == 0


def test_paused_invoice_is_not_chased_the_others_are():
    result = classify([invoice(1, 40, 700.0), invoice(2, 40, 300.0)], pauses={1: Pause(9, 'dispute')})
    paused, chased = result.invoices
    assert (paused.pause_id, paused.pause_reason, paused.reason) == (9, 'dispute', PAUSED)
    assert chased.stage_id == FORMAL.id and chased.pause_id is None
    assert result.claim_amount == 300.0
    assert result.overdue_amount == 1000.0


def test_whole_customer_paused():
    result = classify([invoice(1, 40), invoice(2, 5)], pauses={None: Pause(9, 'excluded')})
    assert {t.reason for t in result.invoices} == {PAUSED}
    assert result.stage_id is None
    assert result.reason == PAUSED


def test_below_minimum_is_not_chased():
    result = classify([invoice(1, 40, 200.0)], minimum_amount=500.0)
    assert result.invoices[0].reason == BELOW_MINIMUM
    assert result.invoices[0].stage_id is None
    assert result.reason == BELOW_MINIMUM
    assert result.claim_amount == 0.0


def test_stage_set_by_hand_is_kept():
    result = classify([invoice(1, 10, locked=True, stage_id=INTENSIFIED.id)])
    assert result.invoices[0].stage_id == INTENSIFIED.id
    assert result.stage_id == INTENSIFIED.id


def test_legal_is_blocked_until_soft_collection_failed():
    result = classify([invoice(1, 95)])
    assert result.invoices[0].stage_id == INTENSIFIED.id
    assert result.invoices[0].blocked == LEGAL
    assert result.blocked == LEGAL
    opened = classify([invoice(1, 95)], soft_collection_failed=True)
    assert opened.stage_id == LEGAL.id
    assert opened.blocked is None


def test_credit_covering_everything_stops_chasing():
    result = classify([invoice(1, 40, 200.0)], credit=250.0)
    assert result.invoices[0].reason == COVERED_BY_CREDIT
    assert result.reason == COVERED_BY_CREDIT
    assert result.claim_amount == 0.0
    assert not result.chased
