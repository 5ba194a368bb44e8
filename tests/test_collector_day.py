from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import TODAY, CollectionCommon

MODULE = "account_collection_litigation"


class CollectorDayCommon(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reasons = {reason.code: reason for reason in cls.env["collection.dispute.reason"].search([])}

    def _log(self, file, user=None, **values):
        """Log a contact through the wizard, opened from the customer file as the collector does."""
        user = user or self.collector
        action = file.with_user(user).action_work_log()
        wizard = self.env["collection.contact.wizard"].with_user(user).with_context(**action["context"]).create(
            {"outcome": "reached", **values})
        wizard.action_confirm()
        return self.env["collection.contact"].search([("customer_id", "=", file.id)], limit=1)

    def _contact(self, file, **values):
        """A contact created directly (as an import or another module would)."""
        return self.env["collection.contact"].with_user(self.collector).create(
            {"customer_id": file.id, "outcome": "reached", **values})


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")   # noon in Shanghai, the customers' time zone
class TestContactLog(CollectorDayCommon):
    def test_contact_goes_to_history_and_chatter_and_completes_the_activity(self):
        self._invoice(10)
        file = self._escalate()
        file.activity_ids.unlink()
        call = file.activity_schedule("mail.mail_activity_data_call", user_id=self.collector.id,
                                      summary="Call about the overdue invoice")
        contact = self._log(file, channel="call", note="Spoke to the payables clerk", next_step="Call back",
                            next_date="2026-03-04")
        self.assertEqual(contact.activity_summary, "Call about the overdue invoice")
        self.assertFalse(call.exists(), "the matching activity is done")
        history = self.env["collection.history"].search([("customer_id", "=", file.id), ("event", "=", "contact")])
        self.assertEqual(len(history), 1)
        self.assertEqual(history.state, "done", "chasing carried out, for the escalation's count")
        self.assertIn("Spoke to the payables clerk", history.note)
        self.assertTrue(file.message_ids.filtered(lambda m: "Spoke to the payables clerk" in (m.body or "")))
        follow_up = file.activity_ids.filtered(lambda a: a.summary == "Call back")
        self.assertEqual(str(follow_up.date_deadline), "2026-03-04")
        with self.assertRaises(UserError):
            contact.with_user(self.collector).write({"note": "rewritten"})
        with self.assertRaises(UserError):
            contact.sudo().unlink()

    def test_log_from_an_invoice_and_from_an_activity(self):
        move = self._invoice(10)
        file = self._escalate()
        wizard = self.env["collection.contact.wizard"].with_user(self.collector).with_context(
            default_move_ids=move.ids).create({"outcome": "no_answer"})
        self.assertEqual(wizard.customer_id, file)
        self.assertEqual(wizard.move_ids, move)
        activity = move.activity_schedule("mail.mail_activity_data_todo", user_id=self.collector.id)
        action = self.env["collection.contact.wizard"]._action_open_for_activity(activity)
        wizard = self.env["collection.contact.wizard"].with_user(self.collector).with_context(
            **action["context"]).create({"outcome": "reached", "channel": "email"})
        self.assertEqual((wizard.customer_id, wizard.activity_id), (file, activity))
        wizard.action_confirm()
        self.assertFalse(activity.exists())

    def test_daily_cap_across_channels(self):
        self._invoice(10)
        file = self._escalate()
        for channel in ("call", "email", "visit"):
            self._contact(file, channel=channel)
        with self.assertRaises(UserError):
            self._contact(file, channel="sms")   # a 4th connected contact, in yet another channel
        over = self._contact(file, channel="sms", override_reason="The customer asked us to text the bank details")
        self.assertIn("connected contacts", over.compliance_note)
        self._contact(file, channel="call", outcome="no_answer")
        self._contact(file, channel="email", outcome="no_answer")
        with self.assertRaises(UserError):
            self._contact(file, channel="call", outcome="no_answer")   # the 6 attempts of the day are used up
        # an inbound contact is the customer's doing: it does not count, nor is it chasing carried out
        self._contact(file, channel="call", direction="inbound", note="They called about the bank details")
        inbound = self.env["collection.history"].search([("note", "ilike", "They called about the bank details")])
        self.assertFalse(inbound.state)
        overrides = self.env["collection.history"].search([("customer_id", "=", file.id), ("event", "=", "override")])
        self.assertEqual(len(overrides), 1)
        self.assertIn("The customer asked us to text the bank details", overrides.note)
        with freeze_time(f"{TODAY} 16:30:00"):   # 00:30 the next day in Shanghai: a new day, but quiet hours
            with self.assertRaises(UserError):
                self._contact(file, channel="call")
            self._contact(file, channel="letter")   # a letter disturbs nobody at night

    def test_quiet_hours_need_a_reason(self):
        self._invoice(10)
        file = self._escalate()
        with freeze_time(f"{TODAY} 15:00:00"):   # 23:00 in Shanghai
            wizard = self.env["collection.contact.wizard"].with_user(self.collector).create(
                {"customer_id": file.id, "outcome": "reached"})
            self.assertIn("quiet hours", wizard.compliance_warning)
            with self.assertRaises(UserError):
                wizard.action_confirm()
            wizard.override_reason = "The customer called back late and asked to be called at once"
            wizard.action_confirm()
        contact = file.contact_ids
        self.assertTrue(contact.in_quiet_hours)
        self.assertEqual(self.env["collection.history"].search_count(
            [("customer_id", "=", file.id), ("event", "=", "override")]), 1)

    def test_third_parties_never_hear_the_amount(self):
        move = self._invoice(10)
        file = self._escalate()
        third = {"person": "third_party", "third_party_name": "Receptionist of the building"}
        with self.assertRaises(ValidationError):
            self._contact(file, note="Told her they owe ¥12,000", **third)
        with self.assertRaises(ValidationError):
            self._contact(file, outcome="promise", **third)
        with self.assertRaises(ValidationError):
            self._contact(file, move_ids=[(6, 0, move.ids)], **third)
        contact = self._contact(file, note="Gave the new mobile of Mr Li: +86 138 0013 8000", **third)
        self.assertNotIn("12,000", contact._summary())
        wizard = self.env["collection.contact.wizard"].with_user(self.collector).create(
            {"customer_id": file.id, "outcome": "reached", "note": "He owes RMB 5,000", **third})
        self.assertIn("amount", wizard.third_party_warning)

    def test_recording_only_with_consent(self):
        self._invoice(10)
        file = self._escalate()
        with self.assertRaises(ValidationError):
            self._contact(file, recording=b"UklGRg==", recording_filename="call.wav")
        contact = self._contact(file, recording=b"UklGRg==", recording_filename="call.wav", recording_consent=True)
        self.assertTrue(contact.recording)

    def test_user_without_collections_group_is_refused(self):
        move = self._invoice(10)
        file = self._escalate()
        for user in (self.salesman, self.accountant):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["collection.contact"].with_user(user).create(
                        {"customer_id": file.id, "outcome": "reached"})
                with self.assertRaises(AccessError):
                    self.env["collection.contact.wizard"].with_user(user).create(
                        {"customer_id": file.id, "outcome": "reached"})
                with self.assertRaises(AccessError):
                    self.env["collection.promise"].with_user(user).create(
                        {"customer_id": file.id, "amount": 10.0, "date": TODAY})
                with self.assertRaises(AccessError):
                    self.env["collection.payment.plan"].with_user(user).create(
                        {"customer_id": file.id, "move_ids": [(6, 0, move.ids)]})
                with self.assertRaises(AccessError):
                    file.with_user(user).action_work_call()
        with self.assertRaises(AccessError):
            file.with_user(self.collector).action_reassign()
        self.assertFalse(self.env["collection.contact"].search([("customer_id", "=", file.id)]))

    def test_pause_wizard_offers_every_reason_with_its_title(self):
        self._invoice(10)
        offered = dict(self.env["collection.pause.wizard"]._fields["reason"].selection)
        self.assertEqual(set(offered), {"excluded", "dispute", "promise", "payment_plan", "litigation"})
        wizard = self.env["collection.pause.wizard"].new({"reason": "payment_plan"})
        self.assertEqual(wizard.title, "Pause: Payment plan")


@tagged("post_install", "-at_install")
class TestPromisesAndDisputes(CollectorDayCommon):
    def _promise_600_by_5_march(self, partner, paid):
        with freeze_time(f"{TODAY} 04:00:00"):
            move = self._invoice(20, amount=1000.0, partner=partner)
            file = self._escalate(partner)
            self._log(file, outcome="promise", promise_amount=600.0, promise_date="2026-03-05",
                      note="Will pay 600 by Thursday")
            if paid:
                self._pay(move, paid)
        return file

    def test_promises_kept_partly_kept_and_broken(self):
        files = {paid: self._promise_600_by_5_march(self._customer(f"Promiser {paid:g}"), paid)
                 for paid in (600.0, 200.0, 0.0)}
        promise = files[0.0].promise_ids
        self.assertEqual(promise.pause_id.reason, "promise", "the engine's pause carries the promise")
        self.assertEqual(promise.contact_id.outcome, "promise")
        reminder = files[0.0].activity_ids.filtered(lambda a: str(a.date_deadline) == "2026-03-05")
        self.assertTrue(reminder, "a follow-up on the promised date")
        with freeze_time("2026-03-09 04:00:00"):   # the 3 grace days are over
            for file in files.values():
                file._escalate(trigger="cron")
        self.assertEqual([files[p].promise_ids.state for p in (600.0, 200.0, 0.0)], ["kept", "partial", "broken"])
        self.assertEqual(files[200.0].promise_ids.amount_paid, 200.0)
        self.assertEqual((files[200.0].promise_kept_count, files[200.0].promise_partial_count,
                          files[200.0].promise_broken_count), (0, 1, 0))
        self.assertEqual(files[0.0].promise_record, "0 kept · 0 partly kept · 1 broken")

    @freeze_time(f"{TODAY} 04:00:00")
    def test_dispute_pauses_only_its_invoices_until_resolved(self):
        disputed, other = self._invoices([(self.customer, 40, 700.0), (self.customer, 40, 300.0)])
        file = self._escalate()
        self._log(file, outcome="dispute", objection_id=self.reasons["price"].id,
                  dispute_move_ids=[(6, 0, disputed.ids)], note="The agreed price was 600")
        dispute = file.dispute_ids
        self.assertEqual(dispute.amount, 700.0)
        self.assertEqual(dispute.response, self.reasons["price"].response)
        self._escalate()   # saving only queued the customer: the run applies the pause
        self.assertEqual(disputed.collection_pause_reason, "dispute")
        self.assertFalse(other.collection_pause_id, "the other invoices are chased as before")
        self.assertEqual(file.claim_amount, 300.0)
        dispute.with_user(self.collector).action_resolve_rejected()
        self.assertEqual((dispute.state, dispute.resolution), ("resolved", "rejected"))
        self.assertEqual(dispute.pause_id.state, "ended")
        self.assertFalse(file.checked_on, "resolving only queues the customer for the run")
        self.assertTrue(disputed.collection_pause_id, "nothing is re-escalated inside the user's request")
        self._escalate()
        self.assertFalse(disputed.collection_pause_id, "chasing resumes after the resolution")
        self.assertEqual(file.claim_amount, 1000.0)
        with self.assertRaises(UserError):
            dispute.action_resolve_corrected()

    @freeze_time(f"{TODAY} 04:00:00")
    def test_quality_dispute_goes_to_the_salesperson(self):
        self.customer.user_id = self.salesman
        move = self._invoice(40)
        file = self._escalate()
        dispute = self.env["collection.dispute"].with_user(self.collector).create({
            "customer_id": file.id, "reason_id": self.reasons["quality"].id, "move_ids": [(6, 0, move.ids)],
            "description": "Ten pumps failed the acceptance test",
        })
        activity = dispute.activity_ids
        self.assertEqual(activity.user_id, self.salesman)
        self.assertIn(self.reasons["quality"].name, activity.summary)
        self.assertEqual(dispute.with_user(self.salesman).description, "Ten pumps failed the acceptance test")
        with self.assertRaises(UserError):
            dispute.with_user(self.collector).action_resolve_credit_note()   # which credit note?

    @freeze_time(f"{TODAY} 04:00:00")
    def test_repeated_excuse_asks_the_supervisor_once(self):
        self._invoice(40)
        file = self._escalate()
        away = self.reasons["person_away"]
        for _n in range(2):
            self._log(file, objection_id=away.id)
        self.assertFalse(file.repeated_excuse_ids)
        self._log(file, objection_id=away.id)
        self.assertEqual(file.repeated_excuse_ids, away)
        strategy = file.activity_ids.filtered(lambda a: "Repeated excuse" in (a.summary or ""))
        self.assertEqual(strategy.user_id, self.supervisor)
        with freeze_time("2026-03-03 04:00:00"):
            self._log(file, objection_id=away.id)
        self.assertEqual(len(file.activity_ids.filtered(lambda a: "Repeated excuse" in (a.summary or ""))), 1)
        # a dispute raised for the same reason after that is marked as a repeated excuse
        dispute = self.env["collection.dispute"].create({
            "customer_id": file.id, "reason_id": away.id, "move_ids": [(6, 0, file.move_ids.ids)],
            "description": "Away again"})
        self.assertTrue(dispute.repeated_excuse)


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestWorklist(CollectorDayCommon):
    def _worklist(self, user=None):
        return self.env["collection.worklist"].with_user(user or self.collector).search(
            [("user_id", "=", (user or self.collector).id)])

    def test_follow_ups_due_first_then_by_priority(self):
        big, due_small, due_big = (self._customer(name) for name in ("Big Not Due", "Due Small", "Due Big"))
        self._invoices([(big, 90, 90000.0), (due_small, 40, 1000.0), (due_big, 40, 20000.0)])
        files = {partner: self._escalate(partner) for partner in (big, due_small, due_big)}
        for partner, file in files.items():
            file.activity_ids.unlink()
            file.sudo().next_action_date = "2026-03-20"
            if partner != big:
                file.activity_schedule("mail.mail_activity_data_call", user_id=self.collector.id)
        self.env.ref(f"{MODULE}.ir_cron_collection_worklists").method_direct_trigger()
        self.assertGreater(files[big].work_priority, files[due_big].work_priority)
        rows = self._worklist()
        self.assertEqual(rows.partner_id[:3], due_big | due_small | big)
        self.assertEqual(rows[:2].mapped("is_due"), [True, True])
        # the manager weighs the days overdue only: a row's priority follows
        self.policy.write({"priority_weight_amount": 0, "priority_weight_stage": 0, "priority_weight_risk": 0,
                           "priority_weight_broken": 0})
        files[big]._compute_work_priorities()
        self.assertEqual(files[big].work_priority, 50)   # 90 of 180 days

    def test_priorities_cost_the_same_queries_for_5_or_40_customers(self):
        partners = [self._customer(f"Queue {n}") for n in range(40)]
        self._invoices([(partner, 10 + n, 100.0 * (n + 1)) for n, partner in enumerate(partners)])
        files = self.env["collection.customer"].search([("partner_id", "in", [p.id for p in partners])])
        files[5:10]._compute_work_priorities()   # warm-up: what is read once per process
        counts = []
        for subset in (files[:5], files):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            subset._compute_work_priorities()
            counts.append(self.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1], "set-based: one read, one write, whatever the number of files")
        self.assertEqual(files.sorted("claim_amount")[-1].work_priority, max(files.mapped("work_priority")))

    def test_worklist_buttons_and_who_to_call(self):
        self.customer.write({"child_ids": [(0, 0, {"name": "Wang Lei", "type": "invoice", "phone": "+86 21 5555 0101",
                                                   "email": "wang@customer.example"})]})
        self._invoice(40)
        file = self._escalate()
        row = self._worklist()
        self.assertEqual(row.customer_id, file)
        self.assertEqual(row.ap_phone, "+86 21 5555 0101")
        self.assertEqual(file.ap_contact_id.name, "Wang Lei")
        self.assertEqual(file.customer_local_time, "Mon 12:00")
        self.assertEqual(file.call_windows, "09:30–11:30, 14:00–16:30 (Asia/Shanghai)")
        self.assertFalse(file.in_call_window)
        self.assertEqual(row.call_script_id, self.env.ref(f"{MODULE}.collection_call_script_general"))
        action = row.action_work_promise()
        self.assertEqual(action["context"]["default_outcome"], "promise")
        self.assertEqual(row.action_work_plan()["res_model"], "collection.payment.plan")
        self.assertTrue(row.action_work_letter())


    def test_who_to_call_is_a_named_person(self):
        """An invoice address without a name is no one to ask for: a named contact person comes first."""
        self.customer.write({"child_ids": [
            (0, 0, {"type": "invoice", "street": "1 Payables Road", "phone": "+86 21 5555 0100"}),
            (0, 0, {"name": "Li Na", "type": "contact", "function": "Accounts Payable", "mobile": "+86 139 0000 0102",
                    "email": "li.na@customer.example"}),
        ]})
        self._invoice(40)
        file = self._escalate()
        self.assertEqual(file.ap_contact_id.name, "Li Na")
        self.assertEqual(file.ap_mobile, "+86 139 0000 0102")
        self.assertEqual(file.ap_email, "li.na@customer.example")

    def test_new_customers_go_to_the_lightest_collector_of_their_segment(self):
        other = new_test_user(self.env, login="collector_two", groups=f"{MODULE}.group_collection_collector",
                              company_id=self.company.id)
        self.env["collection.team"].create({
            "name": "Problem customers", "customer_type": "problem",
            "member_ids": [(6, 0, (self.collector | other).ids)], "capacity_customers": 1,
        })
        problem = [self._customer(f"Problem {n}", collection_customer_type="problem") for n in range(3)]
        general = self._customer("General One", collection_customer_type="general")
        self._invoices([(partner, 40, 1000.0 * (n + 1)) for n, partner in enumerate([*problem, general])])
        for partner in [*problem, general]:
            self._escalate(partner)
        self.env["collection.customer"]._assign_collectors()
        owners = [self._file(partner).user_id for partner in problem]
        self.assertEqual(sorted(len([u for u in owners if u == user]) for user in (self.collector, other)), [1, 2])
        self.assertEqual(self._file(general).user_id, self.collector, "no team of its own: the policy's collector")
        # each customer went, as the escalation met it, to the lighter of the two: 1 000 to the collector, 2 000
        # to the other, 3 000 to the collector again (1 customer each, the smaller claim lighter)
        self.assertEqual([self._file(partner).user_id for partner in problem], [self.collector, other, self.collector])
        workload = {row.user_id: row for row in self.env["collection.workload.report"].search(
            [("user_id", "in", (self.collector | other).ids)])}
        self.assertTrue(workload[self.collector].over_capacity, "3 customers for a capacity of 1")
        self.assertFalse(workload[other].over_capacity, "1 customer: at capacity, not over")
        wizard = self.env["collection.reassign.wizard"].with_user(self.supervisor).create({
            "customer_ids": [(6, 0, self._file(general).ids)], "user_id": other.id})
        self.assertIn("over their capacity", wizard.capacity_warning)
        wizard.action_confirm()
        self.assertEqual(self._file(general).user_id, other)
        # a team of a customer tag takes the customers that carry it
        tag = self.env["res.partner.category"].create({"name": "Key accounts"})
        self.env["collection.team"].create({"name": "Key accounts", "category_ids": [(6, 0, tag.ids)],
                                            "member_ids": [(6, 0, other.ids)]})
        key = self._customer("Key One", collection_customer_type="general", category_id=[(6, 0, tag.ids)])
        self._invoice(40, partner=key)
        self.assertEqual(self._escalate(key).user_id, other)

    def test_collectors_land_on_their_worklist(self):
        action = self.env.ref(f"{MODULE}.collection_worklist_action_my")
        self.assertEqual(self.collector.action_id.id, action.id)
        self.assertNotEqual(self.env.ref("base.user_admin").action_id.id, action.id, "the administrator keeps his")
        self.assertFalse(self.accountant.action_id)

    def test_debtor_assessment_classifies_and_keeps_its_history(self):
        self._invoice(40)
        file = self._escalate()
        assessments = self.env["collection.debtor.assessment"].with_user(self.collector)
        assessments.create({"customer_id": file.id, "ability": "temporary", "willingness": "cooperative",
                            "date": "2026-02-20"})
        self.assertEqual((file.debtor_class, file.debtor_strategy, file.risk_level), ("soft", "instalments", "low"))
        self.assertFalse(file.needs_management_owner)
        assessments.create({"customer_id": file.id, "ability": "able", "willingness": "bad_faith"})
        self.assertEqual((file.debtor_class, file.debtor_strategy, file.risk_level), ("hard", "legal", "high"))
        self.assertEqual(len(file.assessment_ids), 2, "earlier judgements stay")
        self.assertEqual(file.matrix_strategy, "strict")
        self.assertTrue(file.needs_management_owner)
        ask = file.activity_ids.filtered(lambda a: "management owner" in (a.summary or ""))
        self.assertEqual(ask.user_id, self.supervisor)
        file.management_owner_id = self.manager
        self.assertFalse(file.needs_management_owner)


