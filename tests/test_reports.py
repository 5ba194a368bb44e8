import logging
import re
import subprocess
from contextlib import contextmanager
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import TODAY, CollectionCommon

MODULE = "account_collection_litigation"
# What Debian's wkhtmltopdf (built on the distribution's unpatched Qt) always prints: it ignores Odoo's header and
# footer switches (the PDF then has no letterhead) and has no XDG runtime directory. Nothing else is let through.
UNPATCHED_QT_NOTICES = re.compile(
    r"The switch --[a-z-]+, is not support using unpatched qt, and will be ignored\.|"
    r"QStandardPaths: XDG_RUNTIME_DIR not set, defaulting to '[^']*'"
)


class _UnpatchedQtNotices(logging.Filter):
    """Drop the warning of ir.actions.report that carries only the notices of an unpatched wkhtmltopdf."""

    def filter(self, record):
        message = record.getMessage()
        if not message.startswith("wkhtmltopdf: "):
            return True
        return bool(UNPATCHED_QT_NOTICES.sub("", message.removeprefix("wkhtmltopdf: ")).strip())


@contextmanager
def unpatched_qt_notices_dropped():
    logger = logging.getLogger("odoo.addons.base.models.ir_actions_report")
    notice_filter = _UnpatchedQtNotices()
    logger.addFilter(notice_filter)
    try:
        yield
    finally:
        logger.removeFilter(notice_filter)


