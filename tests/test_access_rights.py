from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import TODAY, CollectionCommon
from .test_views_read import view_spec


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestAccessRights(CollectionCommon):
    def test_user_without_collections_group_is_refused(self):
        move = self._invoice(40)
        file = self._escalate()
        sales = self.salesman
        # Sales reps and accountants read the status...
        self.assertEqual(self.customer.with_user(sales).collection_status, "overdue")
        self.assertEqual(self.customer.with_user(sales).collection_stage_id, self.stages["Formal notice"])
        self.assertEqual(move.with_user(self.accountant).collection_stage_id, self.stages["Formal notice"])
        self.assertEqual(file.with_user(self.accountant).stage_id, self.stages["Formal notice"])
        # ...sales reps nothing of the collection team's work: files, pauses and their notes, history, disputes.
        self.env.invalidate_all()
        for model in ("collection.customer", "collection.pause", "collection.history", "collection.dispute",
                      "collection.interest.waiver"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(sales).search([])
        # ...but change nothing of it.
        with self.assertRaises(AccessError):
            move.with_user(self.accountant).write({"collection_stage_id": self.stages["Legal"].id})
        with self.assertRaises(AccessError):
            move.with_user(self.accountant).action_collection_escalate()
        with self.assertRaises(AccessError):
            file.with_user(sales).write({"user_id": sales.id})
        with self.assertRaises(AccessError):
            file.with_user(sales).action_escalate_now()
        with self.assertRaises(AccessError):
            self.env["collection.pause"].with_user(sales).create({"partner_id": self.customer.id, "note": "no"})
        with self.assertRaises(AccessError):
            move.with_user(sales).action_collection_pause()
        with self.assertRaises(AccessError):
            self.policy.with_user(sales).write({"minimum_amount": 1.0})
        with self.assertRaises(AccessError):
            self.env["collection.customer"].with_user(sales).action_run_escalation()
        # Interest: sales reps read it, they neither waive, configure nor invoice it.
        self.assertGreaterEqual(move.with_user(self.accountant).collection_interest_claimable, 0.0)
        with self.assertRaises(AccessError):
            self.env["collection.interest.waiver"].with_user(sales).create(
                {"move_id": move.id, "share": 10.0, "reason": "no"})
        with self.assertRaises(AccessError):
            self.env["collection.interest.rule"].with_user(self.collector).create(
                {"name": "no", "method": "fixed", "annual_rate": 5.0})
        with self.assertRaises(AccessError):
            self.env["collection.interest.rate"].with_user(self.collector).create(
                {"table_id": self.env.ref("account_collection_litigation.collection_interest_rate_table_lpr").id,
                 "valid_from": "2026-01-20", "rate": 3.0})
        with self.assertRaises(AccessError):
            move.with_user(self.accountant).action_collection_invoice_interest()

    def test_sales_rep_filters_customers_by_status(self):
        held, fine = self._customer("Held Co"), self._customer("Fine Co")
        self._invoice(65, partner=held)
        self._escalate(held)
        partners = self.env["res.partner"].with_user(self.salesman)
        self.assertEqual(held.with_user(self.salesman).collection_status, "hold")
        self.assertIn(held, partners.search([("collection_status", "=", "hold")]))
        self.assertNotIn(fine, partners.search([("collection_status", "in", ["hold", "overdue"])]))
        good = partners.search([("collection_status", "=", "good"), ("id", "in", (held | fine).ids)])
        self.assertEqual(good, fine)
        self.assertIn(held, partners.search([("collection_status", "!=", "good")]))

    def test_users_without_invoicing_rights_open_the_customer(self):
        """A sales rep, or a stock or HR user (no Invoicing rights), opens the customer form, list and kanban, and
        reads the status, the total overdue and the oldest days overdue; not the collection team's work."""
        self.policy.interest_rule_id = self.env.ref("account_collection_litigation.collection_interest_rule_prc_lpr")
        self._invoice(40, amount=1000.0)
        self._escalate()
        stock_like = new_test_user(self.env, login="stock_test", groups="base.group_user,base.group_partner_manager",
                                   company_id=self.company.id)
        views = [(self.env.ref(f"base.{xmlid}").id, view_type) for view_type, xmlid in (
            ("form", "view_partner_form"), ("list", "view_partner_tree"), ("kanban", "res_partner_kanban_view"))]
        for user in (self.salesman, stock_like):
            partners = self.env["res.partner"].with_user(user)
            archs = {view_type: etree.fromstring(view["arch"])
                     for view_type, view in partners.get_views(views)["views"].items()}
            for view_type, arch in archs.items():
                with self.subTest(user=user.login, view=view_type):
                    spec = view_spec(partners, arch)
                    self.assertLessEqual(
                        {"collection_status", "collection_overdue_amount", "collection_days_overdue"}, set(spec))
                    self.assertFalse({"collection_interest_amount", "collection_next_action_id"} & set(spec))
                    if view_type == "form":
                        values = partners.browse(self.customer.id).web_read(spec)[0]
                    else:
                        values = partners.web_search_read([("id", "=", self.customer.id)], spec)["records"][0]
                    self.assertEqual((values["collection_status"], values["collection_overdue_amount"],
                                      values["collection_days_overdue"]), ("overdue", 1000.0, 40))
        # The figures the form shows to collectors compute for any user who reads them.
        self.assertGreater(self.customer.with_user(self.salesman).collection_interest_amount, 0.0)

    def test_collector_works_but_does_not_configure(self):
        self._invoice(40)
        file = self._escalate()
        file.with_user(self.collector).write({"user_id": self.collector.id})
        file.with_user(self.collector).action_escalate_now()
        with self.assertRaises(AccessError):
            self.policy.with_user(self.collector).write({"minimum_amount": 1.0})
        with self.assertRaises(AccessError):
            self.env["collection.group.pause"].with_user(self.collector).create({
                "name": "No", "date_from": TODAY, "date_to": TODAY})
        self.policy.with_user(self.manager).write({"minimum_amount": 1.0})

    def test_history_is_evidence(self):
        self._invoice(40)
        self._escalate()
        row = self.env["collection.history"].search([("partner_id", "=", self.customer.id)], limit=1)
        with self.assertRaises(UserError):
            row.with_user(self.manager).write({"note": "rewritten"})
        with self.assertRaises(AccessError):
            row.with_user(self.manager).unlink()
        with self.assertRaises(UserError):
            row.sudo().unlink()

    def test_other_company_files_are_hidden(self):
        other = self.setup_other_company(name="Hidden Co")["company"]
        self._invoices([(self.customer, 40, 500.0)], company=other)
        self._file(company=other)._escalate(today=fields.Date.today())
        visible = self.env["collection.customer"].with_user(self.collector).search(
            [("partner_id", "=", self.customer.id)])
        self.assertFalse(visible.filtered(lambda f: f.company_id == other))
