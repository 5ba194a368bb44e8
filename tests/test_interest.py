from datetime import timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

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

    def test_payment_reduces_the_base_from_its_date(self):
        move = self._due_first_of_january()
        self._pay(move, 500.0, date="2026-02-01")
        # 2 Jan - 31 Jan: 30 days on 1,000 = 3.698...; 1 Feb - 2 Mar: 30 days on 500 = 1.849...; total 5.547 → 5.55
        self.assertAlmostEqual(move.collection_interest_amount, 5.55)

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
            "move_id": move.id, "share": 50.0, "reason": "Pays the principal this week",
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
        self.policy.interest_waiver_limit = 5.0
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
