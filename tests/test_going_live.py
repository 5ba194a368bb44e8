from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import CollectionCommon

LETTERS = ["First reminder letter", "Second reminder letter", "Third reminder letter",
           "Lawyer letter (legal team approves)"]


@tagged("post_install", "-at_install")
class TestGoingLive(CollectionCommon):
    """Installed on a ledger of old unpaid invoices: letters start at the beginning, soft collection fails only
    on chasing carried out over time, and the first actions are spread over days per collector."""

    def _run_days(self, first, last, partners=None):
        """The daily run on every working day from `first` to `last` (dates as strings)."""
        day, last = fields.Date.to_date(first), fields.Date.to_date(last)
        while day <= last:
            if day.weekday() < 5:
                with freeze_time(f"{day} 04:00:00"):
                    while self.env["collection.customer"]._cron_escalate():
                        pass
                    while self.env["collection.letter.engine"]._cron_generate_letters():
                        pass
            day += timedelta(days=1)

    def _letters(self, partner=None):
        rows = self.env["collection.history"].search([
            ("partner_id", "=", (partner or self.customer).id), ("action_id.action_type", "=", "letter"),
        ], order="date, id")
        return [(row.action_id.name, row.date.date()) for row in rows]

    def test_a_customer_never_chased_gets_the_letters_in_order_whatever_its_age(self):
        with freeze_time("2026-03-02 04:00:00"):   # a Monday
            self._invoice(200)
        self._run_days("2026-03-02", "2026-04-03")
        letters = self._letters()
        self.assertEqual([name for name, _day in letters], LETTERS, "reminders and formal demand come first")
        days = [day for _name, day in letters]
        self.assertEqual(days[0], fields.Date.to_date("2026-03-02"))
        self.assertTrue(all((later - earlier).days >= self.policy.letter_spacing_days
                            for earlier, later in zip(days, days[1:], strict=False)), days)
        self.assertEqual(self._file().chased_since, fields.Date.to_date("2026-03-02"))

    def test_soft_collection_fails_only_on_chasing_carried_out(self):
        with freeze_time("2026-03-02 04:00:00"):
            move = self._invoice(120)
        # Six weeks of runs schedule calls and draft letters nobody carries out: soft collection has not failed.
        self._run_days("2026-03-02", "2026-04-10")
        file = self._file()
        self.assertTrue(file.activity_ids)
        letters = self.env["collection.letter"].search([("customer_id", "=", file.id)], order="date")
        self.assertGreaterEqual(len(letters), 2)
        self.assertEqual(set(letters.mapped("state")), {"draft"})
        self.assertEqual(move.collection_stage_id, self.stages["Intensified"])
        self.assertIn("Legal", file.stage_note)
        self.assertIn("3 more chasing actions and 30 more days", file.stage_note)
        self.assertFalse(self.env["mail.activity"].search([
            ("res_model", "=", "collection.customer"), ("res_id", "=", file.id),
            ("activity_type_id", "=", self.env.ref(
                "account_collection_litigation.mail_activity_type_legal_review").id)]))
        # The collector carries chasing out: a call done, a contact logged, a letter sent, over 30 days.
        with freeze_time("2026-04-13 04:00:00"):
            file.activity_ids[0].with_user(self.collector).action_feedback(feedback="Spoke to the accountant")
        with freeze_time("2026-04-27 04:00:00"):
            file.with_user(self.collector).message_post(body="Visited: they ask for two more weeks",
                                                        message_type="comment", subtype_xmlid="mail.mt_note")
        self._run_days("2026-04-27", "2026-04-27")
        self.assertEqual(move.collection_stage_id, self.stages["Intensified"])
        # counted from the first action carried out (04-13): said as the day the 30 days end, the same each day
        self.assertIn("1 more chasing actions and chasing without a payment until 05/13/2026", file.stage_note)
        with freeze_time("2026-05-13 04:00:00"):
            letters[0].write({"channel": "registered_mail", "tracking_number": "EMS1234567890CN"})
            letters[0].with_user(self.collector).action_mark_sent()
        self.policy.legal_user_id = self.manager
        self._run_days("2026-05-13", "2026-05-13")
        self.assertEqual(move.collection_stage_id, self.stages["Legal"])
        # soft collection has failed: the policy's legal contact is asked to consider a case, once
        legal_review = self.env.ref("account_collection_litigation.mail_activity_type_legal_review")
        review = self.env["mail.activity"].search([
            ("res_model", "=", "collection.customer"), ("res_id", "=", file.id),
            ("activity_type_id", "=", legal_review.id)])
        self.assertEqual((len(review), review.user_id, review.summary),
                         (1, self.manager, "Consider a legal case: soft collection has failed"))

    def test_first_actions_are_spread_over_days_per_collector(self):
        self.policy.daily_new_customers = 2
        partners = [self._customer(f"Old Debtor {n}") for n in range(5)]
        with freeze_time("2026-03-02 04:00:00"):
            self._invoices([(partner, 100 + n, 1000.0 * (n + 1)) for n, partner in enumerate(partners)])
        self._run_days("2026-03-02", "2026-03-02")
        files = [self._file(partner) for partner in partners]
        started = [bool(file.chased_since) for file in files]
        self.assertEqual(started, [False, False, False, True, True], "the two largest claims start first")
        waiting = files[0]
        self.assertFalse(self._actions_done(partners[0]))
        self.assertIn(waiting.next_action_id.name, ("First reminder letter", "Daily follow-up"))
        self.assertEqual(waiting.next_action_date, fields.Date.to_date("2026-03-03"))
        self.assertEqual(waiting.stage_id, self.stages["Intensified"], "the status is shown from the first day")
        self._run_days("2026-03-03", "2026-03-03")
        self.assertEqual([bool(file.chased_since) for file in files], [False, True, True, True, True])
        # The customers started on Monday go on with their calendar on Tuesday, beyond the limit of new ones.
        self.assertIn("Daily follow-up", self._actions_done(partners[4]).mapped("name"))
        self._run_days("2026-03-04", "2026-03-04")
        self.assertTrue(all(file.chased_since for file in files))
        self.assertTrue(all(self._actions_done(partner) for partner in partners))

    def test_contacts_logged_count_as_chasing_carried_out(self):
        """Three calls logged by the collector over a month are soft collection carried out; the same calls
        logged as the customer's inbound contacts are not (the collector did not chase)."""
        self.policy.legal_min_actions = 3
        self.policy.action_ids.unlink()   # only the collector's calls chase here
        with freeze_time("2026-03-02 04:00:00"):
            move = self._invoice(120)
            file = self._escalate()
        for day, direction in (("2026-03-02", "inbound"), ("2026-03-03", "outbound"), ("2026-03-16", "outbound")):
            with freeze_time(f"{day} 04:00:00"):
                self.env["collection.contact"].with_user(self.collector).create({
                    "customer_id": file.id, "outcome": "no_answer", "channel": "call", "direction": direction,
                })
        with freeze_time("2026-04-06 04:00:00"):
            self._escalate()
            self.assertEqual(move.collection_stage_id, self.stages["Intensified"], "two calls made, not three")
            self.env["collection.contact"].with_user(self.collector).create({
                "customer_id": file.id, "outcome": "no_answer", "channel": "call", "direction": "outbound",
            })
            self._escalate()
            self.assertEqual(move.collection_stage_id, self.stages["Legal"])

    def test_a_customer_found_in_collection_starts_in_its_stage_without_a_note(self):
        """Found at its first check (none of its invoices linked to its file yet, as on a go-live ledger), a
        customer gets its file with its importance and risk, its stage, one history row and no chatter note; its
        next change of stage is noted."""
        key_account = self._customer("Key Account Found", collection_customer_type="core", collection_blacklisted=True)
        with freeze_time("2026-03-02 04:00:00"):
            self._invoices([(key_account, 50, 3000.0)])
        # data from before the install: invoices without a file
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM collection_customer WHERE partner_id = %s", [key_account.id])
        self.env.invalidate_all()
        self._run_days("2026-03-02", "2026-03-02")
        file = self._file(key_account)
        self.assertEqual((file.importance, file.risk_level, file.needs_management_owner), ("important", "high", True),
                         "the file has what a file created in the form has")
        self.assertEqual(file.stage_id, self.stages["Formal notice"])
        entries = self.env["collection.history"].search([("customer_id", "=", file.id), ("event", "=", "stage")])
        self.assertEqual((len(entries), entries.stage_to_id, entries.move_id),
                         (1, self.stages["Formal notice"], self.env["account.move"]))
        notes = file.message_ids.filtered(lambda message: "Collection stage" in (message.body or ""))
        self.assertFalse(notes, "no note for the stage a customer is found in")
        self._run_days("2026-03-13", "2026-03-13")   # 61 days overdue
        self.assertEqual(file.stage_id, self.stages["Intensified"])
        notes = file.message_ids.filtered(lambda message: "Collection stage" in (message.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertIn("Formal notice → Intensified", notes.body)
