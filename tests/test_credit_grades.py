from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import TODAY, CollectionCommon
from .test_kpi import KpiLedgerMixin

MODULE = "account_collection_litigation"


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestCreditGrades(KpiLedgerMixin, CollectionCommon):
    """Grades from payment behaviour, a manual adjustment, and a monthly regrading that proposes terms."""

    def _on(self, partner, invoice_date, due, amount):
        self.customer, saved = partner, self.customer
        try:
            return self._invoice_on(invoice_date, due, amount)
        finally:
            self.customer = saved

    def setUp(self):
        super().setUp()
        self.company.partner_id.tz = False
        d = date
        # Punctual: 1,200 invoiced and paid on its due date; nothing open.
        self.punctual = self._customer("Punctual Co")
        paid = self._on(self.punctual, d(2025, 12, 1), d(2025, 12, 31), 1200.0)
        self._pay(paid, 1200.0, d(2025, 12, 31))
        # Late: paid 45 days late; 1,000 overdue and 1,000 not due (half overdue); a broken promise; a dispute.
        self.late = self._customer("Late Co")
        late_paid = self._on(self.late, d(2025, 11, 1), d(2025, 12, 1), 1200.0)
        self._pay(late_paid, 1200.0, d(2026, 1, 15))
        self._on(self.late, d(2026, 1, 1), d(2026, 2, 1), 1000.0)
        self._on(self.late, d(2026, 2, 20), d(2026, 3, 20), 1000.0)
        pause_model = self.env["collection.pause"]
        pause_model.create({"partner_id": self.late.id, "reason": "promise", "date_from": d(2026, 1, 5),
                            "date_to": d(2026, 1, 20), "promise_amount": 500.0}).write(
            {"state": "broken", "ended_on": d(2026, 1, 24)})
        pause_model.create({"partner_id": self.late.id, "reason": "dispute", "date_from": d(2026, 2, 1)}).write(
            {"state": "ended", "ended_on": d(2026, 2, 10)})
        self.grades = {grade.name: grade for grade in self.env["collection.credit.grade"]._grading_table(self.company)}

    def _rating(self, partner):
        return self.env["collection.credit.rating"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)])

    def test_grades_from_behaviour_and_adjustment(self):
        self.env.ref(f"{MODULE}.ir_cron_collection_regrade").method_direct_trigger()
        punctual, late = self._rating(self.punctual), self._rating(self.late)
        # Punctual: no penalty, score 100, AAA: 3 months of 1,200 / 12 = 300, 30 days.
        self.assertEqual((punctual.score, punctual.grade_id.name), (100.0, "AAA"))
        self.assertEqual(punctual.recommended_limit, 300.0)
        self.assertEqual(punctual.recommended_term_id, self.env.ref("account.account_payment_term_30days"))
        # Late: 45 days late -> 20 points, half overdue -> 15, a broken promise -> 10, a dispute -> 5: score 50, B.
        self.assertEqual((late.avg_days_late, late.overdue_ratio, late.broken_promises, late.disputes),
                         (45.0, 0.5, 1, 1))
        self.assertEqual((late.score, late.grade_id.name, late.computed_grade_id.name), (50.0, "B", "B"))
        # B: 0.75 month of (1,200 + 1,000 + 1,000) / 12 = 200, payment on invoice.
        self.assertEqual((late.recommended_limit, late.recommended_term_id.id), (200.0, False))
        # One notch up by hand, with a reason: BB, 1 month = 266.67 -> 200 (rounded down to hundreds), 15 days.
        with self.assertRaises(ValidationError):
            late.write({"adjustment": 1})
        late.write({"adjustment": 1, "adjustment_reason": "Long-standing customer, new owner pays"})
        self.assertEqual(late.grade_id.name, "BB")
        self.assertEqual(late.recommended_term_id, self.env.ref("account.account_payment_term_15days"))
        late.action_rate_now()
        self.assertEqual(late.grade_id.name, "BB", "a regrading keeps the manual adjustment")
        # Blacklisted: D and no credit, whatever the score.
        self.punctual.collection_blacklisted = True
        punctual.action_rate_now()
        self.assertEqual((punctual.grade_id.name, punctual.recommended_limit), ("D", 0.0))

    def test_monthly_regrading_proposes_and_never_changes_terms(self):
        partner = self.punctual.with_company(self.company)
        before = (partner.credit_limit, partner.property_payment_term_id)
        cron = self.env.ref(f"{MODULE}.ir_cron_collection_regrade")
        cron.method_direct_trigger()
        proposals = self.env["collection.credit.proposal"].search([("company_id", "=", self.company.id)])
        self.assertEqual(set(proposals.partner_id.ids), {self.punctual.id, self.late.id})
        self.assertEqual(set(proposals.mapped("period")), {"2026-03"})
        mine = proposals.filtered(lambda p: p.partner_id == self.punctual)
        self.assertEqual((mine.proposed_limit, mine.proposed_term_id, mine.state),
                         (300.0, self.env.ref("account.account_payment_term_30days"), "proposed"))
        self.assertEqual(len(proposals.activity_ids), 1, "the manager is asked to decide, once for the batch")
        self.assertEqual((partner.credit_limit, partner.property_payment_term_id), before, "nothing changed yet")
        cron.method_direct_trigger()
        self.assertEqual(self.env["collection.credit.proposal"].search_count([("company_id", "=", self.company.id)]),
                         2, "one proposal per customer and month")
        with self.assertRaises(AccessError):
            mine.with_user(self.supervisor).action_apply()
        mine.with_user(self.manager).action_apply()
        self.assertEqual((partner.credit_limit, partner.property_payment_term_id),
                         (300.0, self.env.ref("account.account_payment_term_30days")))
        self.assertEqual((mine.state, mine.decided_by_id), ("applied", self.manager))
        self.assertFalse(mine.activity_ids)
        other = proposals - mine
        self.assertTrue(other.activity_ids, "the review waits on the proposal still to decide")
        other.with_user(self.manager).action_reject()
        self.assertFalse(proposals.activity_ids)
        self.assertEqual(other.state, "rejected")
        late = self.late.with_company(self.company)
        self.assertEqual(late.credit_limit, 0.0, "a rejected proposal changes nothing")
        # Next month: Punctual's applied terms match its grade. Late's second invoice is overdue too (all of it:
        # 30 points), score 35, CC: 0.25 month of 266.67 rounds down to 0, its current limit: nothing to propose.
        with freeze_time("2026-04-02 04:00:00"):
            cron.method_direct_trigger()
        self.assertEqual((self._rating(self.late).score, self._rating(self.late).grade_id.name), (35.0, "CC"))
        self.assertFalse(self.env["collection.credit.proposal"].search([("period", "=", "2026-04")]))
