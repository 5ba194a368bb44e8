from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import TODAY, CollectionCommon

# What the README keeps from sales reps: the collection team's work on a customer and on an invoice.
PARTNER_HIDDEN = (
    "collection_next_action_id", "collection_next_action_date", "collection_interest_amount",
    "collection_customer_id", "collection_overdue_count", "collection_activity_count", "collection_policy_id",
    "collection_interest_rule_id",
)
PARTNER_SHOWN = (
    "collection_status", "collection_stage_id", "collection_overdue_amount", "collection_due_amount",
    "collection_days_overdue", "collection_credit_hold", "collection_user_id", "collection_blacklisted",
)
MOVE_HIDDEN = (
    "collection_customer_id", "collection_next_action_id", "collection_next_action_date", "collection_history_ids",
    "collection_interest_amount", "collection_interest_claimable", "collection_waiver_ids",
)


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestSalesRepFields(CollectionCommon):
    """Field groups hold on every path a sales rep can call, not only in the views: read, search_read,
    read_group, search domains, export and the mail composer. The status badge still computes for them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.salesman | cls.collector).write({"groups_id": [Command.link(cls.env.ref("base.group_allow_export").id)]})
        cls._invoices([(cls.customer, 40, 1000.0)])
        cls.file = cls.env["collection.customer"].search([("partner_id", "=", cls.customer.id)])
        cls.file._escalate(trigger="cron")

    def _as_rep(self, model="res.partner"):
        return self.env[model].with_user(self.salesman)

    def test_read_paths_refuse_hidden_fields(self):
        self.assertTrue(self.file.next_action_id, "the file has a next action to hide")
        partners = self._as_rep()
        partner = partners.browse(self.customer.id)
        for name in PARTNER_HIDDEN:
            with self.subTest(path="read", field=name), self.assertRaises(AccessError):
                partner.read([name])
            with self.subTest(path="search_read", field=name), self.assertRaises(AccessError):
                partners.search_read([("id", "=", self.customer.id)], [name])
            with self.subTest(path="web_read", field=name), self.assertRaises(AccessError):
                partner.web_read({name: {}})
        with self.subTest(path="read_group"), self.assertRaises(AccessError):
            partners.read_group([("id", "=", self.customer.id)], ["collection_policy_id"], ["collection_policy_id"])
        with self.subTest(path="search"), self.assertRaises(AccessError):
            partners.search([("collection_policy_id", "!=", False)])
        # The fields offered to the rep (export dialog, custom filters, studio) leave the hidden ones out.
        self.assertFalse(set(PARTNER_HIDDEN) & set(partners.fields_get()))

    def test_status_badge_computes_without_hidden_fields(self):
        values = self._as_rep().browse(self.customer.id).read(list(PARTNER_SHOWN))[0]
        self.assertEqual((values["collection_status"], values["collection_overdue_amount"],
                          values["collection_days_overdue"]), ("overdue", 1000.0, 40))
        self.assertEqual(values["collection_user_id"][0], self.collector.id)
        found = self._as_rep().search_read([("collection_status", "=", "overdue"), ("id", "=", self.customer.id)],
                                           ["collection_status", "collection_stage_id"])
        self.assertEqual(found[0]["collection_stage_id"][0], self.file.stage_id.id)
        # The collection team and accountants still read what the rep may not.
        for user in (self.collector, self.accountant):
            with self.subTest(user=user.login):
                self.assertTrue(self.env["res.partner"].with_user(user).browse(self.customer.id).read(
                    list(PARTNER_HIDDEN))[0]["collection_customer_id"])

    def test_export_refuses_hidden_fields(self):
        partners = self._as_rep().browse(self.customer.id)
        for path in (["collection_next_action_id"], ["collection_next_action_id", "name"],
                     ["child_ids", "collection_interest_amount"], ["collection_customer_id", "id"]):
            with self.subTest(path="/".join(path)), self.assertRaises(AccessError):
                partners.export_data(["/".join(path)])
        datas = partners.export_data(["name", "collection_status", "collection_overdue_amount"])["datas"]
        self.assertEqual(datas[0][0], self.customer.name)
        exported = self.env["res.partner"].with_user(self.collector).browse(self.customer.id).export_data(
            ["collection_next_action_id"])["datas"]
        self.assertEqual(exported[0][0], self.file.next_action_id.display_name or "")

    def test_mail_composer_refuses_hidden_fields(self):
        composer = self.env["mail.compose.message"].with_user(self.salesman).with_context(
            default_model="res.partner", default_res_ids=self.customer.ids, default_composition_mode="mass_mail")
        for subject, body in (
            ("{{ object.collection_next_action_id.display_name }}", "<p>Hello</p>"),
            ("Hello", '<p><t t-out="object.collection_interest_amount"/></p>'),
            ("{{ object.commercial_partner_id.collection_next_action_date }}", "<p>Hello</p>"),
        ):
            with self.subTest(subject=subject, body=body), self.assertRaises(AccessError):
                composer.create({"subject": subject, "body": body})._action_send_mail()
        # Prose that merely mentions a word that is a field name, and allowed placeholders, still render.
        wizard = composer.create({"subject": "{{ object.name }}: credit and status",
                                  "body": '<p>Status <t t-out="object.collection_status"/></p>'})
        self.assertEqual(wizard._render_field("subject", self.customer.ids)[self.customer.id],
                         f"{self.customer.name}: credit and status")

    def test_invoice_fields_hidden_from_invoice_readers_outside_accounting(self):
        """The Sales app lets sales reps read invoices: they still read none of the collection work on them."""
        invoice_reader = self.env["res.groups"].create({"name": "Reads invoices, like Sales"})
        self.env["ir.model.access"].create({
            "name": "invoice reader", "model_id": self.env.ref("account.model_account_move").id,
            "group_id": invoice_reader.id, "perm_read": True,
        })
        self.salesman.groups_id = [Command.link(invoice_reader.id)]
        moves = self._as_rep("account.move")
        move = moves.browse(self.file.move_ids[:1].id)
        self.assertEqual(move.read(["name"])[0]["name"], self.file.move_ids[:1].name)
        for name in MOVE_HIDDEN:
            with self.subTest(field=name), self.assertRaises(AccessError):
                move.read([name])
        with self.assertRaises(AccessError):
            moves.search([("collection_customer_id", "=", self.file.id)])
        with self.assertRaises(AccessError):
            move.export_data(["collection_next_action_id"])
        self.assertEqual(move.read(["collection_days_overdue"])[0]["collection_days_overdue"], 40)
