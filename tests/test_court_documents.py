import base64
from io import BytesIO

from docx import Document
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.collection_action import LETTER_KINDS as CALENDAR_LETTER_KINDS
from ..models.collection_letter_template import COURT_KINDS
from .common import TODAY, docx_text
from .legal_common import LegalCommon

COURT = "Shanghai Pudong New Area People's Court"


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestCourtDocuments(LegalCommon):
    """Court documents drafted from a legal case, in English and Chinese, for the legal team only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.court = cls.env["res.partner"].create({"name": COURT, "is_company": True, "collection_is_court": True,
                                                   "street": "1 Court Road", "city": "Shanghai"})
        cls.policy.interest_rule_id = cls.env.ref("account_collection_litigation.collection_interest_rule_prc_lpr")
        cls.moves = cls._invoices([(cls.customer, 120, 60000.0), (cls.customer, 90, 40000.5)])
        cls.case = cls.env["collection.case"].with_user(cls.legal_user).create({
            "partner_id": cls.customer.id, "court_id": cls.court.id, "court_case_number": "(2026)沪0115民初1234号",
            "claim_costs": 2300.0, "line_ids": [(0, 0, {"move_id": move.id}) for move in cls.moves],
        })
        cls.case.with_user(cls.legal_user).action_refresh_claim()
        cls.env["collection.case.preservation"].with_user(cls.legal_user).create({
            "case_id": cls.case.id, "asset_type": "bank_deposit", "description": "Account 6222 0000 1234 at ICBC",
            "amount": 80000.0, "security_amount": 80000.0, "security_form": "insurance",
        })
        cls.judgment = cls.env["collection.case.judgment"].with_user(cls.legal_user).create({
            "case_id": cls.case.id, "name": "(2026)沪0115民初1234号判决", "date": "2026-02-02",
            "awarded_principal": 100000.5, "awarded_interest": 1500.0, "awarded_costs": 2300.0,
            "service_date": "2026-02-03", "performance_days": 10,
        })
        cls.engine = cls.env["collection.letter.engine"].with_user(cls.legal_user)

    def _draft(self, kind, lang):
        return self.engine._generate_court_document(self.case.with_user(self.legal_user), kind, lang=lang)

    def test_each_document_in_both_languages_has_the_court_parties_claim_words_and_invoices(self):
        currency = self.case.currency_id
        total = currency.round(self.case.claim_total)
        self.assertGreater(self.case.claim_interest, 0)
        self.assertAlmostEqual(total, currency.round(100000.5 + self.case.claim_interest
                                                     + self.case.claim_compensation + 2300.0))
        for lang in ("en_US", "zh_CN"):
            words = self.env["collection.letter.engine"]._amount_in_words(total, currency, lang)
            for kind in COURT_KINDS:
                with self.subTest(kind=kind, lang=lang):
                    letter = self._draft(kind, lang)
                    self.assertEqual((letter.kind, letter.lang, letter.case_id), (kind, lang, self.case))
                    text = docx_text(base64.b64decode(letter.document_file))
                    self.assertNotIn("{{", text)
                    self.assertNotIn("{%", text)
                    # a court document goes to the court: no link to the debtor's page, no QR code
                    self.assertNotIn("/my/collection", text)
                    self.assertFalse(Document(BytesIO(base64.b64decode(letter.document_file))).inline_shapes)
                    for value in (COURT, self.company.name, self.customer.name, "(2026)沪0115民初1234号",
                                  f"{total:,.2f}", words, *self.moves.mapped("name")):
                        self.assertIn(value, text)
                    # the letter's own total is written in words too: the claim, the amount preserved, or what
                    # the decision still awards with late-performance interest
                    self.assertIn(letter.amount_words, text)
        self.assertEqual(self.case.with_user(self.legal_user).document_count, 8)
        chinese = self.env["collection.letter"].search([("case_id", "=", self.case.id), ("lang", "=", "zh_CN")])
        self.assertTrue(all(letter.amount_words.startswith(("美元", "人民币", "欧元")) for letter in chinese))

    def test_the_claim_the_preservation_and_the_enforcement_figures(self):
        claim = docx_text(base64.b64decode(self._draft("statement_of_claim", "zh_CN").document_file))
        self.assertIn("诉讼请求", claim)
        self.assertIn("事实与理由", claim)
        self.assertIn("100,000.50", claim)
        preservation = self._draft("preservation_application", "en_US")
        self.assertEqual(preservation.amount_total, 80000.0)
        text = docx_text(base64.b64decode(preservation.document_file))
        self.assertIn("Account 6222 0000 1234 at ICBC", text)
        self.assertIn("Preservation insurance", text)
        self.assertIn("80,000.00", text)
        enforcement = self._draft("enforcement_application", "en_US")
        decision = self.judgment
        expected = self.case.currency_id.round(decision.awarded_total + decision.late_interest)
        self.assertAlmostEqual(enforcement.amount_total, expected)
        self.assertIn(f"{expected:,.2f}", docx_text(base64.b64decode(enforcement.document_file)))

    def test_drafting_again_the_same_day_gives_the_same_document_attached_to_the_case(self):
        first = self._draft("evidence_index", "en_US")
        self.assertEqual(self._draft("evidence_index", "en_US"), first)
        attachments = self.env["ir.attachment"].search([("res_model", "=", "collection.case"),
                                                        ("res_id", "=", self.case.id), ("res_field", "=", False)])
        self.assertEqual(attachments.mapped("name"), [first.document_filename])

    def test_a_delivered_court_document_interrupts_no_limitation(self):
        letter = self._draft("statement_of_claim", "en_US").with_user(self.legal_user)
        letter.write({"channel": "courier", "tracking_number": "SF1"})
        letter.action_mark_sent()
        letter.write({"delivery_date": letter.date, "proof_file": base64.b64encode(b"%PDF receipt"),
                      "proof_filename": "receipt.pdf"})
        letter.action_mark_delivered()
        self.assertEqual(letter.state, "delivered")
        self.assertFalse(letter.limitation_event_ids)
        self.assertFalse(letter.interrupts_limitation)
        self.assertFalse(self.env["collection.limitation.event"].search([("letter_id", "=", letter.id)]))
        # nothing about it reaches the collectors' history
        self.assertFalse(self.env["collection.history"].search([("letter_id", "=", letter.id)]))

    def test_court_kinds_are_neither_in_the_calendar_nor_in_the_customers_letters_wizard(self):
        self.assertFalse(set(COURT_KINDS) & {kind for kind, _label in CALENDAR_LETTER_KINDS})
        wizard_kinds = {kind for kind, _label in self.env["collection.letter.wizard"]._fields["kind"].selection}
        self.assertFalse(set(COURT_KINDS) & wizard_kinds)

    def test_collectors_and_sales_reps_are_refused_court_documents(self):
        letter = self._draft("statement_of_claim", "en_US")
        ordinary = self.env["collection.letter.engine"]._generate(self._file(), "reminder_1",
                                                                     moves=self._invoice(30, 700.0))
        letters = self.env["collection.letter"].with_user(self.collector)
        self.assertFalse(letters.search([("id", "=", letter.id)]))
        self.assertEqual(letters.search([("id", "in", (letter | ordinary).ids)]), ordinary)
        with self.assertRaises(AccessError):
            letter.with_user(self.collector).read(["name", "document_file"])
        with self.assertRaises(AccessError):
            letter.line_ids[:1].with_user(self.collector).read(["number"])
        with self.assertRaises(AccessError):
            letter.with_user(self.salesman).read(["name"])
        for user in (self.collector, self.salesman):
            with self.assertRaises(AccessError):
                self.env["collection.letter.engine"].with_user(user)._generate_court_document(
                    self.case, "statement_of_claim", lang="en_US")
        self.assertEqual(letter.with_user(self.legal_user).read(["name"])[0]["name"], letter.name)

    def test_the_wizard_drafts_in_the_debtors_language(self):
        wizard = self.env["collection.court.document.wizard"].with_user(self.legal_user).with_context(
            active_model="collection.case", active_id=self.case.id).create({"kind": "enforcement_application"})
        self.assertEqual(wizard.lang, self.customer.lang or "en_US")
        action = wizard.action_generate()
        letter = self.env["collection.letter"].browse(action["res_id"])
        self.assertEqual((letter.kind, letter.case_id), ("enforcement_application", self.case))
        # the legal team opens the document's form (its customer file shown by name only)
        values = letter.with_user(self.legal_user).web_read({
            "customer_id": {"fields": {"display_name": {}}}, "case_id": {"fields": {"display_name": {}}},
            "template_id": {"fields": {"display_name": {}}}, "line_ids": {"fields": {"number": {}}},
        })[0]
        self.assertEqual(values["case_id"]["id"], self.case.id)
        self.assertEqual(sorted(line["number"] for line in values["line_ids"]), sorted(self.moves.mapped("name")))