class ReportLedgerMixin:
    """Invoices, credit notes and payments placed by days from today, for the report tests."""

    def _move(self, partner, days_ago, amount, due_in=0, move_type="out_invoice", currency=None):
        """A posted invoice (or credit note) dated `days_ago` days before today, due `due_in` days after that."""
        today = fields.Date.context_today(self.env.user)
        date = today - timedelta(days=days_ago)
        vals = {
            "move_type": move_type, "partner_id": partner.id, "company_id": self.company.id,
            "invoice_date": date, "currency_id": (currency or self.company.currency_id).id,
            "invoice_line_ids": [Command.create({"name": "Goods", "quantity": 1, "price_unit": amount,
                                                 "tax_ids": [Command.clear()]})],
        }
        if move_type == "out_invoice":
            vals["invoice_date_due"] = date + timedelta(days=due_in)
        move = self.env["account.move"].create(vals)
        move.action_post()
        return move

    def _unmatched_payment(self, partner, amount, days_ago):
        payment = self.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": partner.id, "amount": amount,
            "date": fields.Date.context_today(self.env.user) - timedelta(days=days_ago),
        })
        payment.action_post()
        return payment


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestPrintableReports(ReportLedgerMixin, CollectionCommon):
    """The statement of account and the aged receivables, as figures and as rendered documents."""

    def _build_aging_ledger(self):
        """Four customers; the expected aging, worked out by hand, is in the tests."""
        today = fields.Date.context_today(self.env.user)
        self.a, self.b, self.c, self.d = (self._customer(name) for name in ("Aging A", "Aging B", "Aging C", "Aging D"))
        inv1 = self._move(self.a, 10, 1000.0)                  # due today-10
        inv2 = self._move(self.a, 45, 2000.0)                  # due today-45, 500 paid on today-5
        self._move(self.b, 5, 700.0, due_in=30)                # dated today-5, due today+25
        self._move(self.b, 100, 400.0)                         # due today-100
        self._move(self.b, 70, 300.0)                          # due today-70
        self._move(self.c, 3, 250.0, move_type="out_refund")   # open credit note of today-3
        inv6 = self._move(self.c, 20, 600.0)                   # paid in full on today-2
        self._unmatched_payment(self.d, 80.0, 1)               # received today-1, not matched
        self._pay(inv2, 500.0, today - timedelta(days=5))
        self._pay(inv6, 600.0, today - timedelta(days=2))
        self._pay(inv1, 1000.0, today + timedelta(days=3))     # after the day of the report
        return [self.a, self.b, self.c, self.d]

    def _aging(self, as_of, partners):
        wizard = self.env["collection.aging.wizard"].create({"date": as_of, "partner_ids": [Command.set(partners.ids)]})
        data = wizard._aging_report_data()
        by_partner = {row["partner_id"]: row for row in data["rows"]}
        return wizard, data, by_partner

    def test_aging_as_of_a_day_ties_to_the_receivable_accounts(self):
        partners = self.env["res.partner"].union(*self._build_aging_ledger())
        today = fields.Date.context_today(self.env.user)
        columns = ("not_due", "b1_30", "b31_60", "b61_90", "b90_plus", "credit", "total")

        _wizard, data, rows = self._aging(today, partners)
        expected = {
            self.a.id: (0, 1000, 1500, 0, 0, 0, 2500),      # 1,000 at 10 days; 2,000 - 500 at 45 days
            self.b.id: (700, 0, 0, 300, 400, 0, 1400),      # not due; 70 days; 100 days
            self.c.id: (0, 0, 0, 0, 0, -250, -250),         # the paid invoice is gone, the credit note is open
            self.d.id: (0, 0, 0, 0, 0, -80, -80),           # an unmatched payment
        }
        for partner_id, figures in expected.items():
            self.assertEqual(tuple(rows[partner_id][column] for column in columns), figures)
        self.assertEqual(tuple(data["totals"][column] for column in columns), (700, 1000, 1500, 300, 400, -330, 3570))
        self.assertEqual(data["balance"], 3570.0)
        self.assertTrue(data["ties"])
        # The same balance, summed independently from the journal items of the receivable accounts.
        balance = sum(self.env["account.move.line"].search([
            ("partner_id", "in", partners.ids), ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"), ("date", "<=", today),
        ]).mapped("balance"))
        self.assertAlmostEqual(balance, data["totals"]["total"])

        # Six days earlier: no payment, no credit note yet, the invoice of today-5 not issued yet.
        _wizard, data, rows = self._aging(today - timedelta(days=6), partners)
        self.assertEqual(tuple(rows[self.a.id][column] for column in columns), (0, 1000, 2000, 0, 0, 0, 3000))
        self.assertEqual(tuple(rows[self.c.id][column] for column in columns), (0, 600, 0, 0, 0, 0, 600))
        self.assertNotIn(self.d.id, rows)
        self.assertEqual(tuple(data["totals"][column] for column in columns), (0, 1600, 2000, 300, 400, 0, 4300))
        self.assertTrue(data["ties"])

        # Three days later the payment of today+3 settles the 1,000.
        _wizard, data, rows = self._aging(today + timedelta(days=3), partners)
        self.assertEqual(rows[self.a.id]["total"], 1500.0)
        self.assertTrue(data["ties"])

    def test_aging_of_the_whole_company_ties(self):
        self._build_aging_ledger()
        wizard = self.env["collection.aging.wizard"].create({})
        data = wizard._aging_report_data()
        self.assertTrue(data["ties"])
        self.assertAlmostEqual(data["totals"]["total"], data["balance"])
        html = self._html(f"{MODULE}.action_report_collection_aging", wizard.ids)
        self.assertIn("Aging B", html)
        self.assertIn("The aged balance ties to it.", html)

    def test_statement_of_account(self):
        eur = self.setup_other_currency("EUR")   # 2 EUR for 1 company unit
        customer = self.customer
        customer.with_company(self.company).collection_interest_rule_id = self.env.ref(
            f"{MODULE}.collection_interest_rule_prc_sme")
        today = fields.Date.context_today(self.env.user)
        not_due = self._move(customer, 20, 1000.0, due_in=30)
        overdue = self._move(customer, 40, 2000.0)
        foreign = self._move(customer, 10, 300.0, currency=eur)
        self._move(customer, 2, 100.0, move_type="out_refund")
        self._unmatched_payment(customer, 50.0, 1)
        self._pay(overdue, 500.0, today - timedelta(days=20))

        statement = self.env[f"report.{MODULE}.report_statement_partner"]._statements(customer, self.company)[
            customer.id]
        rows = {row["move"]: row for row in statement["invoices"]}
        self.assertEqual(set(rows), {not_due, overdue, foreign})
        self.assertEqual((rows[overdue]["residual"], rows[overdue]["days_overdue"]), (1500.0, 40))
        self.assertEqual((rows[foreign]["residual"], rows[foreign]["residual_company"]), (300.0, 150.0))
        self.assertEqual(rows[not_due]["days_overdue"], 0)
        figures = (overdue | foreign)._collection_interest(today)
        self.assertGreater(rows[overdue]["interest"], 0.0)
        self.assertEqual(rows[overdue]["interest"], figures[overdue.id]["claimable"])
        self.assertEqual(rows[foreign]["interest"], figures[foreign.id]["claimable"])
        self.assertAlmostEqual(rows[foreign]["interest_company"], rows[foreign]["interest"] / 2, places=2)
        self.assertEqual(sorted(row["residual"] for row in statement["credits"]), [-100.0, -50.0])

        usd = self.company.currency_id
        by_currency = {totals["currency"]: totals for totals in statement["by_currency"]}
        self.assertEqual((by_currency[usd]["open"], by_currency[usd]["overdue"], by_currency[usd]["credits"],
                          by_currency[usd]["balance"]), (2500.0, 1500.0, -150.0, 2350.0))
        self.assertEqual((by_currency[eur]["open"], by_currency[eur]["overdue"], by_currency[eur]["balance"]),
                         (300.0, 300.0, 300.0))
        totals = statement["totals"]
        self.assertEqual((totals["open"], totals["overdue"], totals["credits"], totals["balance"]),
                         (2650.0, 1650.0, -150.0, 2500.0))
        self.assertAlmostEqual(totals["interest"], rows[overdue]["interest"] + rows[foreign]["interest_company"])

        html = self._html(f"{MODULE}.action_report_collection_statement_partner", customer.ids)
        for move in (not_due, overdue, foreign):
            self.assertIn(move.name, html)
        file_html = self._html(f"{MODULE}.action_report_collection_statement_customer", self._file().ids)
        self.assertIn(overdue.name, file_html)

    def test_statement_is_attached_to_the_statement_email(self):
        self._invoice(40)
        file = self._file()
        template = self.env.ref(f"{MODULE}.mail_template_statement")
        values = template._generate_template(file.ids, ["report_template_ids", "subject"])[file.id]
        self.assertEqual(len(values["attachments"]), 1)
        self.assertTrue(values["attachments"][0][0].startswith("Statement of Account - Huaxin Materials"))

    def test_statement_is_for_the_collection_team(self):
        report = self.env.ref(f"{MODULE}.action_report_collection_statement_partner")
        self.assertIn(self.env.ref(f"{MODULE}.group_collection_collector"), report.groups_id)
        self._invoice(40)
        with self.assertRaises(AccessError):
            self.env[f"report.{MODULE}.report_statement_partner"].with_user(self.salesman)._statements(
                self.customer, self.company)

    def _html(self, report_ref, res_ids):
        html, kind = self.env["ir.actions.report"]._render_qweb_html(report_ref, res_ids)
        self.assertEqual(kind, "html")
        return html.decode()


