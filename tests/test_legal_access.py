from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import TODAY
from .legal_common import MODULE, LegalCommon


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestLegalAccess(LegalCommon):
    """Cases, their evidence and its files are for the legal team; collection managers read the summary; sales reps
    and collectors see only the customer's status."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoices([(cls.customer, 60, 5000.0)])
        cls.case = cls.env["collection.case"].with_user(cls.legal_user).create({
            "partner_id": cls.customer.id, "line_ids": [(0, 0, {"move_id": cls.invoice.id})],
            "fee_basis": "fixed", "fee_amount": 3000.0,
        })
        item = cls.case.sudo().evidence_ids.filtered(lambda e: e.category == "contract")
        cls.evidence_file = cls.env["collection.case.evidence.file"].with_user(cls.legal_user).create(
            {"evidence_id": item.id, "name": "contract.pdf", "datas": cls._b64(b"%PDF confidential contract")})
        cls.proof = cls.env["collection.case.interruption"].with_user(cls.legal_user).create({
            "case_id": cls.case.id, "kind": "lawyer_letter", "date": "2026-02-20", "proof_method": "ems",
            "proof_file": cls._b64(b"EMS receipt"), "proof_filename": "ems.pdf"})
        cls.pack = cls.case.with_user(cls.legal_user)._generate_evidence_pack()
        attachments = cls.env["ir.attachment"].sudo()
        cls.attachments = attachments.search([
            ("res_model", "=", "collection.case.evidence.file"), ("res_id", "=", cls.evidence_file.id),
            ("res_field", "=", "datas")]) | attachments.search([
                ("res_model", "=", "collection.case.interruption"), ("res_id", "=", cls.proof.id),
                ("res_field", "=", "proof_file")])

    def test_the_evidence_is_stored_as_attachments_the_legal_team_reads(self):
        self.assertEqual(len(self.attachments), 2)
        self.assertTrue(self.pack.with_user(self.legal_user).data)
        for attachment in self.attachments:
            self.assertTrue(attachment.with_user(self.legal_user).read(["datas"])[0]["datas"])
        self.assertEqual(self.evidence_file.with_user(self.legal_user).sha256, self.evidence_file.sha256)

    def test_sales_rep_and_collector_are_refused_the_case_its_evidence_and_attachments(self):
        for user in (self.salesman, self.collector):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.case.with_user(user).read(["name"])
                with self.assertRaises(AccessError):
                    self.case.sudo().evidence_ids.with_user(user).read(["name"])
                with self.assertRaises(AccessError):
                    self.evidence_file.with_user(user).read(["name", "sha256"])
                with self.assertRaises(AccessError):
                    self.proof.with_user(user).read(["kind"])
                with self.assertRaises(AccessError):
                    self.pack.with_user(user).read(["data"])
                for attachment in self.attachments:
                    with self.assertRaises(AccessError):
                        attachment.with_user(user).read(["datas"])
                self.assertFalse(self.env["ir.attachment"].with_user(user).search(
                    [("id", "in", self.attachments.ids)]))
                with self.assertRaises(AccessError):
                    self.env["collection.case.open.wizard"].with_user(user).create(
                        {"partner_id": self.customer.id})
        # What a sales rep does see: the customer is in litigation.
        self.assertEqual(self.customer.with_user(self.salesman).collection_status, "litigation")
        self.assertTrue(self.invoice.with_user(self.collector).collection_in_litigation)

    def test_collection_manager_reads_the_summary_not_the_evidence(self):
        case = self.case.with_user(self.manager)
        values = case.read(["name", "partner_id", "stage_id", "claim_total", "limitation_deadline",
                            "evidence_missing_count", "next_deadline_date"])[0]
        self.assertEqual(values["claim_total"], 5000.0)
        for field in ("evidence_ids", "interruption_ids", "fee_amount", "description"):
            with self.subTest(field=field), self.assertRaises(AccessError):
                case.read([field])
        with self.assertRaises(AccessError):
            self.evidence_file.with_user(self.manager).read(["name"])
        with self.assertRaises(AccessError):
            self.pack.with_user(self.manager).read(["data"])
        for attachment in self.attachments:
            with self.assertRaises(AccessError):
                attachment.with_user(self.manager).read(["datas"])
        with self.assertRaises(AccessError):
            case.write({"court_case_number": "changed"})
        # The form drops what the manager may not read.
        arch = etree.fromstring(case.get_views([(False, "form")])["views"]["form"]["arch"])
        names = {node.get("name") for node in arch.iter("field")}
        self.assertIn("claim_total", names)
        self.assertFalse({"evidence_ids", "interruption_ids", "fee_amount"} & names)

    def test_only_a_legal_manager_configures(self):
        template = self.env.ref(f"{MODULE}.collection_evidence_template_sale_of_goods")
        with self.assertRaises(AccessError):
            template.with_user(self.legal_user).write({"name": "Mine"})
        template.with_user(self.legal_manager).write({"name": "Sale of goods (ours)"})
        manager_group = self.env.ref(f"{MODULE}.group_litigation_manager")
        self.assertIn(self.env.ref(f"{MODULE}.group_litigation_user"), manager_group.implied_ids)
        self.assertIn(manager_group, self.env.ref("base.user_admin").groups_id)

    def test_cases_of_another_company_are_hidden(self):
        other = self.setup_other_company(name="Other Legal Co")["company"]
        invoice = self._invoices([(self.customer, 60, 800.0)], company=other)
        foreign = self.env["collection.case"].with_company(other).create({
            "partner_id": self.customer.id, "company_id": other.id, "currency_id": invoice.currency_id.id,
            "line_ids": [(0, 0, {"move_id": invoice.id})]})
        cases = self.env["collection.case"].with_user(self.legal_user)
        self.assertNotIn(foreign, cases.search([]))
        self.assertIn(self.case, cases.search([]))
        self.assertFalse(self.env["collection.case.evidence"].with_user(self.legal_user).search(
            [("case_id", "=", foreign.id)]))
        self.assertFalse(self.env["collection.case.line"].with_user(self.legal_user).search(
            [("move_id", "=", invoice.id)]))
        self.assertFalse(self.env["collection.case.deadline"].with_user(self.legal_user).search(
            [("case_id", "=", foreign.id)]))
