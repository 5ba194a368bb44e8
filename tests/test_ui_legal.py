"""The legal user's journey in the web client (static/tests/tours/legal_tour.js), in English and in Chinese."""

import base64

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.tests import tagged

from .common import docx_text
from .test_legal_user_day import DEADLINE_ACTIVITY
from .test_ui import TOUR_TIMEOUT, TourCase

MODULE = "account_collection_litigation"
JUDGMENT = "2026粤0304民初88号"
PAYMENT_ORDER = "26-0123456-0-1"


@tagged("post_install", "-at_install")
class TestLegalTours(TourCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.legal = cls.env.ref(f"{MODULE}.demo_user_legal")
        # Jade Garden Restaurants, in the Legal stage with no case yet
        cls.debtor = cls.env["res.partner"].search([("name", "=", "Jade Garden Restaurants")], limit=1)
        lawyer = cls.env.ref(f"{MODULE}.demo_lawyer")
        lawyer.write({"collection_lawyer_licence": "14403201010000001", "phone": "+86 755 8888 0100"})
        # the shipped lawyer letter templates as this version builds them (a database made by an older one keeps its
        # own: noupdate data)
        cls.env["collection.letter.template"].search([("kind", "=", "lawyer"), ("shipped_file", "!=", False)]) \
            .action_restore_shipped()

    def _journey(self):
        self.start_tour("/odoo", "acl_legal_tour", login="legal", timeout=TOUR_TIMEOUT)
        self.env.invalidate_all()
        case = self.env["collection.case"].search([("partner_id", "=", self.debtor.id)], order="id desc", limit=1)
        self.assertEqual(case.user_id, self.legal)
        self.assertEqual(case.lawyer_id, self.env.ref(f"{MODULE}.demo_lawyer"))
        self.assertIn("sales-contract.pdf", case.evidence_ids.file_ids.mapped("name"))
        self.assertTrue(case.evidence_complete)
        self.assertEqual(len(case.preservation_ids), 1)
        self.assertTrue(case.filing_date)
        self.assertEqual(len(case.hearing_ids), 1)
        decision = case.judgment_ids
        self.assertEqual(decision.name, JUDGMENT)
        deadlines = [decision.appeal_deadline, decision.performance_due, decision.enforcement_deadline]
        self.assertTrue(all(deadlines), deadlines)
        # the decision's own deadline activities (the preservation's and the hearing's have theirs too)
        alerts = self.env["collection.case.alert"].search([
            ("case_id", "=", case.id), ("key", "=like", f"%:collection.case.judgment:{decision.id}:%:computed")])
        activities = alerts.activity_id
        self.assertEqual(activities.activity_type_id, self.env.ref(DEADLINE_ACTIVITY))
        self.assertEqual(sorted(activities.mapped("date_deadline")), sorted(deadlines))
        self.assertEqual(activities.user_id, self.legal)
        self.assertEqual(case.enforcement_ids.judgment_id, decision)
        statement = self.env["collection.letter"].search([("case_id", "=", case.id),
                                                          ("kind", "=", "statement_of_claim")])
        self.assertEqual(len(statement), 1)
        self.assertTrue(self.env["ir.attachment"].search_count([("res_model", "=", "collection.case"),
                                                                 ("res_id", "=", case.id)]))
        lawyer_letter = self.env["collection.letter"].search([("partner_id", "=", self.debtor.id),
                                                              ("kind", "=", "lawyer")], order="id desc", limit=1)
        self.assertTrue(lawyer_letter)
        summary, _kind = self.env["ir.actions.report"]._render_qweb_html(
            f"{MODULE}.action_report_collection_case_summary", case.ids)
        return case, statement, lawyer_letter, summary.decode()

    def test_legal_user_journey(self):
        """A customer in Legal → case → evidence → lawyer and lawyer letter → preservation → filed → hearing →
        judgment with its deadlines saved, listed and as activities → enforcement → statement of claim opened →
        case summary printed."""
        _case, statement, lawyer_letter, summary = self._journey()
        self.assertIn("Liu Yang", docx_text(base64.b64decode(lawyer_letter.document_file)))
        self.assertIn("statement of claim", docx_text(base64.b64decode(statement.document_file)).lower())
        self.assertIn("Case Summary", summary)

    def test_legal_user_journey_in_chinese(self):
        """The same journey by a legal user working in Chinese, for a Chinese debtor: the letters and the summary
        are in Chinese."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms([MODULE], ["zh_CN"], overwrite=True)
        self.legal.lang = "zh_CN"
        self.debtor.lang = "zh_CN"
        _case, statement, lawyer_letter, summary = self._journey()
        self.assertEqual((lawyer_letter.lang, statement.lang), ("zh_CN", "zh_CN"))
        lawyer_text = docx_text(base64.b64decode(lawyer_letter.document_file))
        for words in ("律师函", "委托人", "执业证号", "律师事务所盖章", "14403201010000001"):
            self.assertIn(words, lawyer_text)
        self.assertIn("民事起诉状", docx_text(base64.b64decode(statement.document_file)))
        for label in ("案件摘要", "主张金额合计", "主张的发票"):
            self.assertIn(label, summary)

    def test_legal_user_records_a_german_payment_order(self):
        """A case under the Germany preset: the legal user records the payment order served today; the decision
        shows the debtor's objection deadline and the last day to apply for the enforcement order, with the articles,
        and that day is on the case's deadline list."""
        moves = self.env["account.move"].search([
            ("commercial_partner_id", "=", self.debtor.id), ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"), ("amount_residual", ">", 0)])
        case = self.env["collection.case"].with_user(self.legal).create({
            "partner_id": self.debtor.id, "jurisdiction": "de",
            "line_ids": [Command.create({"move_id": move.id}) for move in moves],
        })
        self.start_tour(f"/odoo/action-{MODULE}.collection_case_action/{case.id}", "acl_legal_payment_order_tour",
                        login="legal", timeout=TOUR_TIMEOUT)
        self.env.invalidate_all()
        order = case.judgment_ids
        self.assertEqual((order.name, order.kind), (PAYMENT_ORDER, "payment_order"))
        today = self.env["collection.escalation"]._today(case.company_id)
        self.assertEqual(order.debtor_appeal_deadline, today + relativedelta(days=14))
        self.assertEqual(order.enforcement_deadline, today + relativedelta(months=6))
        self.assertIn("ZPO §§ 692(1) no. 3, 694", order.deadline_explanation)
