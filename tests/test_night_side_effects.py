from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from ..models.collection_escalation import DAILY_LIMITS_LOCK_KEY, LIMITS_ELSEWHERE
from .common import TODAY, CollectionCommon

MODULE = "account_collection_litigation"
# Queries of one worklist call that assigns the new files of the day, and of one regrading that proposes new terms
# for a company: whatever the number of files or proposals.
# The worklist call: 85 (84 for 20 files, 85 for 200); it claims its batch (the worklist lock, the claim in a
# savepoint) so that two worker slots share the job, and completes the new files in one UPDATE.
# The regrading: 26 (26 for 20 proposals, 25 for 200).
WORKLIST_QUERIES = 85
REGRADING_QUERIES = 26


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestNightSideEffects(CollectionCommon):
    """What the nightly crons emit besides their own work is priced per batch, not per record: a collector gets
    one notice of the day's new customers, a reviewer one activity for a month's proposals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = new_test_user(cls.env, login="collector_other", name="Collector Other",
                                  email="other@test.example", company_id=cls.company.id,
                                  groups=f"{MODULE}.group_collection_collector")
        cls.env["collection.team"].create({"name": "Everyone", "member_ids": [(6, 0, (cls.collector | cls.other).ids)]})

    def _new_files(self, count):
        """`count` customers that entered collection today, as the escalation leaves them (not assigned yet)."""
        partners = self.env["res.partner"].create([{"name": f"Customer {n}", "is_company": True}
                                                   for n in range(count)])
        files = self.env["collection.customer"].create([{"partner_id": partner.id, "policy_id": self.policy.id}
                                                        for partner in partners])
        self.env.flush_all()
        self.env.cr.execute("UPDATE collection_customer SET overdue_count = 1, claim_amount = id, "
                            "work_assigned = false WHERE id IN %s", [tuple(files.ids)])
        self.env.invalidate_all()
        return files

    def _notices(self, user):
        return self.env["mail.message"].search([("partner_ids", "in", user.partner_id.ids),
                                                ("message_type", "=", "user_notification")])

    def test_worklist_assigns_in_one_batch_with_one_notice_per_collector_and_day(self):
        def worklist():
            self.env["collection.customer"]._cron_prepare_worklists()

        mails_before = self.env["mail.mail"].search_count([])
        counts = []
        # the first two days warm the once-per-process caches (templates, model ids), as in a running cron
        for count, day in ((5, "2026-03-01"), (5, TODAY), (20, "2026-03-03"), (200, "2026-03-04")):
            files = self._new_files(count)
            with freeze_time(f"{day} 04:00:00"):
                counts.append(self._counted(worklist, WORKLIST_QUERIES) if count > 5 else worklist())
            self.assertEqual(set(files.mapped("user_id").ids), {self.collector.id, self.other.id})
            self.assertTrue(all(files.mapped("work_assigned")))
            self.assertFalse(files.message_ids.tracking_value_ids, "no tracking line per file")
            self.assertIn(files[0].user_id.partner_id, files[0].message_partner_ids, "the collector follows")
        # measured 90 and 91. The one query more is the ORM's: it inserts at most 100 rows per INSERT
        # (odoo.models.INSERT_BATCH_SIZE), and the 200 files give one collector more than 100 new followers
        self.assertLessEqual(counts[3] - counts[2], 1, "a worklist batch does not grow with the number of files")
        for user in (self.collector, self.other):
            self.assertEqual(len(self._notices(user)), 4, "one notice a day")
        self.assertIn("You were given 100 new customers", self._notices(self.other)[0].body)
        # later the same day: a new file, no second notice
        self._new_files(1)
        with freeze_time("2026-03-04 06:00:00"):
            self.env["collection.customer"]._assign_collectors()
        self.assertEqual(sum(len(self._notices(user)) for user in (self.collector, self.other)), 8)
        self.assertLessEqual(self.env["mail.mail"].search_count([]) - mails_before, 8,
                             "no 'you have been assigned' mail per file")

    def test_the_escalation_gives_new_customers_their_collector_before_writing_their_invoices(self):
        """Customers entering collection get their team's collector in the escalation itself: their invoices
        carry that collector from the first night (not rewritten by the next one), the collector follows them,
        and the worklists tell each collector once how many new customers the day gave them."""
        partners = [self._customer(f"Newcomer {n}") for n in range(4)]
        moves = self._invoices([(partner, 10, 1000.0 * (n + 1)) for n, partner in enumerate(partners)])
        while self.env["collection.escalation"]._run_batch():
            pass
        files = moves.collection_customer_id
        self.assertEqual(len(files), 4)
        self.assertLessEqual(set(files.user_id.ids), {self.collector.id, self.other.id}, "the team's members")
        self.assertTrue(all(files.mapped("work_assigned")))
        self.assertEqual(set(files.mapped("assigned_on")), {fields.Date.to_date(TODAY)})
        for move in moves:
            file = move.collection_customer_id
            self.assertEqual(move.collection_user_id, file.user_id, "the invoice carries the collector at once")
            self.assertIn(file.user_id.partner_id, file.message_partner_ids, "the collector follows")
        self.env["collection.customer"]._cron_prepare_worklists()
        for user in files.user_id:
            given = self.env["collection.customer"].search_count([("user_id", "=", user.id),
                                                                  ("assigned_on", "=", TODAY)])
            self.assertGreaterEqual(given, len(files.filtered(lambda file, user=user: file.user_id == user)))
            notices = self._notices(user)
            self.assertEqual(len(notices), 1, "one notice for the day")
            self.assertIn(f"You were given {given} new customers", notices.body)

    def test_a_collector_given_by_a_person_is_kept_by_the_run(self):
        """A supervisor chooses the collector of a customer not yet escalated: the run keeps that choice instead of
        picking the team member with the lightest load."""
        files = self._new_files(1)
        files.with_user(self.supervisor).write({"user_id": self.manager.id})
        self._invoice(10, partner=files.partner_id)
        while self.env["collection.escalation"]._run_batch():
            pass
        self.assertEqual(files.user_id, self.manager)
        self.assertTrue(files.work_assigned)

    def test_regrading_asks_each_reviewer_once_per_batch(self):
        counts, batches = [], []
        for count in (5, 5, 20, 200):   # the first two warm the once-per-process caches
            partners = self.env["res.partner"].create([{"name": f"Rated {n}", "is_company": True}
                                                       for n in range(count)])
            ratings = self.env["collection.credit.rating"].create([
                {"partner_id": partner.id, "company_id": self.company.id, "recommended_limit": 500.0}
                for partner in partners])
            self.env["mail.activity"].search([("res_model", "=", "collection.credit.proposal")]).unlink()

            def regrading(ratings=ratings):
                ratings._propose(self.company)

            counts.append(self._counted(regrading, REGRADING_QUERIES) if count > 5 else regrading())
            proposals = ratings.proposal_ids
            batches.append(proposals)
            self.assertEqual(len(proposals), count)
            self.assertEqual(len(proposals.activity_ids), 1, "one review activity for the batch")
        # measured 27 and 26 since the proposals are inserted in one statement: never more for more proposals
        self.assertLessEqual(counts[3], counts[2], "a regrading batch does not grow with the number of proposals")
        activity = proposals.activity_ids
        self.assertIn("Review 200 credit terms proposals", activity.summary)
        # deciding some passes the activity on; deciding the last closes it
        (batches[0] | batches[1] | batches[2] | proposals[:150]).with_user(self.manager).action_reject()
        self.assertEqual(len(proposals.activity_ids), 1)
        self.assertEqual(proposals.activity_ids.res_id, proposals[150].id)
        proposals[150:].with_user(self.manager).action_apply()
        self.assertFalse(proposals.activity_ids)


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestLetterBacklog(CollectionCommon):
    def test_a_letter_queued_long_ago_is_drafted(self):
        """A go-live backlog: the calendar asked for the letter ten days ago and the letter job never ran since."""
        self._invoice(5, amount=800.0)
        file = self._escalate()
        self.env.flush_all()
        self.env.cr.execute("UPDATE collection_history SET create_date = now() - interval '10 days' "
                            "WHERE customer_id = %s", [file.id])
        self.env.invalidate_all()
        engine = self.env["collection.letter.engine"]
        self.assertTrue(engine._pending_calendar_rows())
        while engine._cron_generate_letters():
            pass
        letter = self.env["collection.letter"].search([("customer_id", "=", file.id)])
        self.assertEqual((letter.kind, letter.trigger), ("reminder_1", "calendar"))
        self.assertFalse(engine._pending_calendar_rows())


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestActivityCapacity(CollectionCommon):
    def test_nobody_receives_more_new_activities_a_day_than_their_capacity(self):
        self.env["collection.team"].create({"name": "Small", "member_ids": [(6, 0, self.collector.ids)],
                                            "capacity_activities": 2})
        partners = [self._customer(f"Caller {n}") for n in range(3)]
        self._invoices([(partner, 2, 100.0) for partner in partners])
        files = self.env["collection.customer"].browse()
        for partner in partners:
            files |= self._escalate(partner)
        call = self.actions["Phone call (week 1)"]
        rows = self.env["collection.history"].search([("customer_id", "in", files.ids), ("action_id", "=", call.id)])
        self.assertEqual(len(rows), 3, "one history row per action carried out")
        self.assertEqual(len(files.activity_ids.filtered(lambda a: a.user_id == self.collector)), 2)
        waiting = rows.filtered(lambda row: row.state == "waiting")
        self.assertEqual(len(waiting), 1)
        self.assertFalse(waiting.activity_id)
        # the next day it is given first, once
        with freeze_time("2026-03-03 04:00:00"):
            worklist = self.env["collection.customer"]
            worklist._cron_prepare_worklists()
            worklist._cron_prepare_worklists()
        self.assertEqual(waiting.state, "done")
        self.assertTrue(waiting.activity_id)
        self.assertEqual(len(files.activity_ids.filtered(lambda a: a.user_id == self.collector)), 3)

    def _second_worker_run(self):
        """The escalation as a worker runs it while another worker holds the daily limits."""
        other_worker = self.registry.cursor()   # a connection of its own: the worker holding the limits
        try:
            other_worker.execute("SELECT pg_advisory_xact_lock(%s)", [DAILY_LIMITS_LOCK_KEY])
            while self.env["collection.escalation"]._run_batch():
                pass
        finally:
            other_worker.rollback()
            other_worker.close()

    def test_without_a_cap_a_second_worker_starts_new_customers_too(self):
        """No policy limits the customers started a day: there is nothing to count, so the second worker starts
        new customers too, with their team's collector; their activities wait for the worklist."""
        self.env["collection.policy"].with_context(active_test=False).search([]).daily_new_customers = 0
        self.env["collection.team"].create({"name": "Shared", "member_ids": [(6, 0, self.collector.ids)]})
        partner = self._customer("Uncapped")
        self._invoices([(partner, 2, 100.0)])
        self._second_worker_run()
        file = self._file(partner)
        self.assertEqual((file.checked_on, file.chased_since), (date.fromisoformat(TODAY),) * 2)
        self.assertEqual(file.user_id, self.collector, "its team's collector, given by the second worker")
        self.assertEqual(set(file.move_ids.collection_user_id), {self.collector})
        row = self.env["collection.history"].search([("customer_id", "=", file.id),
                                                     ("action_id", "=", self.actions["Phone call (week 1)"].id)])
        self.assertEqual(row.state, "waiting", "the activity is the worklist's to give, within capacity")

    def test_a_second_worker_leaves_the_next_days_waiting_customers_to_the_first(self):
        """On a following day, a customer still waiting for room in its collector's day is due to the worker
        that counts the daily limits only: the other would check it again just to leave it waiting, and count
        it as work left. Without a cap there is nothing to count, and both take it."""
        partner = self._customer("Still Waiting")
        self._invoices([(partner, 2, 100.0)])
        self._second_worker_run()
        file = self._file(partner)
        self.assertFalse(file.chased_since)
        # the next morning: checked yesterday, still waiting
        self.env.flush_all()
        self.env.cr.execute("UPDATE collection_customer SET checked_on = %s::date - 1 WHERE id = %s", [TODAY, file.id])
        self.env.invalidate_all()
        escalation = self.env["collection.escalation"]

        def due(worker):
            self.env.flush_all()
            self.env.cr.execute(SQL("SELECT c.id FROM %s", worker._files_to_check_sql()))
            return file.id in {row[0] for row in self.env.cr.fetchall()}

        self.assertTrue(due(escalation), "the worker that counts the daily limits may start it")
        self.assertFalse(due(escalation.with_context(**{LIMITS_ELSEWHERE: True})))
        self._second_worker_run()
        self.assertEqual(file.checked_on, date.fromisoformat(TODAY) - timedelta(days=1), "not checked again")
        file.policy_id.daily_new_customers = 0
        self.assertTrue(due(escalation.with_context(**{LIMITS_ELSEWHERE: True})), "no cap: any worker starts it")
        while escalation._run_batch():
            pass
        self.assertEqual((file.checked_on, file.chased_since), (date.fromisoformat(TODAY),) * 2)

    def test_a_second_escalation_worker_leaves_the_daily_limits_to_the_first(self):
        """Two escalation workers at once cannot both count a person's daily limits (neither sees what the other
        has not committed): the one holding the limits lock starts capped new customers and gives activities; the
        other classifies every customer but leaves those starts to it, and its follow-ups wait for the worklist,
        which one worker runs."""
        partner = self._customer("Second Worker")
        self._invoices([(partner, 2, 100.0)])
        call = self.actions["Phone call (week 1)"]
        self._second_worker_run()
        file = self._file(partner)
        self.assertTrue(file, "its file is made by whichever worker runs")
        self.assertEqual(file.checked_on, date.fromisoformat(TODAY), "classified by the second worker")
        self.assertFalse(file.chased_since, "but not started: a capped start is counted by the other worker")
        self.assertEqual(file.next_action_date, date.fromisoformat("2026-03-03"), "it waits for a later day")
        # a customer already chased, due today: its follow-up waits for the worklist
        self.env.flush_all()
        self.env.cr.execute("UPDATE collection_customer SET chased_since = %s::date - 1, checked_on = NULL "
                            "WHERE id = %s", [TODAY, file.id])
        self.env.invalidate_all()
        self._second_worker_run()
        row = self.env["collection.history"].search([("customer_id", "=", file.id), ("action_id", "=", call.id)])
        self.assertEqual(row.state, "waiting")
        self.assertFalse(row.activity_id)
        self.env["collection.customer"]._cron_prepare_worklists()
        self.assertEqual(row.state, "done")
        self.assertIn(row.activity_id, file.activity_ids)
        self.assertEqual(row.activity_id.user_id, self.collector)
