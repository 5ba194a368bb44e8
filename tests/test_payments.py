from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from .common import TODAY, CollectionCommon


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestPayments(CollectionCommon):
    def _refund(self, amount):
        refund = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": self.customer.id, "invoice_date": fields.Date.today(),
            "invoice_line_ids": [Command.create({"name": "Return", "quantity": 1, "price_unit": amount,
                                                 "tax_ids": [Command.clear()]})],
        })
        refund.action_post()
        return refund

    def _unapplied_payment(self, amount):
        payment = self.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": self.customer.id,
            "amount": amount,
        })
        payment.action_post()
        return payment

    def test_partial_payment_keeps_stage_with_new_residual(self):
        move = self._invoice(40, amount=1000.0)
        file = self._escalate()
        self._pay(move, 400.0)
        self.assertFalse(file.checked_on, "a payment has the escalation look at the customer again")
        self._escalate()
        self.assertEqual(move.payment_state, "partial")
        self.assertEqual(move.collection_stage_id, self.stages["Formal notice"])
        self.assertEqual(file.overdue_amount, 600.0)

    def test_full_payment_drops_out_of_collection(self):
        move = self._invoice(40, amount=1000.0)
        file = self._escalate()
        self._pay(move, 1000.0)
        self._escalate()
        self.assertFalse(move.collection_stage_id)
        self.assertFalse(move.collection_bucket)
        self.assertFalse(file.stage_id)
        self.assertEqual(file.not_chased_reason, "nothing_due")
        self.assertEqual(self.customer.collection_status, "good")
        last = move.collection_history_ids.sorted("id")[-1]
        self.assertEqual((last.trigger, last.stage_from_id, last.stage_to_id.id),
                         ("payment", self.stages["Formal notice"], False))

    def test_cancelled_invoice_leaves_collection(self):
        move = self._invoice(40)
        self._escalate()
        move.button_draft()
        move.button_cancel()
        self._escalate()
        self.assertFalse(move.collection_stage_id)

    def test_credit_note_is_netted(self):
        self._invoice(40, amount=1000.0)
        refund = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": self.customer.id, "invoice_date": fields.Date.today(),
            "invoice_line_ids": [Command.create({"name": "Return", "quantity": 1, "price_unit": 300.0,
                                                 "tax_ids": [Command.clear()]})],
        })
        refund.action_post()
        file = self._escalate()
        self.assertEqual(file.credit_amount, 300.0)
        self.assertEqual(file.claim_amount, 700.0)

    def test_credit_covering_everything_stops_chasing(self):
        move = self._invoice(40, amount=200.0)
        self._unapplied_payment(250.0)
        file = self._escalate()
        self.assertEqual(file.not_chased_reason, "covered_by_credit")
        self.assertEqual(move.collection_not_chased_reason, "covered_by_credit")
        self.assertFalse(move.collection_stage_id)
        self.assertFalse(self._actions_done())
        self.assertFalse(file.next_action_id)

    def test_credit_goes_to_the_oldest_invoices_first(self):
        oldest, younger = self._invoices([(self.customer, 95, 1000.0), (self.customer, 20, 500.0)])
        self._refund(1000.0)
        file = self._escalate()
        # The credit note pays the oldest invoice: the customer is where its oldest open invoice is.
        self.assertEqual(oldest.collection_not_chased_reason, "covered_by_credit")
        self.assertFalse(oldest.collection_stage_id)
        self.assertEqual(younger.collection_stage_id, self.stages["Friendly reminder"])
        self.assertEqual(file.stage_id, self.stages["Friendly reminder"])
        self.assertFalse(file.credit_hold)
        self.assertEqual((file.days_overdue, file.anchor_date), (20, younger.invoice_date_due))
        self.assertEqual((file.overdue_amount, file.credit_amount, file.claim_amount), (1500.0, 1000.0, 500.0))
        self.assertFalse(file.not_chased_reason)

    def test_customer_not_chased_has_no_next_action(self):
        # Credit covers what is overdue and the invoice due in three days: nothing to do, not even the pre-due
        # reminder, and no next action shown.
        self._invoices([(self.customer, 40, 200.0), (self.customer, -3, 100.0)])
        self._unapplied_payment(300.0)
        file = self._escalate()
        self.assertEqual(file.not_chased_reason, "covered_by_credit")
        self.assertFalse(file.stage_id)
        self.assertFalse(file.next_action_id)
        self.assertFalse(file.next_action_date)
        self.assertFalse(self._actions_done())

    def test_credit_notes_and_payments_queue_the_customer(self):
        move = self._invoice(40, amount=1000.0)
        file = self._escalate()
        refund = self._refund(300.0)
        self.assertFalse(file.checked_on, "posting a credit note queues the customer for today's run")
        self._escalate()
        self.assertEqual(file.claim_amount, 700.0)
        payment = self._unapplied_payment(200.0)
        self.assertFalse(file.checked_on, "so does posting a payment")
        self._escalate()
        self.assertEqual(file.claim_amount, 500.0)
        payment.action_cancel()
        self.assertFalse(file.checked_on, "and cancelling it")
        self._escalate()
        self.assertEqual(file.claim_amount, 700.0)
        refund.button_draft()
        self.assertFalse(file.checked_on, "and resetting a credit note")
        self._escalate()
        self.assertEqual(file.claim_amount, 1000.0)
        refund.action_post()
        self._escalate()
        line = refund.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        move.js_assign_outstanding_line(line.id)
        self.assertFalse(file.checked_on, "and applying it to an invoice")
        self._escalate()
        self.assertEqual((file.overdue_amount, file.credit_amount, file.claim_amount), (700.0, 0.0, 700.0))

    def test_minimum_amount(self):
        self.policy.minimum_amount = 500.0
        move = self._invoice(40, amount=200.0)
        file = self._escalate()
        self.assertEqual(file.not_chased_reason, "below_minimum")
        self.assertFalse(move.collection_stage_id)
        self.assertFalse(self._actions_done())

    def test_foreign_currency_invoice(self):
        currency = self.setup_other_currency("EUR", rates=[("2020-01-01", 2.0)])
        move = self._invoice(40, amount=1000.0, currency=currency)
        file = self._escalate()
        self.assertEqual(move.collection_stage_id, self.stages["Formal notice"])
        # Amounts in the company currency: 1000 EUR at 2 EUR per unit of company currency.
        self.assertEqual(file.overdue_amount, 500.0)

    def test_two_companies(self):
        other = self.setup_other_company(name="Collections Branch B")["company"]
        self.env.user.company_ids |= other
        move_a = self._invoice(40)
        move_b = self._invoices([(self.customer, 70, 800.0)], company=other)
        file_a = self._escalate()
        file_b = self._file(company=other)
        file_b._escalate(today=fields.Date.today())
        self.assertEqual(move_a.collection_stage_id, self.stages["Formal notice"])
        self.assertEqual(move_b.collection_stage_id.policy_id.company_id, other, "the other company's own ladder")
        self.assertEqual(move_b.collection_stage_id.name, "Intensified")
        self.assertEqual(file_a.overdue_amount, 1000.0)
        self.assertEqual(file_b.overdue_amount, 800.0)
        self.assertEqual(self.customer.with_company(other).collection_stage_id.name, "Intensified")
        self.assertEqual(self.customer.with_company(self.company).collection_stage_id.name, "Formal notice")
