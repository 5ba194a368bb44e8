from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import TODAY
from .legal_common import MODULE, TODAY_DATE, LegalCommon


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestLegalMoney(LegalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.expense = cls.company_data["default_account_expense"]
        cls.company.write({
            "collection_write_off_journal_id": cls.company_data["default_journal_misc"].id,
            "collection_bad_debt_account_id": cls.expense.id,
            "collection_write_off_limit": 50_000.0,
        })
        # the write-off asks the authority matrix too: a director's level covers up to 1,000,000
        cls.legal_manager.groups_id |= cls.env.ref(f"{MODULE}.group_collection_director")
        cls.second_manager = new_test_user(
            cls.env, login="legal_manager_2_test", name="Second Legal Manager",
            groups=f"{MODULE}.group_litigation_manager,{MODULE}.group_collection_general_manager,"
                   "account.group_account_invoice", company_id=cls.company.id,
        )

    # === Helpers === #
    def _stop_loss(self, case):
        case.with_user(self.legal_user).write({"stop_loss_reason": "Enforcement found no assets."})
        case.with_user(self.legal_user).action_propose_stop_loss()
        case.with_user(self.legal_manager).action_approve_stop_loss()

    def _write_off(self, moves, case=None, user=None, **values):
        wizard = self.env["collection.write.off.wizard"].with_user(user or self.legal_manager).create({
            "case_id": case.id if case else False, "move_ids": [(6, 0, moves.ids)], "reason": "stop_loss",
            **values,
        })
        action = wizard.action_write_off()
        return self.env["collection.write.off"].browse(action["res_id"])

    @staticmethod
    def _receivables(moves):
        return moves.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")

    # === Partial recovery, write-off of the rest, reversal === #
    def test_partial_recovery_then_write_off_of_the_rest_and_its_reversal(self):
        first, second = self._due_on(self._d(2025, 6, 30), 1000.00) | self._due_on(self._d(2025, 7, 31), 2345.67)
        case = self._case(first | second)
        case.stage_id = self.stage["enforcement"]
        self.assertEqual(case.claim_principal, 3345.67)
        # a real payment of 400.10 on the first invoice: recovered 400.10, outstanding 3,345.67 - 400.10 = 2,945.57
        self._pay(first, 400.10)
        case.invalidate_recordset()
        self.assertAlmostEqual(case.amount_recovered, 400.10, places=2)
        self.assertAlmostEqual(case.amount_outstanding, 2945.57, places=2)

        with self.assertRaisesRegex(UserError, "stop-loss"):
            self._write_off(first | second, case)
        self._stop_loss(case)
        self.assertEqual(case.stop_loss_approved_by_id, self.legal_manager)
        write_off = self._write_off(first | second, case, tax_path="overdue_3y")

        self.assertEqual(write_off.state, "posted")
        entry = write_off.entry_id
        self.assertEqual(entry.state, "posted")
        self.assertEqual(entry.journal_id, self.company_data["default_journal_misc"])
        debit, credit = sum(entry.line_ids.mapped("debit")), sum(entry.line_ids.mapped("credit"))
        self.assertEqual(self.company.currency_id.compare_amounts(debit, credit), 0, "the entry is balanced")
        expense = entry.line_ids.filtered(lambda line: line.account_id == self.expense)
        # bad debt = (1,000.00 - 400.10) + 2,345.67 = 2,945.57, to the cent
        self.assertEqual(self.company.currency_id.compare_amounts(expense.debit, 2945.57), 0)
        self.assertTrue(all(self._receivables(first | second).mapped("reconciled")))
        self.assertTrue(all(self._receivables(entry).mapped("reconciled")))
        self.assertEqual(set((first | second).mapped("payment_state")), {"paid"})
        self.assertEqual(case.stage_id, self.stage["written_off"])
        case.invalidate_recordset()
        self.assertAlmostEqual(case.amount_recovered, 400.10, places=2, msg="a write-off is no recovery")
        self.assertAlmostEqual(case.amount_written_off, 2945.57, places=2)
        self.assertAlmostEqual(case.amount_outstanding, 0.0, places=2)
        # tax route: ≥3 years overdue from the last due date 2025-07-31 -> eligible on 2028-07-31
        self.assertEqual(write_off.tax_eligibility_date, self._d(2028, 7, 31))
        self.assertFalse(write_off.tax_evidence_complete)

        write_off.with_user(self.legal_manager).action_reverse()
        self.assertEqual(write_off.state, "reversed")
        self.assertEqual(write_off.reversal_id.reversed_entry_id, entry)
        self.assertAlmostEqual(first.amount_residual, 599.90, places=2)
        self.assertAlmostEqual(second.amount_residual, 2345.67, places=2)
        self.assertEqual(first.payment_state, "partial")
        self.assertEqual(second.payment_state, "not_paid")
        self.assertEqual(case.stage_id, self.stage["enforcement"], "the case is back where it was")

    def test_write_off_against_the_allowance_when_the_company_books_one(self):
        allowance = self.env["account.account"].create({
            "name": "Allowance for doubtful debts", "code": "129900", "account_type": "asset_current",
            "company_ids": [(6, 0, self.company.ids)]})
        self.company.write({"collection_use_allowance": True, "collection_allowance_account_id": allowance.id})
        moves = self._due_on(self._d(2025, 6, 30), 640.25)
        entry = self._write_off(moves).entry_id
        self.assertAlmostEqual(sum(entry.line_ids.filtered(lambda line: line.account_id == allowance)
                                   .mapped("debit")), 640.25, places=2)
        self.assertFalse(entry.line_ids.filtered(lambda line: line.account_id == self.expense))

    def test_write_off_in_the_invoices_currency(self):
        eur = self.setup_other_currency("EUR")
        moves = self._invoices([(self.customer, 400, 1234.56)], currency=eur)
        write_off = self._write_off(moves)
        entry = write_off.entry_id
        self.assertEqual(entry.currency_id, eur)
        self.assertEqual(write_off.currency_id, eur)
        self.assertAlmostEqual(sum(entry.line_ids.filtered(lambda line: line.account_id == self.expense)
                                   .mapped("amount_currency")), 1234.56, places=2)
        self.assertEqual(moves.payment_state, "paid")
        self.assertEqual(sum(entry.line_ids.mapped("balance")), 0.0)

    # === Everything or nothing === #
    def test_a_failure_mid_way_leaves_nothing_posted_or_reconciled(self):
        moves = self._due_on(self._d(2025, 6, 30), 800.00)
        journal = self.company_data["default_journal_misc"]
        before = self.env["account.move"].search_count([("journal_id", "=", journal.id)])
        line_model = type(self.env["account.move.line"])
        with patch.object(line_model, "reconcile", side_effect=ValidationError("forced failure")), \
                self.assertRaisesRegex(ValidationError, "forced failure"):
            self._write_off(moves)
        self.assertEqual(self.env["account.move"].search_count([("journal_id", "=", journal.id)]), before)
        self.assertAlmostEqual(moves.amount_residual, 800.00, places=2)
        self.assertFalse(self._receivables(moves).matched_credit_ids)
        self.assertFalse(self.env["collection.write.off"].search([("state", "=", "posted")]))

    # === Refusals === #
    def test_refusals_paid_other_company_mixed_currencies(self):
        paid = self._due_on(self._d(2025, 6, 30), 500.00)
        self._pay(paid, 500.00)
        with self.assertRaisesRegex(UserError, "paid already"):
            self._write_off(paid)

        eur = self.setup_other_currency("EUR")
        mixed = self._due_on(self._d(2025, 6, 30), 100.00) | self._invoices([(self.customer, 300, 200.0)],
                                                                            currency=eur)
        with self.assertRaisesRegex(UserError, "different currencies"):
            self._write_off(mixed)

        other = self.setup_other_company()["company"]
        self.legal_manager.company_ids |= other
        foreign = self._invoices([(self.customer, 300, 300.0)], company=other)
        case = self._case(self._due_on(self._d(2025, 6, 30), 100.00))
        self._stop_loss(case)
        with self.assertRaisesRegex(UserError, "another company"):
            self._write_off(foreign, case)

    def test_a_collector_and_a_legal_user_are_refused_the_write_off(self):
        moves = self._due_on(self._d(2025, 6, 30), 700.00)
        with self.assertRaises(AccessError):
            self._write_off(moves, user=self.collector)
        with self.assertRaises(AccessError):
            self._write_off(moves, user=self.legal_user)
        with self.assertRaisesRegex(UserError, "needs the group .*Legal Manager"):
            self.env["collection.write.off"].with_user(self.collector)._check_legal_manager()
        self.assertEqual(moves.payment_state, "not_paid")

    def test_a_second_approver_above_the_company_limit(self):
        self.company.collection_write_off_limit = 1000.0
        moves = self._due_on(self._d(2025, 6, 30), 1500.00)
        write_off = self._write_off(moves)
        self.assertEqual(write_off.state, "to_approve")
        self.assertTrue(write_off.needs_second_approval)
        self.assertFalse(write_off.entry_id)
        self.assertEqual(moves.payment_state, "not_paid")
        self.assertTrue(write_off.activity_ids)
        with self.assertRaisesRegex(UserError, "a second person decides it"):
            write_off.with_user(self.legal_manager).action_approve()
        write_off.with_user(self.second_manager).action_approve()
        self.assertEqual(write_off.state, "posted")
        self.assertEqual(write_off.approved_by_id, self.second_manager)
        self.assertEqual(moves.payment_state, "paid")

    # === Settlement === #
    def test_settlement_instalments_add_up_in_zero_and_two_decimal_currencies(self):
        jpy = self.env.ref("base.JPY")
        jpy.write({"active": True, "rounding": 1.0})
        case_jpy = self.env["collection.case"].with_user(self.legal_user).create(
            {"partner_id": self.customer.id, "currency_id": jpy.id})
        settlement = self.env["collection.case.settlement"].with_user(self.legal_user).create({
            "case_id": case_jpy.id, "amount": 100_000, "instalment_count": 3, "first_due": TODAY_DATE})
        settlement.action_compute_schedule()
        # 100,000 yen / 3 = 33,333 twice and 33,334 last
        self.assertEqual(settlement.line_ids.mapped("amount"), [33_333.0, 33_333.0, 33_334.0])
        self.assertEqual(sum(settlement.line_ids.mapped("amount")), 100_000)

        case = self._case(self._due_on(self._d(2025, 6, 30), 1000.00))
        settlement = self.env["collection.case.settlement"].with_user(self.legal_user).create({
            "case_id": case.id, "amount": 1000.00, "instalment_count": 3, "first_due": TODAY_DATE})
        settlement.action_compute_schedule()
        # 1,000.00 / 3 = 333.33 twice and 333.34 last
        self.assertEqual(settlement.line_ids.mapped("amount"), [333.33, 333.33, 333.34])

    def test_settlement_paid_instalments_matched_and_a_missed_one_reopens_the_case(self):
        move = self._due_on(self._d(2025, 6, 30), 3000.00)
        case = self._case(move)
        case.stage_id = self.stage["judgment"]
        settlement = self.env["collection.case.settlement"].with_user(self.legal_user).create({
            "case_id": case.id, "amount": 3000.00, "instalment_count": 3, "first_due": TODAY_DATE,
            "grace_days": 5})
        settlement.with_user(self.legal_user).action_activate()
        self.assertEqual(case.stage_id, self.stage["settled"])
        # not chased while the agreement runs: the one pause mechanism, reason payment plan
        self.assertEqual(settlement.pause_id.move_ids, move)
        self.assertEqual((settlement.pause_id.reason, settlement.pause_id.state), ("payment_plan", "active"))
        settlement.with_user(self.legal_user).action_draft_agreement()
        letter = settlement.sudo().letter_id
        self.assertEqual((letter.kind, letter.line_ids.move_id), ("settlement", move),
                         "drafted with the settlement template of the letters engine")
        self.assertEqual(letter.case_id, case, "the agreement names the case")
        self.assertTrue(settlement.with_user(self.legal_user).agreement_file)
        self._pay(move, 1000.00)
        cron = self.env["collection.case.settlement"]
        with freeze_time(fields.Date.to_string(TODAY_DATE + timedelta(days=20))):
            cron._cron_check_settlements()
        self.assertEqual(settlement.state, "active", "the first instalment is paid, the second not due")
        self.assertEqual(settlement.line_ids.sorted("sequence").mapped("amount_paid"), [1000.0, 0.0, 0.0])
        # second instalment due 2026-04-02, grace 5 days: missed from 2026-04-08
        with freeze_time("2026-04-08"):
            cron._cron_check_settlements()
            cron._cron_check_settlements()   # idempotent: nothing twice
        self.assertEqual(settlement.state, "breached")
        self.assertEqual(settlement.pause_id.state, "ended")
        self.assertEqual(case.pause_id.state, "active", "in litigation again")
        self.assertIn(move, case.pause_id.move_ids)
        self.assertEqual(case.stage_id, self.stage["judgment"], "back to the stage before the settlement")
        self.assertEqual(len(case.activity_ids.filtered(lambda a: "breached" in (a.summary or ""))), 1)

    # === Costs, estimate, expected recovery === #
    def test_costs_from_a_bill_and_the_expected_net_recovery(self):
        cny = self.env.ref("base.CNY")
        estimate = self.env["collection.case"]._court_fee_estimate(300_000, "ordinary", cny)
        self.assertEqual((estimate["case"], estimate["preservation"], estimate["enforcement"]),
                         (5800.0, 2020.0, 4400.0))
        case = self._case(self._due_on(self._d(2025, 6, 30), 10_000.00), expected_recovery_rate=50.0,
                          expected_costs=300.0)
        bill = self.init_invoice("in_invoice", partner=self.partner_a, amounts=[1500.0], post=True)
        self.env["collection.case.cost"].with_user(self.legal_user).create([
            {"case_id": case.id, "kind": "lawyer", "name": "Lawyer retainer", "bill_id": bill.id,
             "amount_manual": 9.0},
            {"case_id": case.id, "kind": "court", "name": "Case fee", "amount_manual": 200.0, "recovered": 50.0},
        ])
        self.assertAlmostEqual(case.cost_total, bill.amount_total + 200.0, places=2)
        self.assertAlmostEqual(case.cost_recovered, 50.0, places=2)
        # 10,000 × 50 % − costs so far − 300 expected
        self.assertAlmostEqual(case.expected_net_recovery, 5000.0 - case.cost_total - 300.0, places=2)
        self.assertGreater(case.fee_estimate_total, 0)
        file = self.env["collection.customer"]._ensure_files({(self.customer.id, self.company.id)})
        file.overdue_amount = 300_000.0
        # the company currency has no CNY rate in the test: 1:1, so the ordinary fees 5,800 + 2,020 + 4,400
        self.assertAlmostEqual(file.with_user(self.legal_user).legal_fee_estimate, 12_220.0, places=2)

    # === Reviews, access, companies === #
    def test_cost_benefit_review_every_n_months_once_per_period(self):
        self.company.collection_case_review_months = 3
        case = self._case(self._due_on(self._d(2025, 6, 30), 900.00))
        cases = self.env["collection.case"].sudo()
        cases._schedule_cost_reviews(TODAY_DATE)
        self.assertEqual(case.review_next_date, self._d(2026, 6, 2), "first review three months ahead")
        self.assertFalse(case.activity_ids)
        cases._schedule_cost_reviews(self._d(2026, 6, 2))
        cases._schedule_cost_reviews(self._d(2026, 6, 2))   # rerun the same day: nothing twice
        review = self.env.ref(f"{MODULE}.mail_activity_type_case_cost_review")
        self.assertEqual(len(case.activity_ids.filtered(lambda a: a.activity_type_id == review)), 1)
        self.assertEqual(case.review_next_date, self._d(2026, 9, 2))

    def test_access_per_group_and_company(self):
        case = self._case(self._due_on(self._d(2025, 6, 30), 900.00))
        cost = self.env["collection.case.cost"].with_user(self.legal_user).create(
            {"case_id": case.id, "name": "Court fee", "amount_manual": 50.0})
        settlement = self.env["collection.case.settlement"].with_user(self.legal_user).create(
            {"case_id": case.id, "amount": 900.0, "instalment_count": 2, "first_due": TODAY_DATE})
        self.assertTrue(cost.with_user(self.legal_user).read(["amount"]))
        self.assertTrue(settlement.with_user(self.legal_user).read(["amount"]))
        for user in (self.collector, self.salesman):
            with self.assertRaises(AccessError):
                cost.with_user(user).read(["amount"])
            with self.assertRaises(AccessError):
                settlement.with_user(user).read(["amount"])
        with self.assertRaises(AccessError):
            self.env["collection.write.off"].with_user(self.legal_user).create(
                {"currency_id": self.company.currency_id.id, "reason": "other"})
        # another company's legal manager sees none of it
        other = self.setup_other_company()["company"]
        outsider = new_test_user(self.env, login="legal_other_company", groups=f"{MODULE}.group_litigation_manager",
                                 company_id=other.id, company_ids=[(6, 0, other.ids)])
        self.assertFalse(self.env["collection.case.cost"].with_user(outsider).search([("id", "=", cost.id)]))
        self.assertFalse(self.env["collection.case.settlement"].with_user(outsider).search(
            [("id", "=", settlement.id)]))
