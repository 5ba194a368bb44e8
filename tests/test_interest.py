from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.translate import code_translations

from .common import TODAY, CollectionCommon


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestInterest(CollectionCommon):
    """Overdue interest on invoices and customers, waivers, invoicing it once, and bad rules refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lpr_rule = cls.env.ref("account_collection_litigation.collection_interest_rule_prc_lpr")
        cls.policy.write({
            "interest_rule_id": cls.lpr_rule.id,
            "interest_account_id": cls.company_data["default_account_revenue"].id,
        })

    def _due_first_of_january(self, amount=1000.0, partner=None):
        # 60 days overdue on 2 March 2026: due 1 January, interest from 2 January to 2 March inclusive.
        return self._invoice(60, amount=amount, partner=partner)

    def test_invoice_and_customer_figures(self):
        move = self._due_first_of_january()
        # LPR in force on 2 January 2026 (row of 2025-05-20) = 3.00 %, × 1.5 = 4.50 % a year;
        # 1,000.00 × 4.50 % × 60 / 365 = 7.397... → 7.40
        self.assertAlmostEqual(move.collection_interest_amount, 7.40)
        self.assertEqual(move.collection_compensation_amount, 0.0)
        self.assertAlmostEqual(move.collection_interest_claimable, 7.40)
        self.assertIn("60 days", move.collection_interest_explanation)
        self.assertIn("4.50", move.collection_interest_explanation)
        self._due_first_of_january(amount=2000.0)   # 14.79: 2,000 × 4.5 % × 60 / 365 = 14.794...
        self.assertAlmostEqual(self.customer.collection_interest_amount, 7.40 + 14.79)

    def test_payment_bears_interest_on_its_own_date(self):
        move = self._due_first_of_january()
        self._pay(move, 500.0, date="2026-02-01")
        # The 500 paid on 1 Feb bears interest that day. 2 Jan - 1 Feb: 31 days on 1,000 = 3.821...;
        # 2 Feb - 2 Mar: 29 days on 500 = 1.787...; total 5.609... → 5.61 (5.55 when interest stopped on 31 Jan).
        self.assertAlmostEqual(move.collection_interest_amount, 5.61)
        self.assertIn("to the date of actual payment", move.collection_interest_explanation)

    def test_full_payment_ends_interest_after_the_payment_day(self):
        move = self._due_first_of_january()
        self._pay(move, 1000.0, date="2026-01-31")
        # 2 - 31 Jan, payment day included: 1,000 × 4.50 % × 30 / 365 = 3.698... → 3.70 (3.58 for 29 days).
        self.assertAlmostEqual(move.collection_interest_amount, 3.70)
        self.assertIn("Paid in full on 01/31/2026", move.collection_interest_explanation)

    def test_override_on_one_invoice(self):
        move, other = self._due_first_of_january(), self._due_first_of_january()
        fixed = self.env["collection.interest.rule"].create({
            "name": "Contract: 10 % a year", "method": "fixed", "annual_rate": 10.0,
        })
        move.collection_interest_rule_id = fixed
        # 1,000 × 10 % × 60 / 365 = 16.438... → 16.44
        self.assertAlmostEqual(move.collection_interest_amount, 16.44)
        self.assertAlmostEqual(other.collection_interest_amount, 7.40)

    def test_eu_compensation_in_the_invoice_currency(self):
        eur = self.setup_other_currency("EUR", rates=[("2020-01-01", 2.0)])   # 2 EUR per unit of company currency
        eu_rule = self.env.ref("account_collection_litigation.collection_interest_rule_eu")
        self.assertEqual(eu_rule.compensation_currency_id, eur)
        self.customer.with_company(self.company).collection_interest_rule_id = eu_rule
        in_company_currency = self._due_first_of_january()
        in_euros = self._invoice(60, amount=1000.0, currency=eur)
        # EUR 40 per invoice: 40.00 on the euro invoice, 40 / 2 = 20.00 on the invoice in company currency.
        self.assertAlmostEqual(in_euros.collection_compensation_amount, 40.0)
        self.assertAlmostEqual(in_company_currency.collection_compensation_amount, 20.0)
        # ECB 2.15 % (row of 2025-06-11) + 8 points = 10.15 %: 1,000 × 10.15 % × 60 / 365 = 16.684... → 16.68
        self.assertAlmostEqual(in_euros.collection_interest_amount, 16.68)

    def test_monthly_interest_invoicing_by_the_escalation(self):
        self.policy.interest_invoicing = "monthly"
        move = self._due_first_of_january()
        self._escalate()
        # 2 March: the first week of the month, interest up to 28 February is invoiced, once.
        link = move.collection_interest_invoice_ids
        self.assertEqual(len(link), 1)
        self.assertEqual(str(link.date_to), "2026-02-28")
        # 2 Jan - 28 Feb: 58 days; 1,000 × 4.5 % × 58 / 365 = 7.150... → 7.15
        self.assertAlmostEqual(link.amount, 7.15)
        self._file()._mark_to_recheck()
        self._escalate()
        self.assertEqual(len(move.collection_interest_invoice_ids), 1)

    def test_waiver_reduces_the_claim_and_is_reversible(self):
        move = self._due_first_of_january()
        waiver = self.env["collection.interest.waiver"].with_user(self.collector).create({
            "move_id": move.id, "amount": 3.70, "reason": "Pays the principal this week",
        })
        self.assertEqual(waiver.state, "approved")
        self.assertAlmostEqual(move.collection_interest_waived, 3.70)
        self.assertAlmostEqual(move.collection_interest_claimable, 3.70)
        waiver.with_user(self.collector).action_reverse()
        self.assertAlmostEqual(move.collection_interest_claimable, 7.40)
        events = self.env["collection.history"].search([("move_id", "=", move.id)]).mapped("event")
        self.assertIn("waiver", events)
        self.assertIn("waiver_reversed", events)

    def test_waiver_above_the_limit_needs_the_manager(self):
        self._authority_limit("group_collection_collector", 5.0, kind="interest_waiver")
        move = self._due_first_of_january()
        waiver = self.env["collection.interest.waiver"].with_user(self.collector).create({
            "move_id": move.id, "amount": 7.0, "reason": "Goodwill",
        })
        self.assertEqual(waiver.state, "to_approve")
        self.assertAlmostEqual(move.collection_interest_claimable, 7.40)
        with self.assertRaises(UserError):
            waiver.with_user(self.collector).action_approve()
        waiver.with_user(self.manager).action_approve()
        self.assertEqual(waiver.approved_by_id, self.manager)
        self.assertAlmostEqual(move.collection_interest_claimable, 0.40)

    def test_invoicing_interest_twice_charges_once(self):
        move = self._due_first_of_january()
        wizard = self.env["collection.interest.invoice.wizard"].with_user(self.collector).create(
            {"move_ids": move.ids})
        action = wizard.action_confirm()
        interest_invoice = self.env["account.move"].browse(action["domain"][0][2])
        self.assertEqual(len(interest_invoice), 1)
        self.assertEqual(interest_invoice.state, "posted")
        self.assertAlmostEqual(interest_invoice.amount_total, 7.40)
        self.assertAlmostEqual(move.collection_interest_claimable, 0.0)
        again = self.env["collection.interest.invoice.wizard"].with_user(self.collector).create(
            {"move_ids": move.ids})
        with self.assertRaises(UserError):
            again.action_confirm()
        self.assertEqual(len(move.collection_interest_invoice_ids), 1)

    def test_bad_input_is_refused(self):
        rules = self.env["collection.interest.rule"]
        with self.assertRaises(ValidationError):
            rules.create({"name": "No rate", "method": "fixed"})
        with self.assertRaises(ValidationError):
            rules.create({"name": "No table", "method": "reference", "multiplier": 1.5})
        with self.assertRaises(ValidationError):
            rules.create({"name": "Negative", "method": "fixed", "annual_rate": -1.0})
        with self.assertRaises(ValidationError):
            rules.create({"name": "Negative multiplier", "method": "reference", "multiplier": -1.5,
                          "rate_table_id": self.lpr_rule.rate_table_id.id})
        with self.assertRaises(ValidationError):
            rules.create({"name": "Cap", "method": "fixed", "annual_rate": 5.0, "cap": "amount", "cap_amount": -1})
        self.assertFalse(rules.search([("name", "in", ["No rate", "No table", "Negative", "Cap"])]))
        table = self.lpr_rule.rate_table_id
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env["collection.interest.rate"].create({"table_id": table.id, "valid_from": "2025-05-20",
                                                         "rate": 2.9})
        move = self._due_first_of_january()
        with self.assertRaises(UserError):
            move._collection_interest(move.invoice_date_due - timedelta(days=1))   # as of before the due date

    # === Which rule applies, and how its rate is derived === #
    def test_interest_tab_names_the_rule_and_its_source_for_collectors(self):
        move = self._due_first_of_january().with_user(self.collector)
        self.assertEqual(move.collection_interest_rule_applied_id, self.lpr_rule)
        self.assertEqual(move.collection_interest_rule_source, "policy")
        explanation = move.collection_interest_explanation.splitlines()
        self.assertEqual(explanation[0], "Rule: PRC: LPR at breach × 1.5, from the collection policy Standard.")
        self.assertIn("Rate: LPR 3.00 % × 1.5 = 4.50 % a year (PRC one-year Loan Prime Rate (LPR) in force on "
                      "01/02/2026).", explanation)
        # 1,000 × 4.50 % × 60 / 365 = 7.397... written out on the period line.
        self.assertIn("01/02/2026 – 03/02/2026 · 60 days · 1,000.00 × 4.50 % × 60 / 365 = 7.40", explanation)
        self.assertEqual(explanation[-1], "Total interest = 7.40")

    def test_rule_source_customer_then_invoice(self):
        move = self._due_first_of_january()
        sme = self.env.ref("account_collection_litigation.collection_interest_rule_prc_sme")
        self.customer.with_company(self.company).collection_interest_rule_id = sme
        self.assertEqual((move.collection_interest_rule_applied_id, move.collection_interest_rule_source),
                         (sme, "customer"))
        self.assertIn("set on the customer Huaxin Materials", move.collection_interest_explanation)
        # 1,000 × 0.05 % × 60 days = 30.00
        self.assertIn("Rate: 0.05 % a day.", move.collection_interest_explanation)
        self.assertAlmostEqual(move.collection_interest_amount, 30.0)
        fixed = self.env["collection.interest.rule"].create({"name": "Contract: 6 %", "method": "fixed",
                                                             "annual_rate": 6.0})
        move.collection_interest_rule_id = fixed
        self.assertEqual((move.collection_interest_rule_applied_id, move.collection_interest_rule_source),
                         (fixed, "invoice"))
        self.assertIn("Rule: Contract: 6 %, set on this invoice.", move.collection_interest_explanation)

    def test_half_year_rule_derives_each_rate_with_its_margin(self):
        eu_rule = self.env.ref("account_collection_litigation.collection_interest_rule_eu")
        self.customer.with_company(self.company).collection_interest_rule_id = eu_rule
        move = self._due_first_of_january()
        self.assertIn("Rate: ECB 2.15 % + 8.00 = 10.15 % a year (ECB main refinancing operations rate in force on "
                      "01/01/2026).", move.collection_interest_explanation)

    def test_no_rule_says_so(self):
        self.policy.interest_rule_id = False
        move = self._due_first_of_january()
        self.assertFalse(move.collection_interest_rule_applied_id)
        self.assertIn("No interest rule applies", move.collection_interest_explanation)

    def test_missing_reference_rate_is_explained(self):
        table = self.lpr_rule.rate_table_id
        table.rate_ids.filtered(lambda r: str(r.valid_from) <= "2026-01-02").unlink()
        move = self._due_first_of_january()
        self.assertIn("No rate of PRC one-year Loan Prime Rate (LPR) is in force on 01/02/2026",
                      move.collection_interest_explanation)
        with self.assertRaisesRegex(UserError, "No rate of PRC one-year Loan Prime Rate"):
            move._collection_interest(move.invoice_date_due + timedelta(days=10))

    def test_explanation_follows_the_user_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        move = self._due_first_of_january()
        chinese = {
            "Rule: %(rule)s, from the collection policy %(policy)s.": "规则：%(rule)s，来自催收政策 %(policy)s。",
            "Total interest = %(amount)s": "利息合计 = %(amount)s",
        }
        key = ("account_collection_litigation", "zh_CN")
        with patch.dict(code_translations.python_translations, {key: chinese}):
            explanation = move.with_context(lang="zh_CN").collection_interest_explanation.splitlines()
        self.assertEqual(explanation[0], "规则：PRC: LPR at breach × 1.5，来自催收政策 Standard。")
        self.assertEqual(explanation[-1], "利息合计 = 7.40")
        # Dates in the language's format (zh_CN: %Y年%m月%d日).
        self.assertIn("2026年01月02日", "\n".join(explanation))

    # === Money fields are Monetary, and a fixed cap has a currency === #
    def test_money_fields_are_monetary(self):
        rule_fields = self.env["collection.interest.rule"]._fields
        wizard_fields = self.env["collection.pause.wizard"]._fields
        self.assertEqual(
            [(f.type, f.get_currency_field(self.env[f.model_name]))
             for f in (rule_fields["cap_amount"], rule_fields["compensation_amount"], wizard_fields["promise_amount"])],
            [("monetary", "cap_currency_id"), ("monetary", "compensation_currency_id"), ("monetary", "currency_id")])
        wizard = self.env["collection.pause.wizard"].with_user(self.collector).create({
            "move_ids": self._due_first_of_january().ids, "reason": "promise", "date_to": "2026-03-09",
            "promise_amount": 400.0, "note": "Promised on the phone"})
        self.assertEqual(wizard.currency_id, self.company.currency_id)

    def test_fixed_cap_is_converted_into_the_invoice_currency(self):
        eur = self.setup_other_currency("EUR", rates=[("2020-01-01", 2.0)])   # 2 EUR per unit of company currency
        capped = self.env["collection.interest.rule"].create({
            "name": "LPR × 1.5, at most EUR 10", "method": "reference", "multiplier": 1.5,
            "rate_table_id": self.lpr_rule.rate_table_id.id, "cap": "amount", "cap_amount": 10.0,
            "cap_currency_id": eur.id,
        })
        self.customer.with_company(self.company).collection_interest_rule_id = capped
        move = self._due_first_of_january()
        # 7.40 accrued, capped at EUR 10 = 5.00 in company currency.
        self.assertAlmostEqual(move.collection_interest_amount, 5.0)
        self.assertIn("Total interest = 5.00 (capped; the periods add up to 7.40)",
                      move.collection_interest_explanation)
