from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import TransactionCase, tagged

MODULE = "account_collection_litigation"


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The addon installs with its demo data (every menu and view is opened for each group in test_views_read)."""

    def test_demo_data_spreads_customers_over_the_stages(self):
        first = self.env.ref(f"{MODULE}.demo_invoice_01", raise_if_not_found=False)
        if not first:
            self.skipTest("installed without demo data")
        # The demo's first escalation ran on the day of the install, and the calendar acts on working days
        # only: look at the demo on the first working day from the install on, whatever its weekday (on a
        # working day the run finds nothing left to do).
        day = first.invoice_date + timedelta(days=10)   # the demo dates its first invoice ten days back
        calendar = self.env.company.resource_calendar_id
        while not calendar._works_on_date(day):
            day += timedelta(days=1)
        with freeze_time(f"{day} 10:00:00"):
            while self.env["collection.customer"]._cron_escalate():
                pass
            self._check_demo_stages()

    def _check_demo_stages(self):
        files = self.env["collection.customer"].search([("partner_id.name", "in", [
            "Huaxin Building Materials", "Jade Garden Restaurants", "Northwind Components", "Harbor Print & Pack",
        ])])
        self.assertEqual(len(files), 4)
        stages = set(files.stage_id.mapped("name"))
        self.assertGreaterEqual(len(stages), 3, stages)
        jade = files.filtered(lambda f: f.partner_id.name == "Jade Garden Restaurants")
        self.assertEqual(jade.stage_id.name, "Legal", "the broken demo promise opened the Legal stage")
        disputed = self.env.ref(f"{MODULE}.demo_invoice_12")
        self.assertEqual(disputed.collection_pause_reason, "dispute")
        self.assertTrue(self.env["collection.history"].search_count([("event", "=", "action")]))
        overdue = self.env.ref(f"{MODULE}.demo_invoice_03")   # 40 days overdue, PRC LPR × 1.5
        self.assertGreater(overdue.collection_interest_amount, 0.0)
        self.assertIn("Total interest", overdue.collection_interest_explanation)

    def test_every_customer_with_an_overdue_invoice_has_its_file(self):
        """The install's first run files every customer with an open overdue invoice, the standard demo's
        (invoiced before the addon was installed) as well as this addon's."""
        moves = self.env["account.move"].search([
            *self.env["account.move"]._collection_open_domain(), ("invoice_date_due", "<", fields.Date.today()),
        ])
        if not moves:
            self.skipTest("no overdue invoice in this database")
        files = self.env["collection.customer"].search([("partner_id", "in", moves.commercial_partner_id.ids)])
        filed = {(f.partner_id, f.company_id) for f in files if f.checked_on and f.overdue_count}
        for move in moves:
            with self.subTest(customer=move.commercial_partner_id.name):
                self.assertIn((move.commercial_partner_id, move.company_id), filed)

    def test_cron_and_default_policy(self):
        cron = self.env.ref(f"{MODULE}.ir_cron_collection_escalate")
        self.assertTrue(cron.active)
        self.assertEqual(cron.interval_type, "days")
        policy = self.env.company.collection_policy_id
        self.assertEqual(policy.stage_ids.mapped("days_from"), [-5, 1, 31, 61, 91])
        self.assertEqual(len(policy.action_ids), 11)
