"""One of each: one "today" (the company's day), one open-invoice definition, one way to create per-company
defaults, and the review's smaller mends (set-based partner figures, a read that writes nothing, the broken
promise's task, display names that declare what they read)."""

import ast
import re
from datetime import date
from pathlib import Path

from freezegun import freeze_time

from odoo import SUPERUSER_ID, fields
from odoo.tests import Form, RecordCapturer, new_test_user, tagged

from ..hooks import uninstall_hook
from .common import TODAY
from .legal_common import LegalCommon

MODULE = "account_collection_litigation"
ADDON = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("models", "report", "wizard", "tools")
# The partner form's collection figures, whatever the number of open invoices (2 or 50).
PARTNER_FORM_QUERIES = 41


def _python_sources():
    return [path for folder in SOURCE_DIRS for path in sorted((ADDON / folder).glob("*.py"))]


@tagged("post_install", "-at_install")
class TestOneToday(LegalCommon):
    """Every cron, compute, default, report and deadline counts on the company's clock (its partner's time zone),
    never on the user's or the server's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Asia/Shanghai"
        cls.reader = new_test_user(
            cls.env, login="reader_new_york_one", tz="America/New_York", company_id=cls.company.id,
            groups=f"account.group_account_invoice,{MODULE}.group_litigation_user",
        )

    def test_defaults_and_computes_take_the_company_day(self):
        # Sunday 1 March 20:00 UTC: Monday 2 March in Shanghai, still Sunday in New York and in UTC.
        with freeze_time("2026-03-01 20:00:00"):
            escalation = self.env["collection.escalation"].with_user(self.reader)
            self.assertEqual(escalation._today(), date(2026, 3, 2))
            self.assertEqual(escalation._today(self.company), date(2026, 3, 2))
            plan = self.env["collection.payment.plan"].with_user(self.reader)
            self.assertEqual(fields.Date.to_date(plan.default_get(["start_date"])["start_date"]), date(2026, 3, 2))
            self.assertEqual(fields.Date.to_date(plan.default_get(["first_date"])["first_date"]), date(2026, 4, 2))
            move = self._invoice(0)   # due on the (UTC) day of its creation: 1 March
            self.assertEqual(move.with_user(self.reader).collection_days_overdue, 1)
            # a promise due on 2 March is due today; the "Due Today" filter finds it
            promise = self.env["collection.promise"].create(
                {"customer_id": self._file().id, "amount": 10.0, "date": "2026-03-02"})
            self.assertTrue(promise.is_due_today)
            self.assertEqual(self.env["collection.promise"].search(
                [("id", "=", promise.id), ("is_due_today", "=", True)]), promise)

    def test_a_hearing_before_eight_in_shanghai_is_listed_on_its_own_day(self):
        move = self._due_on(date(2025, 12, 1), 5000.0)
        case = self._case(move)
        # Tuesday 10 March 07:30 in Shanghai is Monday 9 March 23:30 in UTC.
        self.env["collection.case.hearing"].with_user(self.legal_user).create({
            "case_id": case.id, "date": "2026-03-09 23:30:00", "place": "Court No. 3",
        })
        deadlines = self.env["collection.case.deadline"]
        hearing = deadlines.search([("case_id", "=", case.id), ("kind", "=", "hearing")])
        self.assertEqual(hearing.date, date(2026, 3, 10))
        # On 10 March at 02:00 UTC it is 10:00 in Shanghai: the hearing is today, not passed.
        with freeze_time("2026-03-10 02:00:00"):
            self.assertFalse(hearing.is_passed)
            self.assertIn(hearing, deadlines.search([("case_id", "=", case.id), ("is_passed", "=", False)]))
        # On 10 March at 17:00 UTC it is already 11 March in Shanghai.
        with freeze_time("2026-03-10 17:00:00"):
            hearing.invalidate_recordset(["is_passed"])
            self.assertTrue(hearing.is_passed)
            self.assertEqual(deadlines.search([("case_id", "=", case.id), ("is_passed", "=", True)]), hearing)

    def test_one_definition_of_today_in_the_code(self):
        """No user's day (context_today), no server day (date.today()) anywhere in the addon's Python; one
        method defines today."""
        forbidden = re.compile(r"context_today|Date\.today\(|date\.today\(|datetime\.today\(")
        offenders = [f"{path.relative_to(ADDON)}:{number}" for path in _python_sources()
                     for number, line in enumerate(path.read_text().splitlines(), start=1) if forbidden.search(line)]
        self.assertEqual(offenders, [])
        definitions = [f"{path.relative_to(ADDON)}:{node.name}" for path in _python_sources()
                       for node in ast.walk(ast.parse(path.read_text()))
                       if isinstance(node, ast.FunctionDef) and node.name in ("_today", "_collection_today")]
        self.assertEqual(definitions, ["models/collection_escalation.py:_today"])


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestOneOpenInvoice(LegalCommon):
    """What collection chases is defined once (account.move._collection_open_domain); the pickers, filters and
    SQL of the addon are built from it."""

    def test_the_open_flag_follows_the_one_domain(self):
        open_move = self._invoice(10)
        paid = self._invoice(10)
        self._pay(paid, paid.amount_total)
        draft = self._invoice(10, post=False)
        moves = open_move | paid | draft
        self.assertEqual(moves.filtered("collection_is_open"), open_move)
        domain = self.env["account.move"]._collection_open_domain()
        self.assertEqual(self.env["account.move"].search([("id", "in", moves.ids), ("collection_is_open", "=", True)]),
                         self.env["account.move"].search([("id", "in", moves.ids), *domain]))
        self.assertEqual(self.env["account.move"].search([("id", "in", moves.ids), ("collection_is_open", "=", False)]),
                         paid | draft)

    def test_invoice_pickers_use_the_one_definition(self):
        pickers = [
            ("collection.pause", "move_ids"), ("collection.dispute", "move_ids"), ("collection.contact", "move_ids"),
            ("collection.promise", "move_ids"), ("collection.payment.plan", "move_ids"),
            ("collection.arrangement", "move_ids"), ("collection.case.line", "move_id"),
            ("collection.case.open.wizard", "move_ids"), ("collection.contact.wizard", "move_ids"),
            ("collection.contact.wizard", "dispute_move_ids"),
        ]
        for model, field in pickers:
            with self.subTest(model=model, field=field):
                self.assertIn("collection_is_open", str(self.env[model]._fields[field].domain))

    def test_one_definition_of_the_open_invoice_in_the_code(self):
        copies = [str(path.relative_to(ADDON)) for path in _python_sources()
                  for line in path.read_text().splitlines()
                  if re.search(r"[\"']amount_residual[\"'], [\"']>[\"'], 0", line)]
        self.assertEqual(copies, ["models/account_move.py"])


@tagged("post_install", "-at_install")
class TestCompanyDefaults(LegalCommon):
    """Policies, authority rows, credit grades and alert rules: created one way, for every company, at install and
    for each company created later; never while something is read."""

    DEFAULT_MODELS = ("collection.policy", "collection.authority", "collection.credit.grade", "collection.alert.rule")

    def _defaults(self, company):
        return {model: self.env[model].sudo().with_context(active_test=False).search([("company_id", "=", company.id)])
                for model in self.DEFAULT_MODELS}

    def test_a_new_company_gets_every_default(self):
        company = self.env["res.company"].create({"name": "Later Co"})
        defaults = self._defaults(company)
        for model, records in defaults.items():
            with self.subTest(model=model):
                self.assertTrue(records)
        self.assertEqual(company.collection_policy_id, defaults["collection.policy"])
        self.assertEqual(set(defaults["collection.alert.rule"].mapped("kind")),
                         {"overdue_rate", "credit_limit", "collector_capacity"})
        self.assertEqual(len(defaults["collection.credit.grade"]),
                         len(self._defaults(self.company)["collection.credit.grade"]))
        # the update's data step adds nothing a company already has
        captures = {model: RecordCapturer(self.env[model].sudo(), []) for model in self.DEFAULT_MODELS}
        for capture in captures.values():
            capture.__enter__()
        self.env["res.company"]._collection_create_defaults()
        for model, capture in captures.items():
            capture.__exit__(None, None, None)
            self.assertFalse(capture.records, model)

    def test_the_alert_rules_of_a_new_company_are_named_in_its_languages(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        company = self.env["res.company"].create({"name": "Shanghai Later Co"})
        rule = self.env["collection.alert.rule"].sudo().search(
            [("company_id", "=", company.id), ("kind", "=", "overdue_rate")])
        self.assertEqual(rule.with_context(lang="en_US").name, "Overdue rate above 15%")
        self.assertEqual(rule.with_context(lang="zh_CN").name, "逾期率高于 15%")

    def test_reading_creates_no_default(self):
        company = self.env["res.company"].create({"name": "Bare Co"})
        for model, records in self._defaults(company).items():
            if model != "collection.policy":
                records.unlink()
        with RecordCapturer(self.env["collection.authority"].sudo(), []) as matrix, \
                RecordCapturer(self.env["collection.credit.grade"].sudo(), []) as grades:
            self.assertFalse(self.env["collection.authority"]._authority_check("write_off", 10.0, self.collector,
                                                                               company))
            self.assertFalse(self.env["collection.credit.grade"]._grading_table(company))
            self.env["collection.credit.rating"]._rate_company(company)
        self.assertFalse(matrix.records)
        self.assertFalse(grades.records)

    def test_company_bound_links_check_the_company(self):
        """Every Many2one of a company-bound model of the addon to a company-bound model (one with a required
        company) checks the company."""
        self.maxDiff = None
        missing = []
        for model in self.env.values():
            if (not model._name.startswith("collection.") or model._abstract or not model._auto
                    or "company_id" not in model._fields):
                continue
            for field in model._fields.values():
                # users belong to several companies: their links are checked by the record rules instead
                if (field.type != "many2one" or field.name == "company_id" or field.related or field.compute
                        or field.comodel_name in ("res.users", "res.company")):
                    continue
                target = self.env[field.comodel_name]
                company_field = target._fields.get("company_id")
                if company_field and company_field.required and field._module == MODULE and not field.check_company:
                    missing.append(f"{model._name}.{field.name}")
        self.assertEqual(missing, [])


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestReviewMends(LegalCommon):

    def test_partner_form_costs_the_same_queries_for_2_or_50_open_invoices(self):
        self.policy.interest_rule_id = self.env.ref(f"{MODULE}.collection_interest_rule_prc_lpr")
        small, large = self._customer("Two Invoices Co"), self._customer("Fifty Invoices Co")
        self._invoices([(small, 40 + n, 100.0) for n in range(2)] + [(large, 40 + n, 100.0) for n in range(50)])
        Form(small), Form(large)   # warm-up: what a process reads once
        for partner in (small, large):   # set-based: one count for 2 or 50 open invoices
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(PARTNER_FORM_QUERIES):
                Form(partner)
        self.assertGreater(large.collection_interest_amount, small.collection_interest_amount)

    def test_reading_the_pauses_in_force_writes_nothing(self):
        with freeze_time("2026-03-02 04:00:00"):
            self._invoice(20, amount=1000.0)
            pause = self.env["collection.pause"].create({
                "partner_id": self.customer.id, "reason": "excluded", "date_to": "2026-03-03",
            })
        with freeze_time("2026-03-09 04:00:00"):
            self.env["collection.pause"]._fetch_active(self.company, (self.customer.id,), date(2026, 3, 9))
            self.assertEqual(pause.state, "active")
            self._escalate()   # the run ends it, as its first write
            self.assertEqual(pause.state, "ended")

    def test_a_promise_broken_before_any_run_tells_the_customers_collector(self):
        with freeze_time("2026-03-02 04:00:00"):
            move = self._invoice(20, amount=1000.0)
            file = self._file()
            self.env["collection.promise"].with_user(self.collector).create({
                "customer_id": file.id, "amount": 600.0, "date": "2026-03-05",
            })
        self.assertFalse(file.user_id, "no run looked at the file between the promise and its expiry")
        with freeze_time("2026-03-09 04:00:00"):
            self._escalate()
        told = self.env["mail.activity"].search([
            ("res_model", "=", "collection.customer"), ("res_id", "=", file.id), ("summary", "ilike", "Promise broken"),
        ])
        self.assertEqual(told.user_id, self.collector)
        self.assertFalse(move.collection_pause_id)

    def test_display_names_declare_what_they_read(self):
        for model in self.env.values():
            method = type(model)._compute_display_name
            if not model._name.startswith("collection.") or not method.__module__.startswith(f"odoo.addons.{MODULE}"):
                continue
            with self.subTest(model=model._name):
                self.assertTrue(getattr(method, "_depends", None), f"{model._name}._compute_display_name")

    def test_uninstall_lets_odoo_delete_the_demo_collector_after_their_work(self):
        """The demo collector recorded a contact after the install: the uninstall hook hands the addon's rows over
        to the superuser, so that Odoo's deletion of the demo user (next) is not refused."""
        collector = new_test_user(self.env, login="demo_collector_like", company_id=self.company.id,
                                  groups=f"{MODULE}.group_collection_collector,account.group_account_invoice")
        self.env["ir.model.data"].create({"module": MODULE, "name": "test_demo_collector", "model": "res.users",
                                          "res_id": collector.id})
        self._invoice(20)
        contact = self.env["collection.contact"].with_user(collector).create(
            {"customer_id": self._file().id, "outcome": "reached"})
        self.assertEqual(contact.user_id, collector)
        uninstall_hook(self.env)
        self.assertEqual(contact.user_id.id, SUPERUSER_ID)
        collector.unlink()
        self.assertFalse(collector.exists())
