from odoo.tests import TransactionCase, tagged

MODULE = "account_collection_litigation"


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The addon installs with its demo data (every menu and view is opened for each group in test_views_read)."""

    def test_demo_data_spreads_customers_over_the_stages(self):
        if not self.env.ref(f"{MODULE}.demo_invoice_01", raise_if_not_found=False):
            self.skipTest("installed without demo data")
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

    def test_cron_and_default_policy(self):
        cron = self.env.ref(f"{MODULE}.ir_cron_collection_escalate")
        self.assertTrue(cron.active)
        self.assertEqual(cron.interval_type, "days")
        policy = self.env.company.collection_policy_id
        self.assertEqual(policy.stage_ids.mapped("days_from"), [-5, 1, 31, 61, 91])
        self.assertEqual(len(policy.action_ids), 11)
