from contextlib import contextmanager

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import TODAY
from .legal_common import MODULE, LegalCommon

FOUR_EYES = "a second person decides it"


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestApprovals(LegalCommon):
    """One approval for every kind (arrangements, payment plans, interest waivers, write-offs, the stop-loss): the
    authority matrix decides the level by the amount the books give, and nobody approves their own request."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        invoicing = "account.group_account_invoice"
        cls.director = new_test_user(cls.env, login="director_appr", name="Director Appr",
                                     groups=f"{MODULE}.group_collection_director,{invoicing}",
                                     company_id=cls.company.id)
        cls.general_manager = new_test_user(cls.env, login="gm_appr", name="General Manager Appr",
                                            groups=f"{MODULE}.group_collection_general_manager,{invoicing}",
                                            company_id=cls.company.id)
        # legal managers hold a level of the matrix too: a director's (1,000,000) and the general manager's
        cls.legal_manager.groups_id |= cls.env.ref(f"{MODULE}.group_collection_director")
        cls.directors = cls.director | cls.legal_manager
        cls.legal_clerk = new_test_user(cls.env, login="legal_clerk_appr", name="Legal Clerk Appr",
                                        groups=f"{MODULE}.group_litigation_user,{invoicing}", company_id=cls.company.id)
        cls.legal_top = new_test_user(
            cls.env, login="legal_top_appr", name="Legal Top Appr",
            groups=f"{MODULE}.group_litigation_manager,{MODULE}.group_collection_general_manager,{invoicing}",
            company_id=cls.company.id)
        cls.company.write({
            "collection_write_off_journal_id": cls.company_data["default_journal_misc"].id,
            "collection_bad_debt_account_id": cls.company_data["default_account_expense"].id,
            "collection_write_off_limit": 1_000.0,
        })
        cls.lpr_rule = cls.env.ref(f"{MODULE}.collection_interest_rule_prc_lpr")
        cls.policy.interest_rule_id = cls.lpr_rule

    @contextmanager
    def _refused(self, pattern):
        """A UserError whose message matches `pattern`, and nothing of the refused call kept (a savepoint)."""
        with self.assertRaises(UserError) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def _promote(self, user, group="group_collection_general_manager"):
        """The highest group for a requester whose request already waits: four eyes still hold."""
        user.groups_id |= self.env.ref(f"{MODULE}.{group}")
        self.env.invalidate_all()

    # === Helpers per kind === #
    def _plan(self, moves, user=None, **values):
        file = self._file(moves.commercial_partner_id) or self._escalate(moves.commercial_partner_id)
        return self.env["collection.payment.plan"].with_user(user or self.collector).create({
            "customer_id": file.id, "move_ids": [(6, 0, moves.ids)], "first_date": TODAY, **values})

    def _extension(self, moves, user=None):
        file = self._file(moves.commercial_partner_id) or self._escalate(moves.commercial_partner_id)
        return self.env["collection.arrangement"].with_user(user or self.collector).create({
            "kind": "extension", "customer_id": file.id, "move_ids": [(6, 0, moves.ids)],
            "new_date": "2026-04-15"})

    def _write_off(self, moves, user=None, **values):
        return self.env["collection.write.off"].with_user(user or self.legal_manager)._write_off_invoices(
            moves, values={"reason": "age", **values})

    def _stop_loss_case(self, moves, proposer=None):
        case = self._case(moves)
        case.with_user(self.legal_user).write({"stop_loss_reason": "Enforcement found no assets."})
        case.with_user(proposer or self.legal_clerk).action_propose_stop_loss()
        return case

    # === Four eyes, for each kind === #
    def test_payment_plan_requester_never_approves_it(self):
        move = self._invoice(40, amount=600_000.0)
        plan = self._plan(move)
        plan.action_submit()
        self.assertEqual(plan.state, "to_approve")
        self.assertIn(plan.approver_id, self.directors, "the lowest level that may approve 600,000")
        self._promote(self.collector)
        self.assertFalse(plan.with_user(self.collector).can_approve)
        with self._refused(FOUR_EYES):
            plan.with_user(self.collector).action_approve()
        with self._refused(FOUR_EYES):
            plan.with_user(self.collector).action_refuse()
        self.assertEqual(plan.state, "to_approve")
        plan.with_user(self.director).action_approve()
        self.assertEqual((plan.state, plan.approved_by_id), ("active", self.director))

    def test_arrangement_requester_never_approves_it(self):
        move = self._invoice(40, amount=600_000.0)
        extension = self._extension(move)
        extension.action_submit()
        self.assertEqual(extension.state, "to_approve")
        self._promote(self.collector)
        with self._refused(FOUR_EYES):
            extension.with_user(self.collector).action_approve()
        self.assertEqual(extension.state, "to_approve")
        extension.with_user(self.general_manager).action_approve()
        self.assertEqual(extension.state, "approved")

    def test_interest_waiver_requester_never_approves_it(self):
        self._authority_limit("group_collection_collector", 5.0, kind="interest_waiver")
        self._authority_limit("group_collection_supervisor", 5.0, kind="interest_waiver")
        move = self._invoice(60)   # 7.40 of interest claimable
        waiver = self.env["collection.interest.waiver"].with_user(self.manager).create(
            {"move_id": move.id, "amount": 7.0, "reason": "Goodwill"})
        self.assertEqual(waiver.state, "to_approve", "above the manager's level (a supervisor's 5)")
        self._promote(self.manager)
        with self._refused(FOUR_EYES):
            waiver.with_user(self.manager).action_approve()
        self.assertEqual(waiver.state, "to_approve")
        waiver.with_user(self.director).action_approve()
        self.assertEqual((waiver.state, waiver.approved_by_id), ("approved", self.director))

    def test_interest_waiver_cannot_be_requested_in_someone_elses_name(self):
        self._authority_limit("group_collection_collector", 5.0, kind="interest_waiver")
        move = self._invoice(60)
        waiver = self.env["collection.interest.waiver"].with_user(self.director).create(
            {"move_id": move.id, "amount": 7.0, "reason": "Goodwill", "user_id": self.collector.id})
        self.assertEqual(waiver.user_id, self.director, "the request is the current user's, whatever was passed")

    def test_write_off_requester_never_approves_it(self):
        move = self._invoice(400, amount=5_000.0)
        write_off = self._write_off(move, user=self.legal_top)
        self.assertEqual(write_off.state, "to_approve", "above the company's limit of 1,000")
        self.assertEqual(write_off.requested_by_id, self.legal_top)
        with self._refused(FOUR_EYES):
            write_off.with_user(self.legal_top).action_approve()
        # nor by naming someone else the requester through the API
        with self._refused("only through its buttons"):
            write_off.with_user(self.legal_top).write({"requested_by_id": self.legal_manager.id})
        with self._refused("only through its buttons"):
            write_off.with_user(self.legal_top).write({"state": "posted"})
        self.assertFalse(write_off.entry_id)
        write_off.with_user(self.legal_manager).action_approve()
        self.assertEqual((write_off.state, write_off.approved_by_id), ("posted", self.legal_manager))

    def test_stop_loss_is_not_approved_by_whoever_proposed_it(self):
        case = self._stop_loss_case(self._invoice(400, amount=8_000.0), proposer=self.legal_top)
        self.assertEqual((case.stop_loss_state, case.stop_loss_proposed_by_id), ("proposed", self.legal_top))
        with self._refused(FOUR_EYES):
            case.with_user(self.legal_top).action_approve_stop_loss()
        with self._refused("only through its buttons"):
            case.with_user(self.legal_top).write({"stop_loss_state": "approved"})
        self.assertEqual(case.stop_loss_state, "proposed")
        case.with_user(self.legal_manager).action_approve_stop_loss()
        self.assertEqual((case.stop_loss_state, case.stop_loss_approved_by_id), ("approved", self.legal_manager))

    def test_stop_loss_refused_goes_back(self):
        case = self._stop_loss_case(self._invoice(400, amount=8_000.0))
        with self._refused("Legal Manager"):
            case.with_user(self.legal_user).action_refuse_stop_loss()
        case.with_user(self.legal_manager).action_refuse_stop_loss()
        self.assertEqual((case.stop_loss_state, case.stop_loss_proposed_by_id.id), ("none", False))

    def test_four_eyes_refusal_names_what_a_second_person_holds(self):
        """The requester is told whom to ask: the group and the level of the matrix the decider holds."""
        needed = r"a second person decides it.*someone else holding the group .*Legal Manager and the level " \
                 r".*Collector of the authority matrix .*up to"
        case = self._stop_loss_case(self._invoice(400, amount=8_000.0), proposer=self.legal_top)
        with self._refused(needed):
            case.with_user(self.legal_top).action_approve_stop_loss()
        write_off = self._write_off(self._invoice(400, amount=5_000.0), user=self.legal_top)
        with self._refused(needed):
            write_off.with_user(self.legal_top).action_approve()
        plan = self._plan(self._invoice(40, amount=600_000.0))
        plan.action_submit()
        with self._refused(r"a second person decides it.*someone else holding the level .*Director.*up to"):
            plan.with_user(self.collector).action_approve()

    def test_letter_drafter_never_approves_it(self):
        self._invoice(40)
        letter = self.env["collection.letter.engine"].with_user(self.collector)._generate(self._file(), "reminder_1")
        self.assertEqual(letter.generated_by_id, self.collector)
        with self._refused("drafted by Collector Test: a second person"):
            letter.with_user(self.collector).action_approve()
        self.assertEqual(letter.state, "draft")
        letter.with_user(self.supervisor).action_approve()
        self.assertEqual((letter.state, letter.approved_by_id), ("approved", self.supervisor))

    # === The level by amount, the error names what is missing === #
    def test_level_by_amount_and_the_missing_level_named(self):
        small = self._extension(self._invoice(40, amount=5_000.0), user=self.supervisor)
        small.action_submit()
        self.assertEqual((small.state, small.approved_by_id), ("approved", self.supervisor),
                         "within the supervisor's own authority: no second person needed")
        large = self._extension(self._invoice(40, amount=600_000.0))
        large.action_submit()
        self.assertIn(large.approver_id, self.directors, "the lowest level that may approve 600,000")
        with self._refused(r"needs the level .*Director.*up to"):
            large.with_user(self.supervisor).action_approve()
        huge = self._extension(self._invoice(40, amount=2_000_000.0))
        huge.action_submit()
        self.assertTrue(huge.approver_id.has_group(f"{MODULE}.group_collection_general_manager"))
        with self._refused(r"needs the level .*General Manager.*without limit"):
            huge.with_user(self.director).action_approve()
        large.with_user(self.director).action_approve()
        huge.with_user(self.general_manager).action_approve()
        self.assertEqual((large.state, huge.state), ("approved", "approved"))

    def test_stop_loss_level_by_what_the_case_still_claims(self):
        pure_legal = new_test_user(self.env, login="legal_pure_appr", name="Pure Legal Manager",
                                   groups=f"{MODULE}.group_litigation_manager,account.group_account_invoice",
                                   company_id=self.company.id)
        case = self._stop_loss_case(self._invoice(400, amount=2_000_000.0))
        with self._refused("General Manager"):
            case.with_user(pure_legal).action_approve_stop_loss()
        with self._refused("General Manager"):
            case.with_user(self.legal_manager).action_approve_stop_loss()   # a director's 1,000,000
        with self._refused("Legal Manager"):
            case.with_user(self.legal_user).action_approve_stop_loss()  # the level is not enough: the group
        case.with_user(self.legal_top).action_approve_stop_loss()
        self.assertEqual(case.stop_loss_state, "approved")

    def test_write_off_approver_needs_the_group_and_the_level(self):
        move = self._invoice(400, amount=5_000_000.0)
        write_off = self._write_off(move)
        self.assertTrue(write_off.approver_id.has_group(f"{MODULE}.group_litigation_manager"))
        self.assertNotEqual(write_off.approver_id, self.legal_manager)
        with self._refused("Legal Manager"):
            write_off.with_user(self.legal_user).action_approve()
        legal_director = new_test_user(
            self.env, login="legal_director_appr", name="Legal Director Appr", company_id=self.company.id,
            groups=f"{MODULE}.group_litigation_manager,{MODULE}.group_collection_director,account.group_account_invoice")
        with self._refused(r"needs the level .*General Manager"):
            write_off.with_user(legal_director).action_approve()   # a director's 1,000,000
        write_off.with_user(self.legal_top).action_approve()
        self.assertEqual(write_off.state, "posted")

    # === Figures from the books: the write-off === #
    def test_write_off_amount_comes_from_the_books(self):
        move = self._invoice(400, amount=5_000.0)
        # the old bypass: 5,000 written off under a limit of 1,000, because the caller said 500
        with self._refused("cannot be typed"):
            self._write_off(move, amount=500.0, amount_company=500.0)
        with self._refused("cannot be typed"):
            self.env["collection.write.off"].with_user(self.legal_manager).create({
                "currency_id": move.currency_id.id, "partner_id": move.partner_id.id,
                "move_ids": [(6, 0, move.ids)], "reason": "age", "amount": 999_999.0})
        write_off = self._write_off(move)
        self.assertEqual((write_off.amount, write_off.amount_company), (5_000.0, 5_000.0))
        self.assertEqual(write_off.state, "to_approve", "5,000 is above the limit of 1,000")
        self.assertFalse(write_off.entry_id)

    def test_write_off_amount_cannot_be_written_afterwards(self):
        move = self._invoice(400, amount=800.0)
        case = self._stop_loss_case(move)
        case.with_user(self.legal_manager).action_approve_stop_loss()
        write_off = self._write_off(move, user=self.legal_top)
        self.assertEqual(write_off.state, "posted")
        for vals in ({"amount": 999_999.0}, {"amount_company": 1.0}, {"move_ids": [(5, 0, 0)]}):
            with self.subTest(vals=vals), self._refused("cannot be written afterwards"):
                write_off.with_user(self.legal_top).write(vals)
        self.assertEqual(write_off.amount, 800.0)
        self.assertEqual(case.amount_written_off, 800.0, "the case shows what the entry settled")

    def test_write_off_amount_follows_a_payment_before_approval(self):
        move = self._invoice(400, amount=5_000.0)
        write_off = self._write_off(move)
        self._pay(move, 4_500.0)
        write_off.with_user(self.legal_top).action_approve()
        self.assertEqual((write_off.state, write_off.amount), ("posted", 500.0))

    # === Figures from the books: payment plans === #
    def test_plan_total_is_what_the_invoices_owe(self):
        move = self._invoice(40, amount=15_000.0)
        # the old bypass: a total of 100 on 15,000 owed, approved at the level of 100
        with self._refused("cannot be set to"):
            self._plan(move, amount_total=100.0)
        plan = self._plan(move)
        self.assertEqual(plan.amount_total, 15_000.0)
        with self._refused("cannot be set to"):
            plan.with_user(self.collector).write({"amount_total": 100.0})
        with self._refused("cannot be set to"):
            plan.with_user(self.collector).write({"interest_amount": 5.0})
        self.assertEqual(plan.approval_amount, 15_000.0)

    def test_plan_total_typed_through_an_import_is_refused(self):
        move = self._invoice(40, amount=15_000.0)
        file = self._escalate()
        result = self.env["collection.payment.plan"].with_user(self.collector).load(
            ["customer_id/.id", "move_ids/.id", "first_date", "amount_total"],
            [[str(file.id), str(move.id), TODAY, "100"]])
        self.assertFalse(result["ids"])
        self.assertTrue(any("cannot be set to" in message["message"] for message in result["messages"]))
        self.assertFalse(self.env["collection.payment.plan"].search([("customer_id", "=", file.id)]))

    def test_plan_lines_must_add_up_to_the_owed_total(self):
        move = self._invoice(40, amount=15_000.0)
        plan = self._plan(move, instalment_count=3)
        self.assertEqual(sum(plan.line_ids.mapped("amount")), 15_000.0)
        # the old bypass: lines edited to 16,234 against 15,000 submitted
        plan.line_ids[-1].with_user(self.collector).write({"amount": plan.line_ids[-1].amount + 1_234.0})
        with self._refused("add up to"):
            plan.action_submit()
        self.assertEqual(plan.state, "draft")
        # one smallest unit off is off too
        plan.line_ids[-1].with_user(self.collector).write({"amount": plan.line_ids[-1].amount - 1_234.01})
        with self._refused("add up to"):
            plan.action_submit()
        plan.with_user(self.collector).write({"instalment_count": 3})   # the terms rebuild the schedule
        plan.action_submit()
        self.assertEqual(plan.state, "to_approve", "15,000 of instalment plan is a director's")

    def test_submitted_plan_keeps_its_lines_and_terms(self):
        plan = self._plan(self._invoice(40, amount=600_000.0))
        plan.action_submit()
        with self._refused("stay as approved"):
            plan.line_ids[0].with_user(self.collector).write({"amount": 1.0})
        with self._refused("stay as approved"):
            plan.with_user(self.collector).write({"down_payment": 1.0})
        with self._refused("only through its buttons"):
            plan.with_user(self.collector).write({"state": "active"})
        self.assertEqual(plan.state, "to_approve")

    def test_plan_approval_reads_the_books_again(self):
        move = self._invoice(40, amount=600_000.0)
        plan = self._plan(move)
        plan.action_submit()
        self._pay(move, 100_000.0)
        with self._refused("owe"):
            plan.with_user(self.director).action_approve()
        self.assertEqual(plan.state, "to_approve")
