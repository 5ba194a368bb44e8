from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from .common import TODAY, CollectionCommon
from .test_reports import ReportLedgerMixin

MODULE = "account_collection_litigation"


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestAlerts(ReportLedgerMixin, CollectionCommon):
    """Thresholds crossed raise an alert once, with an activity; back within bounds, the alert closes."""

    def _rule(self, kind, threshold):
        return self.env["collection.alert.rule"].create({
            "name": kind, "kind": kind, "threshold": threshold, "user_id": self.manager.id,
        })

    def _check(self):
        self.env.ref(f"{MODULE}.ir_cron_collection_alerts").method_direct_trigger()

    def test_overdue_rate_alert_is_raised_once_and_closes(self):
        rule = self._rule("overdue_rate", 0.15)
        overdue = self._invoice(40, 1000.0)
        self._move(self.customer, 0, 1000.0, due_in=10)   # issued today, not due yet: the rate is 50%
        self._check()
        alert = rule.alert_ids
        self.assertEqual((len(alert), alert.state, alert.value), (1, "open", 0.5))
        self.assertIn("50.0%", alert.name)
        self.assertEqual(alert.activity_ids.user_id, self.manager)
        self._check()
        self.assertEqual(len(rule.alert_ids), 1, "once: no second alert while it stays crossed")
        self._pay(overdue, 1000.0)
        self._check()
        self.assertEqual((alert.state, alert.date_end), ("resolved", fields.Date.to_date(TODAY)))
        self.assertFalse(alert.activity_ids)
        self._invoice(35, 500.0)
        self._check()
        self.assertEqual(len(rule.alert_ids), 2, "crossed again: a new alert")

    def test_customer_above_its_credit_limit(self):
        rule = self._rule("credit_limit", 0.0)
        fine = self._customer("Within Limit")
        self.customer.with_company(self.company).credit_limit = 500.0
        fine.with_company(self.company).credit_limit = 5000.0
        self._invoice(10, 2000.0)
        self._invoice(10, 2000.0, partner=fine)
        self._check()
        self.assertEqual(rule.alert_ids.partner_id, self.customer)
        self.assertEqual(rule.alert_ids.value, 2000.0)

    def test_collector_over_capacity(self):
        rule = self._rule("collector_capacity", 1)
        other = self._customer("Second Customer")
        self._invoice(40, 1000.0)
        self._invoice(40, 1000.0, partner=other)
        self._escalate()
        self._escalate(other)
        self._check()
        self.assertEqual((rule.alert_ids.user_id, rule.alert_ids.value), (self.collector, 2.0))


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestDigest(CollectionCommon):
    """One digest per collection manager and day, listing the right items."""

    def setUp(self):
        super().setUp()
        self.company.partner_id.tz = False
        self.manager.email = "manager@test.example"
        self.env.user.groups_id |= self.env.ref(f"{MODULE}.group_litigation_user")

    def _digests(self):
        return self.env["collection.digest"].search([("user_id", "=", self.manager.id)])

    def test_digest_lists_the_day_once(self):
        today = fields.Date.to_date(TODAY)
        yesterday = today - timedelta(days=1)
        newly = self._invoice(1, 700.0)                    # fell due yesterday
        self._invoice(5, 900.0)                            # overdue for days already: not new
        promiser, breaker, payer = (self._customer(name) for name in ("Promiser", "Breaker", "Payer"))
        paid = self._invoice(20, 400.0, partner=payer)
        self._pay(paid, 250.0, yesterday)
        self._invoice(20, 600.0, partner=promiser)
        pauses = self.env["collection.pause"]
        pauses.create({"partner_id": promiser.id, "reason": "promise", "date_from": today - timedelta(days=5),
                       "date_to": today, "promise_amount": 300.0})
        self._invoice(30, 800.0, partner=breaker)
        pauses.create({"partner_id": breaker.id, "reason": "promise", "date_from": today - timedelta(days=20),
                       "date_to": today - timedelta(days=5), "promise_amount": 500.0}).write(
            {"state": "broken", "ended_on": yesterday})
        file = self._file()
        file.activity_schedule("mail.mail_activity_data_todo", date_deadline=today, user_id=self.collector.id,
                               summary="Call back about the 700")
        case = self.env["collection.case"].create({
            "partner_id": self.customer.id, "line_ids": [Command.create({"move_id": newly.id})],
        })
        self.env["collection.case.hearing"].create({"case_id": case.id, "date": fields.Datetime.to_datetime(
            f"{today + timedelta(days=10)} 02:00:00")})

        cron = self.env.ref(f"{MODULE}.ir_cron_collection_digest")
        cron.method_direct_trigger()
        cron.method_direct_trigger()
        digest = self._digests()
        self.assertEqual(len(digest), 1, "one digest per manager and day, whatever the reruns")
        self.assertEqual((digest.date, digest.key), (today, f"{self.manager.id}:{today}"))
        mails = self.env["mail.mail"].search([("model", "=", "collection.digest"), ("res_id", "=", digest.id)])
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, self.manager.partner_id)
        body = str(digest.body_html)
        self.assertIn(newly.name, body)
        self.assertEqual(body.count("INV/"), 1, "only the invoice that fell due yesterday is new")
        self.assertIn("Call back about the 700", body)
        self.assertIn("Promiser", body)
        self.assertIn("Breaker", body)
        self.assertIn(case.name, body)
        self.assertIn("Payer", body)
        self.assertIn("250.00", body, "collected yesterday")
        # The next day: a new digest, whose "newly overdue" starts after the previous one.
        with freeze_time("2026-03-03 04:00:00"):
            self._invoice(1, 123.0)
            cron.method_direct_trigger()
        digests = self._digests()
        self.assertEqual(len(digests), 2)
        self.assertNotIn(newly.name, str(digests.sorted("date")[-1].body_html))
