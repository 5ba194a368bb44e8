from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from .common import TODAY, CollectionCommon


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestPayments(CollectionCommon):
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
        self.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": self.customer.id,
            "amount": 250.0,
        }).action_post()
        file = self._escalate()
        self.assertEqual(file.not_chased_reason, "covered_by_credit")
        self.assertEqual(move.collection_not_chased_reason, "covered_by_credit")
        self.assertFalse(move.collection_stage_id)
        self.assertFalse(self._actions_done())

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
