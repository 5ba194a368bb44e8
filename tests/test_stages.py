from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import TODAY, CollectionCommon


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestStages(CollectionCommon):
    def _stage_at(self, days):
        partner = self._customer(f"Customer {days}")
        move = self._invoice(days, partner=partner)
        self._escalate(partner)
        return move.collection_stage_id.name or None

    def test_stage_boundaries(self):
        expected = {
            -6: None, -5: "Pre-due", 0: "Pre-due", 1: "Friendly reminder", 30: "Friendly reminder",
            31: "Formal notice", 60: "Formal notice", 61: "Intensified", 90: "Intensified",
            # 91 reaches Legal by days, but soft collection has not failed yet
            91: "Intensified",
        }
        for days, stage in expected.items():
            with self.subTest(days=days):
                self.assertEqual(self._stage_at(days), stage)

    def test_aging_bucket_and_customer_summary(self):
        moves = self._invoices([(self.customer, 10, 100.0), (self.customer, 45, 200.0), (self.customer, -3, 50.0)])
        file = self._escalate()
        self.assertEqual(moves.mapped("collection_bucket"), ["1_30", "31_60", "not_due"])
        self.assertEqual(file.stage_id, self.stages["Formal notice"])
        self.assertEqual(file.days_overdue, 45)
        self.assertEqual(file.overdue_amount, 300.0)
        self.assertEqual(file.due_amount, 350.0)
        self.assertEqual(file.overdue_count, 2)
        self.assertEqual(self.customer.collection_stage_id, self.stages["Formal notice"])
        self.assertEqual(self.customer.collection_status, "overdue")
        self.assertEqual(moves[0].collection_user_id, self.collector)

    def test_legal_needs_failed_soft_collection(self):
        move = self._invoice(95)
        file = self._escalate()
        self.assertEqual(move.collection_stage_id, self.stages["Intensified"])
        self.assertIn("soft collection failed", move.collection_stage_note)
        # the note names the stage it reaches by days and what is still missing
        self.assertIn("Legal", move.collection_stage_note)
        self.assertIn("3 more chasing actions", move.collection_stage_note)
        self.assertEqual(file.stage_note, move.collection_stage_note)
        self.assertTrue(file.credit_hold)  # Intensified already holds credit
        # Three chasing actions carried out without a payment, over the policy's 30 days: soft collection failed.
        self.assertEqual((self.policy.legal_min_actions, self.policy.legal_min_days), (3, 30))
        for days in (30, 20, 10):
            self._log_past(fields.Datetime.now() - timedelta(days=days), file, "action", state="done",
                           action_id=self.actions["Reminder email (week 2)"], dedup_key=f"test-{days}")
        self._escalate()
        self.assertEqual(move.collection_stage_id, self.stages["Legal"])
        self.assertEqual(file.stage_id, self.stages["Legal"])
        self.assertEqual(self.customer.collection_status, "litigation")

    def test_legal_after_a_broken_promise(self):
        move = self._invoice(100)
        self._escalate()
        self.env["collection.pause"].create({
            "partner_id": self.customer.id, "reason": "promise", "date_from": "2026-02-10",
            "date_to": "2026-02-20", "promise_amount": 500.0, "note": "Will pay half",
        })
        self._escalate()
        self.assertEqual(move.collection_stage_id, self.stages["Legal"])
        self.assertTrue(self.env["collection.history"].search_count([
            ("partner_id", "=", self.customer.id), ("event", "=", "promise_broken")]))

    def test_credit_hold_tells_the_salesperson(self):
        self.customer.user_id = self.salesman
        self._invoice(65)
        file = self._escalate()
        self.assertTrue(file.credit_hold)
        self.assertTrue(self.customer.collection_credit_hold)
        activity = self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id), ("user_id", "=", self.salesman.id),
        ])
        self.assertEqual(len(activity), 1)
        self.assertIn("Intensified", activity.summary)
        self.assertIn("Credit hold", str(activity.note))

    def test_stage_change_is_logged_in_history_and_chatter(self):
        move = self._invoice(35)
        with freeze_time(fields.Date.from_string(TODAY) - timedelta(days=40)):
            self._escalate()   # the run saw the invoice before it fell due
        self.assertFalse(move.collection_history_ids)
        file = self._escalate()
        history = move.collection_history_ids
        self.assertEqual(len(history), 1)
        self.assertEqual((history.event, history.trigger, history.stage_to_id),
                         ("stage", "cron", self.stages["Formal notice"]))
        self.assertIn("Formal notice", file.message_ids[0].body)

    def test_an_invoice_found_overdue_starts_in_its_stage(self):
        """Going live (or an invoice posted already overdue): the invoice starts in the stage it is found in, on the
        invoice and in its customer's row (no chatter note: see TestGoingLive); its own history begins with its
        first change."""
        moves = self._invoices([(self.customer, 35, 100.0), (self.customer, 70, 200.0)])
        file = self._escalate()
        self.assertEqual(moves.mapped("collection_stage_id.name"), ["Formal notice", "Intensified"])
        self.assertEqual(set(moves.mapped("collection_stage_date")), {fields.Date.from_string(TODAY)})
        self.assertFalse(moves.collection_history_ids)
        customer_row = self.env["collection.history"].search([("customer_id", "=", file.id), ("event", "=", "stage")])
        self.assertEqual((customer_row.move_id.id, customer_row.stage_to_id), (False, self.stages["Intensified"]))
        self.assertFalse(file.message_ids.filtered(lambda message: "Collection stage" in (message.body or "")))
        self._pay(moves[0], 100.0)
        self._escalate()
        row = moves[0].collection_history_ids
        self.assertEqual((row.trigger, row.stage_from_id, row.stage_to_id.id),
                         ("payment", self.stages["Formal notice"], False))
        self.assertFalse(moves[1].collection_history_ids)

    def test_manual_stage_sticks_until_escalated_again(self):
        move = self._invoice(10)
        self._escalate()
        self.env["collection.stage.wizard"].with_user(self.collector).create({
            "move_ids": move.ids, "stage_id": self.stages["Intensified"].id, "note": "Customer stopped answering",
        }).action_confirm()
        self.assertEqual(move.collection_stage_id, self.stages["Intensified"])
        self.assertFalse(self._file().checked_on, "the customer's stage follows with the next run")
        self._escalate()
        self.assertEqual(self._file().stage_id, self.stages["Intensified"])
        self.assertEqual(move.collection_stage_id, self.stages["Intensified"])
        move.with_user(self.collector).action_collection_escalate()
        self.assertEqual(move.collection_stage_id, self.stages["Friendly reminder"])
        # found overdue by the first run, the invoice started in its stage: its history begins with the wizard
        triggers = move.collection_history_ids.sorted("id").mapped("trigger")
        self.assertEqual(triggers, ["manual", "manual"])

    def test_stage_wizard_writes_history_on_each_invoice_s_customer(self):
        """Invoices of three customers, two of them not escalated yet: each row of the history names its own
        customer's file, written through the ORM as the user who set the stage."""
        second, third = self._customer("Second Customer"), self._customer("Third Customer")
        moves = self._invoice(10) | self._invoice(12, partner=second) | self._invoice(14, partner=third)
        self._escalate()
        self.assertEqual(len(moves.collection_customer_id), 1, "two invoices not escalated yet")
        self.env["collection.stage.wizard"].with_user(self.collector).create({
            "move_ids": moves.ids, "stage_id": self.stages["Formal notice"].id, "note": "All late",
        }).action_confirm()
        for move in moves:
            row = self.env["collection.history"].search([("move_id", "=", move.id), ("trigger", "=", "manual")])
            self.assertEqual(row.customer_id, self._file(move.partner_id))
            self.assertEqual(row.partner_id, move.partner_id)
            self.assertEqual((row.user_id, row.create_uid), (self.collector, self.collector))
            self.assertEqual(row.note, "All late")

    def test_changing_customer_type_re_evaluates(self):
        strict = self.env["collection.policy"].create({
            "name": "Occasional: strict", "customer_type": "occasional", "collector_id": self.collector.id,
            "stage_ids": [(0, 0, {"name": "Formal at once", "days_from": 1})],
        })
        move = self._invoice(10)
        self._escalate()
        self.assertEqual(move.collection_stage_id, self.stages["Friendly reminder"])
        self.customer.collection_customer_type = "occasional"
        self.assertFalse(self._file().checked_on, "saving the customer queues it for the run")
        self._escalate()
        self.assertEqual(move.collection_stage_id, strict.stage_ids)
        self.assertEqual(self._file().policy_id, strict)
