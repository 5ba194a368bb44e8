import zipfile
from io import BytesIO
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import TODAY, CollectionCommon, letter_text
from .test_faults import InjectedFault

# Queries of the calendar's letters queued in one call (letters and lines created, figures frozen, history rows
# linked, the customer files' chatter), whatever the number of customers: measured 30 for 20 customers and 33
# for 200, the ORM writing at most 100 rows a statement in 4 tables (the invoice lines go in one statement, the
# payments applied to the invoices are read in one query).
QUEUE_QUERIES = 33
ROW_CHUNK_TABLES = 4
# Queries of a batch of letters rendered together (contexts read, portal links issued, documents stored),
# whatever the number of letters.
RENDER_QUERIES = 39


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestLetterRender(CollectionCommon):
    """The calendar queues its letters with their figures frozen, at a fixed cost per call; the .docx is written
    when someone needs it or by the render job, in batches whose cost does not grow with their size."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engine = cls.env["collection.letter.engine"]
        # a go-live day: every new customer started at once
        cls.policy.daily_new_customers = 0

    def _calendar_rows(self, count, prefix):
        """History rows of the calendar's first reminder for `count` new customers, as the escalation leaves
        them for the letter job."""
        partners = self.env["res.partner"].create([{"name": f"{prefix} {n}", "is_company": True,
                                                    "email": f"{prefix.lower()}{n}@customer.example"}
                                                   for n in range(count)])
        moves = self._invoices([(partner, 5, 100.0 + index) for index, partner in enumerate(partners)])
        moves._collection_files().with_env(self._cron_env())._escalate(trigger="cron")
        rows = self.engine._pending_calendar_rows()
        self.assertEqual(len(rows), count)
        return rows

    def test_queueing_costs_the_same_for_20_and_200_customers(self):
        # a first call warms the once-per-process caches (templates, model ids), as in a running cron
        self.engine._draft_calendar_letters(self._calendar_rows(3, "Warm"))
        counts = []
        for count, prefix in ((20, "Twenty"), (200, "Many")):
            rows = self._calendar_rows(count, prefix)
            counts.append(self._counted(lambda rows=rows: self.engine._draft_calendar_letters(rows), QUEUE_QUERIES))
            letters = rows.letter_id
            self.assertEqual(len(letters), count, "one letter per row")
            self.assertEqual(set(letters.mapped("render_state")), {"queued"})
            self.assertFalse(self.env["ir.attachment"].search_count([
                ("res_model", "=", "collection.letter"), ("res_id", "in", letters.ids),
                ("res_field", "=", "document_file")]), "no document yet")
            self.assertEqual(len(set(letters.mapped("name"))), count, "a reference each")
            self.assertTrue(all(letter.amount_total >= 100.0 and letter.line_ids.days_overdue == 5
                                for letter in letters), "the figures are frozen with the letter")
            self.assertEqual(letters.line_ids.move_id, rows.customer_id.move_ids, "a line per invoice")
            self.assertEqual(letters.line_ids.company_id, self.company, "the lines' company, as the rules read it")
        self.assertLessEqual(counts[1] - counts[0], ROW_CHUNK_TABLES,
                             "queuing costs the same for 20 and 200 customers (but for the 100-row statements)")
        # a rerun queues nothing twice
        self.assertFalse(self.engine._pending_calendar_rows())

    def test_a_render_batch_costs_the_same_for_5_and_25_letters(self):
        letters = self.engine._draft_calendar_letters(self._calendar_rows(35, "Render"))
        self.engine._render_documents(letters[:5])   # warms the caches, as in a running cron
        counts = [self._counted(lambda batch=batch: self.engine._render_documents(batch), RENDER_QUERIES)
                  for batch in (letters[5:10], letters[10:35])]
        self.assertLessEqual(counts[1], counts[0], "no query per letter")
        self.assertEqual(set(letters.mapped("render_state")), {"rendered"})
        for letter in letters[5:35:7]:
            text = letter_text(letter)
            self.assertIn(letter.partner_id.name, text)
            self.assertIn(letter.name, text)
            self.assertRegex(text, r"/my/collection\?token=\S+", "a portal link of its own")
        self.assertEqual(self.env["collection.portal.token"].search_count(
            [("customer_id", "in", letters.customer_id.ids)]), len(letters), "one link per letter rendered")

    def test_a_queued_letter_is_rendered_with_its_frozen_figures_when_needed(self):
        letters = self.engine._draft_calendar_letters(self._calendar_rows(5, "Lazy"))
        first = letters[0]
        frozen = first.amount_total
        # paid in part since it was queued: the letter says what was due when the calendar asked for it
        self._pay(first.line_ids.move_id, 50.0)
        self.assertEqual(first.render_state, "queued")
        first.with_user(self.collector).action_approve()
        self.assertEqual((first.state, first.render_state), ("approved", "rendered"))
        self.assertIn(f"{frozen:,.2f}", letter_text(first))
        # downloading, sending, the ZIP and opening the form render too
        second, third, fourth, fifth = letters[1:5]
        url = second.with_user(self.collector).action_download()["url"]
        self.assertEqual(second.render_state, "rendered")
        self.assertIn(second.document_filename, url)
        third.with_user(self.collector).action_send_email()
        self.assertEqual((third.state, third.render_state), ("sent", "rendered"))
        self.assertTrue(third.message_ids.attachment_ids.filtered(lambda a: a.name.endswith(".docx")))
        zipped = fourth.with_user(self.collector).action_download_zip()["url"]
        attachment = self.env["ir.attachment"].browse(int(zipped.split("/")[-1].split("?")[0]))
        self.assertEqual(len(zipfile.ZipFile(BytesIO(attachment.raw)).namelist()), 1)
        self.assertEqual(fourth.render_state, "rendered")
        fifth.with_user(self.collector).web_read({"name": {}, "document_file": {}})
        self.assertEqual(fifth.render_state, "rendered")
        # the render job finds nothing left
        self.assertEqual(self.engine._cron_render_letters(), 0)

    def test_a_letter_whose_template_fails_is_marked_and_the_others_rendered(self):
        letters = self.engine._draft_calendar_letters(self._calendar_rows(3, "Broken"))
        broken = letters[1]
        renderer = type(self.engine)
        original = renderer._letter_context

        def context(engine, letter, options, cache=None):
            values = original(engine, letter, options, cache)
            if letter == broken:
                values["company"] = {}     # the template reads company.name: it cannot render
            return values

        with patch.object(renderer, "_letter_context", context), mute_logger(
                "odoo.addons.account_collection_litigation.models.collection_batch_runner"):
            self.assertEqual(self.engine._cron_render_letters(), 3)
        self.assertEqual(broken.render_state, "failed")
        self.assertTrue(broken.render_error)
        self.assertEqual(set((letters - broken).mapped("render_state")), {"rendered"})
        # the user renders it again once the cause is mended; a failure again is said to the user
        with patch.object(renderer, "_letter_context", context), self.assertRaises(UserError):
            broken.with_user(self.collector).action_render()
        broken.with_user(self.collector).action_render()
        self.assertEqual(broken.render_state, "rendered")

    def test_a_render_job_that_crashes_is_rerun_with_nothing_rendered_twice(self):
        letters = self.engine._draft_calendar_letters(self._calendar_rows(6, "Crash"))
        with patch.object(type(self.env["ir.cron"]), "_notify_progress", side_effect=InjectedFault("crash")), \
                mute_logger("odoo.sql_db"), self.assertRaises(InjectedFault), self.env.cr.savepoint():
            self.engine._cron_render_letters(batch_size=4)
        self.env.invalidate_all()
        self.assertEqual(set(letters.mapped("render_state")), {"queued"}, "the crashed slice is rolled back")
        done = []
        while processed := self.engine._cron_render_letters(batch_size=4):
            done.append(processed)
        self.assertEqual(done, [4, 2])
        documents = self.env["ir.attachment"].search([("res_model", "=", "collection.letter"),
                                                      ("res_id", "in", letters.ids),
                                                      ("res_field", "=", "document_file")])
        self.assertEqual(sorted(documents.mapped("res_id")), sorted(letters.ids), "one document per letter")


@tagged("post_install", "-at_install")
class TestRenderWorkers(TransactionCase):
    """The render job's two worker slots at once, on two connections: each renders its own letters, none twice.

    Works on the demo letters (committed, so visible to both connections), queued again for the test and put
    back as they were."""

    def _queue_demo_letters(self):
        """Four demo letters queued again (committed); they are put back as they were at the test's end."""
        setup = self.registry.cursor()
        setup.execute("SELECT id FROM collection_letter WHERE render_state = 'rendered' AND state = 'draft' "
                      "ORDER BY id LIMIT 4")
        ids = tuple(row[0] for row in setup.fetchall())
        if len(ids) < 4:
            setup.close()
            self.skipTest("needs the demo letters")
        setup.execute("UPDATE collection_letter SET render_state = 'queued' WHERE id IN %s", [ids])
        setup.commit()

        def put_back():
            setup.execute("UPDATE collection_letter SET render_state = 'rendered' WHERE id IN %s", [ids])
            setup.commit()
            setup.close()

        self.addCleanup(put_back)
        return ids

    def test_a_worker_skips_the_letters_another_has_just_committed(self):
        """Letters another worker changed and committed after this worker's transaction began cannot be locked
        (REPEATABLE READ): the render job's call takes nothing, does not fail, and asks to be called again; its
        next call, in a fresh snapshot, renders them."""
        ids = self._queue_demo_letters()
        cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
        try:
            cr_b.execute("SELECT count(*) FROM collection_letter")   # B's snapshot: the four letters queued
            cr_a.execute("UPDATE collection_letter SET write_date = now() at time zone 'UTC' WHERE id IN %s",
                         [ids[:2]])
            cr_a.commit()
            engine_b = api.Environment(cr_b, SUPERUSER_ID, {})["collection.letter.engine"]
            self.assertEqual(engine_b._cron_render_letters(batch_size=4), 1, "nothing taken, called again")
            cr_b.execute("SELECT id FROM collection_letter WHERE id IN %s AND render_state = 'rendered'", [ids])
            self.assertFalse(cr_b.fetchall())
            cr_b.rollback()   # the runner's next call: a fresh snapshot, which sees A's commit
            self.assertEqual(engine_b._cron_render_letters(batch_size=4), 4)
            cr_b.execute("SELECT id FROM collection_letter WHERE id IN %s AND render_state = 'rendered'", [ids])
            self.assertEqual({row[0] for row in cr_b.fetchall()}, set(ids))
        finally:
            for cr in (cr_a, cr_b):
                cr.rollback()
                cr.close()

    def test_two_workers_never_render_the_same_letter(self):
        ids = self._queue_demo_letters()
        cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
        try:
            for cr in (cr_a, cr_b):
                cr.execute("SET lock_timeout = '10s'")   # a worker that waited would fail here, not hang
            engine_a = api.Environment(cr_a, SUPERUSER_ID, {})["collection.letter.engine"]
            engine_b = api.Environment(cr_b, SUPERUSER_ID, {})["collection.letter.engine"]
            self.assertEqual(engine_a._cron_render_letters(batch_size=2), 2)
            # B runs while A's slice is not committed: it takes the other letters instead of waiting
            self.assertEqual(engine_b._cron_render_letters(batch_size=3), 2)
            self.assertEqual(engine_b._cron_render_letters(batch_size=3), 0, "nothing left that A does not hold")
            rendered = {}
            for name, cr in (("a", cr_a), ("b", cr_b)):
                cr.execute("SELECT id FROM collection_letter WHERE id IN %s AND render_state = 'rendered'", [ids])
                rendered[name] = {row[0] for row in cr.fetchall()}
            self.assertEqual(len(rendered["a"]), 2)
            self.assertEqual(len(rendered["b"]), 2)
            self.assertFalse(rendered["a"] & rendered["b"], "no letter rendered by both workers")
        finally:
            for cr in (cr_a, cr_b):
                cr.rollback()
                cr.close()