@tagged("post_install", "-at_install")
class TestReportPdf(CollectionCommon, HttpCase):
    """Every printable report renders to PDF with the demo data (wkhtmltopdf fetches the styles from this
    server, which sees the test's data)."""

    def _render_pdf(self, env, report_ref, res_ids):
        """Render to PDF; an unpatched wkhtmltopdf (Debian's) cannot print several records in one document, so
        there each record is printed on its own."""
        report = env["ir.actions.report"]
        state = report.get_wkhtmltopdf_state()
        if state != "ok":
            self.skipTest(
                f"THE PDF WAS NOT RENDERED: wkhtmltopdf is not usable here (state {state!r}); install it "
                "(Debian: apt-get install wkhtmltopdf) to test the PDF reports")
        version = subprocess.run([_get_wkhtmltopdf_bin(), "--version"], capture_output=True, text=True,
                                 check=False).stdout
        batches = [res_ids] if "patched qt" in version else [[res_id] for res_id in res_ids]
        for batch in batches:
            with unpatched_qt_notices_dropped():
                content, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(report_ref, batch)
            self.assertEqual(kind, "pdf")
            self.assertTrue(content.startswith(b"%PDF"), report_ref)

    def test_every_report_renders_to_pdf_with_the_demo_data(self):
        if not self.env.ref(f"{MODULE}.demo_invoice_01", raise_if_not_found=False):
            self.skipTest("installed without demo data")
        main = self.env.ref("base.main_company")
        self.env.user.company_ids |= main
        env = self.env(context={"allowed_company_ids": main.ids})
        customers = env["res.partner"].browse([env.ref(f"{MODULE}.demo_customer_{n:02d}").id for n in (1, 5, 9)])
        statements = env[f"report.{MODULE}.report_statement_partner"]._statements(customers, main)
        self.assertTrue(all(statement["invoices"] for statement in statements.values()))
        self._render_pdf(env, f"{MODULE}.action_report_collection_statement_partner", customers.ids)
        files = env["collection.customer"].search([("company_id", "=", main.id)], limit=3)
        self.assertTrue(files)
        self._render_pdf(env, f"{MODULE}.action_report_collection_statement_customer", files.ids)
        wizard = env["collection.aging.wizard"].create({"company_id": main.id})
        self.assertTrue(wizard._aging_report_data()["ties"])
        self._render_pdf(env, f"{MODULE}.action_report_collection_aging", wizard.ids)
        cases = self._demo_cases(env)
        self._render_pdf(env, f"{MODULE}.action_report_collection_case_register", cases.ids)
        self._render_pdf(env, f"{MODULE}.action_report_collection_case_summary", cases.ids)

    def _demo_cases(self, env):
        self.env.user.groups_id |= self.env.ref(f"{MODULE}.group_litigation_user")
        cases = env["collection.case"].search([("is_closed", "=", False)])
        self.assertTrue(cases, "the demo has open legal cases")
        return cases

    def test_case_register_and_summary_with_the_demo_data(self):
        if not self.env.ref(f"{MODULE}.demo_case_golden_bridge", raise_if_not_found=False):
            self.skipTest("installed without demo data")
        main = self.env.ref("base.main_company")
        self.env.user.company_ids |= main
        env = self.env(context={"allowed_company_ids": main.ids})
        cases = self._demo_cases(env)
        case = env.ref(f"{MODULE}.demo_case_golden_bridge")
        report = env["ir.actions.report"]
        register = report._render_qweb_html(f"{MODULE}.action_report_collection_case_register", cases.ids)[0].decode()
        for open_case in cases:
            self.assertIn(open_case.name, register)
        self.assertIn("Golden Bridge Trading", register)
        summary = report._render_qweb_html(f"{MODULE}.action_report_collection_case_summary", case.ids)[0].decode()
        self.assertIn(case.name, summary)
        for line in case.line_ids:
            self.assertIn(line.move_id.name, summary)
        # The menu prints the register of every open case.
        action = env.ref(f"{MODULE}.collection_case_action_print_register").run()
        if action["type"] != "ir.actions.report":   # a company without a document layout configures it first
            action = action["context"]["report_action"]
        self.assertEqual((action["report_name"], set(action["context"]["active_ids"])),
                         (f"{MODULE}.report_collection_case_register", set(cases.ids)))


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestAgingAnalysis(ReportLedgerMixin, CollectionCommon):
    """The aging analysis (SQL view) ages today's open items like the printed report and ties too."""

    def test_analysis_buckets_tie_and_drill_to_the_invoice(self):
        today = fields.Date.context_today(self.env.user)
        customer = self.customer
        inv_10 = self._move(customer, 10, 1000.0)
        inv_45 = self._move(customer, 45, 2000.0)
        self._move(customer, 5, 700.0, due_in=30)
        self._move(customer, 100, 400.0)
        self._move(customer, 2, 250.0, move_type="out_refund")
        self._pay(inv_45, 500.0, today - timedelta(days=5))
        self._escalate()
        report = self.env["collection.aging.report"]
        domain = [("partner_id", "=", customer.id)]
        totals = dict(report._read_group(domain, ["bucket"], ["amount_residual:sum"]))
        self.assertEqual(totals, {"not_due": 700.0, "1_30": 1000.0, "31_60": 1500.0, "90_plus": 400.0,
                                  "credit": -250.0})
        rows = report.search(domain)
        self.assertEqual(sum(rows.mapped("amount_residual")), 3350.0)
        self.assertEqual(sum(rows.mapped("amount_residual")), self.env["collection.ledger"]._receivable_balance(
            self.company, today, customer.ids))
        row = rows.filtered(lambda r: r.move_id == inv_10)
        self.assertEqual((row.days_overdue, row.bucket, row.amount_1_30, row.document_type), (10, "1_30", 1000.0,
                                                                                               "invoice"))
        self.assertEqual(row.user_id, self.collector, "the collector of the customer's file")
        self.assertEqual(row.stage_id, self.stages["Friendly reminder"])
        action = row.action_open_move()
        self.assertEqual((action["res_model"], action["res_id"]), ("account.move", inv_10.id))
        # Grouped as the pivot does: by collector and stage, in the company currency.
        groups = report._read_group(domain, ["user_id", "customer_stage_id"], ["amount_residual:sum"])
        self.assertEqual(groups, [(self.collector, self.stages["Intensified"], 3350.0)])

    def test_other_company_rows_are_not_read(self):
        mine = self._move(self.customer, 40, 900.0)
        other = self.setup_other_company()["company"]
        theirs = self._invoices([(self.customer, 40, 800.0)], company=other)
        report = self.env["collection.aging.report"]
        self.assertEqual(report.sudo().search([("move_id", "in", (mine | theirs).ids)]).move_id, mine | theirs)
        rows = report.with_user(self.collector).search([("move_id", "in", (mine | theirs).ids)])
        self.assertEqual(rows.move_id, mine, "the collector works in one company only")
