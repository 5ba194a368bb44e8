from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import PHOTO, TODAY, CollectionCommon

# Queries of planning the visits of chosen customers, whatever their number (measured: 14 for 10 and for 40).
PLAN_QUERIES = 14

# The customer's building, and a phone 59 m up the street from it.
SITE = (31.2304000, 121.4737000)
NEAR = (31.2309000, 121.4739000)


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")   # noon in Shanghai, the customer's time zone
class TestFieldVisits(CollectionCommon):
    """A visit from the collector's phone: planned, checked in where the phone is, closed by the contact logged
    on site; what is evidence is written only by those steps."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"partner_latitude": SITE[0], "partner_longitude": SITE[1],
                            "street": "88 Nanjing Road", "city": "Shanghai"})
        cls._invoices([(cls.customer, 20, 5000.0)])
        cls.file = cls.env["collection.customer"].search([("partner_id", "=", cls.customer.id)])

    def _plan(self, user=None):
        action = self.file.with_user(user or self.supervisor).action_plan_visits()
        self.assertEqual((action["res_model"], action["view_mode"]), ("collection.visit", "form"), "one: its form")
        return self.env["collection.visit"].browse(action["res_id"])

    def test_collector_checks_in_and_logs_a_promise_on_site(self):
        self._escalate()   # the night's figures on the file
        self.file.activity_ids.unlink()
        meeting = self.file.activity_schedule("mail.mail_activity_data_meeting", user_id=self.collector.id,
                                              summary="Visit (week 3)")
        visit = self._plan()
        self.assertEqual((visit.user_id, str(visit.date), visit.state), (self.collector, TODAY, "planned"),
                         "planned for today, for the file's collector")
        self.assertEqual(visit.address, "88 Nanjing Road, Shanghai", "one line, without the empty ones")
        self.assertIn("mlat=31.230400", visit.map_url)
        self.assertEqual(visit.overdue_amount, 5000.0)

        visit.with_user(self.collector).action_check_in(latitude=NEAR[0], longitude=NEAR[1], accuracy=15.0)
        self.assertEqual(visit.state, "on_site")
        self.assertEqual(str(visit.check_in_date), f"{TODAY} 04:00:00", "the server's clock, not the phone's")
        self.assertEqual(visit.distance, 59.0, "stored to the metre")
        self.assertFalse(visit.far_from_address)
        self.assertEqual(visit.position_note, "At the customer's address (59 m).")
        visit.with_user(self.collector).write({"photo": PHOTO, "purpose": "Collect the cheque"})

        action = visit.with_user(self.collector).action_log_outcome()
        with Form(self.env["collection.contact.wizard"].with_user(self.collector).with_context(
                **action["context"])) as wizard:
            self.assertEqual((wizard.channel, wizard.visit_id), ("visit", visit))
            self.assertEqual(wizard.activity_id, meeting, "the visit completes the collector's meeting")
            wizard.outcome = "promise"
            wizard.note = "Met the owner: the cheque is signed on Friday."
        wizard.record.action_confirm()

        contact = visit.contact_id
        self.assertEqual((visit.state, visit.outcome), ("done", "promise"))
        self.assertEqual((contact.channel, contact.user_id, str(contact.date)),
                         ("visit", self.collector, f"{TODAY} 04:00:00"))
        self.assertEqual(contact.promise_ids.amount, 5000.0)
        self.assertFalse(meeting.exists(), "the meeting activity is done")
        history = self.env["collection.history"].search([("customer_id", "=", self.file.id),
                                                         ("event", "=", "contact")])
        self.assertEqual(len(history), 1, "the one history has the visit's contact, once")
        self.assertTrue(self.file.message_ids.filtered(lambda m: "cheque is signed" in (m.body or "")))
        with self.assertRaises(UserError):   # done: the visit is evidence
            visit.with_user(self.collector).write({"purpose": "Something else"})
        with self.assertRaises(UserError):
            visit.with_user(self.collector).unlink()

    def test_planning_twice_plans_nothing_more(self):
        first = self._plan()
        again = self._plan(self.collector)
        self.assertEqual(again, first)
        self._escalate()   # on the worklist
        row = self.env["collection.worklist"].with_user(self.collector).search([("customer_id", "=", self.file.id)])
        self.assertEqual(row.action_work_visit()["res_id"], first.id)
        self.assertEqual(self.env["collection.visit"].search_count([("customer_id", "=", self.file.id)]), 1)
        first.with_user(self.collector).action_cancel()
        self.assertEqual(first.state, "cancelled")
        self.assertNotEqual(self._plan(), first, "a cancelled visit no longer counts as one to make")

    def test_planning_many_customers_costs_the_same_queries(self):
        counts = []
        # the first call also fills the once-per-process caches (action, model and group lookups)
        for count in (5, 10, 40):
            partners = self.env["res.partner"].create([{"name": f"Visited {n}", "is_company": True}
                                                       for n in range(count)])
            files = self.env["collection.customer"].create([{"partner_id": partner.id} for partner in partners])
            self.env.flush_all()
            plan = files.with_user(self.supervisor).action_plan_visits
            counts.append(self._counted(plan, PLAN_QUERIES if count > 5 else 40))
            visits = self.env["collection.visit"].search([("customer_id", "in", files.ids)])
            self.assertEqual(files.with_user(self.supervisor).action_plan_visits()["domain"],
                             [("id", "in", visits.ids)], "many: the list of them, nothing planned twice")
            self.assertEqual((len(visits), set(visits.mapped("user_id").ids)), (count, {self.collector.id}))
        self.assertEqual(counts[1], counts[2], "planning does not grow with the number of customers")

    def test_quiet_hours_are_said_before_the_bell_is_rung(self):
        visit = self._plan()
        self.assertFalse(visit.compliance_warning, "noon at the customer's")
        with freeze_time(f"{TODAY} 15:00:00"):   # 23:00 in Shanghai
            visit.invalidate_recordset(["compliance_warning"])
            self.assertIn("Compliance: ", visit.with_user(self.collector).compliance_warning)
            self.assertIn("needs a reason", visit.compliance_warning)
            visit.with_user(self.collector).action_check_in()
            action = visit.with_user(self.collector).action_log_outcome()
            wizard = self.env["collection.contact.wizard"].with_user(self.collector).with_context(
                **action["context"]).create({"outcome": "reached"})
            with self.assertRaises(UserError):   # the contact log holds the line, as for a call
                wizard.action_confirm()
            self.assertEqual(visit.state, "on_site", "nothing half-written")

    def test_where_the_phone_was(self):
        # No position shared: checked in all the same, and said so.
        visit = self._plan()
        visit.with_user(self.collector).action_check_in()
        self.assertEqual((visit.state, visit.latitude, visit.distance), ("on_site", 0.0, 0.0))
        self.assertEqual(visit.position_note, "The phone did not share its position.")
        visit.with_user(self.collector).action_cancel()
        # Two kilometres away, with a phone sure to 50 m: flagged, and found by the filter.
        far = self._plan()
        far.with_user(self.collector).action_check_in(latitude=31.2484, longitude=121.4737, accuracy=50.0)
        self.assertTrue(far.far_from_address)
        self.assertEqual(far.position_note, "2002 m from the customer's address (the phone's accuracy: 50 m).")
        self.assertEqual(self.env["collection.visit"].search([("far_from_address", "=", True)]), far)
        far.with_user(self.collector).action_cancel()
        # A customer without coordinates: the position is kept, nothing to compare it with.
        self.customer.write({"partner_latitude": 0.0, "partner_longitude": 0.0})
        unknown = self._plan()
        unknown.with_user(self.collector).action_check_in(latitude=NEAR[0], longitude=NEAR[1], accuracy=5.0)
        self.assertEqual((unknown.distance, unknown.far_from_address), (0.0, False))
        self.assertIn("no coordinates", unknown.position_note)
        self.assertIn("search?query=", unknown.map_url)
        self.customer.write({"partner_latitude": SITE[0], "partner_longitude": SITE[1]})
        self.assertIn("no coordinates", unknown.position_note, "what was compared at the check-in stays as it was")

    def test_the_balance_is_signed_on_site_through_a_link_of_two_hours(self):
        visit = self._plan()
        with self.assertRaisesRegex(UserError, "checks in first"):
            visit.with_user(self.collector).action_sign_balance()
        visit.with_user(self.collector).action_check_in(latitude=NEAR[0], longitude=NEAR[1])
        with self.assertRaisesRegex(UserError, "Collector Test checks in first"):
            visit.with_user(self.supervisor).action_sign_balance()
        action = visit.with_user(self.collector).action_sign_balance()
        self.assertEqual((action["type"], action["target"]), ("ir.actions.act_url", "self"))
        raw = action["url"].removeprefix("/my/collection?token=")
        tokens = self.env["collection.portal.token"]
        self.assertEqual(tokens._resolve(raw), visit.portal_token_id)
        self.assertEqual(visit.portal_token_id.purpose, f"Visit of {TODAY} by Collector Test")
        self.assertEqual(str(visit.portal_token_id.expires_at), f"{TODAY} 06:00:00")
        self.assertFalse(visit.confirmation_id, "nothing signed yet")
        with freeze_time(f"{TODAY} 06:00:01"):
            self.assertFalse(tokens._resolve(raw), "the link lasts the visit")

    def test_check_in_is_refused_and_leaves_the_visit_as_it_was(self):
        visit = self._plan()
        for user, position, message in (
                (self.supervisor, {"latitude": NEAR[0], "longitude": NEAR[1]}, "Only Collector Test checks in"),
                (self.collector, {"latitude": 91.0, "longitude": NEAR[1]}, "not one"),
                (self.collector, {"latitude": NEAR[0], "longitude": None}, "not one"),
                (self.collector, {"latitude": NEAR[0], "longitude": NEAR[1], "accuracy": -3}, "not one")):
            with self.subTest(user=user.login, position=position), self.assertRaisesRegex(UserError, message):
                visit.with_user(user).action_check_in(**position)
            self.assertEqual((visit.state, visit.check_in_date, visit.latitude), ("planned", False, 0.0))
        with self.assertRaisesRegex(UserError, "Check in first"):
            visit.with_user(self.collector).action_log_outcome()
        visit.with_user(self.collector).action_check_in(latitude=NEAR[0], longitude=NEAR[1])
        with self.assertRaisesRegex(UserError, "Only a planned visit"):
            visit.with_user(self.collector).action_check_in(latitude=NEAR[0], longitude=NEAR[1])
        for values in ({"user_id": self.supervisor.id}, {"date": "2026-03-03"}):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "no longer change"):
                visit.with_user(self.supervisor).write(values)
        with self.assertRaisesRegex(UserError, "Only a visit not yet made is deleted"):
            visit.with_user(self.collector).unlink()

    def test_evidence_is_not_written_directly(self):
        """The same refusal for a form, an import and RPC: create and write both check the values."""
        visit = self._plan()
        visits = self.env["collection.visit"].with_user(self.collector)
        for values in ({"state": "done"}, {"latitude": NEAR[0], "longitude": NEAR[1]},
                       {"check_in_date": f"{TODAY} 03:00:00"}, {"distance": 0.0}):
            with self.subTest(values=values):
                with self.assertRaisesRegex(UserError, "recorded by checking in"):
                    visit.with_user(self.collector).write(values)
                with self.assertRaisesRegex(UserError, "recorded by checking in"):
                    visits.create({"customer_id": self.file.id, **values})
        result = visits.load(["customer_id/.id", "state"], [[str(self.file.id), "done"]])
        self.assertFalse(result["ids"], "an import of a visit done is refused")
        self.assertIn("recorded by checking in", result["messages"][0]["message"])
        self.assertEqual(visit.state, "planned")
        self.assertTrue(visits.create({"customer_id": self.file.id, "state": "planned"}), "the default is allowed")
        # Closing a visit with a contact of another channel, or another customer, is refused.
        visit.with_user(self.collector).action_check_in()
        call = self.env["collection.contact"].with_user(self.collector).create(
            {"customer_id": self.file.id, "channel": "call", "outcome": "reached"})
        with self.assertRaisesRegex(UserError, "not open for a contact"):
            visit._close(call)

    def test_only_collection_staff_see_visits(self):
        visit = self._plan()
        visit.with_user(self.collector).write({"photo": PHOTO})
        for user in (self.salesman, self.accountant):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                visit.with_user(user).check_access("read")
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["collection.visit"].with_user(user).create({"customer_id": self.file.id})
        legal = new_test_user(self.env, login="legal_visits", company_id=self.company.id,
                              groups="account_collection_litigation.group_litigation_user")
        self.assertEqual(visit.with_user(legal).partner_id, self.customer, "the legal team reads visits")
        with self.assertRaises(AccessError):
            visit.with_user(legal).write({"purpose": "Seize the goods"})
        with self.assertRaises(AccessError):
            self.file.with_user(self.salesman).action_plan_visits()
