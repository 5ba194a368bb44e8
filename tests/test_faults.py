import logging
from collections import Counter
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import TODAY
from .legal_common import MODULE, LegalCommon

_logger = logging.getLogger(__name__)


class InjectedFault(Exception):
    """A failure in the middle of a run (a crash, a lost connection, a bug in a hook)."""


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 04:00:00")
class TestFaults(LegalCommon):
    """A failure injected in the middle of the escalation, the letter batch and the write-off rolls back what
    that call did, as the cron runner does; a rerun then finishes the work with nothing done twice: no
    duplicate activity, letter, email, history row or journal entry, nothing lost."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.debtors = [cls._customer(f"Fault Debtor {index}") for index in range(4)]
        cls.moves = cls._invoices([(partner, days, 1000.0 * (index + 1))
                                   for index, partner in enumerate(cls.debtors) for days in (10, 45)])
        cls.faults = 0

    @classmethod
    def tearDownClass(cls):
        _logger.info("faults survived: %s", cls.faults)
        super().tearDownClass()

    def _files(self):
        return self.env["collection.customer"].search([("partner_id", "in", [p.id for p in self.debtors])])

    def _run_with_fault(self, run, target, attribute, fail_on_call=1):
        """Run `run()` with `target.attribute` failing on its `fail_on_call`-th call, rolled back like a cron
        call that raised; return how many calls the fault let through."""
        original = getattr(target, attribute)
        calls = []

        def failing(*args, **kwargs):
            calls.append(1)
            if len(calls) == fail_on_call:
                raise InjectedFault("injected")
            return original(*args, **kwargs)

        with patch.object(target, attribute, failing), mute_logger("odoo.sql_db"), \
                self.assertRaises(InjectedFault), self.env.cr.savepoint():
            run()
        self.env.invalidate_all()
        type(self).faults += 1
        return len(calls)

    def _state(self):
        """What a run leaves, to compare reruns: history keys, activities, letters, emails, entries."""
        files = self._files()
        history = self.env["collection.history"].search([("customer_id", "in", files.ids)])
        activities = self.env["mail.activity"].search([("res_model", "=", "collection.customer"),
                                                       ("res_id", "in", files.ids)])
        letters = self.env["collection.letter"].search([("customer_id", "in", files.ids),
                                                        ("state", "!=", "cancelled")])
        mails = self.env["mail.mail"].search([("model", "=", "collection.customer"), ("res_id", "in", files.ids)])
        return {
            "history": Counter((row.customer_id.id, row.event, row.dedup_key or row.id) for row in history),
            "activities": Counter((a.res_id, a.activity_type_id.id, a.date_deadline, a.summary) for a in activities),
            "letters": Counter((letter.customer_id.id, letter.kind, letter.date) for letter in letters),
            "mails": Counter((mail.res_id, mail.subject) for mail in mails),
        }

    def assertNothingTwice(self, state):
        for kind, counter in state.items():
            twice = {key: count for key, count in counter.items() if count > 1}
            self.assertFalse(twice, f"{kind} made twice: {twice}")

    def test_escalation_interrupted_then_rerun(self):
        escalation = self.env["collection.escalation"]
        # the first batch fails after its work, before the runner commits: everything of that call is rolled back
        self._run_with_fault(lambda: escalation._run_batch(batch_size=2), type(self.env["ir.cron"]),
                             "_notify_progress")
        self.assertFalse(self._files().filtered(lambda f: f.checked_on), "nothing of the failed call stays")
        while escalation._run_batch(batch_size=2):
            pass
        state = self._state()
        self.assertNothingTwice(state)
        self.assertTrue(state["history"], "the rerun did the work")
        self.assertTrue(all(self._files().mapped("checked_on")), "every customer was escalated")
        # a second rerun the same day does nothing more
        while escalation._run_batch(batch_size=2):
            pass
        self.assertEqual(self._state(), state)

    def test_letter_batch_interrupted_then_rerun(self):
        self.env["collection.escalation"]._sync_customer_files()     # files, without the calendar's letters
        files = self._files()
        self.assertEqual(len(files), 4)
        engine = self.env["collection.letter.engine"]
        batch = self.env["collection.letter.batch"].create({
            "name": "Fault batch", "kind": "reminder_1", "date": TODAY, "company_id": self.company.id,
            "customer_ids": [(6, 0, files.ids)]})
        # the first slice fails after its letters were made, before the runner commits: rolled back, letters and all
        self._run_with_fault(lambda: engine._cron_generate_letters(batch_size=3), type(self.env["ir.cron"]),
                             "_notify_progress")
        letters = self.env["collection.letter"].search([("customer_id", "in", files.ids)])
        self.assertFalse(letters, "nothing of the failed slice stays")
        while engine._cron_generate_letters(batch_size=3):
            pass
        letters = self.env["collection.letter"].search([("customer_id", "in", files.ids)])
        self.assertEqual(sorted(letters.customer_id.ids), sorted(files.ids), "one letter per customer")
        self.assertEqual(batch.state, "done")
        self.assertNothingTwice(self._state())
        engine._cron_generate_letters(batch_size=3)
        self.assertEqual(self.env["collection.letter"].search_count([("customer_id", "in", files.ids)]), len(files))

    def test_write_off_interrupted_then_rerun(self):
        self.company.write({
            "collection_write_off_journal_id": self.company_data["default_journal_misc"].id,
            "collection_bad_debt_account_id": self.company_data["default_account_expense"].id,
            "collection_write_off_limit": 1_000_000.0,
        })
        manager = new_test_user(
            self.env, login="fault_legal_manager", groups=f"{MODULE}.group_litigation_manager,"
            f"{MODULE}.group_collection_general_manager,account.group_account_invoice", company_id=self.company.id)
        moves = self.moves.filtered(lambda m: m.partner_id == self.debtors[0])
        entries_before = self.env["account.move"].search_count([("journal_id", "=", self.company_data[
            "default_journal_misc"].id)])

        def write_off():
            wizard = self.env["collection.write.off.wizard"].with_user(manager).create(
                {"move_ids": [(6, 0, moves.ids)], "reason": "bankruptcy"})
            return wizard.action_write_off()

        # the reconciliation fails after the entry was created and posted: no entry, no write-off stays
        self._run_with_fault(write_off, type(self.env["account.move.line"]), "reconcile")
        self.assertEqual(self.env["account.move"].search_count(
            [("journal_id", "=", self.company_data["default_journal_misc"].id)]), entries_before)
        self.assertFalse(self.env["collection.write.off"].search([("move_ids", "in", moves.ids)]))
        self.assertTrue(all(move.amount_residual for move in moves), "the invoices are still open")
        action = write_off()
        write_offs = self.env["collection.write.off"].search([("move_ids", "in", moves.ids)])
        self.assertEqual(len(write_offs), 1)
        if write_offs.state == "posted":
            self.assertEqual(self.env["account.move"].search_count(
                [("journal_id", "=", self.company_data["default_journal_misc"].id)]), entries_before + 1)
        self.assertTrue(action)
