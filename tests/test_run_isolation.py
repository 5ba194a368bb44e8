from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, RecordCapturer, tagged

from .common import TODAY
from .legal_common import MODULE, LegalCommon

INTEREST_ERROR = "Set the interest product or account"


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")   # 2 March: the first week of the month, when interest is invoiced monthly
class TestRunIsolation(LegalCommon):
    """A run that nothing stops: one poisoned customer file, one poisoned company, one poisoned record of each
    scheduled action; every other record is processed, the failure is told, and a rerun after the fix does the
    skipped work once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.company_data["default_account_revenue"]
        cls.policy.write({
            "interest_rule_id": cls.env.ref(f"{MODULE}.collection_interest_rule_prc_lpr").id,
            "interest_account_id": cls.revenue.id, "interest_invoicing": "monthly",
        })
        cls.cron = cls.env.ref(f"{MODULE}.ir_cron_collection_escalate")

    # === Helpers === #
    def _run(self):
        while self.env["collection.customer"]._cron_escalate(batch_size=2):
            pass

    def _notices(self, cron_xmlid=f"{MODULE}.ir_cron_collection_escalate"):
        cron = self.env.ref(cron_xmlid)
        return self.env["mail.message"].search([("model", "=", "ir.cron"), ("res_id", "=", cron.id)])

    def _poison_policy(self, policy):
        """The configuration the policy now refuses, as data from before the check or an import would hold."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE collection_policy SET interest_invoicing = 'monthly', interest_account_id = NULL, "
            "interest_product_id = NULL WHERE id = %s", [policy.id])
        self.env.invalidate_all()

    def _errors_posted(self, record):
        return record.message_ids.filtered(lambda message: INTEREST_ERROR in (message.body or "")
                                           or "Poisoned" in (message.body or ""))

    @contextmanager
    def _poisoned(self, model, method, is_poisoned):
        """`method` of `model` raises when `is_poisoned(records, *args)`: the fault of one record's data, injected
        into that record's processing only; every other call goes through the real code."""
        cls = type(self.env[model])
        original = getattr(cls, method)

        def poisoned(records, *args, **kwargs):
            if is_poisoned(records, *args):
                raise UserError(records.env._("Poisoned record"))
            return original(records, *args, **kwargs)

        with patch.object(cls, method, poisoned):
            yield

    # === The policy refuses the configuration === #
    def test_monthly_interest_without_product_or_account_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "invoices interest monthly"):
            self.policy.write({"interest_account_id": False})
        policy = self.env["collection.policy"].create({"name": "Claim only", "company_id": self.company.id})
        with self.assertRaisesRegex(ValidationError, "interest product or the interest income account"):
            policy.interest_invoicing = "monthly"
        with Form(policy) as form:
            form.interest_invoicing = "monthly"
            form.interest_account_id = self.revenue
        self.assertEqual(policy.interest_invoicing, "monthly")

    # === The escalation === #
    def test_poisoned_file_is_skipped_the_others_escalated_and_a_rerun_after_the_fix_escalates_it_once(self):
        occasional = self.policy.copy({"name": "Occasional customers", "customer_type": "occasional"})
        self.assertEqual(len(occasional.stage_ids), len(self.policy.stage_ids))
        healthy = [self._customer(f"Healthy {n}") for n in range(3)]
        poisoned = self._customer("Poisoned Trading", collection_customer_type="occasional")
        self._invoices([(partner, 60, 1000.0) for partner in (*healthy, poisoned)])
        self._poison_policy(occasional)
        today = fields.Date.today()

        with RecordCapturer(self.env["mail.message"], [("model", "=", "ir.cron")]) as notices:
            self._run()
        files = {partner: self._file(partner) for partner in (*healthy, poisoned)}
        stage = files[healthy[0]].stage_id
        self.assertTrue(stage)
        for partner in healthy:
            self.assertEqual(files[partner].checked_on, today)
            self.assertEqual(files[partner].stage_id, stage)
            self.assertFalse(files[partner].escalation_error)
            self.assertEqual(len(files[partner].move_ids.collection_interest_invoice_ids), 1)
        bad = files[poisoned]
        self.assertFalse(bad.checked_on)
        self.assertFalse(bad.stage_id)
        self.assertIn(INTEREST_ERROR, bad.escalation_error)
        self.assertEqual(bad.escalation_failed_on, today)
        self.assertEqual(len(self._errors_posted(bad)), 1, "the error is on the file's chatter")
        self.assertFalse(self.env["collection.history"].search([("customer_id", "=", bad.id)]))
        self.assertFalse(bad.activity_ids)
        # The managers are told once, in one notice naming the file.
        self.assertEqual(len(notices.records), 1)
        self.assertIn(self.manager.partner_id, notices.records.partner_ids)
        self.assertIn("Poisoned Trading", notices.records.body)

        # The run goes on calling: the file is not tried again today, nobody is told twice.
        with RecordCapturer(self.env["mail.message"], []) as messages:
            self._run()
        self.assertFalse(messages.records)
        self.assertEqual(self.env["collection.escalation"]._count_files_to_check(), 0)

        # The cause mended, a manager runs the escalation again: the skipped file is escalated, once.
        occasional.interest_account_id = self.revenue
        self.env["collection.customer"].with_user(self.manager).action_run_escalation()
        with RecordCapturer(self.env["collection.history"], []) as history:
            self._run()
        self.assertEqual(bad.checked_on, today)
        self.assertEqual(bad.stage_id.name, stage.name)
        self.assertFalse(bad.escalation_error or bad.escalation_failed_on)
        self.assertEqual(history.records.customer_id, bad, "the other files are not escalated twice")
        self.assertEqual(len(history.records.filtered(lambda row: row.event == "stage" and not row.move_id)), 1)
        self.assertEqual(len(bad.move_ids.collection_interest_invoice_ids), 1)
        self.assertEqual(sorted(self._actions_done(poisoned).mapped("name")),
                         sorted(self._actions_done(healthy[0]).mapped("name")))
        activities = bad.activity_ids
        self.assertTrue(activities)
        # A second rerun adds nothing anywhere.
        with RecordCapturer(self.env["collection.history"], []) as history, \
                RecordCapturer(self.env["mail.activity"], []) as new_activities, \
                RecordCapturer(self.env["mail.message"], []) as messages:
            self.env["collection.customer"].with_user(self.manager).action_run_escalation()
            self._run()
        self.assertFalse(history.records or new_activities.records or messages.records)
        self.assertEqual(bad.activity_ids, activities)
        self.assertEqual(len(self._notices()), 1)

    def test_poisoned_company_does_not_stop_the_others(self):
        other_data = self.setup_other_company(name="Poisoned Company")
        other = other_data["company"]
        # a new company gets its copy of the standard policy when it is created
        policy_b = self.env["collection.policy"].search([("company_id", "=", other.id)], limit=1)
        policy_b.interest_rule_id = self.policy.interest_rule_id
        self._poison_policy(policy_b)
        here = [self._customer(f"Here {n}") for n in range(2)]
        there = [self._customer(f"There {n}") for n in range(2)]
        self._invoices([(partner, 60, 1000.0) for partner in here])
        self._invoices([(partner, 60, 1000.0) for partner in there], company=other)
        today = fields.Date.today()

        self._run()
        for partner in here:
            self.assertEqual(self._file(partner).checked_on, today)
            self.assertTrue(self._file(partner).stage_id)
        failed = self.env["collection.customer"].browse([self._file(partner, other).id for partner in there])
        self.assertEqual(len(failed), 2)
        self.assertFalse(any(failed.mapped("checked_on")))
        self.assertTrue(all(INTEREST_ERROR in error for error in failed.mapped("escalation_error")))
        for file in failed:
            self.assertEqual(len(self._errors_posted(file)), 1)
        self.assertEqual(len(self._notices()), 1, "one notice for the run, whatever the number of files")

        policy_b.interest_account_id = other_data["default_account_revenue"]
        self.env["collection.customer"].with_user(self.manager).action_run_escalation()
        with RecordCapturer(self.env["collection.history"], [("event", "=", "stage"), ("move_id", "=", False)]) \
                as stages:
            self._run()
            self.env["collection.customer"].with_user(self.manager).action_run_escalation()
            self._run()
        self.assertEqual(sorted(stages.records.customer_id.ids), sorted(failed.ids), "once each")
        self.assertEqual(set(failed.mapped("checked_on")), {today})
        self.assertFalse(any(failed.mapped("escalation_error")))

    def test_an_error_reaches_the_user_who_escalates_now(self):
        """Only the scheduled run isolates: a user's *Escalate Now* says what is wrong."""
        occasional = self.policy.copy({"name": "Occasional customers", "customer_type": "occasional"})
        poisoned = self._customer("Poisoned Trading", collection_customer_type="occasional")
        self._invoice(60, partner=poisoned)
        self._poison_policy(occasional)
        with self.assertRaisesRegex(UserError, INTEREST_ERROR):
            self._file(poisoned).action_escalate_now()

    # === Every other scheduled action === #
    def _assert_told_once(self, cron_xmlid, name):
        notices = self._notices(f"{MODULE}.{cron_xmlid}")
        self.assertEqual(len(notices), 1, "the managers are told once")
        self.assertIn(name, notices.body)
        self.assertIn(self.manager.partner_id, notices.partner_ids)

    def test_letters(self):
        healthy, poisoned = self._customer("Healthy Letters"), self._customer("Poisoned Letters")
        self.policy.interest_invoicing = "never"
        self._invoices([(healthy, 4, 500.0), (poisoned, 4, 500.0)])
        self._run()
        engine = self.env["collection.letter.engine"]
        rows = engine._pending_calendar_rows()
        self.assertEqual(set(rows.partner_id.ids), {healthy.id, poisoned.id})
        with self._poisoned("collection.letter.engine", "_draft_calendar_letters",
                            lambda _engine, rows: poisoned in rows.partner_id):
            while engine._cron_generate_letters():
                pass
        letters = self.env["collection.letter"].search([("partner_id", "in", (healthy | poisoned).ids)])
        self.assertEqual(letters.partner_id, healthy)
        self.assertFalse(engine._pending_calendar_rows(), "the poisoned row is not picked call after call")
        self.assertEqual(len(self._errors_posted(self._file(poisoned))), 1)
        self._assert_told_once("ir_cron_collection_letter_batch", "Poisoned Letters")

    def test_letter_batches(self):
        healthy, poisoned = self._customer("Healthy Batch"), self._customer("Poisoned Batch")
        self.policy.interest_invoicing = "never"
        self._invoices([(healthy, 12, 500.0), (poisoned, 12, 500.0)])
        self._run()
        engine = self.env["collection.letter.engine"]
        while engine._cron_generate_letters():   # the calendar's letters first
            pass
        good, bad = self._file(healthy), self._file(poisoned)
        batch = self.env["collection.letter.batch"].create({
            "name": "Formal demands", "company_id": self.company.id, "kind": "formal_demand", "date": TODAY,
            "customer_ids": [(6, 0, (good | bad).ids)],
        })
        with self._poisoned("collection.letter.engine", "_generate", lambda _engine, files, *_args: bad in files):
            while engine._cron_generate_letters():
                pass
        self.assertEqual(batch.state, "done", "the batch ends without the poisoned customer")
        self.assertEqual(batch.letter_ids.customer_id, good)
        self.assertEqual(batch.customer_ids, good)
        self.assertEqual(len(self._errors_posted(batch)), 1, "named with its error on the batch's chatter")
        self._assert_told_once("ir_cron_collection_letter_batch", "Formal demands")

    def test_legal_deadlines(self):
        healthy, poisoned = self._customer("Healthy Deadline"), self._customer("Poisoned Deadline")
        for partner in (healthy, poisoned):
            self._due_on(date(2023, 4, 10), 700.0, partner=partner)
        alerts = self.env["collection.case.alert"]
        with self._poisoned("collection.case.alert", "_raise_alerts", lambda _alerts, candidates: any(
                candidate.get("file") and candidate["file"].partner_id == poisoned for candidate in candidates)):
            self.env.ref(f"{MODULE}.ir_cron_collection_case_deadlines").method_direct_trigger()
        raised = alerts.search([("move_id.partner_id", "in", (healthy | poisoned).ids)])
        self.assertEqual(raised.move_id.partner_id, healthy)
        pending = alerts._pending_alerts(date(2026, 3, 2))
        self.assertEqual({candidate["file"].partner_id for candidate in pending}, {poisoned})
        self.assertEqual(len(self._errors_posted(self._file(poisoned))), 1)
        self._assert_told_once("ir_cron_collection_case_deadlines", "Poisoned Deadline")

    def test_payment_plans(self):
        self.policy.interest_invoicing = "never"
        healthy, poisoned = self._customer("Healthy Plan"), self._customer("Poisoned Plan")
        moves = self._invoices([(healthy, 40, 900.0), (poisoned, 40, 900.0)])
        self._run()
        plans = self.env["collection.payment.plan"].create([{
            "customer_id": self._file(move.partner_id).id, "move_ids": [(6, 0, move.ids)],
            "instalment_count": 3, "first_date": TODAY,
        } for move in moves])
        plans.sudo().write({"state": "active", "residual_at_start": 900.0})
        self._pay(moves[0], 300.0)
        self._pay(moves[1], 300.0)
        bad = plans.filtered(lambda plan: plan.partner_id == poisoned)
        with self._poisoned("collection.payment.plan", "_match_payments", lambda plans, _today: bad in plans):
            self.env.ref(f"{MODULE}.ir_cron_collection_payment_plans").method_direct_trigger()
        good = plans - bad
        self.assertEqual((good.amount_paid, good.checked_on), (300.0, fields.Date.today()))
        self.assertEqual(bad.amount_paid, 0.0)
        self.assertEqual(bad.checked_on, fields.Date.today(), "done for the day: not picked call after call")
        self.assertEqual(len(self._errors_posted(bad)), 1)
        self._assert_told_once("ir_cron_collection_payment_plans", bad.display_name)

    def test_settlements(self):
        settlements = self.env["collection.case.settlement"]
        moves = {}
        for name in ("Healthy Settlement", "Poisoned Settlement"):
            move = moves[name] = self._due_on(self._d(2025, 6, 30), 3000.0, partner=self._customer(name))
            case = self._case(move)
            case.stage_id = self.stage["judgment"]
            settlement = settlements.with_user(self.legal_user).create({
                "case_id": case.id, "amount": 3000.0, "instalment_count": 3, "first_due": TODAY})
            settlement.with_user(self.legal_user).action_activate()
            self._pay(move, 1000.0)
            settlements |= settlement
        good, bad = settlements
        with self._poisoned("collection.case.settlement", "_match_payments",
                            lambda records, _today: bad in records):
            self.env["collection.case.settlement"]._cron_check_settlements()
        self.assertEqual(good.line_ids.sorted("sequence").mapped("amount_paid"), [1000.0, 0.0, 0.0])
        self.assertEqual(bad.line_ids.mapped("amount_paid"), [0.0, 0.0, 0.0])
        self.assertEqual(len(self._errors_posted(bad)), 1)
        self._assert_told_once("ir_cron_collection_settlements", bad.display_name)

    def test_worklists(self):
        self.policy.interest_invoicing = "never"
        healthy, poisoned = self._customer("Healthy Worklist"), self._customer("Poisoned Worklist")
        self._invoices([(healthy, 40, 900.0), (poisoned, 40, 900.0)])
        self._run()
        good, bad = self._file(healthy), self._file(poisoned)
        with self._poisoned("collection.customer", "_compute_work_priorities",
                            lambda files, *_args: bad in files):
            self.env.ref(f"{MODULE}.ir_cron_collection_worklists").method_direct_trigger()
        self.assertEqual(good.work_checked_on, fields.Date.today())
        self.assertGreater(good.work_priority, 0)
        self.assertFalse(bad.work_priority)
        self.assertEqual(bad.work_checked_on, fields.Date.today(), "done for the day: not picked call after call")
        self.assertEqual(len(self._errors_posted(bad)), 1)
        self._assert_told_once("ir_cron_collection_worklists", "Poisoned Worklist")

    def test_credit_grades(self):
        other = self.setup_other_company(name="Poisoned Grades")["company"]
        self._invoice(40, 900.0)
        with self._poisoned("collection.credit.rating", "_rate_company",
                            lambda _ratings, company, *_args: company == other):
            self.env.ref(f"{MODULE}.ir_cron_collection_regrade").method_direct_trigger()
        ratings = self.env["collection.credit.rating"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(ratings.company_id, self.company)
        self._assert_told_once("ir_cron_collection_regrade", "Poisoned Grades")

    def test_alerts(self):
        rules = self.env["collection.alert.rule"].create([
            {"name": name, "kind": "credit_limit", "threshold": 0.0, "user_id": self.manager.id}
            for name in ("Healthy Rule", "Poisoned Rule")])
        self.customer.with_company(self.company).credit_limit = 500.0
        self._invoice(10, 2000.0)
        good, bad = rules
        with self._poisoned("collection.alert.rule", "_check_rules", lambda records: bad in records):
            self.env.ref(f"{MODULE}.ir_cron_collection_alerts").method_direct_trigger()
        self.assertEqual(good.alert_ids.partner_id, self.customer)
        self.assertFalse(bad.alert_ids)
        self._assert_told_once("ir_cron_collection_alerts", "Poisoned Rule")

    def test_digests(self):
        managers = [self.env["res.users"].create({
            "name": name, "login": name.lower().replace(" ", "_"), "email": f"{name.split()[0].lower()}@test.example",
            "groups_id": [(6, 0, self.env.ref(f"{MODULE}.group_collection_manager").ids)],
        }) for name in ("Healthy Manager", "Poisoned Manager")]
        good, bad = managers
        with self._poisoned("collection.digest", "_send_digest", lambda _digest, manager: manager == bad):
            self.env.ref(f"{MODULE}.ir_cron_collection_digest").method_direct_trigger()
        digests = self.env["collection.digest"].search([("user_id", "in", [good.id, bad.id])])
        self.assertEqual(digests.user_id, good)
        self._assert_told_once("ir_cron_collection_digest", "Poisoned Manager")

    def test_sale_warnings(self):
        block_model = self.env["collection.sale.block"]
        if not block_model._sale_installed():
            self.skipTest("the Sales app (sale) is not installed here: quotations are blocked only with Sales")
        healthy, poisoned = (self._customer(name, collection_blacklisted=True)
                             for name in ("Healthy Sales", "Poisoned Sales"))
        with self._poisoned("collection.sale.block", "_sync_sale_warnings",
                            lambda _blocks, customers=None, *_args: customers is not None and poisoned in customers):
            self.env.ref(f"{MODULE}.ir_cron_collection_sale_warnings").method_direct_trigger()
        self.assertEqual(healthy.sale_warn, "block")
        self.assertNotEqual(poisoned.sale_warn, "block")
        self.assertEqual(len(self._errors_posted(poisoned)), 1)
        self._assert_told_once("ir_cron_collection_sale_warnings", "Poisoned Sales")
