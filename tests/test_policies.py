from contextlib import contextmanager

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import TODAY, CollectionCommon

MODULE = "account_collection_litigation"


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestPolicies(CollectionCommon):
    """Which policy a customer follows (branches: nearest company wins), the translated standard policy, and the
    bounds of a ladder and of a calendar."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"child_ids": [Command.create({"name": "Collections Branch"})]})
        cls.cr.precommit.run()   # the branch shares its parent's chart of accounts and journals
        cls.branch = cls.company.child_ids
        cls.env.user.company_ids |= cls.branch
        cls.policies = cls.env["collection.policy"]

    @classmethod
    def _policy(cls, name, company, days_from=1, **values):
        return cls.policies.create({
            "name": name, "company_id": company.id,
            "stage_ids": [Command.create({"name": name, "days_from": days_from})], **values,
        })

    def _policy_of(self, partners, company):
        """Names of the policies these partners follow in this company, in the partners' order."""
        policy_of = self.policies._policy_ids_for_partners(tuple(partners.ids), company)
        return [self.policies.browse(policy_of[partner.id]).name for partner in partners]

    @contextmanager
    def _refused(self, text):
        """A ValidationError naming `text` (through assertRaises, which rolls back what the refused write left)."""
        with self.assertRaises(ValidationError) as caught:
            yield
        self.assertIn(text, str(caught.exception))

    def _zh(self):
        self.env.ref("base.lang_zh_CN").active = True
        # Hidden from every user by the record rules: only the system copies it.
        return self.env.ref(f"{MODULE}.collection_policy_template").sudo().with_context(active_test=False)

    # === Bounds of a ladder and of a calendar === #
    def test_stage_bounds_and_ladder_order(self):
        stage_model = self.env["collection.stage"]
        for days in (-400, -61, 3651):
            with self.subTest(days=days), self._refused("day"):
                stage_model.create({"name": f"Day {days}", "days_from": days, "policy_id": self.policy.id})
        with self._refused("Pre-due"):
            self.stages["Pre-due"].requires_failed_soft_collection = True
        stage_model.create({"name": "Early pre-due", "days_from": -60, "policy_id": self.policy.id})
        with self._refused("Legal"):
            self.policies.create({"name": "Legal first", "company_id": self.company.id, "stage_ids": [
                Command.create({"name": "Legal", "days_from": 91, "requires_failed_soft_collection": True}),
                Command.create({"name": "Reminder", "days_from": 100}),
            ]})
        short = self.policies.create({"name": "Short", "company_id": self.company.id, "stage_ids": [
            Command.create({"name": "Reminder", "days_from": 1}),
            Command.create({"name": "Legal", "days_from": 91, "requires_failed_soft_collection": True}),
        ]})
        with self._refused("Legal"):
            short.stage_ids.filtered(lambda s: s.days_from == 1).unlink()

    def test_calendar_window_bounds(self):
        action_model = self.env["collection.action"]
        base = {"policy_id": self.policy.id, "action_type": "activity"}
        bad = [
            {"name": "Too early", "day_from": -61, "day_to": -1},
            {"name": "Backwards", "day_from": 10, "day_to": 5},
            {"name": "Too late", "day_from": 30, "day_to": 4000},
            {"name": "Open too late", "day_from": 3700, "open_ended": True},
            {"name": "Slow repeat", "day_from": 1, "day_to": 30, "repeat_every": 400},
        ]
        for vals in bad:
            with self.subTest(vals["name"]), self._refused(vals["name"]):
                action_model.create({**base, **vals})
        action_model.create({**base, "name": "Fine", "day_from": -60, "day_to": 3650, "repeat_every": 365})

    # === Customer files are created by the escalation, not by hand === #
    def test_customer_files_offer_no_new(self):
        views = self.env["collection.customer"].get_views([(False, "list"), (False, "kanban"), (False, "form")])
        for view_type, view in views["views"].items():
            with self.subTest(view=view_type):
                self.assertIn(etree.fromstring(view["arch"]).get("create"), ("0", "false", "False"))
