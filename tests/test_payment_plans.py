from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import RecordCapturer, new_test_user, tagged

from .common import TODAY, CollectionCommon

MODULE = "account_collection_litigation"


class ArrangementCommon(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "account.group_account_invoice"
        cls.director = new_test_user(cls.env, login="director_test", name="Director Test",
                                     groups=f"{MODULE}.group_collection_director,{groups}", company_id=cls.company.id)
        cls.general_manager = new_test_user(
            cls.env, login="gm_test", name="General Manager Test",
            groups=f"{MODULE}.group_collection_general_manager,{groups}", company_id=cls.company.id)
        cls.authority = cls.env["collection.authority"]

    def _plan(self, moves, user=None, **values):
        file = self._file(moves.commercial_partner_id)
        return self.env["collection.payment.plan"].with_user(user or self.collector).create({
            "customer_id": file.id, "move_ids": [(6, 0, moves.ids)], **values,
        })


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestPaymentPlans(ArrangementCommon):
    def test_schedule_to_the_cent(self):
        move = self._invoice(40, amount=1000.0)
        self._escalate()
        plan = self._plan(move, down_payment=100.0, instalment_count=7, first_date="2026-04-01")
        self.assertEqual(plan.line_ids.mapped("amount"), [100.0] + [128.57] * 6 + [128.58])
        self.assertEqual(plan.company_id.currency_id.round(sum(plan.line_ids.mapped("amount"))), 1000.0)
        self.assertEqual(str(plan.line_ids[0].date), TODAY, "the down payment falls due at the start")
        self.assertEqual(str(plan.line_ids[-1].date), "2026-10-01")
        plan.write({"instalment_count": 3, "down_payment": 0.0})
        self.assertEqual(plan.line_ids.mapped("amount"), [333.33, 333.33, 333.34], "a draft follows its terms")

    def test_schedule_in_a_currency_without_decimals(self):
        yen = self.setup_other_currency("JPY", rates=[("2016-01-01", 150.0)])
        self.assertEqual(yen.decimal_places, 0)
        move = self._invoice(40, amount=100000.0, currency=yen)
        self._escalate()
        plan = self._plan(move, instalment_count=3, first_date="2026-04-01")
        self.assertEqual(plan.currency_id, yen)
        self.assertEqual(plan.line_ids.mapped("amount"), [33333.0, 33333.0, 33334.0])
        # interest on the declining balance is added once and spread in whole yen
        plan.interest_rate = 12.0
        self.assertTrue(all(float(a).is_integer() for a in plan.line_ids.mapped("amount")))
        self.assertEqual(sum(plan.line_ids.mapped("amount")), 100000.0 + plan.interest_amount)

    def test_plan_matched_from_payments_then_broken_and_accelerated(self):
        move = self._invoice(40, amount=900.0)
        file = self._escalate()
        plan = self._plan(move, instalment_count=3, first_date=TODAY)
        plan.with_user(self.collector).action_submit()
        self.assertEqual(plan.state, "to_approve", "a plan needs a director")
        plan.with_user(self.director).action_approve()
        self.assertEqual(plan.state, "active")
        self._escalate()   # the approval only queued the customer: the run applies the plan's pause
        self.assertEqual(move.collection_pause_reason, "payment_plan")
        self.assertEqual(plan.residual_at_start, 900.0)
        cron = self.env.ref(f"{MODULE}.ir_cron_collection_payment_plans")
        self._pay(move, 300.0)
        cron.method_direct_trigger()
        self.assertEqual(plan.line_ids.mapped("state"), ["paid", "open", "open"])
        self.assertEqual(plan.amount_paid, 300.0)
        with freeze_time("2026-04-07 04:00:00"):   # the 2 April instalment is 5 days late: still within grace
            cron.method_direct_trigger()
            self.assertEqual(plan.state, "active")
            self.assertEqual(plan.line_ids[1].state, "late")
        with freeze_time("2026-04-08 04:00:00"):
            cron.method_direct_trigger()
            self.assertEqual(plan.state, "broken")
            self.assertEqual(str(plan.accelerated_on), "2026-04-08")
            self.assertEqual(plan.line_ids.mapped("state"), ["paid", "accelerated", "accelerated"])
            self.assertEqual(plan.pause_id.state, "ended")
            self.assertFalse(move.collection_pause_id, "escalation resumes")
            broken = self.env["collection.history"].search([("customer_id", "=", file.id),
                                                            ("event", "=", "plan_broken")])
            self.assertIn("600.00", broken.note)
            told = file.activity_ids.filtered(lambda a: "Payment plan broken" in (a.summary or ""))
            self.assertEqual(told.user_id, self.collector)
            # a rerun the same day (or the next) breaks nothing twice
            plan.checked_on = False
            with RecordCapturer(self.env["collection.history"], [("event", "=", "plan_broken")]) as capture:
                cron.method_direct_trigger()
            self.assertFalse(capture.records)

    def test_plan_paid_in_full_waives_the_overdue_interest(self):
        self.policy.interest_rule_id = self.env.ref(f"{MODULE}.collection_interest_rule_prc_lpr")
        move = self._invoice(40, amount=600.0)
        self._escalate()
        plan = self._plan(move, user=self.director, instalment_count=2, first_date=TODAY,
                          waive_overdue_interest=True)
        plan.with_user(self.director).action_submit()
        self.assertEqual(plan.state, "active", "within the director's own authority")
        self._pay(move, 600.0)
        plan.action_check_payments()
        self.assertEqual(plan.state, "done")
        self.assertEqual(plan.pause_id.state, "ended")
        self.assertEqual(move.collection_waiver_ids.share, 100.0)

    def test_document_context_is_plain_data(self):
        move = self._invoice(40, amount=900.0)
        self._escalate()
        context = self._plan(move, instalment_count=3, first_date="2026-04-01")._document_context()
        self.assertEqual(context["customer"], self.customer.name)
        self.assertEqual([line["amount"] for line in context["instalments"]], [300.0, 300.0, 300.0])
        self.assertEqual(context["invoices"][0]["number"], move.name)
        self.assertTrue(context["acceleration"])


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestAuthority(ArrangementCommon):
    def test_default_matrix(self):
        check = self.authority._authority_check
        self.assertTrue(check("interest_waiver", 100_000, self.collector))
        self.assertFalse(check("interest_waiver", 100_000.01, self.collector))
        self.assertFalse(check("extension", 10, self.collector))
        self.assertTrue(check("extension", 500_000, self.supervisor))
        self.assertFalse(check("instalment_plan", 10, self.supervisor))
        self.assertFalse(check("instalment_plan", 10, self.manager))
        self.assertTrue(check("instalment_plan", 1_000_000, self.director))
        self.assertFalse(check("write_off", 1_000_001, self.director))
        self.assertTrue(check("write_off", 10**9, self.general_manager))

    def test_extension_refused_without_approval_then_approved_by_the_right_level(self):
        move = self._invoice(40, amount=600_000.0)
        file = self._escalate()
        extension = self.env["collection.arrangement"].with_user(self.collector).create({
            "kind": "extension", "customer_id": file.id, "move_ids": [(6, 0, move.ids)], "new_date": "2026-04-15",
        })
        self.assertEqual(extension.amount, 600_000.0)
        extension.action_submit()
        self.assertEqual(extension.state, "to_approve")
        self.assertEqual(extension.approver_id, self.director, "the lowest level that may approve 600,000")
        self.assertEqual(extension.activity_ids.user_id, self.director)
        self.assertFalse(move.collection_pause_id, "nothing is in force before the approval")
        for user in (self.collector, self.supervisor, self.manager):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                extension.with_user(user).action_approve()
        self.assertFalse(extension.with_user(self.supervisor).can_approve)
        extension.with_user(self.director).action_approve()
        self.assertEqual(extension.state, "approved")
        self.assertEqual(extension.approved_by_id, self.director)
        self.assertFalse(extension.activity_ids)
        self._escalate()
        self.assertEqual((move.collection_pause_reason, str(extension.pause_id.date_to)), ("promise", "2026-04-15"))
        approvals = self.env["collection.history"].search([("customer_id", "=", file.id), ("event", "=", "approval")])
        self.assertEqual(len(approvals), 2)
        self.assertTrue(any("Director Test" in note for note in approvals.mapped("note")))

    def test_small_extension_is_the_supervisors_own(self):
        move = self._invoice(40, amount=5_000.0)
        file = self._escalate()
        extension = self.env["collection.arrangement"].with_user(self.supervisor).create({
            "kind": "extension", "customer_id": file.id, "move_ids": [(6, 0, move.ids)], "new_date": "2026-03-20",
        })
        extension.action_submit()
        self.assertEqual(extension.state, "approved")

    def test_refusal_and_incomplete_arrangements(self):
        move = self._invoice(40, amount=200_000.0)
        file = self._escalate()
        arrangements = self.env["collection.arrangement"].with_user(self.collector)
        restructuring = arrangements.create({"kind": "restructuring", "customer_id": file.id,
                                             "move_ids": [(6, 0, move.ids)], "waived_amount": 150_000.0})
        with self.assertRaises(UserError):
            restructuring.action_submit()   # a restructuring is a signed, written agreement
        restructuring.write({"agreement": b"JVBERi0=", "agreement_filename": "agreement.pdf"})
        restructuring.action_submit()
        self.assertEqual(restructuring.approver_id, self.supervisor, "150,000 waived: the supervisor's level")
        restructuring.with_user(self.supervisor).write({"refusal_reason": "Ask for a guarantor first"})
        restructuring.with_user(self.supervisor).action_refuse()
        self.assertEqual(restructuring.state, "refused")
        refusal = self.env["collection.history"].search(
            [("customer_id", "=", file.id), ("event", "=", "approval")], limit=1)
        self.assertIn("Ask for a guarantor first", refusal.note)

    def test_nobody_to_approve_is_said(self):
        move = self._invoice(40, amount=5_000_000.0)
        file = self._escalate()
        self.authority._matrix(self.company)   # the company's default matrix, then without its top level
        self.env["collection.authority"].search([("company_id", "=", self.company.id),
                                                 ("unlimited", "=", True)]).unlink()
        plan = self._plan(move, instalment_count=2, first_date=TODAY)
        with self.assertRaises(UserError):
            plan.action_submit()
        self.assertEqual(plan.state, "draft")
        self.assertFalse(self.env["collection.history"].search([("customer_id", "=", file.id),
                                                                ("event", "=", "approval")]))
