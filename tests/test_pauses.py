from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import TODAY, CollectionCommon


@tagged("post_install", "-at_install")
class TestPauses(CollectionCommon):
    @freeze_time(f"{TODAY} 04:00:00")
    def test_each_reason_pauses_and_resumes(self):
        for reason in ("excluded", "dispute", "promise", "payment_plan", "litigation"):
            with self.subTest(reason=reason):
                partner = self._customer(f"Paused {reason}")
                disputed, other = self._invoices([(partner, 40, 700.0), (partner, 40, 300.0)])
                self._escalate(partner)
                pause = self.env["collection.pause"].with_user(self.collector).create({
                    "partner_id": partner.id, "reason": reason, "move_ids": [(6, 0, disputed.ids)],
                    "date_to": "2026-03-20", "note": f"Test {reason}",
                })
                file = self._file(partner)
                self.assertFalse(file.checked_on, "saving the pause queues the customer for the run")
                self._escalate(partner)
                self.assertEqual(disputed.collection_pause_id, pause)
                self.assertEqual(disputed.collection_pause_reason, reason)
                self.assertEqual(disputed.collection_not_chased_reason, "paused")
                self.assertFalse(other.collection_pause_id, "only the paused invoice stops")
                self.assertEqual(file.claim_amount, 300.0)
                pause.with_user(self.collector).action_resume()
                self.assertEqual(pause.state, "ended")
                self.assertFalse(file.checked_on)
                self._escalate(partner)
                self.assertFalse(disputed.collection_pause_id)
                events = self.env["collection.history"].search([("partner_id", "=", partner.id)]).mapped("event")
                self.assertIn("pause", events)
                self.assertIn("resume", events)

    @freeze_time(f"{TODAY} 04:00:00")
    def test_paused_customer_gets_no_action(self):
        self._invoice(5)
        self.env["collection.pause"].create({"partner_id": self.customer.id, "reason": "excluded",
                                             "note": "Key account: the director calls himself"})
        file = self._escalate()
        self.assertEqual(file.not_chased_reason, "paused")
        self.assertEqual(self.customer.collection_status, "paused")
        self.assertFalse(self._actions_done())

    def test_group_pause_and_its_automatic_end(self):
        tag = self.env["res.partner.category"].create({"name": "Typhoon area"})
        hit = self._customer("Fujian Fisheries", category_id=[(6, 0, tag.ids)])
        spared = self._customer("Beijing Books")
        with freeze_time("2026-03-02 04:00:00"):
            hit_move = self._invoice(20, partner=hit)
            spared_move = self._invoice(20, partner=spared)
            group = self.env["collection.group.pause"].with_user(self.manager).create({
                "name": "Typhoon", "reason": "disaster", "date_from": "2026-03-02", "date_to": "2026-03-15",
                "category_ids": [(6, 0, tag.ids)],
            })
            group.action_confirm()
            self._escalate(hit)
            self._escalate(spared)
            self.assertEqual(group.pause_count, 1)
            self.assertEqual(hit_move.collection_pause_reason, "group")
            self.assertFalse(spared_move.collection_pause_id)
            self.assertEqual(hit.collection_status, "paused")
        # During the pause the second letter's window (days 15-20) passes by.
        with freeze_time("2026-03-10 04:00:00"):
            self._escalate(hit)
            self.assertEqual(hit_move.collection_pause_reason, "group")
        with freeze_time("2026-03-16 04:00:00"):
            self._escalate(hit)
            self.assertFalse(hit_move.collection_pause_id, "chasing resumes by itself after the end date")
            self.assertEqual(group.pause_ids.state, "ended")
            # Day 34: only what applies at 34 runs, not what was missed during the pause; never chased before,
            # the customer gets the first letter of the sequence.
            self.assertEqual(set(self._actions_done(hit).mapped("name")),
                             {"First reminder letter", "Follow-up every 2 days"})

    def _promise_600_by_5_march(self, paid):
        """1,000 overdue, 600 promised by Thursday 5 March (3 grace days), `paid` paid on 2 March."""
        with freeze_time("2026-03-02 04:00:00"):
            move = self._invoice(20, amount=1000.0)
            pause = self.env["collection.pause"].create({
                "partner_id": self.customer.id, "reason": "promise", "date_to": "2026-03-05",
                "promise_amount": 600.0, "note": "Promised on the phone",
            })
            self._pay(move, paid)
        return move, pause

    def test_broken_promise_resumes_and_tells_the_collector(self):
        move, pause = self._promise_600_by_5_march(paid=200.0)
        with freeze_time("2026-03-08 04:00:00"):   # within the 3 grace days: still paused
            self._escalate()
            self.assertEqual(pause.state, "active")
        with freeze_time("2026-03-09 04:00:00"):
            self._escalate()
        self.assertEqual(pause.state, "broken")
        self.assertFalse(move.collection_pause_id)
        told = self.env["mail.activity"].search([
            ("res_model", "=", "collection.customer"), ("res_id", "=", self._file().id),
            ("summary", "ilike", "Promise broken"),
        ])
        self.assertEqual(told.user_id, self.collector)

    def test_kept_promise(self):
        _move, pause = self._promise_600_by_5_march(paid=600.0)
        with freeze_time("2026-03-09 04:00:00"):
            self._escalate()
        self.assertEqual(pause.state, "kept")

    @freeze_time(f"{TODAY} 04:00:00")
    def test_bad_pauses_are_refused(self):
        other = self._customer("Someone Else")
        move = self._invoice(10)
        with self.assertRaises(ValidationError):
            self.env["collection.pause"].create({"partner_id": self.customer.id, "reason": "promise",
                                                 "note": "no date"})
        with self.assertRaises(ValidationError):
            self.env["collection.pause"].create({"partner_id": other.id, "reason": "dispute",
                                                 "move_ids": [(6, 0, move.ids)], "note": "wrong customer"})
        self.assertFalse(self.env["collection.pause"].search([("partner_id", "in", (self.customer | other).ids)]))

    @freeze_time(f"{TODAY} 04:00:00")
    def test_pause_wizard_from_invoice_list(self):
        partner_b = self._customer("Second Customer")
        moves = self._invoice(10) | self._invoice(12, partner=partner_b)
        action = moves.with_user(self.collector).action_collection_pause()
        wizard = self.env["collection.pause.wizard"].with_user(self.collector).with_context(
            **action["context"]).create({"reason": "dispute", "note": "Price dispute"})
        wizard.action_confirm()
        self._escalate()
        self._escalate(partner_b)
        self.assertEqual(len(moves.collection_pause_id), 2, "one pause per customer")
        self.assertEqual(set(moves.mapped("collection_pause_reason")), {"dispute"})
