"""The legal manager's and the accountant's journey to a write-off in the web client (static/tests/tours/
write_off_tour.js), each step as its demo user, then the sales rep's view of the written-off customer."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_ui import TOUR_TIMEOUT, TourCase

MODULE = "account_collection_litigation"


@tagged("post_install", "-at_install")
class TestWriteOffTours(TourCase):

    def test_write_off_journey(self):
        """Stop-loss proposed by the legal manager, refused to him, approved by the accountant; the write-off
        requested by him waits for the accountant's level, is posted on Bad Debts, and the customer reads Written
        off to everyone, the sales rep included."""
        case = self.env.ref(f"{MODULE}.demo_case_money_stop_loss")
        partner = case.partner_id
        legal_manager = self.env.ref(f"{MODULE}.demo_user_legal_manager")
        accountant = self.env.ref(f"{MODULE}.demo_user_accountant")
        sales = self.env.ref(f"{MODULE}.demo_user_sales")
        case_url = f"/odoo/action-{MODULE}.collection_case_action/{case.id}"

        self.start_tour(case_url, "acl_write_off_propose_tour", login="legal_manager", timeout=TOUR_TIMEOUT)
        self.assertEqual((case.stop_loss_state, case.stop_loss_proposed_by_id), ("proposed", legal_manager))
        self.start_tour(case_url, "acl_write_off_stop_loss_approve_tour", login="accountant", timeout=TOUR_TIMEOUT)
        self.assertEqual((case.stop_loss_state, case.stop_loss_approved_by_id), ("approved", accountant))

        self.start_tour(case_url, "acl_write_off_request_tour", login="legal_manager", timeout=TOUR_TIMEOUT)
        write_off = case.sudo().write_off_ids
        self.assertEqual(len(write_off), 1)
        self.assertEqual((write_off.state, write_off.requested_by_id, write_off.approver_id),
                         ("to_approve", legal_manager, accountant))
        self.assertEqual(write_off.reason, "termination")
        level, _limit = self.env["collection.authority"]._required_level(
            "write_off", write_off.approval_amount, case.company_id)
        self.assertEqual(level, self.env.ref(f"{MODULE}.group_collection_supervisor"), "128,000: a Supervisor's")
        self.assertTrue(write_off.needs_second_approval)

        self.start_tour(case_url, "acl_write_off_approve_tour", login="accountant", timeout=TOUR_TIMEOUT)
        self.assertEqual((write_off.state, write_off.approved_by_id), ("posted", accountant))
        self.assertNotEqual(write_off.approved_by_id, write_off.requested_by_id)
        entry = write_off.entry_id
        self.assertEqual(entry.state, "posted")
        bad_debts = self.env.ref(f"{MODULE}.demo_account_bad_debts")
        self.assertEqual(case.company_id.collection_bad_debt_account_id, bad_debts)
        debit = entry.line_ids.filtered(lambda line: line.debit)
        self.assertEqual((debit.account_id, debit.debit), (bad_debts, 128_000.0))
        self.assertEqual(case.line_ids.move_id.payment_state, "paid")
        self.assertEqual(case.stage_id.close_result, "written_off")

        self.start_tour("/odoo/action-base.action_partner_form", "acl_write_off_sales_tour", login="sales",
                        timeout=TOUR_TIMEOUT)
        for user in (self.env.ref("base.user_admin"), legal_manager, accountant, sales):
            with self.subTest(user=user.login):
                self.assertEqual(partner.with_user(user).collection_status, "written_off")
        self.assertIn(partner, self.env["res.partner"].with_user(sales).search(
            [("collection_status", "=", "written_off")]))
        for records in (case, write_off):
            with self.subTest(model=records._name), self.assertRaises(AccessError):
                records.with_user(sales).check_access("read")
