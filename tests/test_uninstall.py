from odoo import Command
from odoo.tests import tagged
from odoo.tools.sql import index_exists

from ..hooks import CORE_TABLE_INDEXES, MODULE, uninstall_hook
from .common import CollectionCommon


@tagged("post_install", "-at_install")
class TestUninstallHook(CollectionCommon):
    """What the uninstall hook clears before Odoo removes the addon (scripts/dev test uninstalls for real)."""

    def _xmlid(self, record, name):
        self.env["ir.model.data"].create({"module": MODULE, "name": name, "model": record._name, "res_id": record.id})

    def _xmlids(self, *names):
        return set(self.env["ir.model.data"].search([("module", "=", MODULE), ("name", "in", names)]).mapped("name"))

    def test_hook_removes_what_refers_to_the_activity_types(self):
        letter = self.env.ref(f"{MODULE}.mail_activity_type_collection_letter")
        review = self.env.ref(f"{MODULE}.mail_activity_type_legal_review")
        review.keep_done = True  # a done activity stays, archived, and still refers to its type
        file = self.env["collection.customer"].create({"partner_id": self.customer.id, "company_id": self.company.id})
        activities = file.activity_schedule(activity_type_id=letter.id, user_id=self.collector.id)
        activities |= file.activity_schedule(activity_type_id=review.id, user_id=self.collector.id)
        activities.filtered(lambda activity: activity.activity_type_id == review).action_done()
        plan = self.env["mail.activity.plan"].create({
            "name": "Chase", "res_model": "collection.customer",
            "template_ids": [Command.create({"activity_type_id": letter.id, "responsible_type": "on_demand"})],
        })
        action = self.env["ir.actions.server"].create({
            "name": "Ask for a letter", "model_id": self.env["ir.model"]._get_id("collection.customer"),
            "state": "next_activity", "activity_type_id": letter.id,
        })
        call = self.env.ref("mail.mail_activity_data_call")
        call.triggered_next_type_id = letter

        uninstall_hook(self.env)

        self.assertFalse(activities.with_context(active_test=False).exists())
        self.assertFalse(plan.template_ids.exists())
        self.assertFalse(action.exists())
        self.assertFalse(call.triggered_next_type_id)
        self.env.flush_all()
        (letter | review).unlink()  # what the uninstall does next: nothing refers to them any more

    def test_hook_keeps_posted_entries_and_their_partners(self):
        posted = self._invoice(40)
        draft = self._invoice(10, partner=self._customer("Draft Only"), post=False)
        lone = self._customer("No Entries")
        self._xmlid(posted, "test_posted_invoice")
        self._xmlid(self.customer, "test_customer_with_entries")
        self._xmlid(draft, "test_draft_invoice")
        self._xmlid(draft.partner_id, "test_customer_with_a_draft")
        self._xmlid(lone, "test_customer_without_entries")

        uninstall_hook(self.env)

        self.assertEqual(
            self._xmlids("test_posted_invoice", "test_customer_with_entries", "test_draft_invoice",
                         "test_customer_with_a_draft", "test_customer_without_entries"),
            {"test_draft_invoice", "test_customer_with_a_draft", "test_customer_without_entries"},
            "posted entries and their partners stay as ordinary records; what the uninstall may delete keeps its id",
        )
        self.assertTrue(posted.exists() and self.customer.exists())

    def test_hook_drops_the_indexes_on_core_tables(self):
        for index in CORE_TABLE_INDEXES:
            self.assertTrue(index_exists(self.env.cr, index), index)
        uninstall_hook(self.env)
        for index in CORE_TABLE_INDEXES:
            self.assertFalse(index_exists(self.env.cr, index), index)
