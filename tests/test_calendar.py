from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import TODAY, CollectionCommon


@tagged("post_install", "-at_install")
class TestCalendar(CollectionCommon):
    """The calendar of actions by days overdue: windows, repeats, working days, catch-up, no bursts."""

    def _run_on(self, day, partner=None):
        with freeze_time(f"{day} 04:00:00"):
            self._escalate(partner)

    def _names(self, partner=None):
        return set(self._actions_done(partner).mapped("name"))

    def _assert_fires_on_days(self, action_name, expected):
        """{days overdue: whether the action fires}, each on a fresh customer, on a working day."""
        for days, fires in expected.items():
            with self.subTest(action=action_name, days=days):
                partner = self._customer(f"{action_name} {days}")
                self._invoice(days, partner=partner)
                self._escalate(partner)
                self.assertEqual(action_name in self._names(partner), fires)

    @freeze_time(f"{TODAY} 04:00:00")   # a Monday
    def test_letter_window_edges(self):
        # A customer never chased starts with the first reminder from its window's first day, whatever its age;
        # no later letter ever comes first.
        self._assert_fires_on_days("First reminder letter", {2: False, 3: True, 7: True, 8: True, 25: True})
        self._assert_fires_on_days("Second reminder letter", {15: False, 20: False, 61: False})

    def test_letters_follow_their_sequence(self):
        with freeze_time("2026-02-20 04:00:00"):
            self._invoice(0)        # due Friday 20 February
        self._run_on("2026-02-25")   # day 5: the first reminder
        self.assertIn("First reminder letter", self._names())
        self._run_on("2026-03-06")   # day 14: the second reminder's window is not open yet
        self.assertNotIn("Second reminder letter", self._names())
        self._run_on("2026-03-09")   # day 17
        self.assertIn("Second reminder letter", self._names())

    def test_weekend_inside_window_fires_on_monday(self):
        # Due on Wednesday 2026-02-25: day 3 is Saturday the 28th, day 5 Monday 2 March.
        with freeze_time("2026-02-25 04:00:00"):
            self._invoice(0)
        self._run_on("2026-02-28")
        self.assertNotIn("First reminder letter", self._names())
        self._run_on("2026-03-01")
        self.assertNotIn("First reminder letter", self._names())
        self._run_on("2026-03-02")
        self.assertIn("First reminder letter", self._names())
        # the letter is drafted into the review queue by the letter cron, not left as an activity to write it
        with freeze_time("2026-03-02 04:00:00"):
            self.env["collection.letter.engine"]._cron_generate_letters()
        letters = self.env["collection.letter"].search([("customer_id", "=", self._file().id)])
        self.assertEqual(len(letters), 1)
        self.assertEqual((letters.kind, letters.state, letters.trigger), ("reminder_1", "draft", "calendar"))
        self.assertEqual(letters.date, fields.Date.to_date("2026-03-02"))
        letter_type = self.env.ref("account_collection_litigation.mail_activity_type_collection_letter")
        self.assertFalse(self.env["mail.activity"].search([("activity_type_id", "=", letter_type.id)]))

    def test_catch_up_after_missed_days_fires_once(self):
        # Due Monday 2026-02-23; the run was off on days 3 and 4 (Thu, Fri): it catches up on Monday, day 7.
        with freeze_time("2026-02-23 04:00:00"):
            self._invoice(0)
        self._run_on("2026-03-02")
        self.assertIn("First reminder letter", self._names())
        self._run_on("2026-03-02")
        history = self.env["collection.history"].search([
            ("partner_id", "=", self.customer.id), ("action_id", "=", self.actions["First reminder letter"].id)])
        self.assertEqual(len(history), 1)

    @freeze_time(f"{TODAY} 04:00:00")
    def test_late_invoice_gets_one_action_not_a_burst(self):
        # Imported 25 days overdue: the week-1 call and visit are past; what applies at 25 runs, and the letters
        # start at the beginning of their sequence (one letter, not the two whose windows passed).
        self._invoice(25)
        self._escalate()
        self.assertEqual(self._names(), {"Follow-up every 3 days", "First reminder letter"})
        self.assertEqual(len(self._actions_done()), 2)

    def test_repeat_band_every_three_days(self):
        with freeze_time("2026-02-20 04:00:00"):
            self._invoice(0)        # due Friday 20 February
        action = self.actions["Follow-up every 3 days"]
        fired_on = []
        day = fields.Date.to_date("2026-02-28")   # day 8
        while day <= fields.Date.to_date("2026-03-13"):   # day 21
            self._run_on(day)
            runs = self.env["collection.history"].search_count([
                ("partner_id", "=", self.customer.id), ("action_id", "=", action.id)])
            if runs > len(fired_on):
                fired_on.append(day.isoformat())
            day += timedelta(days=1)
        # Periods start on days 8, 11, 14, 17, 20 (28 Feb, 3, 6, 9, 12 Mar); 28 Feb and 1 Mar are a weekend,
        # so the first period fires on Monday 2 March; each later period on its first working day.
        self.assertEqual(fired_on, ["2026-03-02", "2026-03-03", "2026-03-06", "2026-03-09", "2026-03-12"])
        # A follow-up still open is moved to today, not piled up.
        open_followups = self.env["mail.activity"].search([
            ("res_model", "=", "collection.customer"), ("res_id", "=", self._file().id), ("summary", "=", action.name),
        ])
        self.assertEqual(len(open_followups), 1)

    @freeze_time(f"{TODAY} 04:00:00")
    def test_next_action_shown_on_customer_and_invoice(self):
        move = self._invoice(4)
        file = self._escalate()
        # At day 4 the next period to start is the week-2 email and the 3-day follow-ups, both on day 8.
        self.assertEqual(file.next_action_date, fields.Date.to_date("2026-03-06"))
        self.assertIn(file.next_action_id.day_from, (8,))
        self.assertEqual(move.collection_next_action_date, file.next_action_date)
        self.assertEqual(self.customer.collection_next_action_date, file.next_action_date)

    def test_pre_due_email_and_quiet_hours(self):
        # 23:00 in Shanghai (15:00 UTC): inside quiet hours, the email is deferred to 08:00 local, not dropped.
        with freeze_time("2026-03-02 15:00:00"):
            self._invoice(-2)
            self._escalate()
        history = self.env["collection.history"].search([
            ("partner_id", "=", self.customer.id), ("action_id", "=", self.actions["Pre-due reminder email"].id)])
        self.assertEqual(len(history), 1)
        self.assertTrue(history.mail_id)
        self.assertEqual(history.mail_id.scheduled_date, fields.Datetime.to_datetime("2026-03-03 00:00:00"))
        self.assertIn(self.customer, history.mail_id.recipient_ids)

    def test_email_outside_quiet_hours_goes_now(self):
        with freeze_time("2026-03-02 04:00:00"):   # 12:00 in Shanghai
            self._invoice(-2)
            self._escalate()
        mail = self.env["collection.history"].search([("partner_id", "=", self.customer.id),
                                                      ("event", "=", "action")]).mail_id
        self.assertTrue(mail)
        self.assertFalse(mail.scheduled_date)

    @freeze_time(f"{TODAY} 04:00:00")
    def test_email_review_queue(self):
        self.actions["Reminder email (week 2)"].email_review = True
        self._invoice(9)
        self._escalate()
        queued = self.env["collection.history"].search([("partner_id", "=", self.customer.id),
                                                        ("state", "=", "to_review")])
        self.assertEqual(queued.action_id, self.actions["Reminder email (week 2)"])
        self.assertFalse(queued.mail_id)
        queued.with_user(self.collector).action_approve_send()
        self.assertEqual(queued.state, "done")
        self.assertEqual(queued.reviewed_by_id, self.collector)
        self.assertTrue(queued.mail_id)

    def test_sms_waits_for_the_end_of_quiet_hours(self):
        template = self.env["sms.template"].create({
            "name": "Overdue SMS", "model_id": self.env["ir.model"]._get_id("collection.customer"),
            "body": "{{ object.partner_id.name }}: please pay your overdue invoices.",
        })
        action = self.env["collection.action"].create({
            "policy_id": self.policy.id, "name": "SMS (week 2)", "day_from": 8, "day_to": 14,
            "action_type": "sms", "sms_template_id": template.id,
        })
        self.customer.mobile = "+86 138 0000 0000"
        with freeze_time("2026-03-02 15:00:00"):   # 23:00 in Shanghai
            self._invoice(9)
            self._escalate()
        row = self.env["collection.history"].search([("partner_id", "=", self.customer.id),
                                                     ("action_id", "=", action.id)])
        self.assertEqual(row.state, "deferred")
        self.assertEqual(row.scheduled_at, fields.Datetime.to_datetime("2026-03-03 00:00:00"))
        self.assertFalse(self.env["sms.sms"].search([("partner_id", "=", self.customer.id)]))
        with freeze_time("2026-03-03 00:30:00"):   # 08:30 in Shanghai: the next run sends it
            self.env["collection.customer"]._cron_escalate()
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(sms), 1)
        self.assertIn("Huaxin Materials", sms.body)
        self.assertIn("/my/collection?token=", sms.body, "every SMS reminder carries the portal link")
        self.assertEqual(row.state, "done")

    def _run_days(self, first, last):
        day, last = fields.Date.to_date(first), fields.Date.to_date(last)
        while day <= last:
            if day.weekday() < 5:
                self._run_on(day)
            day += timedelta(days=1)

    def _logged(self, action_name, partner=None):
        return self.env["collection.history"].search([
            ("partner_id", "=", (partner or self.customer).id), ("action_id", "=", self.actions[action_name].id),
        ])

    def test_the_calendar_does_not_go_backwards_after_a_payment(self):
        """A customer 70 days overdue gets every letter; a payment of its oldest invoice brings it down to
        10 days: no second week-2 email, no third reminder after the lawyer letter."""
        self.policy.letter_spacing_days = 0
        with freeze_time("2026-03-02 04:00:00"):
            oldest, _younger = self._invoices([(self.customer, 70, 1000.0), (self.customer, 10, 500.0)])
        self._run_days("2026-03-02", "2026-03-05")   # one letter a day: the first reminder to the lawyer letter
        self.assertEqual(len(self._logged("Lawyer letter (legal team approves)")), 1)
        self.assertEqual(self._file().stage_id, self.stages["Intensified"])
        with freeze_time("2026-03-06 04:00:00"):
            self._pay(oldest, 1000.0)
        self._run_days("2026-03-06", "2026-03-13")
        file = self._file()
        self.assertEqual(file.stage_id, self.stages["Friendly reminder"])
        for name in ("First reminder letter", "Second reminder letter", "Third reminder letter",
                     "Reminder email (week 2)"):
            with self.subTest(action=name):
                self.assertLessEqual(len(self._logged(name)), 1)
        self.assertFalse(self._logged("Reminder email (week 2)"), "its window (8-14) was passed at 70 days")
        self.assertTrue(self._logged("Follow-up every 3 days"), "the follow-ups keep the current cadence")
        # 30 days later the younger invoice enters the third reminder's window: still no third reminder again.
        self._run_days("2026-04-06", "2026-04-08")
        self.assertEqual(len(self._logged("Third reminder letter")), 1)
        self.assertEqual(file.peak_days, 73, "Thursday 5 March, before the payment")

    @freeze_time(f"{TODAY} 04:00:00")
    def test_a_moved_oldest_due_date_does_not_log_an_action_again_the_same_day(self):
        oldest, _younger = self._invoices([(self.customer, 12, 1000.0), (self.customer, 10, 500.0)])
        self._escalate()
        fired = self._actions_done()
        self.assertIn("Follow-up every 3 days", fired.mapped("name"))
        self.assertIn("Reminder email (week 2)", fired.mapped("name"))
        self._pay(oldest, 1000.0)   # the oldest chased due date moves two days on, the same day
        self._escalate()
        history = self.env["collection.history"].search([("partner_id", "=", self.customer.id),
                                                         ("event", "=", "action")])
        self.assertEqual(len(history), len(history.action_id), "each action once today")

    @freeze_time(f"{TODAY} 04:00:00")
    def test_the_salesperson_is_told_once_per_stage_entry(self):
        self.customer.user_id = self.salesman
        oldest, _younger = self._invoices([(self.customer, 40, 1000.0), (self.customer, 20, 500.0)])
        self._escalate()
        self.assertEqual(self._file().stage_id, self.stages["Formal notice"])
        payment = self._pay(oldest, 1000.0)
        self._escalate()
        self.assertEqual(self._file().stage_id, self.stages["Friendly reminder"])
        payment.action_draft()
        payment.action_cancel()   # the payment bounced: back to Formal notice the same day
        self._escalate()
        self.assertEqual(self._file().stage_id, self.stages["Formal notice"])
        told = self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id), ("user_id", "=", self.salesman.id),
        ])
        self.assertEqual(len(told), 1)
        self.assertIn("Formal notice", told.summary)
