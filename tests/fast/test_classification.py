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


def test_credit_goes_to_the_oldest_invoice_first():
    # 1,000 at 95 days and 500 at 20 days; a credit note of 1,000 pays the oldest: the customer is in the
    # stage of the invoice still open after netting, and is claimed what is left.
    result = classify([invoice(1, 95, 1000.0), invoice(2, 20, 500.0)], credit=1000.0)
    oldest, younger = result.invoices
    assert (oldest.stage_id, oldest.reason) == (None, COVERED_BY_CREDIT)
    assert (younger.stage_id, younger.reason) == (FRIENDLY.id, None)
    assert result.stage_id == FRIENDLY.id
    assert (result.days, result.anchor) == (20, TODAY - timedelta(days=20))
    assert result.claim_amount == 500.0
    assert result.overdue_amount == 1500.0
    assert result.reason is None


def test_credit_covering_part_of_the_oldest_leaves_it_chased_for_the_rest():
    result = classify([invoice(1, 95, 1000.0), invoice(2, 20, 500.0)], credit=400.0)
    assert result.stage_id == INTENSIFIED.id
    assert result.invoices[0].claim == 600.0
    assert result.claim_amount == 1100.0


def test_credit_left_over_covers_invoices_not_yet_due():
    # Everything overdue is covered and the rest of the credit covers the invoice due in three days: nothing is
    # chased, not even the pre-due reminder.
    result = classify([invoice(1, 40, 200.0), invoice(2, -3, 100.0)], credit=300.0)
    assert [t.reason for t in result.invoices] == [COVERED_BY_CREDIT, COVERED_BY_CREDIT]
    assert result.reason == COVERED_BY_CREDIT
    assert not result.chased


def test_credit_covering_the_overdue_leaves_the_pre_due_reminder():
    result = classify([invoice(1, 40, 200.0), invoice(2, -3, 100.0)], credit=250.0)
    assert result.stage_id == PRE_DUE.id
    assert result.claim_amount == 0.0
    assert result.invoices[1].claim == 50.0


def test_the_claim_is_never_negative():
    result = classify([invoice(1, 40, 200.0)], credit=10_000.0)
    assert result.claim_amount == 0.0
    assert result.invoices[0].claim == 0.0


def test_credit_is_not_spent_on_paused_invoices():
    result = classify([invoice(1, 95, 1000.0), invoice(2, 20, 500.0)], credit=500.0,
                      pauses={1: Pause(9, 'dispute')})
    assert result.invoices[0].reason == PAUSED
    assert result.invoices[1].reason == COVERED_BY_CREDIT
    assert result.reason == COVERED_BY_CREDIT


def test_a_rounding_difference_is_nothing_left():
    result = classify([invoice(1, 40, 0.1 + 0.2)], credit=0.3)
    assert result.invoices[0].reason == COVERED_BY_CREDIT


def test_below_minimum_after_credit():
    result = classify([invoice(1, 40, 1000.0), invoice(2, 10, 300.0)], credit=1000.0, minimum_amount=500.0)
    assert [t.reason for t in result.invoices] == [COVERED_BY_CREDIT, BELOW_MINIMUM]
    assert result.reason == BELOW_MINIMUM
    assert result.claim_amount == 0.0
