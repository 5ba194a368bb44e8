from contextlib import contextmanager

from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools.translate import TranslationModuleReader

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

    # === Branches === #
    def test_branch_follows_its_parents_policy(self):
        move = self._invoices([(self.customer, 40, 500.0)], company=self.branch)
        file = self._file(company=self.branch)
        file._escalate(today=fields.Date.today())
        self.assertEqual(file.policy_id, self.policy)
        self.assertEqual(move.collection_stage_id, self.stages["Formal notice"])
        self.assertFalse(self.policies.search([("company_id", "=", self.branch.id)]),
                         "the branch got no copy of the standard ladder")
        self.assertFalse(self.policies._create_company_defaults(self.branch))

    def test_customers_own_policy_on_the_parent_applies_in_the_branch(self):
        gentle = self._policy("Key accounts: gentle", self.company, days_from=20)
        key_account = self._customer("Key Account Co", collection_policy_id=gentle.id)   # set in the parent
        move = self._invoices([(key_account, 25, 500.0)], company=self.branch)
        file = self._file(key_account, company=self.branch)
        file._escalate(today=fields.Date.today())
        self.assertEqual(file.policy_id, gentle)
        self.assertEqual(move.collection_stage_id, gentle.stage_ids)

    def test_nearest_company_wins(self):
        sub_branch = self.env["res.company"].create({"name": "Collections Sub-branch", "parent_id": self.branch.id})
        plain, typed = self._customer("Plain Co"), self._customer("Typed Co", collection_customer_type="core")
        parent_core = self._policy("Core (parent)", self.company, customer_type="core")
        parent_own = self._policy("Own (parent)", self.company, days_from=5)
        # Created in the parent company: their own policy is the parent's.
        own_parent = self._customer("Own Parent Co", collection_customer_type="core",
                                    collection_policy_id=parent_own.id)
        own_both = self._customer("Own Both Co", collection_policy_id=parent_own.id)
        self._invoice(10, partner=own_both)
        partners = plain | typed | own_parent | own_both
        # Nothing in the branch: everything comes from the parent, for the branch and for its own branch.
        for company in (self.branch, sub_branch):
            with self.subTest(company=company.name):
                self.assertEqual(self._policy_of(partners, company),
                                 ["Standard", "Core (parent)", "Own (parent)", "Own (parent)"])
        # The branch's own policies come first, for the branch and below it; the parent keeps its own.
        self._policy("Branch standard", self.branch)
        self._policy("Core (branch)", self.branch, customer_type="core")
        branch_own = self._policy("Own (branch)", self.branch, days_from=7)
        own_both.with_company(self.branch).collection_policy_id = branch_own
        expected = ["Branch standard", "Core (branch)", "Own (parent)", "Own (branch)"]
        self.assertEqual(self._policy_of(partners, self.branch), expected)
        self.assertEqual(self._policy_of(partners, sub_branch), expected)
        self.assertEqual(self._policy_of(partners, self.company),
                         ["Standard", "Core (parent)", "Own (parent)", "Own (parent)"])
        self.assertEqual(parent_core.customer_type, "core")

    def test_a_company_with_no_policy_up_its_chain_gets_the_standard_one(self):
        # A new company gets the policy when it is created; its new branch follows it.
        root = self.env["res.company"].create({"name": "Independent Co"})
        branch = self.env["res.company"].create({"name": "Independent Branch", "parent_id": root.id})
        created = self.policies.search([("company_id", "in", (root | branch).ids)])
        self.assertEqual(created.company_id, root)
        self.assertEqual(root.collection_policy_id, created)
        self.assertEqual(created.stage_ids.mapped("name"), self.policy.stage_ids.mapped("name"))
        self.assertEqual(created.action_ids.mapped("name"), self.policy.action_ids.mapped("name"))
        self.assertEqual(self._policy_of(self.customer, branch), [created.name])
        self.assertFalse(self.policies._create_company_defaults(branch | root), "nothing twice")
        # A branch whose parents have no active policy any more gets one (the update's data step).
        created.active = False
        created = self.policies._create_company_defaults(branch)
        self.assertEqual(created.company_id, branch)
        self.assertEqual(self._policy_of(self.customer, branch), [created.name])
        # Only the archived standard policy belongs to no company.
        with self._refused("company"):
            self.policies.create({"name": "Nobody's", "company_id": False})

    # === The standard policy is translated data === #
    def test_standard_policy_names_reach_the_pot(self):
        terms = {(name, source) for _module, _type, name, _res_id, source, _value, _comments
                 in TranslationModuleReader(self.env.cr, [MODULE])}
        for term in [("collection.policy,name", "Standard"), ("collection.stage,name", "Formal notice"),
                     ("collection.stage,name", "Pre-due"), ("collection.action,name", "Third reminder letter"),
                     ("collection.action,name", "Lawyer letter (legal team approves)")]:
            self.assertIn(term, terms)

    def test_a_new_company_gets_the_standard_policy_in_its_language(self):
        template = self._zh()
        template.update_field_translations("name", {"zh_CN": "标准"})
        template.stage_ids.filtered(lambda s: s.days_from == 31).update_field_translations(
            "name", {"zh_CN": "正式催告"})
        template.action_ids.filtered(lambda a: a.letter_kind == "lawyer").update_field_translations(
            "name", {"zh_CN": "律师函（法务审批）"})
        policy = self.env["res.company"].create({"name": "Shanghai Co"}).collection_policy_id
        zh = policy.with_context(lang="zh_CN")
        self.assertEqual(zh.name, "标准")
        self.assertEqual(zh.stage_ids.filtered(lambda s: s.days_from == 31).name, "正式催告")
        self.assertEqual(zh.action_ids.filtered(lambda a: a.letter_kind == "lawyer").name, "律师函（法务审批）")
        self.assertEqual(policy.stage_ids.filtered(lambda s: s.days_from == 31).name, "Formal notice")

    def test_loading_a_language_translates_the_policies_copied_before(self):
        template = self._zh()
        stages = self.policy.stage_ids
        stages.filtered(lambda s: s.days_from == 61).name = "Escalated"        # renamed by the user
        stages.filtered(lambda s: s.days_from == 91).update_field_translations("name", {"zh_CN": "诉讼"})
        for days, name in [(31, "正式催告"), (61, "强化催收"), (91, "法律程序")]:
            template.stage_ids.filtered(lambda s, d=days: s.days_from == d).update_field_translations(
                "name", {"zh_CN": name})
        zh_stages = stages.with_context(lang="zh_CN")
        self.assertEqual(zh_stages.filtered(lambda s: s.days_from == 31).name, "Formal notice")
        self.env["ir.module.module"]._get(MODULE)._update_translations(["zh_CN"])
        self.env.invalidate_all()
        self.assertEqual(zh_stages.filtered(lambda s: s.days_from == 31).name, "正式催告")
        self.assertEqual(zh_stages.filtered(lambda s: s.days_from == 61).name, "Escalated", "renamed: kept")
        self.assertEqual(zh_stages.filtered(lambda s: s.days_from == 91).name, "诉讼", "translated by the user: kept")

    def test_selection_labels_in_messages_are_translated(self):
        self._zh()
        self.env["ir.model.fields.selection"].search([
            ("field_id", "=", self.env["ir.model.fields"]._get("collection.policy", "customer_type").id),
            ("value", "=", "core"),
        ]).update_field_translations("name", {"zh_CN": "核心客户"})
        self._policy("Core one", self.company, customer_type="core")
        with self._refused("核心客户"):
            self.policies.with_context(lang="zh_CN").create({
                "name": "Core two", "company_id": self.company.id, "customer_type": "core"})

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
