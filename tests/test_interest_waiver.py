from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import TODAY, CollectionCommon

MODULE = "account_collection_litigation"
APPROVAL = f"{MODULE}.mail_activity_type_collection_waiver_approval"


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestInterestWaiver(CollectionCommon):
    """Waivers: never above what is claimable, approval counted over what a waiver can remove in its life, one
    activity for a manager per request, and no way around the approval."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lpr_rule = cls.env.ref("account_collection_litigation.collection_interest_rule_prc_lpr")
        cls.policy.write({"interest_rule_id": cls.lpr_rule.id})
        cls.waivers = cls.env["collection.interest.waiver"]

    def setUp(self):
        super().setUp()
        # the authority matrix decides (no second limit on the policy): a collector waives up to 50 alone
        self._authority_limit("group_collection_collector", 50.0, kind="interest_waiver")

    def _move(self, amount=1000.0):
        # Due 1 January, 60 days overdue on 2 March: 1,000 × LPR 3.00 % × 1.5 × 60 / 365 = 7.397... → 7.40.
        return self._invoice(60, amount=amount)

    def _request(self, move, user=None, **values):
        return self.waivers.with_user(user or self.collector).create(
            {"move_id": move.id, "reason": "Goodwill", **values})

    def _approval_activities(self, waivers):
        return self.env["mail.activity"].search([
            ("res_model", "=", "collection.interest.waiver"), ("res_id", "in", waivers.ids),
            ("activity_type_id", "=", self.env.ref(APPROVAL).id),
        ])

    # === A waiver never exceeds what is claimable === #
    def test_amount_above_the_claimable_interest_is_refused(self):
        move = self._move()
        for user in (self.collector, self.manager):
            with self.assertRaisesRegex(UserError, r"more than the interest and compensation claimable .*7\.40"):
                self._request(move, user=user, amount=5000.0)
        self.assertFalse(move.collection_waiver_ids)
        self.assertAlmostEqual(move.collection_interest_claimable, 7.40)
        # Exactly what is claimable is fine.
        self.assertEqual(self._request(move, amount=7.40).state, "approved")
        self.assertAlmostEqual(move.collection_interest_claimable, 0.0)

    def test_second_amount_counts_what_is_already_waived(self):
        move = self._move()
        self._request(move, amount=5.0)
        with self.assertRaisesRegex(UserError, r"2\.40"):
            self._request(move, amount=5.0)
        self.assertEqual(self._request(move, amount=2.40).state, "approved")
        with self.assertRaisesRegex(UserError, "no interest or compensation left"):
            self._request(move, amount=0.01)
        self.assertEqual(len(move.collection_waiver_ids), 2)

    def test_amount_on_an_invoice_without_interest_yet_is_refused(self):
        not_due = self._invoice(-5)
        with self.assertRaisesRegex(UserError, "no interest or compensation left"):
            self._request(not_due, amount=1.0)

    def test_approval_checks_the_claim_again(self):
        move = self._move()
        self._authority_limit("group_collection_collector", 5.0, kind="interest_waiver")
        pending = self._request(move, amount=6.0)
        self.assertEqual(pending.state, "to_approve")
        self._request(move, amount=4.0)          # within the limit, approved: 3.40 claimable left
        with self.assertRaisesRegex(UserError, r"3\.40"):
            pending.with_user(self.manager).action_approve()
        self.assertEqual(pending.state, "to_approve")

    # === The limit counts what a waiver can remove over its life === #
    def test_share_of_running_interest_waits_for_a_manager(self):
        # 50 % of 7.40 today is 3.70, below the limit of 50; but the interest has no cap and keeps running.
        move = self._move()
        waiver = self._request(move, share=50.0)
        self.assertEqual(waiver.state, "to_approve")
        self.assertTrue(waiver.max_value_open_ended)
        self.assertAlmostEqual(move.collection_interest_claimable, 7.40)
        # A manager's own request is approved at once.
        self.assertEqual(self._request(move, user=self.manager, share=10.0).state, "approved")

    def test_share_counts_against_the_cap(self):
        capped = self.lpr_rule.copy({"name": "LPR × 1.5, at most the principal", "cap": "principal"})
        self.policy.interest_rule_id = capped
        move = self._move()
        # At most 1,000 of interest over its life: 10 % can waive 100 > 50; 4 % can waive 40 <= 50.
        ten = self._request(move, share=10.0)
        self.assertEqual((ten.state, ten.max_value), ("to_approve", 100.0))
        four = self._request(move, share=4.0)
        self.assertEqual((four.state, four.max_value), ("approved", 40.0))

    def test_share_of_a_paid_invoice_counts_its_final_interest(self):
        move = self._move()
        self._pay(move, 1000.0, date="2026-01-31")   # interest frozen at 3.70 (2 - 31 January)
        waiver = self._request(move, share=100.0)
        self.assertEqual((waiver.state, waiver.max_value), ("approved", 3.70))
        self.assertAlmostEqual(move.collection_interest_claimable, 0.0)

    def test_waivers_on_one_invoice_add_up_against_the_limit(self):
        self._authority_limit("group_collection_collector", 5.0, kind="interest_waiver")
        move = self._move()
        self.assertEqual(self._request(move, amount=3.0).state, "approved")
        self.assertEqual(self._request(move, amount=3.0).state, "to_approve")   # 3 + 3 > 5

    # === Waiting for approval: one activity, closed by the decision === #
    def test_request_gives_one_manager_one_activity_closed_by_approval(self):
        self.policy.supervisor_id = self.manager
        move = self._move()
        waiver = self._request(move, share=50.0)
        activity = self._approval_activities(waiver)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("Collector Test asks to waive 50% of the interest", str(activity.note))
        waiver.with_user(self.manager).action_approve()
        self.assertEqual((waiver.state, waiver.approved_by_id), ("approved", self.manager))
        self.assertFalse(self._approval_activities(waiver))
        self.assertAlmostEqual(move.collection_interest_claimable, 3.70)
        self.assertIn("waiver", self.env["collection.history"].search([("move_id", "=", move.id)]).mapped("event"))

    def test_activity_goes_to_a_manager_when_the_supervisor_is_not_one(self):
        waivers = self._request(self._move(), share=50.0) | self._request(self._move(), share=20.0)
        activities = self._approval_activities(waivers)
        self.assertEqual(len(activities), 2)    # one per waiver, not one per manager
        managers = self.env.ref("account_collection_litigation.group_collection_manager").users
        self.assertTrue(activities.user_id)
        self.assertLessEqual(activities.user_id, managers)

    def test_refusal_closes_the_activity_and_waives_nothing(self):
        move = self._move()
        waiver = self._request(move, share=50.0)
        with self.assertRaises(UserError):
            waiver.with_user(self.collector).action_refuse()
        waiver.with_user(self.manager).action_refuse()
        self.assertEqual(waiver.state, "refused")
        self.assertFalse(self._approval_activities(waiver))
        self.assertAlmostEqual(move.collection_interest_claimable, 7.40)

    def test_withdrawing_a_request_removes_its_activity(self):
        waiver = self._request(self._move(), share=50.0)
        waiver.with_user(self.collector).action_reverse()
        self.assertEqual(waiver.state, "reversed")
        self.assertFalse(self._approval_activities(waiver))

    def test_to_approve_filter(self):
        move = self._move()
        pending = self._request(move, share=50.0)
        self._request(move, amount=1.0)
        action = self.env.ref("account_collection_litigation.collection_interest_waiver_action")
        search_view = action.search_view_id
        self.assertIn('name="filter_to_approve"', search_view.arch)
        found = self.waivers.with_user(self.manager).search([("state", "=", "to_approve"), ("move_id", "=", move.id)])
        self.assertEqual(found, pending)

    # === No way around the approval === #
    def test_state_and_figures_cannot_be_written(self):
        move = self._move()
        waiver = self._request(move, share=50.0)
        for vals in ({"state": "approved"}, {"approved_by_id": self.manager.id}, {"share": 1.0},
                     {"amount": 1.0, "share": 0.0}):
            with self.assertRaisesRegex(UserError, "cannot be changed once requested"):
                waiver.with_user(self.collector).write(vals)
        self.assertEqual(waiver.state, "to_approve")
        # Nor can a request be created approved.
        forced = self._request(move, share=60.0, state="approved", approved_by_id=self.manager.id)
        self.assertEqual((forced.state, forced.approved_by_id.id), ("to_approve", False))
        self.assertAlmostEqual(move.collection_interest_claimable, 7.40)

    # === The authority matrix === #
    def test_authority_matrix_decides_who_approves(self):
        """Within the policy's limit a waiver still needs the requester's authority in the matrix, and a manager
        approves only up to the authority of their level; a director above it."""
        self.env["collection.authority"]._matrix(self.company)   # the company's default matrix, made on first use

        def limit(group, amount):
            self.env["collection.authority"].search([
                ("company_id", "=", self.company.id), ("group_id", "=", self.env.ref(f"{MODULE}.{group}").id),
            ]).write({"amount_limit": amount, "unlimited": False})
        limit("group_collection_collector", 5.0)
        limit("group_collection_supervisor", 5.0)
        director = new_test_user(self.env, login="director_waiver", groups=f"{MODULE}.group_collection_director,"
                                 "account.group_account_invoice", company_id=self.company.id)
        move = self._move()
        small = self._request(move, amount=4.0)
        self.assertEqual(small.state, "approved", "within the policy's limit and the collector's authority")
        waiver = self._request(move, amount=3.0)
        self.assertEqual(waiver.state, "to_approve", "4 + 3 waived on the invoice is above the collector's 5")
        self.assertEqual(self._approval_activities(waiver).user_id, director,
                         "the activity goes to a manager whose level may approve it")
        with self.assertRaises(UserError):
            waiver.with_user(self.manager).action_approve()
        waiver.with_user(director).action_approve()
        self.assertEqual((waiver.state, waiver.approved_by_id), ("approved", director))
