"""A Chinese company and a Chinese customer read Chinese: the daily escalation's chatter and activities, a legal
case with its evidence checklist and interest explanation, and the letters it drafts. English sentences (runs of
three English words or more, names and codes aside) are what leaks when a text is built outside the reader's
language."""

import base64
import re

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import html2plaintext

from .common import TODAY, docx_text
from .legal_common import MODULE, LegalCommon

# Three words or more in a row, each in Latin letters and not all capitals (LPR, PRC, VAT are codes).
ENGLISH_RUN = re.compile(r"(?<![\w/])[A-Za-z][a-z]+(?:[ ,;:'()-]+[A-Za-z][a-z]+){2,}(?![\w/])")


def english_runs(text, names=()):
    """The English runs of `text`, the given names (of people, companies, invoices) taken out first."""
    for name in sorted(filter(None, names), key=len, reverse=True):
        text = text.replace(name, " ")
    return ENGLISH_RUN.findall(text)


@tagged("post_install", "-at_install")
class TestChineseReader(LegalCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        # The addon's Chinese terms (fields, selections, views, data): what installing the language loads.
        cls.env["ir.module.module"]._load_module_terms([MODULE], ["zh_CN"], overwrite=True)
        cls.env["collection.policy"]._copy_template_translations()   # as the update after loading a language does
        cls.company.partner_id.lang = "zh_CN"
        cls.company.name = "上海示例贸易有限公司"
        cls.customer.write({"lang": "zh_CN", "name": "华鑫建材有限公司"})
        (cls.legal_user | cls.collector | cls.env.user).write({"lang": "zh_CN"})
        cls.policy.interest_rule_id = cls.env.ref(f"{MODULE}.collection_interest_rule_prc_lpr")

    def _names(self, *extra):
        users = self.env["res.users"].search([])
        return [*users.mapped("name"), *users.mapped("login"), self.company.name, self.customer.name,
                self.policy.name, *extra]

    def assertChinese(self, texts, names=(), what=""):
        leaks = {text[:160]: runs for text in texts if (runs := english_runs(text or "", self._names(*names)))}
        self.assertFalse(leaks, f"English in the Chinese reader's {what}: {leaks}")

    def _chatter(self, record):
        return [html2plaintext(message.body or "") for message in record.message_ids]

    def _activities(self, record):
        activities = self.env["mail.activity"].search([("res_model", "=", record._name), ("res_id", "in", record.ids)])
        return [text for activity in activities for text in (activity.summary, html2plaintext(activity.note or ""))]

    def test_english_runs_are_found_and_names_and_codes_are_not(self):
        self.assertEqual(english_runs("已逾期 30 天。Please pay the balance now."), ["Please pay the balance now"])
        self.assertFalse(english_runs("规则：PRC: LPR at breach × 1.5，来自催收政策 Standard。INV/2026/00001"))
        self.assertFalse(english_runs("由 Legal User Test 提交", ["Legal User Test"]))

    @freeze_time(TODAY)
    def test_the_escalation_writes_in_the_companys_language(self):
        moves = self._invoices([(self.customer, 120, 60000.0), (self.customer, 45, 8000.0)])
        file = self._escalate()
        self.assertTrue(file.stage_id)
        self.assertRegex(file.with_context(lang="zh_CN").customer_local_time, r"^周[一二三四五六日] \d\d:\d\d$")
        self.assertChinese(self._chatter(file) + self._activities(file) + [file.stage_note],
                           names=moves.mapped("name"), what="customer file")
        letters_cron = f"{MODULE}.ir_cron_collection_letter_batch"
        self.env["collection.letter.engine"].with_env(self._cron_env(letters_cron))._cron_generate_letters()
        # the letters job queues them with their figures frozen; the render job writes their Word files
        render = self.env["collection.letter.engine"].with_env(
            self._cron_env(f"{MODULE}.ir_cron_collection_letter_render_1"))
        while render._cron_render_letters():
            pass
        letters = self.env["collection.letter"].search([("partner_id", "=", self.customer.id)])
        self.assertTrue(letters, "the escalation's calendar drafted a letter")
        self.assertEqual(set(letters.mapped("render_state")), {"rendered"})
        self.assertChinese(self._chatter(file) + self._activities(file) + self._chatter(letters),
                           names=[*moves.mapped("name"), *letters.mapped("name")], what="file after the letters job")
        for letter in letters:
            with self.subTest(letter=letter.kind):
                self.assertEqual(letter.lang, "zh_CN")
                self.assertChinese([docx_text(base64.b64decode(letter.document_file))],
                                   names=[*moves.mapped("name"), letter.name], what=f"letter {letter.kind}")

    @freeze_time(TODAY)
    def test_a_legal_case_its_checklist_interest_and_documents_are_chinese(self):
        moves = self._invoices([(self.customer, 200, 60000.0), (self.customer, 120, 40000.0)])
        case = self._case(moves)
        case.with_user(self.legal_user).action_refresh_claim()
        self.assertTrue(case.sudo().evidence_ids, "the case has its evidence checklist")
        self.assertTrue(case.interest_explanation)
        self.assertIn("年", case.interest_explanation, "dates in the language's format")
        self._provide_required(case)
        legal_user_case = case.with_user(self.legal_user).with_context(lang="zh_CN")  # as the web client calls it
        legal_user_case.write({"court_case_number": "(2026)沪0115民初1234号"})
        legal_user_case.action_file()
        self.assertIn("年", html2plaintext(case.message_ids[:1].body), "the filing's note dates in Chinese")
        self.env["collection.case.hearing"].with_user(self.legal_user).create({
            "case_id": case.id, "date": "2026-03-04 02:00:00", "place": "上海市浦东新区人民法院第三法庭"})
        # The nightly legal job turns the case's deadlines into activities: in the company's language too.
        deadlines_cron = f"{MODULE}.ir_cron_collection_case_deadlines"
        self.env["collection.case"].with_env(self._cron_env(deadlines_cron))._cron_legal_deadlines()
        case = case.sudo().with_context(lang="zh_CN")   # the reader's language, as the web client gives it
        self.assertIn("年", case.fee_estimate_basis)
        texts = [case.interest_explanation, *case.evidence_ids.mapped("name"), *case.evidence_ids.mapped("note"),
                 *case.line_ids.mapped("interest_explanation"), case.next_deadline_name, case.fee_estimate_basis,
                 case.small_claims_hint, case.stage_id.name, *self._chatter(case), *self._activities(case)]
        self.assertTrue(self._activities(case), "the hearing in two days is an activity")
        self.assertChinese(texts, names=[*moves.mapped("name"), case.name], what="legal case")
        document = self.env["collection.letter.engine"].with_user(self.legal_user)._generate_court_document(
            case.with_user(self.legal_user), "statement_of_claim", lang="zh_CN")
        self.assertChinese([docx_text(base64.b64decode(document.document_file))],
                           names=[*moves.mapped("name"), case.name, document.name], what="statement of claim")