@tagged("post_install", "-at_install")
class TestCollectorDayData(CollectorDayCommon):
    @freeze_time(f"{TODAY} 04:00:00")
    def test_files_created_in_bulk_are_completed_by_the_morning_cron(self):
        """The escalation creates files with one INSERT: the morning cron gives them what this module stores."""
        key_account = self._customer("Key Account", collection_customer_type="core")
        self.env.flush_all()
        self.env.cr.execute(
            "INSERT INTO collection_customer (partner_id, company_id, overdue_count) VALUES (%s, %s, 1) RETURNING id",
            (key_account.id, self.company.id))
        file = self.env["collection.customer"].browse(self.env.cr.fetchone()[0])
        self.assertFalse(file.importance)
        self.env.ref(f"{MODULE}.ir_cron_collection_worklists").method_direct_trigger()
        self.assertEqual((file.importance, file.risk_level), ("important", "low"))
        self.assertTrue(file.needs_management_owner, "a key customer gets a management owner")
        self.assertEqual(file.work_checked_on.isoformat(), TODAY)
        self.assertFalse(file.message_ids.tracking_value_ids, "a first run logs no importance change per file")

    @freeze_time(f"{TODAY} 04:00:00")
    def test_other_company_work_is_hidden(self):
        other = self.setup_other_company(name="Hidden Work Co")["company"]
        self._invoices([(self.customer, 40, 500.0)], company=other)
        file = self._file(company=other)
        self.env["collection.contact"].create({"customer_id": file.id, "outcome": "reached"})
        self.env["collection.promise"].create({"customer_id": file.id, "amount": 100.0, "date": "2026-03-10"})
        for model in ("collection.contact", "collection.promise", "collection.worklist", "collection.history"):
            with self.subTest(model=model):
                self.assertFalse(self.env[model].with_user(self.collector).search([("company_id", "=", other.id)]))

    def test_demo_lets_a_collector_work_a_day(self):
        collector = self.env.ref(f"{MODULE}.demo_user_collector", raise_if_not_found=False)
        if not collector:
            self.skipTest("installed without demo data")
        rows = self.env["collection.worklist"].with_user(collector).search([("user_id", "=", collector.id)])
        self.assertTrue(rows.filtered("is_due"), "calls due today")
        promised = rows.filtered("promise_date")
        self.assertEqual(promised.partner_id, self.env.ref(f"{MODULE}.demo_customer_03"))
        self.assertTrue(promised.is_due, "the promise falls due today (the collector's today may be tomorrow)")
        self.assertEqual(rows[0].is_due, True, "what is due comes first")
        self.assertEqual(self.env.ref(f"{MODULE}.demo_dispute_quality").with_user(collector).state, "open")
        plan = self.env.ref(f"{MODULE}.demo_plan").with_user(collector)
        self.assertEqual((plan.state, plan.line_ids.mapped("state")[:2]), ("active", ["paid", "open"]))
        self.assertEqual(collector.action_id.id, self.env.ref(f"{MODULE}.collection_worklist_action_my").id)
