"""What users met in the web client (issue 26): each fix pinned without a browser."""

import base64
import io
import logging
import unittest
from unittest.mock import patch

from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools.pdf import PdfReader

from .common import CollectionCommon
from .legal_common import LegalCommon

MODULE = "account_collection_litigation"
_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestClientFixes(CollectionCommon):

    def test_promise_amount_prefilled_and_required(self):
        self.policy.write({"quiet_hours_start": 0.0, "quiet_hours_end": 0.0})   # whatever the hour of the run
        moves = self._invoices([(self.customer, 40, 1000.0), (self.customer, 50, 250.0)])
        file = self._escalate()
        action = file.with_user(self.collector).action_work_promise()
        wizard = Form(self.env["collection.contact.wizard"].with_user(self.collector).with_context(**action["context"]))
        self.assertEqual(wizard.promise_amount, file.claim_amount, "no invoice chosen: the amount claimed")
        self.assertEqual(wizard.promise_amount, 1250.0)
        wizard.move_ids.add(moves[1])
        self.assertEqual(wizard.promise_amount, 250.0, "the open amount of the invoices discussed")
        arch = wizard._view["tree"]
        self.assertEqual(arch.xpath("//field[@name='promise_amount']")[0].get("required"), "outcome == 'promise'")
        wizard.save().action_confirm()
        self.assertEqual(file.promise_ids.amount, 250.0)

    def test_invoice_pickers_show_due_date_days_overdue_amount_overdue_first(self):
        recent, old, not_due = self._invoices([(self.customer, 5, 300.0), (self.customer, 40, 1000.0),
                                               (self.customer, -10, 50.0)])
        moves = self.env["account.move"].with_user(self.collector).with_context(collection_invoice_picker=True)
        found = moves.name_search("", [("id", "in", (recent | old | not_due).ids)])
        self.assertEqual([move_id for move_id, _label in found], [old.id, recent.id, not_due.id])
        label = dict(found)[old.id]
        self.assertIn(old.name, label)
        self.assertIn("40 days overdue", label)
        self.assertIn("1,000.00", label)
        self.assertIn("not due", dict(found)[not_due.id])
        self.assertEqual(old.with_user(self.collector).display_name, old.name, "elsewhere, the usual name")
        for view in ("collection_contact_wizard_view_form", "collection_payment_plan_view_form"):
            arch = etree.fromstring(self.env.ref(f"{MODULE}.{view}").arch)
            self.assertIn("collection_invoice_picker", arch.xpath("//field[@name='move_ids']")[0].get("context"))

    def test_customer_file_header_keeps_the_main_actions(self):
        views = self.env["collection.customer"].with_user(self.supervisor).get_views(
            [(False, "form")], {"toolbar": True})["views"]["form"]
        header = etree.fromstring(views["arch"]).xpath("/form/header/button")
        self.assertLessEqual(len(header), 7, [button.get("string") for button in header])
        self.assertEqual(
            {button.get("name") for button in header} - {"action_open_case_wizard", "action_pause"},
            {"action_work_call", "action_work_log", "action_work_promise", "action_work_dispute",
             "action_work_letter"})
        menu = {action["name"] for action in views["toolbar"]["action"]}
        self.assertLessEqual({"Escalate Now", "Payment Plan", "Arrangement", "Assess the Debtor", "Reassign"}, menu)

    def test_customers_kanban_has_no_none_column(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(f"{MODULE}.collection_customer_action")
        self.assertIn("'search_default_filter_staged': 1", action["context"])
        views = self.env["collection.customer"].get_views([(False, "search")])["views"]
        arch = etree.fromstring(views["search"]["arch"])
        self.assertEqual(arch.xpath("//filter[@name='filter_staged']")[0].get("domain"), "[('stage_id', '!=', False)]")

    def test_kpi_dashboard_opens_with_figures_and_a_chart(self):
        self._invoice(40)
        self._escalate()
        action = self.env["collection.kpi.dashboard"].with_user(self.manager).action_open_dashboard()
        dashboard = self.env["collection.kpi.dashboard"].with_user(self.manager).browse(action["res_id"])
        self.assertTrue(dashboard.exists(), "a saved dashboard, not a blank New form")
        self.assertIn("Collection KPIs", dashboard.display_name)
        self.assertIn("o_collection_kpi_chart", dashboard.chart_html)
        self.assertEqual(dashboard.chart_html.count("bg-primary") - 1, len(dashboard._month_rows(
            self.company, dashboard.date_from, dashboard.date_to)), "a bar per month, and the legend")
        graph = dashboard.action_open_aging_graph()
        self.assertEqual(graph["res_model"], "collection.aging.report")
        self.assertEqual(graph["views"][0][1], "graph")
        self.assertEqual(dashboard.action_open_aging_pivot()["views"][0][1], "pivot")
        views = self.env["collection.kpi.dashboard"].get_views([(False, "form")])["views"]
        arch = etree.fromstring(views["form"]["arch"])
        self.assertEqual(len(arch.xpath("//div[hasclass('o_collection_kpi_cards')]//div[hasclass('card')]")), 4)
        menu = self.env.ref(f"{MODULE}.collection_kpi_dashboard_menu")
        self.assertEqual(menu.action, self.env.ref(f"{MODULE}.collection_kpi_dashboard_action_open"))

    def test_credit_regrading_from_credit_ratings(self):
        self._invoice(40)
        self._escalate()
        ratings = self.env["collection.credit.rating"]
        with self.assertRaises(AccessError):
            ratings.with_user(self.collector).action_regrade_all()
        result = ratings.with_user(self.manager).action_regrade_all()
        self.assertEqual(result["params"]["type"], "success")
        self.assertTrue(ratings.search([("partner_id", "=", self.customer.id)]))
        arch = etree.fromstring(ratings.get_views([(False, "list")])["views"]["list"]["arch"])
        self.assertEqual(arch.xpath("//header/button/@name"), ["action_regrade_all"])

    def test_run_escalation_now_rechecks_chosen_customers_checked_today(self):
        other = self._customer("Checked Too")
        self._invoices([(self.customer, 40, 1000.0), (other, 40, 1000.0)])
        chosen, left = self._escalate(), self._escalate(other)
        escalation = self.env["collection.escalation"]
        self.assertTrue(chosen.checked_on and left.checked_on)
        before = escalation._count_files_to_check()
        action = self.env.ref(f"{MODULE}.collection_customer_action_run_escalation")
        self.assertEqual(action.binding_model_id.model, "collection.customer", "offered on chosen customers")
        result = chosen.with_user(self.manager).action_run_escalation()
        self.assertFalse(chosen.checked_on, "the chosen customer is looked at again")
        self.assertTrue(left.checked_on, "the others keep today's check")
        self.assertEqual(escalation._count_files_to_check(), before + 1)
        self.assertEqual(result["params"]["title"], "Daily escalation started")
        from_menu = action.with_user(self.manager).run()   # no customer chosen: the whole run
        self.assertEqual(from_menu["params"]["title"], "Daily escalation started")

    def test_customer_without_time_zone_gets_company_or_country_zone(self):
        self.company.partner_id.write({"tz": "Asia/Shanghai", "country_id": self.env.ref("base.cn").id})
        self.company.country_id = self.env.ref("base.cn")
        local = self._customer("Local Buyer", tz=False, country_id=self.env.ref("base.cn").id)
        german = self._customer("German Buyer", tz=False, country_id=self.env.ref("base.de").id)
        self._invoices([(local, 40, 100.0), (german, 40, 100.0)])
        for partner, zone in ((local, "Asia/Shanghai"), (german, "Europe/Berlin")):
            file = self._escalate(partner)
            self.assertEqual(file._timezone(), zone)
            self.assertTrue(file.call_windows.endswith(f"({zone})"), file.call_windows)



@tagged("post_install", "-at_install")
class TestLetterFixes(CollectionCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engine = cls.env["collection.letter.engine"]
        cls.moves = cls._invoices([(cls.customer, 40, 1000.0), (cls.customer, 20, 2500.0)])

    def _letter(self):
        return self.engine._generate(self._escalate(), "reminder_1")

    def test_bank_and_customer_account_are_filled(self):
        partner = self.company.partner_id
        bank = self.env["res.bank"].create({"name": "Bank of China, Shanghai Branch", "bic": "BKCHCNBJ300"})
        old, journal_account, invoice_account = self.env["res.partner.bank"].create([
            {"partner_id": partner.id, "acc_number": "0000 OLD", "sequence": 1},
            {"partner_id": partner.id, "acc_number": "6222 0000 1111", "bank_id": bank.id, "sequence": 2},
            {"partner_id": partner.id, "acc_number": "6222 0000 2222", "bank_id": bank.id, "sequence": 3},
        ])
        self.assertEqual(partner.bank_ids[:1], old)
        self.company_data["default_journal_bank"].bank_account_id = journal_account
        values = self.engine._letter_context(self._letter(), {})
        self.assertEqual(values["company"]["bank"]["bank"], "Bank of China, Shanghai Branch")
        self.assertEqual(values["company"]["bank"]["account"], "6222 0000 1111", "the bank journal's account")
        self.assertEqual(values["recipient"]["ref"], str(self.customer.id), "no reference: its number")
        other = self._customer("Pearl Delta Electronics", ref="C-0042")
        moves = self._invoices([(other, 40, 800.0)], post=False)
        moves.partner_bank_id = invoice_account
        moves.action_post()
        values = self.engine._letter_context(self.engine._generate(self._escalate(other), "reminder_1"), {})
        self.assertEqual(values["company"]["bank"]["account"], "6222 0000 2222", "the account the invoices name")
        self.assertEqual(values["recipient"]["ref"], "C-0042")

    def test_letter_to_pdf_read_back(self):
        letter = self._letter()
        with patch.object(type(self.engine), "_soffice", return_value=None):
            letter.invalidate_recordset(["can_make_pdf"])
            self.assertFalse(letter.can_make_pdf, "no LibreOffice: no Make PDF button")
        letter.invalidate_recordset(["can_make_pdf"])
        if not self.engine._soffice():
            _logger.warning("LIBREOFFICE IS MISSING: the letter-to-PDF test is skipped "
                            "(Debian: apt-get install libreoffice-writer-nogui; scripts/dev setup does it as root)")
            raise unittest.SkipTest("LibreOffice (soffice) is not installed")
        self.assertTrue(letter.can_make_pdf)
        letter.action_make_pdf()
        data = base64.b64decode(letter.with_context(bin_size=False).pdf_file)
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        for expected in (letter.name, self.customer.name, "3,500.00"):
            self.assertIn(expected, text)


@tagged("post_install", "-at_install")
class TestLegalFixes(LegalCommon):

    def test_a_legal_user_without_email_files_a_case(self):
        self.legal_user.partner_id.email = False
        case = self._case(self._invoices([(self.customer, 120, 5000.0)]))
        self._provide_required(case)
        case.with_user(self.legal_user).action_file()
        self.assertEqual(case.stage_id, self.stage["filed"])
        note = case.message_ids.filtered(lambda m: "Filed on" in (m.body or ""))
        self.assertEqual(note.author_id, self.legal_user.partner_id)
