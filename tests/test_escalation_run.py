import threading
from contextlib import nullcontext
from datetime import timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields
from odoo.addons.base.tests.test_ir_cron import CronMixinCase
from odoo.exceptions import AccessError, UserError
from odoo.tests import RecordCapturer, TransactionCase, tagged
from odoo.tools import SQL

from ..models.collection_escalation import SYNC_LOCK_KEY
from .common import TODAY, CollectionCommon

# Queries of one batch of four customers on a working day, with their stage changes and calendar actions (the
# working-day calendar: 2 of them, its public holidays and its adjusted working days; the assignees' activity
# capacity: 1; the failure marks cleared with the day's check; the teams that new customers' collectors come
# from: 1; the days their pauses start or end: 1).
QUERIES_PER_BATCH = 55


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestEscalationRun(CollectionCommon, CronMixinCase):
    """The daily run: batches, idempotence, resuming after a crash, and a flat query count."""

    def _our_files(self, partners):
        return self.env["collection.customer"].search([("partner_id", "in", partners.ids)])

    def _run_to_the_end(self, batch_size=500):
        model = self.env["collection.customer"]
        while model._cron_escalate(batch_size=batch_size):
            pass

    def test_scheduled_action_runs_and_second_run_does_nothing(self):
        self._invoice(4)
        cron = self.env.ref("account_collection_litigation.ir_cron_collection_escalate")
        cron.method_direct_trigger()
        file = self._file()
        self.assertEqual(file.checked_on, fields.Date.today())
        self.assertEqual(file.stage_id, self.stages["Friendly reminder"])
        self.assertEqual(set(self._actions_done().mapped("name")), {"Phone call (week 1)", "First reminder letter"})
        # The very first escalation of a customer already gives its activities to the policy's collector.
        self.assertEqual(file.activity_ids.user_id, self.collector)
        self.assertEqual(file.user_id, self.collector)
        with RecordCapturer(self.env["mail.activity"], []) as activities, \
                RecordCapturer(self.env["collection.history"], []) as history, \
                RecordCapturer(self.env["mail.message"], []) as messages:
            cron.method_direct_trigger()
            file._escalate(trigger="manual")   # even a forced re-evaluation adds nothing
        self.assertFalse(activities.records)
        self.assertFalse(history.records)
        self.assertFalse(messages.records)

    def test_run_from_the_web_client_starts_the_scheduled_action(self):
        """*Run Escalation Now* starts the cron and says so; it escalates nothing inside the request."""
        self._invoice(4)
        file = self._file()
        with self.capture_triggers("account_collection_litigation.ir_cron_collection_escalate") as triggers, \
                RecordCapturer(self.env["collection.history"], []) as history:
            result = self.env["collection.customer"].with_user(self.manager).action_run_escalation()
        self.assertEqual(len(triggers.records), 1)
        self.assertLessEqual(triggers.records.call_at, fields.Datetime.now())
        self.assertFalse(history.records)
        self.assertFalse(file.checked_on)
        self.assertIn("started", result["params"]["title"])
        self.assertIn("Collections: daily escalation", result["params"]["message"])

    def test_saving_forms_only_queues_the_customers(self):
        """Changing a customer's type, pausing, resuming, a group pause and the stage wizard queue the customers
        for the run and start it; nothing is escalated, sent or scheduled inside the user's request. Only
        *Escalate Now* acts at once."""
        strict = self.env["collection.policy"].create({
            "name": "Occasional: strict", "customer_type": "occasional", "collector_id": self.collector.id,
            "stage_ids": [(0, 0, {"name": "Formal at once", "days_from": 1})],
        })
        move = self._invoice(40)
        file = self._escalate()
        stage = file.stage_id

        def saving(label, save):
            with self.subTest(form=label), \
                    self.capture_triggers("account_collection_litigation.ir_cron_collection_escalate") as triggers, \
                    RecordCapturer(self.env["collection.history"], [("event", "=", "action")]) as actions, \
                    RecordCapturer(self.env["mail.activity"], []) as activities, \
                    RecordCapturer(self.env["mail.mail"], []) as mails:
                save()
                self.assertFalse(file.checked_on, "the customer waits for the run")
                self.assertTrue(triggers.records, "the run is started")
                self.assertFalse(actions.records or activities.records or mails.records)

        saving("customer type", lambda: self.customer.write({"collection_customer_type": "occasional"}))
        self.assertNotEqual(file.policy_id, strict)
        self._escalate()
        self.assertEqual(file.policy_id, strict)
        self.customer.collection_customer_type = False
        self._escalate()

        pauses = []
        saving("pause", lambda: pauses.append(self.env["collection.pause"].with_user(self.collector).create({
            "partner_id": self.customer.id, "reason": "dispute", "note": "Quality claim"})))
        pause = pauses[0]
        self.assertFalse(move.collection_pause_id)
        self._escalate()
        self.assertEqual(move.collection_pause_id, pause)
        saving("resume", pause.with_user(self.collector).action_resume)
        self.assertEqual(move.collection_pause_id, pause)
        self._escalate()
        self.assertFalse(move.collection_pause_id)

        group = self.env["collection.group.pause"].with_user(self.manager).create({
            "name": "Typhoon", "date_from": TODAY, "date_to": "2026-03-20", "partner_ids": self.customer.ids,
        })
        saving("group pause", group.action_confirm)
        self.assertFalse(move.collection_pause_id)
        self._escalate()
        self.assertEqual(move.collection_pause_reason, "group")
        group.action_cancel()
        self._escalate()

        wizard = self.env["collection.stage.wizard"].with_user(self.collector).create({
            "move_ids": move.ids, "stage_id": self.stages["Intensified"].id, "note": "Stopped answering",
        })
        saving("stage wizard", wizard.action_confirm)
        self.assertEqual(file.stage_id, stage)
        self._escalate()
        self.assertEqual(file.stage_id, self.stages["Intensified"])

        # Escalate Now on chosen customers is the one action that escalates at once.
        file._mark_to_recheck()
        file.with_user(self.collector).action_escalate_now()
        self.assertEqual(file.checked_on, fields.Date.today())

    def test_run_interrupted_after_first_batch_resumes_without_duplicates(self):
        partners = self.env["res.partner"].union(*(self._customer(f"Batch {n}") for n in range(5)))
        self._invoices([(partner, 4, 100.0) for partner in partners])
        model = self.env["collection.customer"]
        self._run_to_the_end()   # anything else in the database first: our five are then the only work
        self._our_files(partners)._mark_to_recheck()
        self.assertEqual(model._cron_escalate(batch_size=2), 2)   # first batch, committed by the runner
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            model._cron_escalate(batch_size=2)   # the second batch dies half way: rolled back
            raise RuntimeError("worker killed")
        self._run_to_the_end(batch_size=2)
        files = self._our_files(partners)
        self.assertEqual(set(files.mapped("checked_on")), {fields.Date.today()})
        history = self.env["collection.history"].search([("partner_id", "in", partners.ids), ("event", "=", "action")])
        # Day 4: the week-1 phone call and the first letter, once each per customer.
        self.assertEqual(len(history), 10)
        self.assertEqual(len(set(history.mapped("dedup_key"))), 10)
        activities = self.env["mail.activity"].search([("res_model", "=", "collection.customer"),
                                                       ("res_id", "in", files.ids)])
        self.assertEqual(len(activities), 5, "the phone calls; the letters are drafted by the letter cron")
        self.env["collection.letter.engine"]._cron_generate_letters()
        self.assertEqual(len(self.env["collection.letter"].search([("customer_id", "in", files.ids)])), 5)

    def test_customers_without_a_file_get_it_in_the_next_run(self):
        """Invoices from before the install (or written in SQL) have no customer file: the next run creates it
        and escalates the customer, even on a day when another file was checked already."""
        earlier = self._customer("Checked Earlier Today")
        self._invoice(10, partner=earlier)
        self._escalate(earlier)
        missed = self._customer("Invoiced Before The Install")
        move = self._invoice(40, partner=missed)
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM collection_customer WHERE partner_id = %s", [missed.id])
        self.env.invalidate_all()
        self.assertFalse(self._file(missed))
        self._run_to_the_end()
        file = self._file(missed)
        self.assertEqual(file.checked_on, fields.Date.today())
        self.assertEqual(file.stage_id, self.stages["Formal notice"])
        self.assertEqual(move.collection_customer_id, file)
        self.assertEqual(move.collection_stage_id, self.stages["Formal notice"])

    def test_query_count_does_not_grow_with_invoices(self):
        """The same customers' batch costs as many queries with 20 invoices as with 200."""
        def batch(label, invoices):
            customers = self.env["res.partner"].union(*(self._customer(f"{label} {n}") for n in range(4)))
            self._invoices([(customers[n % 4], 4 + n % 3, 100.0) for n in range(invoices)])
            return self._our_files(customers)

        warmups = [batch(f"Warm-up {n}", 20) for n in range(2)]
        big, small = batch("Big", 200), batch("Small", 20)
        today = fields.Date.today()
        counts = []
        for files in (*warmups, big, small):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            # Warm-ups fill once-per-process caches (templates, defaults of bus messages sent as this user)
            # as in a cron that is running; the setup's own pending notifications go out with the first.
            with self.assertQueryCount(QUERIES_PER_BATCH) if files not in warmups else nullcontext():
                files._escalate(trigger="cron", today=today)
                self.env.flush_all()
                self.env.cr.flush()
            counts.append(self.cr.sql_log_count - before)
        self.assertEqual(counts[2], counts[3])
        self.assertEqual(len(self.env["account.move"].search([("collection_customer_id", "in", big.ids)])), 200)
        self.assertEqual(set(big.mapped("stage_id.name")), {"Friendly reminder"})


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestQuietFiles(CollectionCommon):
    """A file is looked at in full only on its next check (or after a change): on every other day, the full
    escalation would have changed nothing of it but its days, which the run ages in SQL."""

    def _escalation(self):
        return self.env["collection.escalation"].sudo().with_company(self.company)

    def _what_a_full_run_would_change(self, files, today):
        """(invoice rows, {file id: columns}, new calendar actions, pauses ended) that escalating every file
        in full today would write, computed in a savepoint rolled back."""
        escalation = self._escalation()
        pauses = self.env["collection.pause"].search([("state", "=", "active")])
        with self.env.cr.savepoint() as savepoint:
            batch = escalation._escalation_read(files, "cron", today)
            escalation._escalation_classify(batch)
            escalation._escalation_plan_actions(batch)
            escalation._escalation_schedule_checks(batch)
            ended = pauses.filtered(lambda pause: pause.state != "active")
            savepoint.rollback()
        self.env.invalidate_all()
        columns = [col for col in escalation._escalation_file_columns() if col != "next_check_on"]
        changed = {file["id"]: {col: (file[col], file["_values"][col]) for col in columns
                                if file[col] != file["_values"][col]} for file in batch["files"]}
        done = set(self.env["collection.history"].search([("customer_id", "in", files.ids)]).mapped("dedup_key"))
        new_actions = [row for row in batch["planned"] if row["dedup_key"] not in done]
        return batch["move_rows"], {key: value for key, value in changed.items() if value}, new_actions, ended

    def test_a_quiet_file_is_one_the_full_run_would_not_change(self):
        self.policy.write({"daily_new_customers": 1, "legal_min_actions": 1, "legal_min_days": 0})
        ages = (-20, -6, -4, 0, 2, 6, 12, 25, 33, 45, 58, 64, 88, 95, 130, 200)
        customers = self.env["res.partner"].union(*(self._customer(f"Quiet {days}") for days in ages))
        moves = self._invoices([(customer, days, 500.0 + days) for customer, days in zip(customers, ages, strict=True)]
                               + [(customers[9], 3, 80.0), (customers[12], -2, 90.0)])
        # the smallest claim: it waits for its collector's room for days, held back by soft collection from Legal
        held = self._customer("Quiet Held")
        self._invoices([(held, 100, 50.0)])
        customers |= held
        promised = customers[7]
        self.env["collection.pause"].create({"partner_id": promised.id, "reason": "promise", "promise_amount": 10.0,
                                             "date_to": fields.Date.today() + timedelta(days=9)})
        start, escalated = fields.Date.today(), []
        for offset in range(35):
            today = start + timedelta(days=offset)
            with freeze_time(f"{today} 04:00:00"):
                if offset == 10:
                    self._pay(moves[5], 300.0)
                if offset == 4:   # a note on the held customer: the chasing step soft collection lacked
                    file = self._file(held)
                    self.assertEqual((file.stage_id, file.chased_since), (self.stages["Intensified"], False))
                    self.assertTrue(file.stage_note)
                    self.assertGreater(file.next_check_on, today, "quiet today")
                    file.message_post(body="Called the buyer: no payment before the audit.",
                                      message_type="comment", subtype_xmlid="mail.mt_note")
                escalated.append(0)
                while count := self.env["collection.customer"]._cron_escalate(batch_size=4):
                    escalated[-1] += count
                files = self.env["collection.customer"].search([("partner_id", "in", customers.ids)])
                self.assertEqual(set(files.mapped("checked_on")), {today}, f"every file checked on day {offset}")
                moves_changed, files_changed, new_actions, ended = self._what_a_full_run_would_change(files, today)
                self.assertEqual((moves_changed, files_changed, new_actions, ended.ids), ([], {}, [], []),
                                 f"day {offset} ({today:%a}) left a file that the full run would change")
                if offset == 4:
                    self.assertEqual(self._file(held).stage_id, self.stages["Legal"], "woken by the note")
        # customers waiting for room in their collector's day, or between two actions, are left quiet
        self.assertLess(escalated[1], len(customers))
        self.assertLess(sum(escalated), len(customers) * len(escalated))

    def test_a_payment_a_new_invoice_or_a_policy_change_queues_a_quiet_file(self):
        first = self._invoice(-20)   # its pre-due stage in 15 days
        self._escalate()
        file = self._file()
        self.assertEqual(file.next_check_on, fields.Date.today() + timedelta(days=15))
        tomorrow = fields.Date.today() + timedelta(days=1)

        def due_tomorrow():
            with freeze_time(f"{tomorrow} 04:00:00"):
                self.env.flush_all()
                self.env.cr.execute(SQL("SELECT c.id FROM %s",
                                        self.env["collection.escalation"]._files_to_check_sql()))
                return file.id in {row[0] for row in self.env.cr.fetchall()}

        self.assertFalse(due_tomorrow(), "nothing changes tomorrow")
        changes = {
            "a new invoice": lambda: self._invoice(-10),
            "a payment": lambda: self._pay(first, 100.0),
            "a calendar line changed": lambda: self.actions["Visit (week 3)"].write({"day_from": 16}),
        }
        for change, make in changes.items():
            make()
            self.assertTrue(due_tomorrow(), change)
            self._escalate()
            self.assertFalse(due_tomorrow(), change)
        self.assertEqual(file.next_check_on, fields.Date.today() + timedelta(days=5), "the new invoice's pre-due stage")
        self.actions["Visit (week 3)"].write({"name": "Visit the buyer"})
        self.stages["Legal"].write({"fold": True})
        self.assertFalse(due_tomorrow(), "a name or a kanban fold changes nothing of the calendar")

    def test_only_the_run_sets_when_a_file_is_checked(self):
        """A date written by RPC or an import could keep a customer out of the run: refused, whoever writes it."""
        self._invoice(20)
        file = self._escalate()
        later = fields.Date.today() + timedelta(days=365)
        for user in (self.collector, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    file.with_user(user).write({"next_check_on": later})
                with self.assertRaises(AccessError):
                    file.with_user(user).write({"checked_on": later})
                with self.assertRaises(AccessError):
                    self.env["collection.customer"].with_user(user).create({
                        "partner_id": self._customer(f"Imported {user.login}").id, "checked_on": later})
        result = self.env["collection.customer"].with_user(self.manager).load(
            [".id", "next_check_on"], [[str(file.id), str(later)]])
        self.assertTrue(result["messages"], "the import is refused with a message")
        self.assertFalse(result["ids"])
        self.assertNotEqual(file.next_check_on, later)


@tagged("post_install", "-at_install")
class TestConcurrentRuns(TransactionCase):
    """Two runs at once on two connections, as two Odoo servers would run the cron: no wait, no duplicate.

    Works on the demo customers, which are committed and so visible to both connections; both roll back."""

    @freeze_time("2030-01-07 04:00:00")   # a Monday after the demo was built: every demo customer is due
    def test_two_runs_at_once(self):
        today = fields.Date.today()
        cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
        try:
            for cr in (cr_a, cr_b):
                cr.execute("SET lock_timeout = '10s'")   # a run that waited would fail here, not hang
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            if env_a["collection.customer"].search_count([]) < 6:
                self.skipTest("needs the demo customers")
            self.assertEqual(env_a["collection.customer"]._cron_escalate(batch_size=3), 3)
            locked_by_a = env_a["collection.customer"].search([("checked_on", "=", today)])
            self.assertEqual(len(locked_by_a), 3)
            # B runs while A's batch is not committed: it skips A's customers instead of waiting.
            self.assertEqual(env_b["collection.customer"]._cron_escalate(batch_size=3), 3)
            done_by_b = env_b["collection.customer"].search([("checked_on", "=", today)])
            self.assertFalse(set(done_by_b.ids) & set(locked_by_a.ids))
            # A user's "escalate now" on a customer A is working on is refused at once.
            with self.assertRaises(UserError):
                env_b["collection.customer"].browse(locked_by_a[:1].ids).action_escalate_now()
            keys_a = set(env_a["collection.history"].search([("dedup_key", "!=", False)]).mapped("dedup_key"))
            keys_b = set(env_b["collection.history"].search([("dedup_key", "!=", False)]).mapped("dedup_key"))
            new_a, new_b = keys_a - keys_b, keys_b - keys_a
            self.assertTrue(new_a and new_b)
            self.assertFalse(new_a & new_b)
        finally:
            for cr in (cr_a, cr_b):
                cr.rollback()
                cr.close()

    @freeze_time("2030-01-07 04:00:00")
    def test_rows_another_run_committed_meanwhile_are_skipped(self):
        """B's transaction began before A committed its batch (REPEATABLE READ): locking A's rows fails with a
        serialization failure. B's call takes nothing, quietly, and asks to be called again; its next call, in a
        fresh snapshot, escalates the others."""
        today = fields.Date.today()
        cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
        env_a = api.Environment(cr_a, SUPERUSER_ID, {})
        env_b = api.Environment(cr_b, SUPERUSER_ID, {})
        model_b = env_b["collection.customer"]
        done_by_a = {}
        try:
            cr_a.execute("SELECT id, checked_on FROM collection_customer ORDER BY id LIMIT 3")
            done_by_a = dict(cr_a.fetchall())
            if len(done_by_a) < 3 or env_a["collection.customer"].search_count([]) < 6:
                self.skipTest("needs the demo customers")
            cr_b.execute("SELECT 1")   # B's transaction, and its snapshot, begin here
            # A finishes its batch and commits (only the mark of a file done today matters here).
            cr_a.execute("UPDATE collection_customer SET checked_on = %s WHERE id IN %s", [today, tuple(done_by_a)])
            cr_a.commit()
            with self.assertNoLogs("odoo.sql_db", "ERROR"):
                self.assertEqual(model_b._cron_escalate(batch_size=5), 1, "nothing taken, called again")
            self.assertFalse(model_b.search_count([("checked_on", "=", today), ("id", "not in", list(done_by_a))]))
            cr_b.rollback()   # the runner's next call: a fresh snapshot, which sees A's commit
            done = model_b._cron_escalate(batch_size=5)
            self.assertGreater(done, 0)
            done_by_b = model_b.search([("checked_on", "=", today), ("id", "not in", list(done_by_a))])
            self.assertEqual(len(done_by_b), done)
            self.assertFalse(set(done_by_b.ids) & set(done_by_a))
        finally:
            cr_b.rollback()
            cr_b.close()
            # Leave the database as it was: A's commit is undone by hand.
            for file_id, checked_on in done_by_a.items():
                cr_a.execute("UPDATE collection_customer SET checked_on = %s WHERE id = %s", [checked_on, file_id])
            cr_a.commit()
            cr_a.close()

    @freeze_time("2030-01-07 04:00:00")
    def test_a_worker_waits_for_another_catching_up_and_asks_to_be_called_again(self):
        """B has nothing to take while A catches up (on a go-live night A makes every file then): B waits for A's
        commit and reports work done and remaining, so that the cron runner calls it again in a fresh snapshot,
        which sees A's files, instead of ending B's night."""
        today = fields.Date.today()
        cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
        try:
            cr_b.execute("SET lock_timeout = '10s'")   # a wait that never ended would fail here, not hang
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            cr_b.execute("UPDATE collection_customer SET checked_on = %s", [today])   # B: nothing left to take
            cr_a.execute("SELECT pg_advisory_xact_lock(%s)", [SYNC_LOCK_KEY])        # A: catching up
            threading.Timer(0.5, cr_a.rollback).start()                              # A's commit, soon
            self.assertEqual(env_b["collection.customer"]._cron_escalate(batch_size=3), 1,
                             "the catch-up waited for counts as work done: the runner calls again")
            self.assertEqual(env_b["collection.customer"]._cron_escalate(batch_size=3), 0,
                             "the next call catches up itself and finds nothing: the night ends")
        finally:
            for cr in (cr_a, cr_b):
                cr.rollback()
                cr.close()

    @freeze_time("2030-01-07 04:00:00")
    def test_a_claim_that_meets_another_workers_commit_takes_nothing(self):
        """Files another worker changed and committed after this transaction began cannot be locked (REPEATABLE
        READ): the claim takes nothing and says it was contended, in one query, not three per candidate; the
        next call's claim, in a fresh snapshot, takes them."""
        cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
        try:
            model_a, model_b = (api.Environment(cr, SUPERUSER_ID, {})["collection.customer"] for cr in (cr_a, cr_b))
            cr_a.execute(SQL("SELECT id FROM collection_customer WHERE %s", model_a._work_to_check_sql()))
            ids = tuple(row[0] for row in cr_a.fetchall())
            if len(ids) < 3:
                self.skipTest("needs the demo customers")
            cr_b.execute("SELECT 1")   # B's transaction, and its snapshot, begin here
            cr_a.execute("UPDATE collection_customer SET write_date = write_date WHERE id IN %s", [ids])  # no change
            cr_a.commit()
            queries = cr_b.sql_log_count
            claim = model_b._claim_work_batch(len(ids))
            self.assertEqual((claim.records.ids, claim.contended), ([], True))
            self.assertLessEqual(cr_b.sql_log_count - queries, 8, "its query in a savepoint, not three per file")
            cr_b.rollback()   # the next call
            claim = model_b._claim_work_batch(len(ids))
            self.assertEqual((sorted(claim.records.ids), claim.contended), (sorted(ids), False))
        finally:
            for cr in (cr_a, cr_b):
                cr.rollback()
                cr.close()

    @freeze_time("2030-01-07 04:00:00")
    def test_two_worklist_slots_take_separate_slices(self):
        """The worklist job's two worker slots run at once on two connections: each claims its own batch of files
        (held until its commit), never one the other holds; a crashed worker's batch is free again at once."""
        today = fields.Date.today()
        cr_a, cr_b, cr_c = self.registry.cursor(), self.registry.cursor(), self.registry.cursor()
        try:
            for cr in (cr_a, cr_b, cr_c):
                cr.execute("SET lock_timeout = '10s'")   # a worker that waited would fail here, not hang
            model_a, model_b, model_c = (api.Environment(cr, SUPERUSER_ID, {})["collection.customer"]
                                         for cr in (cr_a, cr_b, cr_c))
            if model_a.search_count([("overdue_count", ">", 0), ("work_assigned", "=", True)]) < 6:
                self.skipTest("needs the demo customers")
            self.assertEqual(model_a._cron_prepare_worklists(batch_size=3), 3)
            taken_a = model_a.search([("work_checked_on", "=", today)])
            self.assertEqual(len(taken_a), 3)
            # B runs while A's batch is not committed: it takes the next files instead of waiting for A's
            self.assertEqual(model_b._cron_prepare_worklists(batch_size=3), 3)
            taken_b = model_b.search([("work_checked_on", "=", today)])
            self.assertEqual(len(taken_b), 3)
            self.assertFalse(set(taken_a.ids) & set(taken_b.ids), "two workers never take the same files")
            # A crashes: its transaction ends, its batch is claimed by the next worker; B's is still held
            cr_a.rollback()
            claimed = model_c._claim_work_batch(20).records
            self.assertTrue(set(taken_a.ids) <= set(claimed.ids))
            self.assertFalse(set(taken_b.ids) & set(claimed.ids))
        finally:
            for cr in (cr_a, cr_b, cr_c):
                cr.rollback()
                cr.close()
