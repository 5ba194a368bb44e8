from datetime import date

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import TODAY, CollectionCommon


@tagged("post_install", "-at_install")
class TestToday(CollectionCommon):
    """"Today" is the date on the company's clock (its partner's time zone, else UTC): for the run, the days
    overdue an invoice shows and the history, whoever runs or reads them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Asia/Shanghai"
        cls.reader = new_test_user(
            cls.env, login="reader_new_york", groups="account.group_account_invoice", tz="America/New_York",
            company_id=cls.company.id,
        )

    def test_the_run_counts_days_on_the_company_clock(self):
        with freeze_time("2026-02-27 04:00:00"):
            move = self._invoice(0)   # due Friday 27 February
        # Sunday 1 March 20:00 UTC is Monday 2 March 04:00 in Shanghai: the invoice is 3 days overdue there,
        # in the first letter's window and on a working day; on a UTC clock it is 2 days overdue on a Sunday.
        with freeze_time("2026-03-01 20:00:00"):
            while self.env["collection.customer"]._cron_escalate():
                pass
            file = self._file()
            self.assertEqual(file.checked_on, date(2026, 3, 2))
            self.assertEqual(file.days_overdue, 3)
            letter = self.env["collection.history"].search([
                ("partner_id", "=", self.customer.id), ("action_id", "=", self.actions["First reminder letter"].id),
            ])
            self.assertEqual(letter.days_overdue, 3)
            # the letter cron drafts the letter, dated on the company's day
            self.env["collection.letter.engine"]._cron_generate_letters()
            drafted = self.env["collection.letter"].search([("customer_id", "=", file.id)])
            self.assertEqual(drafted.date, date(2026, 3, 2))
            # The invoice shows the same days overdue to a reader in New York, where it is still Sunday.
            self.assertEqual(move.with_user(self.reader).collection_days_overdue, 3)
            found = self.env["account.move"].with_user(self.reader).search([
                ("id", "=", move.id), ("collection_days_overdue", "=", 3)])
            self.assertEqual(found, move)

    @freeze_time(f"{TODAY} 04:00:00")
    def test_chasing_after_a_payment_is_dated_on_the_company_clock(self):
        """An email sent at 07:00 on 2 March in Shanghai (23:00 on 1 March UTC) came after a payment booked on
        1 March: it counts towards soft collection, whatever the UTC date of its timestamp."""
        self.policy.write({"legal_min_actions": 1, "legal_min_days": 0})
        move = self._invoice(95, amount=1000.0)
        self._pay(move, 100.0, date="2026-03-01")
        self._log_past("2026-03-01 23:00:00", self._file(), "action", state="done",
                       action_id=self.actions["Reminder email (week 2)"])
        self._escalate()
        self.assertEqual(move.collection_stage_id, self.stages["Legal"])
